"""Evidence linker on the seed articles: gold pairs, flags, hostile input, storage."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from workbench import linking
from workbench.storage import connect, corpus, suggestions
from workbench.storage.connection import write

A000 = "000_66017234bd628af3.txt"
A001 = "001_a6d5b4730abb6639.txt"
A002 = "002_9a42c057a243ee16.txt"
A003 = "003_784a5150701920cd.txt"

# (claim, its article, a passage of ANOTHER article that corroborates it), written by hand.
GOLD = [
    (
        "China expressed “understanding and support” for Russia’s security stance on its relations "
        "with the United States and NATO, according to a statement.",
        A001,
        "China understands and supports this position",
    ),
    (
        "Ukraine says Russia has deployed 115,000 troops near its borders, raising fears of a looming attack.",
        A001,
        "amassed 100,000 soldiers",
    ),
    (
        "Russian Foreign Minister Sergey Lavrov and his Chinese counterpart Wang Yi discussed the situation "
        "in various regions in the world during talks that took place on Thursday.",
        A000,
        "The Chinese Foreign Minister Wang Yi had talks with his Russian counterpart",
    ),
    (
        "Lavrov’s meeting with his Chinese counterpart acted as a precursor for an encounter between Russian "
        "President Vladimir Putin and Chinese President Xi Jinping.",
        A001,
        "Vladimir Putin himself had been warmly received by his Chinese counterpart Xi Jinping",
    ),
    ("China expressed understanding and support", A001, "China understands and supports this position"),
]


def _doc_id(db, name: str) -> int:
    doc = corpus.find_document(db, name)
    assert doc is not None, name
    return doc.id


@pytest.mark.parametrize("claim,own,expected", GOLD)
def test_gold_pair_in_top_five(seed_db, claim, own, expected):
    result = linking.link_text(seed_db, claim, top=5, exclude_document_id=_doc_id(seed_db, own))
    texts = [c.text for c in result.candidates]
    assert any(expected in t for t in texts), texts
    assert all(c.document_id != _doc_id(seed_db, own) for c in result.candidates)


def test_troop_numbers_flagged_as_mismatch(seed_db):
    claim = "Ukraine says Russia has deployed 115,000 troops near its borders"
    result = linking.link_text(seed_db, claim, top=5, exclude_document_id=_doc_id(seed_db, A001))
    hit = next(c for c in result.candidates if "100,000 soldiers" in c.text)
    assert "number-mismatch" in hit.flags
    assert result.suggested == "contested"


def test_duration_and_weekday_mismatches(seed_db):
    result = linking.link_text(
        seed_db, "Wang Yi and Lavrov met in Anhui ahead of a three-day summit on Afghanistan", top=5
    )
    hit = next(c for c in result.candidates if "two-day summit" in c.text)
    assert "number-mismatch" in hit.flags
    result = linking.link_text(
        seed_db, "Wang will meet with Russian Foreign Minister Sergei Lavrov on Friday.", top=3
    )
    hit = next(c for c in result.candidates if "on Wednesday" in c.text)
    assert "weekday-mismatch" in hit.flags


def test_same_figures_are_not_flagged(seed_db):
    result = linking.link_text(seed_db, "Russia has deployed 115,000 troops near Ukraine's borders", top=3)
    hit = next(c for c in result.candidates if "115,000 troops" in c.text)
    assert hit.flags == ()


def test_candidates_sorted_with_valid_spans(seed_db):
    result = linking.link_text(seed_db, "Lavrov praised China's unbiased stance on Ukraine", top=10)
    assert 1 <= len(result.candidates) <= 10
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    for c in result.candidates:
        start, end = c.span
        assert 0 <= start < end <= len(c.text)
        assert 0 <= c.score <= 100
    best = result.candidates[0]
    assert (
        "Lavrov" in best.text[best.span[0] : best.span[1]]
        or "China" in best.text[best.span[0] : best.span[1]]
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!!",
        "?!.,;:",
        '"',
        '""""',
        "*",
        "NEAR(",
        "NEAR(a b)",
        "AND",
        "OR NOT",
        "a AND b OR c",
        "'; DROP TABLE passages; --",
        "passages_fts MATCH '*'",
        "^troops",
        "col:troops",
        "\x00\x01",
        "🙂🙂",
        "the of and",
        "\u200b",
    ],
)
def test_hostile_input_never_errors(seed_db, text):
    before = corpus.stats(seed_db)
    result = linking.link_text(seed_db, text, top=5)
    assert isinstance(result, linking.LinkResult)
    assert len(result.candidates) <= 5
    assert corpus.stats(seed_db) == before  # nothing was dropped or changed


def test_fts_operators_are_matched_as_words(seed_db):
    # "NATO AND troops": AND is a plain (stop) word; the result equals the query without it.
    with_op = linking.link_text(seed_db, "NATO AND troops", top=5)
    plain = linking.link_text(seed_db, "NATO troops", top=5)
    assert [c.passage_id for c in with_op.candidates] == [c.passage_id for c in plain.candidates]
    assert with_op.candidates


def test_empty_and_punctuation_claims_have_no_candidates(seed_db):
    for text in ("", "...", "—"):
        result = linking.link_text(seed_db, text)
        assert result.candidates == () and result.suggested == "unsupported" and result.sources == 0


def test_link_claim_leaves_out_own_document(seed_db):
    claim = corpus.list_claims(seed_db, limit=1)[0]
    result = linking.link_claim(seed_db, claim.id, top=10)
    assert result.candidates
    assert all(c.document_id != claim.document_id for c in result.candidates)
    assert linking.link_claim(seed_db, 10**9).candidates == ()


def test_sources_count_outlets_with_a_supporting_passage_once(seed_db):
    claim = "China supports Russia's position on the indivisibility of security."
    candidates = linking.link_text(seed_db, claim, top=10).candidates
    supporting = [c for c in candidates if c.stance == "supports"]
    assert len({c.document_id for c in supporting}) >= 2
    assert linking.summarise(claim, candidates).sources == len({c.document_id for c in supporting})
    # Two documents of one outlet are one source.
    same_outlet = tuple(replace(c, source="Same Outlet") for c in candidates)
    assert linking.summarise(claim, same_outlet).sources == 1
    # The claim's own outlet never corroborates it.
    assert linking.summarise(claim, same_outlet, own_source="same outlet").sources == 0
    assert linking.summarise(claim, same_outlet, own_source="same outlet").suggested != "sourced"


def test_suggested_verdict_comes_from_stances_not_scores():
    from workbench.models import Candidate

    claim = "Ukraine says Russia has deployed 115,000 troops near its borders."

    def cand(text, score=90.0, doc=1, source=None):
        return Candidate(doc, f"d{doc}", None, source, text, score, (0, 1), (), doc)

    same = cand("Ukraine says Russia has deployed 115,000 troops near its borders, raising fears.", doc=2)
    other = cand("Kyiv says Russia has deployed 115,000 troops near the border.", doc=3)
    differs = cand("Ukraine says Russia has deployed 100,000 troops near its borders.", doc=4)
    topical = cand("Ukraine says Russia has troops near its borders and fears an attack.", doc=5)
    assert linking.summarise(claim, ()).suggested == "unsupported"
    assert linking.summarise(claim, (same, other)).suggested == "sourced"
    assert linking.summarise(claim, (same, differs)).suggested == "contested"
    # Topical overlap alone, however high the linker scored it, is not corroboration.
    result = linking.summarise(claim, (replace(topical, score=99.0),))
    assert result.suggested == "unsupported" and result.related_only
    assert result.suggestion_label == "unsupported (related passages only)"
    assert "115,000 troops" in result.coverage.related_only or "115,000 troops" in result.coverage.not_found


def test_store_and_load_roundtrip_and_staleness(seed_db):
    claim = corpus.list_claims(seed_db, limit=1)[0]
    assert suggestions.load(seed_db, claim.id) is None
    result = linking.link_claim(seed_db, claim.id, top=5)
    suggestions.store(seed_db, claim.id, result)
    assert suggestions.load(seed_db, claim.id) == result
    # Replacing keeps only the new candidates.
    shorter = linking.LinkResult(result.candidates[:1], 1, "sourced", result.coverage)
    suggestions.store(seed_db, claim.id, shorter)
    assert suggestions.load(seed_db, claim.id) == shorter
    assert claim.id not in suggestions.missing_or_stale(seed_db)
    with write(seed_db):
        corpus.bump_corpus_version(seed_db)
    assert suggestions.load(seed_db, claim.id) is None
    assert claim.id in suggestions.missing_or_stale(seed_db)


def test_flagged_filter_sees_stored_flags(seed_db):
    claim_id = corpus.add_claim(
        seed_db, _doc_id(seed_db, A001), "Ukraine says Russia has deployed 115,000 troops near its borders"
    )
    suggestions.store(seed_db, claim_id, linking.link_claim(seed_db, claim_id))
    flagged = [c.id for c in corpus.list_claims(seed_db, status="flagged")]
    assert claim_id in flagged


def test_link_from_worker_threads(seed_db_path):
    expected = linking.link_text(connect(seed_db_path), "Lavrov Wang Yi talks", top=5)
    results, errors = [], []

    def work():
        try:
            db = connect(seed_db_path)
            for _ in range(5):
                results.append(linking.link_text(db, "Lavrov Wang Yi talks", top=5))
            db.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 20 and all(r == expected for r in results)
