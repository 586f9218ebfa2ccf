"""Dismissing sentences that are not claims, and editing a claim extraction cut wrongly (#11 item 4)."""

from __future__ import annotations

import json

import pytest

from workbench.models import ClaimDraft, PassageDraft, RawDocument
from workbench.storage import corpus, export, review

TEXTS = {
    "war.txt": "Troops crossed the river at dawn. The army lost 300 tanks in March. Read more below.",
    "trade.txt": "Exports rose by 12 percent in 2023. Subscribe to our newsletter. Wheat prices fell sharply.",
}


def sentences(text: str) -> list[PassageDraft]:
    drafts, start = [], 0
    for ordinal, piece in enumerate(text.split(". ")):
        piece = piece if piece.endswith(".") else piece + "."
        begin = text.index(piece, start)
        drafts.append(
            PassageDraft(ordinal, 0, begin, begin + len(piece), piece, ClaimDraft(0.5, ("a number",)))
        )
        start = begin + len(piece)
    return drafts


def build(db) -> dict[str, int]:
    """A small corpus: every sentence of two documents is an extracted claim. Returns
    claim id by the claim's first word."""
    for name, text in TEXTS.items():
        corpus.add_document(
            db, RawDocument(name, text, title=name.title()), corpus.content_hash(text), sentences(text)
        )
    return {c.text.split()[0]: c.id for c in corpus.iter_claims(db)}


@pytest.fixture
def claims(db):
    return build(db)


def listed(db, **kw) -> list[int]:
    return [c.id for c in corpus.list_claims(db, limit=1000, **kw)]


def test_dismissed_claim_leaves_the_list_and_counts_but_stays_in_exports(db, claims):
    read = claims["Read"]
    before = corpus.stats(db)
    entry = review.dismiss(db, read, reason="navigation text", reviewer="ana")
    assert (entry.kind, entry.old, entry.new, entry.reviewer) == ("dismiss", None, "navigation text", "ana")
    assert read not in listed(db)
    assert read not in listed(db, status="unreviewed")
    assert listed(db, status="dismissed") == [read]
    assert corpus.count_claims(db) == before["claims"] - 1
    after = corpus.stats(db)
    assert (after["claims"], after["unreviewed"], after["dismissed"]) == (
        before["claims"] - 1,
        before["unreviewed"] - 1,
        1,
    )
    progress = review.progress(db)
    assert (progress.total, progress.dismissed) == (before["claims"] - 1, 1)
    assert "1 dismissed" in progress.summary()
    claim = corpus.get_claim(db, read)
    assert claim.dismissed_by == "ana" and claim.dismissed_at
    rows = [r for page in export.iter_claim_pages(db, export.ExportFilter()) for r in page]
    by_id = {r[0]: dict(zip(export.CLAIM_COLUMNS, r)) for r in rows}
    assert by_id[read]["dismissed_by"] == "ana" and by_id[read]["dismissed_at"] == claim.dismissed_at
    assert len(rows) == len(claims)


def test_dismiss_twice_is_nothing_and_restore_brings_it_back_with_its_reason(db, claims):
    sub = claims["Subscribe"]
    assert review.dismiss(db, sub, reviewer="ana").new == "not check-worthy"
    assert review.dismiss(db, sub, reviewer="ana") is None
    entry = review.restore(db, sub, reviewer="ana")
    assert (entry.kind, entry.old, entry.new) == ("dismiss", "not check-worthy", None)
    assert review.restore(db, sub, reviewer="ana") is None
    assert sub in listed(db)
    assert corpus.get_claim(db, sub).dismissed_at is None


def test_unknown_claim_is_a_key_error(db, claims):
    with pytest.raises(KeyError, match="no claim with id 999"):
        review.dismiss(db, 999)
    with pytest.raises(KeyError, match="no claim with id 999"):
        review.edit_claim(db, 999, text="x")


def test_edit_keeps_the_extracted_text_and_history_and_search_finds_the_new_wording(db, claims):
    tanks = claims["The"]
    before = corpus.get_claim(db, tanks)
    entry = review.edit_claim(db, tanks, text="The army lost 300 T-72 tanks near Kupiansk", reviewer="ana")
    assert entry.kind == "edit"
    assert json.loads(entry.old) == {"text": before.text, "start": before.start, "end": before.end}
    assert json.loads(entry.new)["text"] == "The army lost 300 T-72 tanks near Kupiansk"
    claim = corpus.get_claim(db, tanks)
    assert claim.original_text == before.text
    assert listed(db, search="Kupiansk") == [tanks]
    # a second edit keeps the first extracted text, and the index follows the wording
    review.edit_claim(db, tanks, text="The army lost 300 tanks in Avdiivka", reviewer="ana")
    assert corpus.get_claim(db, tanks).original_text == before.text
    assert listed(db, search="Kupiansk") == []
    assert listed(db, search="Avdiivka") == [tanks]


def test_edit_by_offsets_takes_the_document_text_and_checks_the_span(db, claims):
    troops = claims["Troops"]
    text = TEXTS["war.txt"]
    end = text.index("March.") + len("March.")
    review.edit_claim(db, troops, start=0, end=end)
    claim = corpus.get_claim(db, troops)
    assert (claim.text, claim.start, claim.end) == (text[:end], 0, end)
    with pytest.raises(ValueError, match="not a span of the claim's document"):
        review.edit_claim(db, troops, start=0, end=len(text) + 1)
    with pytest.raises(ValueError, match="cannot be empty"):
        review.edit_claim(db, troops, text="   ")
    with pytest.raises(ValueError, match="both start and end"):
        review.edit_claim(db, troops, start=3)
    assert review.edit_claim(db, troops, start=0, end=end) is None  # unchanged: no history row
    assert [h.kind for h in review.history(db, troops)] == ["edit"]


def test_edited_manual_claim_is_reindexed(db, claims):
    doc = corpus.documents(db)[0].id
    manual = corpus.add_claim(db, doc, "Hand written about zeppelins")
    review.edit_claim(db, manual, text="Hand written about airships")
    assert listed(db, search="zeppelins") == []
    assert listed(db, search="airships") == [manual]
    assert corpus.get_claim(db, manual).original_text is None  # only extracted text is kept


def test_an_edited_claim_replaced_by_a_moved_one_leaves_no_search_entry(db, claims):
    tanks, troops = claims["The"], claims["Troops"]
    review.edit_claim(db, tanks, text="The army lost 300 tanks near Kupiansk")
    passage = corpus.get_passage(db, corpus.get_claim(db, tanks).passage_id)
    with db.conn:
        corpus.move_claim(db, troops, passage, passage.text, passage.start, passage.end)
    assert corpus.get_claim(db, tanks) is None
    assert db.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'Kupiansk'").fetchone()[0] == 0
