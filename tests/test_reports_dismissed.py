"""Dismissed and edited claims in every report format (#11 item 4): a dismissed claim is kept,
marked (by whom, when), counted apart (never as unreviewed), listed last in Markdown/HTML, left
out of FEVER and ClaimReview with a warning; an edited claim shows its text, the original kept;
the JSON export round-trips both."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from workbench import reports
from workbench.errors import InputError
from workbench.storage import connect, corpus, review

EDITED = "Russia and China agreed on a common position."


@pytest.fixture
def triaged(seed_db):
    db = seed_db
    ids = [c.id for c in corpus.iter_claims(db)][:4]
    dismissed, had_verdict, edited, sourced = ids
    review.dismiss(db, dismissed, reviewer="alice")
    review.set_status(db, had_verdict, "contested", reviewer="bob")
    review.set_link(
        db, had_verdict, corpus.get_claim(db, had_verdict).passage_id, "contradicts", reviewer="bob"
    )
    review.dismiss(db, had_verdict, reviewer="bob")
    review.edit_claim(db, edited, text=EDITED, reviewer="alice")
    review.set_status(db, sourced, "sourced", reviewer="alice")
    review.set_link(db, sourced, corpus.get_claim(db, sourced).passage_id, "supports", reviewer="alice")
    return db, {"dismissed": dismissed, "had_verdict": had_verdict, "edited": edited, "sourced": sourced}


def export(db, fmt, tmp_path, warnings=None) -> str:
    path = reports.export_to(
        db, fmt, tmp_path / f"r.{fmt}", on_warning=(warnings if warnings is not None else []).append
    )
    return path.read_text(encoding="utf-8")


def test_summary_counts_dismissed_claims_apart(triaged):
    db, _ = triaged
    s = reports.gather(db).summary
    total = s.claims_in_database
    assert s.dismissed == 2
    assert s.counts["unreviewed"] == total - 2 - 1  # neither dismissed claim is unreviewed
    assert s.counts["contested"] == 0 and s.counts["sourced"] == 1
    assert s.claims == total - 2


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_list_dismissed_claims_last(triaged, tmp_path, fmt):
    db, ids = triaged
    page = export(db, fmt, tmp_path)
    head = page.index("Dismissed claims (2)")
    assert head > page.index("Unreviewed claims")  # a short section at the end
    tail = page[head:]
    for key, who in (("dismissed", "alice"), ("had_verdict", "bob")):
        assert f"Claim {ids[key]}" in tail and f"dismissed by {who}" in tail
        assert len(re.findall(rf"Claim {ids[key]}\b", page)) == 1  # nowhere else
    assert "its verdict was contested" in tail
    assert "2 dismissed as not check-worthy" in page  # the progress line
    original = corpus.get_claim(db, ids["edited"]).original_text
    assert "extracted as" in page and original.split()[0] in page.split("extracted as", 1)[1]


def test_csv_marks_dismissed_and_edited_claims(triaged, tmp_path):
    db, ids = triaged
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export(db, "csv", tmp_path), newline=""))}
    gone = rows[str(ids["dismissed"])]
    assert gone["verdict"] == "dismissed" and gone["dismissed_by"] == "alice" and gone["dismissed_at"]
    edited = rows[str(ids["edited"])]
    assert (
        edited["claim"] == EDITED
        and edited["original_text"] == corpus.get_claim(db, ids["edited"]).original_text
    )
    assert rows[str(ids["sourced"])]["dismissed_at"] == ""


def test_json_carries_the_fields(triaged, tmp_path):
    db, ids = triaged
    data = json.loads(export(db, "json", tmp_path))
    claims = {c["id"]: c for c in data["claims"]}
    assert (
        claims[ids["had_verdict"]]["dismissed_by"] == "bob"
        and claims[ids["had_verdict"]]["verdict"] == "contested"
    )
    assert claims[ids["edited"]]["text"] == EDITED and claims[ids["edited"]]["original_text"]
    assert claims[ids["sourced"]]["dismissed_at"] is None and claims[ids["sourced"]]["original_text"] is None
    assert data["summary"]["dismissed"] == 2
    kinds = {h["kind"] for c in data["claims"] for h in c["history"]}
    assert {"dismiss", "edit", "status"} <= kinds


@pytest.mark.parametrize("fmt", ["fever", "claimreview"])
def test_fever_and_claimreview_leave_dismissed_claims_out(triaged, tmp_path, fmt):
    db, ids = triaged
    warnings: list[str] = []
    text = export(db, fmt, tmp_path, warnings)
    assert str(ids["sourced"]) in text or "claim-" not in text
    records = [json.loads(x) for x in text.splitlines()] if fmt == "fever" else json.loads(text)
    assert len(records) == 1  # only the sourced claim: the contested one was dismissed
    assert any("left out 2 claims dismissed as not check-worthy" in w for w in warnings)


def without_timestamp(text: str) -> str:
    return re.sub(r'"exported_at": "[^"]*"', '"exported_at": ""', text)


def test_json_round_trip_keeps_dismissals_and_edits(triaged, tmp_path):
    db, ids = triaged
    first = export(db, "json", tmp_path)
    fresh = connect(tmp_path / "fresh.db")
    reports.import_file(fresh, tmp_path / "r.json")
    second = reports.export_to(fresh, "json", tmp_path / "again.json").read_text(encoding="utf-8")
    assert without_timestamp(first) == without_timestamp(second)
    assert corpus.get_claim(fresh, ids["dismissed"]).dismissed_by == "alice"
    assert corpus.list_claims(fresh, search="common position")  # the edited text is searchable


def test_import_into_the_unreviewed_corpus_takes_the_dismissal_and_the_edit(
    triaged, _seeded_template, tmp_path
):
    db, ids = triaged
    export(db, "json", tmp_path)
    shutil.copy(_seeded_template, tmp_path / "other.db")
    other = connect(tmp_path / "other.db")
    stats = reports.import_file(other, tmp_path / "r.json")
    assert stats.claims_added == 0  # every claim matched, the edited one by its original text
    assert corpus.get_claim(other, ids["dismissed"]).dismissed_at is not None
    edited = corpus.get_claim(other, ids["edited"])
    assert edited.text == EDITED and edited.original_text == corpus.get_claim(db, ids["edited"]).original_text
    again = reports.import_file(other, tmp_path / "r.json")
    assert (again.claims_added, again.history) == (0, 0)


def test_old_files_without_the_new_fields_still_import(triaged, tmp_path):
    db, _ = triaged
    data = json.loads(export(db, "json", tmp_path))
    for c in data["claims"]:
        for key in ("dismissed_at", "dismissed_by", "original_text"):
            del c[key]
        c["history"] = [h for h in c["history"] if h["kind"] in ("status", "note", "link")]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    stats = reports.import_file(connect(tmp_path / "fresh.db"), old)
    assert stats.claims_added == len(data["claims"])


def test_bad_history_values_are_refused(triaged, tmp_path):
    db, ids = triaged
    data = json.loads(export(db, "json", tmp_path))
    claim = next(c for c in data["claims"] if c["id"] == ids["edited"])
    next(h for h in claim["history"] if h["kind"] == "edit")["new"] = "not json"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="edited claim"):
        reports.import_file(connect(tmp_path / "fresh.db"), bad)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_status_dismissed_exports_only_the_dismissed_section(triaged, tmp_path, fmt):
    db, ids = triaged
    page = reports.export_to(db, fmt, tmp_path / f"d.{fmt}", statuses=["dismissed"]).read_text(
        encoding="utf-8"
    )
    assert "Dismissed claims (2)" in page and "Unreviewed claims" not in page
    assert f"Claim {ids['dismissed']}" in page and f"Claim {ids['sourced']} " not in page


HOSTILE = "\x1b[2J<script>alert(1)</script>\u202e=cmd"


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_hostile_names_and_texts_stay_inert(seed_db, tmp_path, fmt):
    db = seed_db
    review.dismiss(db, 1, reviewer=HOSTILE)
    review.edit_claim(db, 2, text=f"{HOSTILE} edited", reviewer=HOSTILE)
    review.set_status(db, 3, "sourced", reviewer=HOSTILE)
    review.set_status(db, 3, "contested", reviewer="bob")
    text = reports.export_to(db, fmt, tmp_path / f"h.{fmt}").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text
    if fmt in ("md", "html"):
        assert "<script>" not in text
    if fmt == "csv":
        assert all(not cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)
