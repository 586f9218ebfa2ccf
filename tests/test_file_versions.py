"""Ingesting an edited file adds a new version of its document, never overwrites it (issue #15, item 2).

A file is known by its absolute path (folder included), its document name and its
source: claims and evidence links on the old version move to the same sentence in
the new one, or are recorded as changed or gone (``workbench stale``).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench import ingestion
from workbench.cli import cli
from workbench.storage import connect, corpus
from workbench.storage.review import set_link

KEEP = "The ministry said 30 soldiers crossed the border on Monday morning near the town of Kesh."
EDIT_BEFORE = "Officials in the capital denied that any fighting took place during the night of the attack."
EDIT_AFTER = (
    "Officials in the capital denied that any heavy fighting took place during the night of the attack."
)
DROP = "The president will visit the region next week to meet local leaders, his office announced."
NEW = "Aid groups said at least 4,000 families have left their homes since the start of the month."
WHEAT = "Wheat futures rose 12 percent in Chicago on Tuesday after the export ban was announced."


def article(title: str, sentences: list[str]) -> str:
    return title + "\n\n" + "\n\n".join(sentences) + "\n"


V1 = article("Troops move north across the border", [KEEP, EDIT_BEFORE, DROP])
V2 = article("Troops move north across the border", [NEW, KEEP, EDIT_AFTER])


def ingest(db_path, *paths):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "ingest", "--no-link", *map(str, paths)])
    assert result.exit_code == 0, result.output
    return result.output


def documents(db):
    return db.execute(
        "SELECT id, name, fetched_url, fetched_at, version, previous_id, superseded_by, content_hash"
        " FROM documents ORDER BY id"
    ).fetchall()


def passage(db, document_id, text):
    return db.execute(
        "SELECT id FROM passages WHERE document_id = ? AND text = ?", [document_id, text]
    ).fetchone()[0]


def claim_on(db, text):
    return db.execute("SELECT id FROM claims WHERE text = ?", [text]).fetchone()[0]


@pytest.fixture
def case(tmp_path):
    """A database holding troops.txt (V1) and wheat.txt, the wheat claim linked to each V1 sentence."""
    (tmp_path / "news").mkdir()
    troops = tmp_path / "news" / "troops.txt"
    troops.write_text(V1)
    (tmp_path / "news" / "wheat.txt").write_text(article("Grain prices rise in Chicago", [WHEAT]))
    db_path = tmp_path / "w.db"
    ingest(db_path, tmp_path / "news")
    db = connect(db_path)
    doc = db.execute("SELECT id FROM documents WHERE name = 'troops.txt'").fetchone()[0]
    wheat = claim_on(db, WHEAT)
    for sentence in (KEEP, EDIT_BEFORE, DROP):
        set_link(db, wheat, passage(db, doc, sentence), "supports", reviewer="ana")
    db.execute(
        "INSERT INTO verdicts (claim_id, status, updated_at) VALUES (?, 'sourced', 'now')",
        [claim_on(db, EDIT_BEFORE)],
    )
    db.conn.commit()
    db.close()
    return db_path, troops, doc, wheat


def test_an_edited_file_is_a_new_version_and_links_follow_their_sentence(case):
    db_path, troops, old_id, wheat = case
    db = connect(db_path)
    keep_claim, edit_claim, drop_claim = (claim_on(db, t) for t in (KEEP, EDIT_BEFORE, DROP))
    db.close()

    troops.write_text(V2)
    output = ingest(db_path, troops)
    assert "1 documents added" in output and "1 new versions" in output

    db = connect(db_path)
    versions = [d for d in documents(db) if d[1] == "troops.txt"]
    (old, new) = versions
    assert old[0] == old_id and (old[4], new[4]) == (1, 2)
    assert new[5] == old[0] and old[6] == new[0] and new[6] is None  # the chain
    assert old[2] == new[2] == troops.resolve().as_uri() and old[3] is None  # a file, not a fetched page
    assert EDIT_BEFORE in corpus.document_text(db, old[0]) and EDIT_AFTER in corpus.document_text(db, new[0])
    links = {
        corpus.get_passage(db, p).text: p
        for (p,) in db.execute("SELECT passage_id FROM evidence_links WHERE claim_id = ?", [wheat])
    }
    # Kept and edited sentences: the link moved to the new version; deleted: it stays on the old one.
    assert links == {
        KEEP: passage(db, new[0], KEEP),
        EDIT_AFTER: passage(db, new[0], EDIT_AFTER),
        DROP: passage(db, old[0], DROP),
    }
    # The file's own claims moved too, the verdict with them; no duplicate of a kept claim.
    assert corpus.get_claim(db, edit_claim).document_id == new[0]
    assert corpus.get_claim(db, edit_claim).text == EDIT_AFTER
    assert corpus.get_claim(db, edit_claim).status == "sourced"
    assert corpus.get_claim(db, keep_claim).document_id == new[0]
    assert db.execute("SELECT count(*) FROM claims WHERE text = ?", [KEEP]).fetchone()[0] == 1
    assert corpus.get_claim(db, drop_claim).document_id == old[0]
    # Search finds the new version's sentence only.
    hits = db.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'soldiers'").fetchall()
    assert [h[0] for h in hits] == [passage(db, new[0], KEEP)]
    db.close()

    result = CliRunner().invoke(cli, ["--db", str(db_path), "stale", "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    assert sorted((c["kind"], c["state"], c["old_text"], c["new_text"]) for c in changes) == sorted(
        [
            ("link", "changed", EDIT_BEFORE, EDIT_AFTER),
            ("link", "gone", DROP, None),
            ("claim", "changed", EDIT_BEFORE, EDIT_AFTER),
            ("claim", "gone", DROP, None),
        ]
    )
    assert all((c["old_version"], c["new_version"]) == (1, 2) for c in changes)
    text = CliRunner().invoke(cli, ["--db", str(db_path), "stale"]).output
    assert f"claim {wheat}: evidence changed in v2" in text and f"now: {EDIT_AFTER}" in text
    assert f"claim {wheat}: evidence gone in v2" in text


def test_the_same_file_unchanged_adds_nothing(case):
    db_path, troops, _, _ = case
    db = connect(db_path)
    before = documents(db), db.execute("SELECT count(*) FROM passages").fetchone()[0]
    db.close()
    output = ingest(db_path, troops.parent)
    assert "0 documents added, 2 skipped" in output and "new versions" not in output
    db = connect(db_path)
    assert (documents(db), db.execute("SELECT count(*) FROM passages").fetchone()[0]) == before
    assert corpus.changes(db, seen=True) == []
    db.close()


def test_a_file_of_the_same_name_in_another_folder_is_another_document(case, tmp_path):
    db_path, _, old_id, wheat = case
    elsewhere = tmp_path / "drafts" / "troops.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text(V2)
    output = ingest(db_path, elsewhere)
    assert "1 documents added" in output and "new versions" not in output
    db = connect(db_path)
    named = [d for d in documents(db) if d[1] == "troops.txt"]
    assert [(d[4], d[5], d[6]) for d in named] == [(1, None, None), (1, None, None)]
    assert named[1][2] == elsewhere.resolve().as_uri()
    # Nothing moved off the first file's document.
    moved = db.execute(
        "SELECT count(*) FROM evidence_links l JOIN passages p ON p.id = l.passage_id"
        " WHERE l.claim_id = ? AND p.document_id = ?",
        [wheat, old_id],
    ).fetchone()[0]
    assert moved == 3 and corpus.changes(db, seen=True) == []
    db.close()

    # Editing the second one versions the second one only.
    elsewhere.write_text(V2.replace("4,000 families", "5,000 families"))
    assert "1 new versions" in ingest(db_path, elsewhere)
    db = connect(db_path)
    named = [d for d in documents(db) if d[1] == "troops.txt"]
    assert [(d[0], d[4], d[6] is None) for d in named] == [
        (old_id, 1, True),
        (named[1][0], 1, False),
        (named[2][0], 2, True),
    ]
    db.close()


def test_an_edited_document_of_a_jsonl_file_is_versioned_by_its_id(tmp_path):
    feed = tmp_path / "feed.jsonl"

    def write(troops_text):
        rows = [{"id": "troops", "text": troops_text}, {"id": "wheat", "text": WHEAT}]
        feed.write_text("".join(json.dumps(r) + "\n" for r in rows))

    write(" ".join([KEEP, EDIT_BEFORE, DROP]))
    db_path = tmp_path / "w.db"
    ingest(db_path, feed)
    write(" ".join([NEW, KEEP, EDIT_AFTER]))
    output = ingest(db_path, feed)
    assert "1 documents added, 1 skipped" in output and "1 new versions" in output
    db = connect(db_path)
    assert [(d[1], d[4]) for d in documents(db)] == [("troops", 1), ("wheat", 1), ("troops", 2)]
    db.close()


def test_a_parallel_ingest_versions_the_same_way(case):
    db_path, troops, _, wheat = case
    troops.write_text(V2)
    db = connect(db_path)
    report = ingestion.ingest_paths(db, [troops.parent], parallel=True)
    assert (report.added, report.skipped, report.versions, report.changed, report.gone) == (1, 1, 1, 2, 2)
    assert sorted((c.kind, c.state) for c in corpus.changes(db, claim_id=wheat)) == [
        ("link", "changed"),
        ("link", "gone"),
    ]
    db.close()


def test_a_document_stored_without_its_location_is_adopted_by_its_unchanged_file(case, tmp_path):
    db_path, troops, old_id, _ = case
    db = connect(db_path)
    db.execute("UPDATE documents SET fetched_url = NULL")  # as ingested before locations were kept
    db.conn.commit()
    db.close()
    assert "0 documents added, 1 skipped" in ingest(db_path, troops)
    troops.write_text(V2)
    assert "1 new versions" in ingest(db_path, troops)
    db = connect(db_path)
    assert [d[0] for d in documents(db) if d[5] == old_id] != []
    db.close()


def test_a_parallel_ingest_sends_stored_texts_to_the_workers_as_a_stand_in(case):
    db_path = case[0]
    db = connect(db_path)
    unchanged = ingestion.RawDocument(name="troops.txt", text=V1)
    edited = ingestion.RawDocument(name="troops.txt", text=V2)
    jobs = list(ingestion._unless_stored(db, [(unchanged, False, ("a", 1)), (edited, False, ("a", 1))]))
    assert [(job[0][3], job[1]) for job in jobs] == [(True, "Stored."), (False, V2)]
    db.close()
