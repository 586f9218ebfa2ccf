"""Small CLI commands: dismiss, restore, edit-claim, history, undo, redo (#11 items 4, 5),
documents, stats on an empty database, the claims reasons column, plain link passage ids (#11 items 7, 10)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, corpus, review


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def first_claims(path, n=2):
    db = connect(path)
    try:
        return [c.id for c in corpus.list_claims(db, limit=n)]
    finally:
        db.close()


def test_dismiss_restore_and_history(seed_db_path):
    claim, _ = first_claims(seed_db_path)
    result = run("--db", seed_db_path, "dismiss", claim, "--reason", "a headline", "--reviewer", "ana")
    assert result.exit_code == 0 and result.output == f"claim {claim}: dismissed (a headline)\n"
    listed = json.loads(run("--db", seed_db_path, "claims", "--json").output)
    assert claim not in [r["id"] for r in listed]
    assert run("--db", seed_db_path, "dismiss", claim).output.startswith(f"claim {claim}: already dismissed")
    (row,) = json.loads(run("--db", seed_db_path, "claims", "--status", "dismissed", "--json").output)
    assert (row["id"], row["dismissed_by"]) == (claim, "ana") and row["dismissed_at"]
    plain = run("--db", seed_db_path, "claims", "--status", "dismissed").output.split()
    assert plain[:2] == [str(claim), "dismissed"]
    assert json.loads(run("--db", seed_db_path, "stats", "--json").output)["dismissed"] == 1
    assert (
        run("--db", seed_db_path, "restore", claim, "--reviewer", "ana").output
        == f"claim {claim}: restored\n"
    )
    result = run("--db", seed_db_path, "history", claim)
    lines = result.output.splitlines()
    assert result.exit_code == 0 and len(lines) == 2
    assert "ana  dismiss: (not dismissed) -> a headline" in lines[0]
    assert "dismiss: a headline -> (not dismissed)" in lines[1]
    rows = json.loads(run("--db", seed_db_path, "history", claim, "--json").output)
    assert [(r["kind"], r["old"], r["new"], r["reviewer"]) for r in rows] == [
        ("dismiss", None, "a headline", "ana"),
        ("dismiss", "a headline", None, "ana"),
    ]


def test_unknown_ids_and_bad_edits_are_one_line(seed_db_path):
    for args in (
        ("dismiss", 999999),
        ("restore", 999999),
        ("history", 999999),
        ("edit-claim", 999999, "--text", "x"),
    ):
        result = run("--db", seed_db_path, *args)
        assert result.exit_code == 2 and result.output == "error: no claim with id 999999\n", args
    claim, _ = first_claims(seed_db_path)
    result = run("--db", seed_db_path, "edit-claim", claim, "--text", "  ")
    assert result.exit_code == 2 and result.output == "error: the claim's text cannot be empty\n"
    result = run("--db", seed_db_path, "edit-claim", claim, "--start", 0, "--end", 10**9)
    assert result.exit_code == 2 and "not a span of the claim's document" in result.output
    assert "Traceback" not in result.output
    result = run("--db", seed_db_path, "edit-claim", claim)
    assert result.exit_code == 2 and "give --text, or --start and --end" in result.output
    assert review.history(connect(seed_db_path)) == []


def test_edit_claim_by_text_and_by_span(seed_db_path):
    claim, _ = first_claims(seed_db_path)
    result = run("--db", seed_db_path, "edit-claim", claim, "--text", "A \x1b[31mshorter claim")
    assert result.exit_code == 0 and result.output == f"claim {claim} now: A \\x1b[31mshorter claim\n"
    db = connect(seed_db_path)
    text = corpus.document_text(db, corpus.get_claim(db, claim).document_id)
    result = run("--db", seed_db_path, "edit-claim", claim, "--start", 0, "--end", 12)
    assert result.exit_code == 0
    edited = corpus.get_claim(db, claim)
    assert (edited.text, edited.start, edited.end) == (text[:12].strip(), 0, 12)
    assert edited.original_text is not None
    history = run("--db", seed_db_path, "history", claim).output
    assert "edit: " in history and "\x1b" not in history


def test_undo_and_redo_across_runs_only_your_own(seed_db_path):
    a, b = first_claims(seed_db_path)
    run("--db", seed_db_path, "verdict", a, "sourced", "--reviewer", "ana")
    run("--db", seed_db_path, "verdict", b, "contested", "--reviewer", "ben")
    result = run("--db", seed_db_path, "undo", "--reviewer", "ana")
    assert result.exit_code == 0 and result.output == f"undone on claim {a}: status: sourced -> (none)\n"
    db = connect(seed_db_path)
    assert review.get_verdict(db, a).status is None and review.get_verdict(db, b).status == "contested"
    assert run("--db", seed_db_path, "undo", "--reviewer", "ana").output == "nothing of ana's to undo\n"
    result = run("--db", seed_db_path, "redo", "--reviewer", "ana")
    assert result.output == f"redone on claim {a}: status: (none) -> sourced\n"
    assert review.get_verdict(db, a).status == "sourced"
    assert run("--db", seed_db_path, "redo", "--reviewer", "ana").output == "nothing of ana's to redo\n"


def test_stats_on_an_empty_database_says_so_and_where_it_is(tmp_path):
    path = tmp_path / "my case.db"
    result = run("--db", path, "stats")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f"{path}: empty database, no documents yet"
    assert f"workbench --db '{path}' ingest" in result.output
    assert json.loads(run("--db", path, "stats", "--json").output)["documents"] == 0


def test_stats_names_the_database(seed_db_path):
    first = run("--db", seed_db_path, "stats").output.splitlines()[0]
    assert first.split() == ["database", str(seed_db_path.resolve())]


def test_plain_claims_show_the_reasons_column(seed_db_path):
    db = connect(seed_db_path)
    claim = next(c for c in corpus.iter_claims(db) if len(c.reasons) == 2 and ":" not in "".join(c.reasons))
    line = next(
        x for x in run("--db", seed_db_path, "claims").output.splitlines() if x.split()[0] == str(claim.id)
    )
    assert f"  {', '.join(claim.reasons)}  " in line
    assert line.endswith(" ".join(claim.text.split()))


def test_plain_link_shows_passage_ids_and_suggest_k_has_help(seed_db_path):
    db = connect(seed_db_path)
    output = run("--db", seed_db_path, "link", "Lavrov Wang Yi talks", "--top", 3).output
    ids = [int(line.split("passage ")[1].split()[0]) for line in output.splitlines() if " passage " in line]
    assert len(ids) == 3 and all(corpus.get_passage(db, i) is not None for i in ids)
    help_text = run("suggest", "--help").output
    assert "-k, --top" in help_text and "How many candidates" in help_text


def test_documents_lists_id_title_source_passages_claims(seed_db_path):
    db = connect(seed_db_path)
    doc = corpus.documents(db)[0]
    with db.conn:
        db.execute("UPDATE documents SET source = 'Wire \x1b[2J' WHERE id = ?", [doc.id])
    rows = json.loads(run("--db", seed_db_path, "documents", "--json").output)
    assert len(rows) == len(corpus.documents(db))
    first = rows[0]
    assert (first["id"], first["title"], first["source"]) == (doc.id, doc.title, "Wire \x1b[2J")
    assert first["passages"] == len(corpus.passages_of(db, doc.id))
    assert first["claims"] == corpus.count_claims(db, document_id=doc.id)
    plain = run("--db", seed_db_path, "documents").output.splitlines()
    assert plain[0].split() == ["id", "passages", "claims", "title", "·", "source"]
    assert plain[1].split()[:3] == [str(doc.id), str(first["passages"]), str(first["claims"])]
    assert "\x1b" not in "\n".join(plain) and "Wire \\x1b[2J" in plain[1]


def test_export_doc_finds_a_document_by_title_in_any_case(seed_db_path):
    from workbench.storage import export

    db = connect(seed_db_path)
    doc = next(d for d in corpus.documents(db) if d.title and d.title != d.name)
    found = export.document_ids_named(db, [doc.title.upper(), doc.name, "no such title"])
    assert found == {doc.title.upper(): [doc.id], doc.name: [doc.id], "no such title": []}


def test_a_connection_stays_in_its_thread(seed_db_path):
    """No check_same_thread=False: a thread (the TUI's workers, the writer) opens its own."""
    import sqlite3
    import threading

    db = connect(seed_db_path)
    errors = []

    def use():
        try:
            db.execute("SELECT 1").fetchone()
        except sqlite3.ProgrammingError as exc:
            errors.append(exc)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert errors and "thread" in str(errors[0])
