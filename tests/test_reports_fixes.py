"""Smaller report fixes of #11 item 10: the space before bold text in Markdown, whole document
titles, `export --doc` by title, and no empty database left by a failed import."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from workbench import reports
from workbench.cli import cli
from workbench.errors import InputError
from workbench.reports import markdown
from workbench.reports.model import DocRef, LinkedPassage
from workbench.storage import connect, corpus, review


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


PASSAGE = "Officials said Russia would invade Ukraine within days, the paper reported."


@pytest.mark.parametrize(
    "part, expected",
    [
        ("Ukraine within days", "would invade **Ukraine within days**, the paper"),
        (" Ukraine within days, ", "would invade **Ukraine within days,** the paper"),
        ("Officials said", "**Officials said** Russia"),
        ("reported.", "the paper **reported.**"),
    ],
)
def test_markdown_keeps_the_space_before_and_after_bold_text(part, expected):
    s0 = PASSAGE.index(part)
    assert expected in markdown.highlighted(PASSAGE, s0, s0 + len(part))


def test_markdown_evidence_line_has_the_space_before_the_match():
    s0 = PASSAGE.index("Ukraine")
    link = LinkedPassage(
        7, DocRef(1, "a.txt"), 0, "supports", None, "", PASSAGE, (s0, len(PASSAGE)), "computed"
    )
    line = markdown._link(link)
    assert "invade **Ukraine" in line and "invade**" not in line
    empty = LinkedPassage(7, DocRef(1, "a.txt"), 0, "supports", None, "", PASSAGE, (0, 0), "computed")
    assert "**" not in markdown._link(empty)  # no match: no empty bold pair


LONG_TITLE = "A very long headline " * 12 + "that ends here"


@pytest.fixture
def long_titled(seed_db):
    db = seed_db
    with db.conn:
        db.execute("UPDATE documents SET title = ? WHERE id = 1", [LONG_TITLE])
    claim = next(c for c in corpus.iter_claims(db) if c.document_id == 1)
    review.set_status(db, claim.id, "sourced")
    return db


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json", "claimreview"])
def test_reports_show_document_titles_whole(long_titled, tmp_path, fmt):
    text = reports.export_to(long_titled, fmt, tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
    if fmt == "csv":
        titles = {r["document"]: r["title"] for r in csv.DictReader(io.StringIO(text, newline=""))}
        assert LONG_TITLE in titles.values()
    elif fmt in ("json", "claimreview"):
        assert LONG_TITLE in json.dumps(json.loads(text))
    else:
        assert LONG_TITLE in text


def test_export_doc_accepts_a_title(seed_db_path):
    db = connect(seed_db_path)
    doc = next(d for d in corpus.documents(db) if d.title and d.title != d.name)
    result = run("--db", seed_db_path, "export", "--format", "json", "-o", "-", "--doc", doc.title)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["claims"] and {c["document_id"] for c in data["claims"]} == {doc.id}


def test_unknown_document_points_at_the_documents_command(seed_db_path):
    result = run("--db", seed_db_path, "export", "--doc", "No such headline")
    assert result.exit_code != 0
    (line,) = result.output.strip().splitlines()
    assert "No such headline" in line and "workbench documents" in line


@pytest.mark.parametrize("failure", [InputError("disk full"), KeyboardInterrupt()])
def test_failed_import_leaves_no_new_database(seed_db_path, tmp_path, monkeypatch, failure):
    export_file = reports.export_to(connect(seed_db_path), "json", tmp_path / "a.json")

    def fail(*_args, **_kwargs):
        raise failure

    monkeypatch.setattr(reports, "import_review", fail)
    target = tmp_path / "new.db"
    result = run("--db", target, "import", export_file)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("new.db")]
    # An existing database is the user's: a failed import leaves it where it was.
    before = seed_db_path.stat().st_size
    result = run("--db", seed_db_path, "import", export_file)
    assert result.exit_code != 0 and seed_db_path.exists() and seed_db_path.stat().st_size == before


def test_refused_file_creates_no_database(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "workbench-review", "format_version": 1, "claims": [', encoding="utf-8")
    result = run("--db", tmp_path / "new.db", "import", bad)
    assert result.exit_code != 0 and "damaged JSON" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["bad.json"]
