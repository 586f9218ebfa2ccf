"""One public id per passage (#11 item 8): every report names a passage by the id that
`link --json` shows and `verdict --link` takes, with "sentence N of <document>" beside it."""

from __future__ import annotations

import csv
import html
import io
import json

import pytest
from click.testing import CliRunner

from workbench import reports
from workbench.cli import cli
from workbench.reports.markdown import md
from workbench.storage import connect, corpus


@pytest.fixture
def linked(seed_db_path):
    """Claim 1 linked through the CLI to a candidate `link --json` showed, by the id it showed."""
    db = connect(seed_db_path)
    claim = corpus.get_claim(db, 1)
    shown = CliRunner().invoke(cli, ["--db", str(seed_db_path), "link", "1", "--json", "-k", "20"])
    assert shown.exit_code == 0, shown.output
    pid = next(
        c["passage_id"] for c in json.loads(shown.output)["candidates"] if c["passage_id"] != claim.passage_id
    )
    result = CliRunner().invoke(
        cli, ["--db", str(seed_db_path), "verdict", "1", "sourced", "--link", str(pid)]
    )
    assert result.exit_code == 0, result.output
    passage = corpus.get_passage(db, pid)
    return db, claim, corpus.get_document(db, passage.document_id), passage


def _export(db, fmt, tmp_path) -> str:
    return reports.export_to(db, fmt, tmp_path / f"r.{fmt}").read_text(encoding="utf-8")


def test_markdown_names_the_passage_by_its_id(linked, tmp_path):
    db, claim, doc, passage = linked
    page = _export(db, "md", tmp_path)
    label = md(doc.title or doc.name)
    assert f"passage {passage.id}, sentence {passage.ordinal + 1} of {label}" in page
    own = corpus.get_document(db, claim.document_id)
    assert f"({md(own.name)}), passage {claim.passage_id}" in page


def test_html_names_the_passage_by_its_id(linked, tmp_path):
    db, claim, doc, passage = linked
    page = _export(db, "html", tmp_path)
    label = html.escape(doc.title or doc.name)
    assert f"passage {passage.id}, sentence {passage.ordinal + 1} of {label}" in page
    assert f"), passage {claim.passage_id}</span>" in page


def test_csv_names_the_passage_by_its_id(linked, tmp_path):
    db, claim, doc, passage = linked
    rows = list(csv.DictReader(io.StringIO(_export(db, "csv", tmp_path), newline="")))
    row = next(r for r in rows if r["id"] == str(claim.id))
    assert row["evidence"].startswith(
        f"supports: passage {passage.id}, sentence {passage.ordinal + 1} of {doc.name}: "
    )
    assert "#" not in row["evidence"]
    assert row["passage"] == str(claim.passage_id)


def test_json_and_fever_carry_the_same_id(linked, tmp_path):
    db, claim, _doc, passage = linked
    data = json.loads(_export(db, "json", tmp_path))
    (link,) = next(c for c in data["claims"] if c["id"] == claim.id)["links"]
    assert (link["passage_id"], link["ordinal"]) == (passage.id, passage.ordinal)
    (line,) = _export(db, "fever", tmp_path).splitlines()
    assert json.loads(line)["evidence"][0][0][1] == passage.id
