import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import ingestion
from workbench.cli import cli, main  # noqa: F401  (main registers commands)
from workbench.cli import corpus as _corpus  # noqa: F401
from workbench.storage import corpus

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def run(args, **kw):
    return CliRunner().invoke(cli, args, catch_exceptions=False, **kw)


def test_seeds_ingest_into_documents_passages_and_claims(tmp_path):
    result = run(["--db", str(tmp_path / "new.db"), "ingest", str(SEEDS)])
    assert result.exit_code == 0, result.output
    m = re.search(r"(\d+) documents added, (\d+) skipped.*?(\d+) passages, (\d+) claims", result.output)
    docs, skipped, passages, claims = map(int, m.groups())
    assert (docs, skipped) == (5, 0)
    assert 80 <= passages <= 160
    assert 50 <= claims <= passages


def test_passage_offsets_are_exact(seed_db):
    for doc in corpus.documents(seed_db):
        text = corpus.document_text(seed_db, doc.id)
        rows = seed_db.execute(
            'SELECT start, "end", text FROM passages WHERE document_id = ? ORDER BY ordinal', [doc.id]
        )
        for start, end, passage in rows:
            assert text[start:end] == passage
            assert passage == passage.strip() and passage


def test_reingesting_same_content_changes_nothing(seed_db):
    before = corpus.stats(seed_db)
    report = ingestion.ingest_paths(seed_db, [SEEDS])
    assert (report.added, report.skipped) == (0, 5)
    assert corpus.stats(seed_db) == before


def test_title_skips_navigation(seed_db):
    titles = {d.name: d.title for d in corpus.documents(seed_db)}
    assert titles["002_9a42c057a243ee16.txt"].startswith("Russia applauds China")
    assert titles["004_7ce436c134661a5e.txt"].startswith("Russia, China must stick together")


def test_boilerplate_is_not_a_passage(seed_db):
    texts = {r[0] for r in seed_db.execute("SELECT text FROM passages")}
    for line in (
        "Share This Article",
        "2 Min Read",
        "By Dénes Albert",
        "www.presstv.co.uk",
        "Follow Skai.gr on Google News",
        "SHARE THIS ARTICLE",
    ):
        assert line not in texts


def test_markdown_front_matter_and_paragraphs(tmp_path, db):
    md = tmp_path / "a.md"
    md.write_text(
        "---\ntitle: Talks\nsource: Example Wire\nurl: https://example.org/a\n---\n"
        "# Talks in Beijing\n\nLavrov met Wang Yi in Beijing on Thursday,\nthe ministry said."
        " Both sides agreed.\n",
        encoding="utf-8",
    )
    report = ingestion.ingest_paths(db, [md])
    assert report.added == 1 and not report.errors
    (doc,) = corpus.documents(db)
    assert (doc.title, doc.source, doc.url) == ("Talks", "Example Wire", "https://example.org/a")
    texts = [r[0] for r in db.execute("SELECT text FROM passages ORDER BY ordinal")]
    assert "Lavrov met Wang Yi in Beijing on Thursday,\nthe ministry said." in texts


def test_html_keeps_article_text_and_drops_scripts_and_navigation(tmp_path, db):
    page = tmp_path / "a.html"
    body = " ".join(["Sergey Lavrov met Wang Yi in Beijing on Thursday, the ministry said."] * 3)
    page.write_text(
        "<html><head><title>Talks</title><script>var tracker = 1;</script>"
        "<style>p{color:red}</style></head><body><nav><a href='/'>Home</a> <a>World</a></nav>"
        f"<article><h1>Talks in Beijing</h1><p>{body}</p>"
        "<p>China expressed understanding and support for Russia's position, according to a statement"
        " released by the Chinese Foreign Ministry after the talks.</p></article>"
        "<footer>Copyright 2022</footer></body></html>",
        encoding="utf-8",
    )
    report = ingestion.ingest_paths(db, [page])
    assert report.added == 1, report.errors
    text = corpus.document_text(db, corpus.documents(db)[0].id)
    assert "Lavrov met Wang Yi" in text and "understanding and support" in text
    assert "tracker" not in text and "color:red" not in text


def test_jsonl_documents_with_fields(tmp_path, db):
    feed = tmp_path / "feed.jsonl"
    rows = [
        {
            "id": "a1",
            "text": "Russia has deployed 115,000 troops near the border, Ukraine said.",
            "title": "T",
            "source": "Wire",
            "url": "u",
            "published": "2022-01-27",
        },
        {"id": "a2", "text": "NATO said on Monday that 100,000 soldiers are near the border."},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = ingestion.ingest_paths(db, [feed])
    assert report.added == 2 and not report.errors
    doc = corpus.find_document(db, "a1")
    assert (doc.source, doc.published) == ("Wire", "2022-01-27")


# --- bad input: one line naming the file, non-zero exit, others still go in --------


def bad_input_cases(tmp_path):
    binary = tmp_path / "junk.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Caf\u00e9 au lait in M\u00fcnchen, the minister said.".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text(
        '{"id": "ok", "text": "Lavrov met Wang Yi in Beijing on Thursday, officials said."}\n'
        '{"id": "broken", "text": \n',
        encoding="utf-8",
    )
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    (empty_dir / "notes.pdf").write_bytes(b"%PDF")
    return {
        "missing": (tmp_path / "missing.txt", "no such file"),
        "binary": (binary, "binary file"),
        "encoding": (latin, "not valid UTF-8"),
        "empty": (empty, "empty file"),
        "jsonl": (bad_jsonl, "bad.jsonl:2: malformed JSON"),
        "empty folder": (empty_dir, "no supported files"),
    }


@pytest.mark.parametrize("case", ["missing", "binary", "encoding", "empty", "jsonl", "empty folder"])
def test_bad_input_is_one_clear_line_and_good_files_still_go_in(tmp_path, case):
    path, message = bad_input_cases(tmp_path)[case]
    good = tmp_path / "good.txt"
    good.write_text("Lavrov met Wang Yi in Beijing on Thursday, the ministry said.\n", encoding="utf-8")
    db_path = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["--db", str(db_path), "ingest", str(path), str(good)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0] and path.name in errors[0]
    from workbench.storage import connect

    names = {d.name for d in corpus.documents(connect(db_path))}
    assert "good.txt" in names
    assert not names - {"good.txt", "ok"}  # nothing of the bad file, bar the good JSONL line


def test_only_bad_input_exits_non_zero_and_writes_nothing(tmp_path):
    path, _ = bad_input_cases(tmp_path)["binary"]
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "t.db"), "ingest", str(path)])
    assert result.exit_code == 2
    assert "0 documents added" in result.output


def test_failure_mid_document_leaves_no_half_document(tmp_path, db, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("Lavrov met Wang Yi on Thursday, the ministry said.\n" * 50, encoding="utf-8")
    real = ingestion.split_passages

    def explode(text, **kw):
        for i, p in enumerate(real(text, **kw)):
            if i == 30:
                raise RuntimeError("disk on fire")
            yield p

    monkeypatch.setattr(ingestion, "split_passages", explode)
    with pytest.raises(RuntimeError):
        ingestion.ingest_paths(db, [path])
    assert corpus.stats(db)["documents"] == 0
    assert corpus.stats(db)["passages"] == 0
    assert db.execute("SELECT count(*) FROM passages_fts").fetchone()[0] == 0


def test_jsonl_lone_surrogate_is_a_clear_error(tmp_path, db):
    feed = tmp_path / "s.jsonl"
    feed.write_text('{"id": "x", "text": "Lavrov said \\ud800 on Thursday in Beijing."}\n', encoding="utf-8")
    report = ingestion.ingest_paths(db, [feed])
    assert report.added == 0
    assert report.errors == [f"{feed}:1: invalid Unicode (a lone surrogate escape)"]


def _dump(db):
    return (
        db.execute("SELECT name, text FROM documents ORDER BY id").fetchall(),
        db.execute(
            'SELECT document_id, ordinal, paragraph, start, "end", text FROM passages ORDER BY id'
        ).fetchall(),
        db.execute("SELECT passage_id, text, score, reasons FROM claims ORDER BY id").fetchall(),
    )


def test_parallel_ingest_stores_exactly_what_serial_ingest_stores(tmp_path, monkeypatch):
    from workbench import passages
    from workbench.storage import connect

    monkeypatch.setattr(passages, "CHUNK_CHARS", 700)  # several slices per document
    big = tmp_path / "big.txt"
    big.write_text(
        "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))), encoding="utf-8"
    )
    serial, parallel = connect(tmp_path / "s.db"), connect(tmp_path / "p.db")
    a = ingestion.ingest_paths(serial, [SEEDS, big], parallel=False)
    b = ingestion.ingest_paths(parallel, [SEEDS, big], parallel=True)
    assert (a.added, a.passages, a.claims) == (b.added, b.passages, b.claims) == (6, a.passages, a.claims)
    assert _dump(serial) == _dump(parallel)
