"""The evidence search takes time bounded by what it ranks, not by how many passages match (#11)."""

from __future__ import annotations

import pytest

from workbench import ingestion
from workbench.models import RawDocument
from workbench.storage import connect, search


@pytest.fixture
def db(tmp_path):
    db = connect(tmp_path / "w.db")
    for n in range(30):
        words = "Soldiers crossed the border" if n % 10 == 0 else "Prices rose in the market"
        ingestion.ingest_document(db, RawDocument(name=f"d{n}.txt", text=f"{words} on day {n} of the month."))
    yield db
    db.close()


def texts(hits):
    return [row.text for row in hits.rows]


def test_few_matches_are_ranked_and_all_shown(db):
    hits = search.evidence_search(db, "soldiers cro")
    assert not hits.broad and len(hits.rows) == 3
    assert all(t.startswith("Soldiers crossed") for t in texts(hits))


def test_many_matches_show_the_newest_and_say_so(db, monkeypatch):
    monkeypatch.setattr(search, "RANKED_AT_MOST", 10)
    hits = search.evidence_search(db, "the", limit=5)
    assert hits.broad
    assert texts(hits) == [
        f"{'Prices rose in the market'} on day {n} of the month." for n in (29, 28, 27, 26, 25)
    ]
    narrow = search.evidence_search(db, "soldiers", limit=5)
    assert not narrow.broad and len(narrow.rows) == 3


def test_a_short_last_word_is_matched_whole_not_as_a_prefix():
    assert search.typed_query("the pr") == '"the" AND "pr"'
    assert search.typed_query("the pri") == '"the" AND ("pri" OR "pri"*)'
    assert search.typed_query("  -- ") is None


def test_fts_syntax_in_what_is_typed_is_plain_text(db):
    for typed in ("NEAR(soldiers", 'soldiers"', "soldiers AND OR", "*", "day 1*"):
        search.evidence_search(db, typed)  # never an FTS5 syntax error
    assert search.evidence_search(db, "-").rows == []
