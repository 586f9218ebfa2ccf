"""Linker signals beyond BM25: static word embeddings, document titles, cached df."""

from __future__ import annotations

import pytest

from workbench import embeddings, ingestion, linking
from workbench.models import RawDocument
from workbench.storage import connect, search

needs_model = pytest.mark.skipif(
    embeddings.model_paths() is None, reason="wordllama not installed (or WORKBENCH_EMBEDDINGS=off)"
)


@needs_model
def test_model_loads_from_the_package_without_network(monkeypatch):
    # Any attempt to open a socket fails the test: the weights must come from the wheel.
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access while loading the embedding model")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    model = embeddings.load(embeddings.model_paths())
    vectors = model.embed(
        [
            "China expressed understanding and support",
            "China understands and supports this position",
            "The weather in Paris was rainy",
            "",
            "!!!",
        ]
    )
    assert vectors.shape == (5, model.dim)
    sims = vectors @ vectors[0]
    assert sims[0] == pytest.approx(1.0, abs=1e-5)
    assert sims[1] > 0.6 > sims[2]  # paraphrase close, unrelated far
    assert not vectors[3].any() and not vectors[4].any()  # nothing to embed: zero vector


@needs_model
def test_embedding_ignores_figures_and_is_stable_across_the_cache():
    model = embeddings.get()
    first = model.embed(["Russia deployed 115000 troops"])
    model.embed([f"filler words {i}" for i in range(50)])  # grows the word cache
    again = model.embed(["Russia deployed 999 troops"])
    assert float(first[0] @ again[0]) == pytest.approx(1.0, abs=1e-5)


@needs_model
def test_batched_tokenizing_gives_each_word_its_own_tokens(monkeypatch):
    model = embeddings.get()
    words = [
        "understanding",
        "Russia",
        "’s",
        "naïve",
        "東京",
        "İstanbul",
        "ﬁre",
        "x",
        "I",
        "Lavington",
        "Stacinort",
        "treatment",
        "Previously",
        "ß",
        "CO2",
    ]
    alone = [model._tok.encode(w, add_special_tokens=False).ids for w in words]
    assert model._encode_words(words) == alone
    # Offsets that cannot be cut back into words fall back to one encode() per word.
    real = model._tok

    class Merged:  # a tokenizer that returns one token spanning the whole string
        def encode(self, text, add_special_tokens=False):
            if " " not in text:
                return real.encode(text, add_special_tokens=add_special_tokens)
            return type("E", (), {"ids": [1], "offsets": [(0, len(text))]})()

    monkeypatch.setattr(model, "_tok", Merged())
    assert model._encode_words(words) == alone


def test_segment_sums_match_a_plain_sum():
    import numpy as np

    table = np.arange(40, dtype=np.float32).reshape(10, 4)
    ids, lengths = [3, 3, 7, 0, 9, 1], [2, 0, 3, 1]
    got = embeddings._segment_sums(table, ids, lengths)
    want = np.stack([table[[3, 3]].sum(0), np.zeros(4), table[[7, 0, 9]].sum(0), table[1]])
    assert got.shape == (4, 4) and np.array_equal(got, want)
    assert embeddings._segment_sums(table, [], [0, 0]).shape == (2, 4)


def test_stem_map_covers_the_words_and_agrees_with_stems(db, monkeypatch):
    words = {"glaciers", "melting", "quickly"}
    view = search.stem_map(db, words)
    assert (
        {w: view[w] for w in words}
        == search.stems(db, words)
        == {"glaciers": "glacier", "melting": "melt", "quickly": "quickli"}
    )
    # A full cache is replaced, not cleared: the old view still answers, the new one keeps
    # the words asked for.
    monkeypatch.setattr(search, "_STEM_CACHE_MAX", 0)
    fresh = search.stem_map(db, {"glaciers", "warming"})
    assert view["melting"] == "melt" and fresh["glaciers"] == "glacier" and fresh["warming"] == "warm"
    assert "quickly" not in fresh


def test_linker_works_without_the_model(seed_db, monkeypatch):
    claim = "Russia has deployed 115,000 troops near Ukraine's borders"
    with_model = linking.link_text(seed_db, claim, top=5)
    monkeypatch.setattr(embeddings, "get", lambda: None)
    lexical = linking.link_text(seed_db, claim, top=5)
    assert lexical.candidates and "115,000 troops" in lexical.candidates[0].text
    assert all(0 <= c.score <= 100 for c in lexical.candidates)
    if embeddings.model_paths() is not None:  # the model does change the scores
        assert [c.score for c in lexical.candidates] != [c.score for c in with_model.candidates]


# The title's own words are absent from the passages here (df 0), so only the title's
# embedding can tell the two documents apart: a lexical-only install ranks them equal.
@needs_model
def test_title_lifts_passages_of_a_matching_document(tmp_path):
    db = connect(tmp_path / "t.db")
    body = "Officials met on Tuesday to discuss the plan in detail."
    for name, title in [("a", "Quarterly sports results"), ("b", "Glacier retreat in the Alps")]:
        ingestion.ingest_document(db, RawDocument(name=name, text=body + f" Note {name}.", title=title))
    result = linking.link_text(db, "glacier retreat plan discussed by officials", top=2)
    assert [c.doc for c in result.candidates] == ["b", "a"]
    assert result.candidates[0].score > result.candidates[1].score


def test_new_documents_are_found_on_an_open_connection(seed_db_path):
    """The df cache must notice documents another connection ingests."""
    reader = connect(seed_db_path)
    assert linking.link_text(reader, "Zorblax quantum lettuce", top=3).candidates == ()
    writer = connect(seed_db_path)
    ingestion.ingest_document(writer, RawDocument(name="z.txt", text="Zorblax grew quantum lettuce on Mars."))
    writer.close()
    found = linking.link_text(reader, "Zorblax quantum lettuce", top=3)
    assert found.candidates and "Zorblax" in found.candidates[0].text
    # ...and documents this connection ingests itself.
    ingestion.ingest_document(reader, RawDocument(name="y.txt", text="Yarnwig lettuce is purple."))
    assert any("Yarnwig" in c.text for c in linking.link_text(reader, "Yarnwig", top=3).candidates)


def test_at_least_two_query_needs_two_of_the_words_and_stays_plain_text(tmp_path):
    db = connect(tmp_path / "t.db")
    texts = {
        "one": "glacier only here",
        "two": "glacier and tundra together",
        "three": "glacier tundra and permafrost",
        "other": "tundra alone, NEAR(quoted) AND stuff",
    }
    for name, text in texts.items():
        ingestion.ingest_document(db, RawDocument(name=name, text=text))
    names = {
        r[0]: r[1]
        for r in db.execute("SELECT p.id, d.name FROM passages p JOIN documents d ON d.id = p.document_id")
    }
    hits = search.bm25_candidates(db, ["glacier", "tundra", "permafrost"], 10, at_least_two=True)
    assert {names[pid] for pid, _ in hits} == {"two", "three"}
    assert names[hits[0][0]] == "three"  # more of the words ranks first
    # FTS5 syntax in the words is matched as the words it spells, never parsed
    weird = search.bm25_candidates(db, ["NEAR(quoted", "AND", '"tundra'], 10, at_least_two=True)
    assert names[weird[0][0]] == "other"  # near, quoted, and, tundra: the only one with all
    assert {names[pid] for pid, _ in weird} == {"other", "two", "three"}  # "and" + "tundra"


def test_stems_match_the_index_tokenizer_one_row_or_word_by_word(db):
    plain = ["running", "supports", "understanding", "happiness"]
    assert search.stems(db, plain) == {
        "running": "run",
        "supports": "support",
        "understanding": "understand",
        "happiness": "happi",
    }
    # A word the tokenizer splits (a letter to Python, a separator to unicode61) forces the
    # word-by-word path, which keeps that word's first piece and still stems the others right.
    split = "ab\u19b0cd"
    mixed = search.stems(db, [split, "warming", "glaciers"])
    assert mixed["warming"] == "warm" and mixed["glaciers"] == "glacier"
    assert mixed[split] == "ab"


# WIDEN_BELOW is calibrated on the score scale with embeddings: without them fewer
# signals share the 0-100 scale and a weak match scores higher (72 here), so it widens less.
@needs_model
def test_weak_results_widen_the_candidate_search_once(seed_db, monkeypatch):
    calls = []
    real = linking._candidates

    def spy(db, ranked, limit, wide=False):
        calls.append(wide)
        return real(db, ranked, limit, wide)

    monkeypatch.setattr(linking, "_candidates", spy)
    strong = linking.link_text(seed_db, "Russia has deployed 115,000 troops near Ukraine's borders", top=5)
    assert strong.candidates[0].score >= linking.WIDEN_BELOW and calls == [False]
    calls.clear()
    weak = linking.link_text(seed_db, "Lettuce prices in Peru fell on Tuesday", top=5)
    assert (not weak.candidates or weak.candidates[0].score < linking.WIDEN_BELOW) and calls == [False, True]


def test_stemming_leaves_no_scratch_rows_and_keeps_the_callers_transaction(db, monkeypatch):
    monkeypatch.setattr(search, "_STEM_CACHE", {})  # every word below goes to the scratch table
    conn = db.conn
    search.stems(db, ["warming"])
    conn.execute("CREATE TEMP TABLE mine (x)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO mine VALUES (1)")
    assert search.stems(db, ["flooding", "ab\u19b0cd"]) == {"flooding": "flood", "ab\u19b0cd": "ab"}
    assert conn.in_transaction and conn.execute("SELECT count(*) FROM mine").fetchone()[0] == 1
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM mine").fetchone()[0] == 0  # still the caller's to undo
    assert conn.execute("SELECT count(*) FROM temp.wb_stem").fetchone()[0] == 0
    assert search.stems(db, ["droughts"]) == {"droughts": "drought"}  # offsets not shifted by leftovers
    assert conn.execute("SELECT count(*) FROM temp.wb_stem").fetchone()[0] == 0
