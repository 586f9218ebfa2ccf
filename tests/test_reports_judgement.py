"""Reports carry the evidence judgement per claim: suggestion, coverage, stances (#10), and say
when a claim was marked sourced with nothing linked (#11)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from workbench import linking, reports
from workbench.reports import model
from workbench.storage import connect, corpus, review, suggestions

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
INVENTED = "Russia and China signed a nuclear energy deal worth 20 billion dollars on Thursday."


@pytest.fixture
def judged(seed_db):
    """A manual claim with an invented event, its judged suggestions stored, marked sourced."""
    db = seed_db
    cid = corpus.add_claim(db, 1, INVENTED, origin="manual")
    suggestions.store(db, cid, linking.link_claim(db, cid))
    review.set_status(db, cid, "sourced", reviewer="ana")
    return db, cid


def render(db, fmt: str) -> str:
    report = model.gather(db, reports.make_filter(db), reading_order=fmt in ("md", "html"))
    return "".join(reports.render(report, fmt))


def test_markdown_and_html_show_the_judgement_and_the_missing_evidence(judged):
    db, _ = judged
    for fmt in ("md", "html"):
        out = render(db, fmt)
        assert "not found in any evidence: 20 billion dollars · signed · nuclear energy deal" in out
        assert "suggested: unsupported (related passages only)" in out
        assert "sourced — no evidence linked" in out


def test_csv_has_the_suggestion_and_coverage_columns(judged):
    db, cid = judged
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(render(db, "csv")))}
    row = rows[str(cid)]
    assert row["suggested"] == "unsupported"
    assert "nuclear energy deal" in row["not_found"]
    assert row["contradicted"] == ""


def test_json_round_trip_keeps_the_judgement(judged, tmp_path):
    db, cid = judged
    data = json.loads(render(db, "json"))
    claim = next(c for c in data["claims"] if c["id"] == cid)
    check = claim["evidence_check"]
    assert check["suggested"] == "unsupported" and check["related_only"] is True
    assert "nuclear energy deal" in check["coverage"]["not_found"]
    assert {s["stance"] for s in claim["suggestions"]} <= {"supports", "contradicts", "related"}
    assert all(s["reasons"] for s in claim["suggestions"])
    path = tmp_path / "review.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    other = connect(tmp_path / "other.db")
    reports.import_file(other, path)
    again = json.loads(render(other, "json"))
    assert next(c for c in again["claims"] if c["id"] == cid)["evidence_check"] == check


def test_a_file_from_before_the_judgement_still_imports(judged, tmp_path):
    db, cid = judged
    data = json.loads(render(db, "json"))
    for c in data["claims"]:
        c.pop("evidence_check")
        for s in c["suggestions"]:
            s.pop("stance")
            s.pop("reasons")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    other = connect(tmp_path / "other.db")
    reports.import_file(other, path)
    claim = next(c for c in model.gather(other).claims if c.id == cid)
    assert claim.evidence_check is None
    assert all(s.stance == "related" for s in claim.suggestions)


def test_fever_leaves_out_a_sourced_claim_without_evidence_and_says_so(judged):
    db, cid = judged
    chunks, warnings = reports.prepare(db, "fever")
    lines = [json.loads(line) for line in "".join(chunks).splitlines()]
    assert cid not in {rec["id"] for rec in lines}
    assert all(rec["evidence"] for rec in lines)  # every line is valid for the FEVER scorer
    assert any("no evidence linked" in w and str(cid) in w for w in warnings)


def test_a_damaged_import_leaves_no_database_behind(tmp_path):
    from click.testing import CliRunner

    from workbench.cli import cli

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "workbench-review", "format_version": 1, "claims": [', encoding="utf-8")
    target = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["--db", str(target), "import", str(bad)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not target.exists()


def test_ingest_judges_new_claims_unless_told_not_to(tmp_path):
    from click.testing import CliRunner

    from workbench.cli import cli

    db_path = tmp_path / "w.db"
    result = CliRunner().invoke(cli, ["--db", str(db_path), "ingest", str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert "evidence judged for" in result.output
    db = connect(db_path)
    assert suggestions.missing_or_stale(db) == []
    quiet = tmp_path / "q.db"
    result = CliRunner().invoke(cli, ["--db", str(quiet), "ingest", "--no-link", str(SEEDS)])
    assert result.exit_code == 0 and "evidence judged" not in result.output
    assert suggestions.missing_or_stale(connect(quiet))
