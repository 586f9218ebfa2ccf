"""`workbench import`: JSON round trip, merging into an existing database, refusing bad files."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from test_reports import reviewed  # noqa: F401  (fixture shared with the export tests)

from workbench import reports
from workbench.errors import InputError
from workbench.storage import connect, corpus, review


def without_timestamp(text: str) -> str:
    return re.sub(r'"exported_at": "[^"]*"', '"exported_at": ""', text)


def table_counts(db) -> dict[str, int]:
    return {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("documents", "passages", "claims", "verdicts", "evidence_links", "history", "suggestions")
    }


def test_round_trip_gives_the_same_json(reviewed, tmp_path):  # noqa: F811
    db, _ = reviewed
    first = reports.export_to(db, "json", tmp_path / "a.json")
    fresh = connect(tmp_path / "fresh.db")
    stats = reports.import_file(fresh, first)
    assert stats.documents_added == len(corpus.documents(db)) and stats.claims_added == corpus.count_claims(
        db
    )
    second = reports.export_to(fresh, "json", tmp_path / "b.json")
    a, b = first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")
    assert a != b  # the export timestamps differ...
    assert without_timestamp(a) == without_timestamp(b)  # ...and nothing else
    assert table_counts(fresh) == table_counts(db)
    # The imported database is a working one: search and review still work on it.
    assert corpus.list_claims(fresh, search="Lavrov")
    claim = corpus.list_claims(fresh, status="unreviewed", limit=1)[0]
    assert review.set_status(fresh, claim.id, "sourced", reviewer="dana") is not None


def test_import_into_existing_database_deduplicates_and_is_idempotent(reviewed, _seeded_template, tmp_path):  # noqa: F811
    db, _ = reviewed
    path = reports.export_to(db, "json", tmp_path / "a.json")
    shutil.copy(_seeded_template, tmp_path / "other.db")  # the same seeds, not reviewed
    target = connect(tmp_path / "other.db")
    before = table_counts(target)
    stats = reports.import_file(target, path)
    assert stats.documents_added == 0 and stats.documents_matched == before["documents"]
    assert stats.claims_added == 1  # only the manual claim is new; the extracted ones match
    after = table_counts(target)
    assert after["documents"] == before["documents"] and after["passages"] == before["passages"]
    assert after["claims"] == before["claims"] + 1
    assert after["verdicts"] == table_counts(db)["verdicts"]
    assert after["history"] == table_counts(db)["history"]
    assert review.progress(target).counts == review.progress(db).counts
    again = reports.import_file(target, path)
    assert (again.claims_added, again.verdicts, again.links, again.history) == (0, 0, 0, 0)
    assert table_counts(target) == after


def test_newer_verdict_wins_when_merging(reviewed, tmp_path):  # noqa: F811
    db, ids = reviewed
    path = reports.export_to(db, "json", tmp_path / "a.json")
    target = connect(tmp_path / "t.db")
    reports.import_file(target, path)
    review.set_status(target, ids["sourced"], "contested", reviewer="erin")  # newer than the file
    reports.import_file(target, path)
    assert review.get_verdict(target, ids["sourced"]).status == "contested"


def _broken(data: dict) -> dict:
    data["claims"][0]["verdict"] = "maybe"
    return data


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: {**d, "format_version": 2}, "format version 2 is not supported"),
        (lambda d: {**d, "format": "something-else"}, "not a workbench review export"),
        (_broken, "verdict is 'maybe'"),
        (lambda d: {**d, "claims": [{**d["claims"][0], "document_id": 999}]}, "document 999"),
        (lambda d: {k: v for k, v in d.items() if k != "documents"}, "documents is missing"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(reviewed, tmp_path, mutate, message):  # noqa: F811
    db, _ = reviewed
    data = json.loads(reports.export_to(db, "json", tmp_path / "a.json").read_text(encoding="utf-8"))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(mutate(data)), encoding="utf-8")
    target = connect(tmp_path / "t.db")
    with pytest.raises(InputError, match=re.escape(message)):
        reports.import_file(target, bad)
    assert set(table_counts(target).values()) == {0}


def test_damaged_json_is_refused(tmp_path, db):
    bad = tmp_path / "cut.json"
    bad.write_text('{"format": "workbench-review", "format_version": 1, "claims": [', encoding="utf-8")
    with pytest.raises(InputError, match="damaged JSON"):
        reports.import_file(db, bad)
    with pytest.raises(InputError, match="no such file"):
        reports.import_file(db, tmp_path / "missing.json")


def test_failure_midway_rolls_back_everything(reviewed, tmp_path, monkeypatch):  # noqa: F811
    db, _ = reviewed
    path = reports.export_to(db, "json", tmp_path / "a.json")
    target = connect(tmp_path / "t.db")
    from workbench.storage import importer

    calls = {"n": 0}
    real = importer._claim

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 20:
            raise RuntimeError("disk gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "_claim", flaky)
    with pytest.raises(RuntimeError):
        reports.import_file(target, path)
    assert set(table_counts(target).values()) == {0}
