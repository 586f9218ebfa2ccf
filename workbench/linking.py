"""The evidence linker: rank the passages that bear on a claim, best first.

Two stages, so a query stays fast at a million passages:

1. **Candidates** from the FTS5 index (BM25 over porter-stemmed words), from
   the claim's *rarest* content words only (document frequency from the index's
   vocabulary): an AND of the three rarest, "at least two of" the four rarest,
   and an OR of the rare words under a df budget. Common words would make FTS5
   walk huge doclists and add little to the ranking.
2. **Rerank** the candidates in Python on signals BM25 over a handful of words
   misses: idf-weighted coverage of *all* the claim's content words (stems, so
   "understanding"/"understands" meet), rapidfuzz ``token_set_ratio``, shared
   numbers and names, and the document title.

Every candidate gets the matched span (for highlighting); ``workbench.judgement``
then says whether it supports or contradicts the claim or is only related, with
disagreement flags, and suggests a verdict.

Safe to call from a worker thread with its own connection: the only shared
state is a stem cache guarded by a lock (in storage.search).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from . import embeddings, judgement
from .models import Candidate, LinkResult
from .storage import search

if TYPE_CHECKING:  # type hints only: storage/ is the one package that speaks SQL
    from sqlite_utils import Database

#: Linker scores at or above this read as a strong match in listings (the suggestion itself
#: comes from the judgement, not from the score).
LINK_THRESHOLD = 30.0
#: The OR query takes the claim's rarest words, rarest first, while their summed
#: document frequency stays under this budget: FTS5's cost grows with the doclists it
#: walks. At most MAX_QUERY_TERMS words are considered for any query.
DF_BUDGET = 1_000
#: ... or under this smaller one when the budget already left claim words out (a big
#: corpus) and the AND query found passages: a wide OR query then costs time and adds
#: nothing measurable (benchmarks/README.md, "Linker").
DF_BUDGET_AFTER_HITS = 300
MAX_QUERY_TERMS = 24
#: Weights of the rerank signals, tuned on the Climate-FEVER eval half (benchmarks/README.md):
#: BM25 over all the claim's stems relative to a perfect match, rapidfuzz token_set_ratio,
#: cosine of static word embeddings (workbench.embeddings; off when the model is absent),
#: and the same BM25 and cosine against the document's title (news headlines and article
#: names say what a passage is about when the sentence itself does not).
WEIGHTS = {"bm25": 1.0, "fuzzy": 0.1, "embedding": 0.4, "title": 0.3, "title_embedding": 0.1}
#: Score 100 = what a copy of the claim would get from the passage signals alone (title
#: matches add on top, capped at 100).
_COPY_SIGNALS = ("bm25", "fuzzy", "embedding")
#: Okapi BM25 parameters of the rerank (the usual defaults won on the eval set)
#: and a typical news/encyclopedia sentence length in content words.
BM25_K1 = 1.2
BM25_B = 0.75
AVG_PASSAGE_WORDS = 25.0
#: The rarest words also go into an AND query (high precision, cheap at scale)...
AND_TERMS = 3
#: ... and a "at least two of" query over the TWO_OF_TERMS rarest, while their summed
#: document frequency stays under TWO_OF_BUDGET (FTS5's bm25 walks each word's doclist once
#: per occurrence in the query to count it, so this bounds the cost at a million passages).
TWO_OF_TERMS = 4
TWO_OF_BUDGET = 50_000
#: When the best candidate scores below this, the candidate search is widened once.
WIDEN_BELOW = 60.0
#: How many FTS5 candidates are reranked (more costs rerank time for little recall: benchmarks/README.md).
POOL = 50
#: The three queries' candidates are merged and cut to limit + POOL_EXTRA: the rerank
#: costs time per candidate.
POOL_EXTRA = 10
#: Only the lexical top of the pool gets the (costlier) embedding signal (benchmarks/README.md).
EMBED_TOP = 30

DISAGREEMENT_FLAGS = (
    "number-mismatch",
    "date-mismatch",
    "weekday-mismatch",
    "actor-mismatch",
    "action-reversed",
    "negation-mismatch",
)

_WORD_RE = re.compile(r"[^\W_]+")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "according",
        "told",
    ]
)


EMPTY = LinkResult((), 0, "unsupported")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """Words with their character offsets (letters and digits, as FTS5 unicode61 splits)."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD_RE.finditer(text)]


@dataclass(frozen=True)
class _Query:
    text: str
    weights: dict[str, float]  # content stem -> idf
    names: frozenset[str]  # stems of capitalised words (names) in the claim
    # The claim's content words as written (case kept), for the embedding: stop words
    # dropped, so "NATO AND troops" and "NATO troops" are the same query.
    content_text: str = ""


def _prepare(db: Database, text: str) -> tuple[_Query, list[tuple[str, int]]] | None:
    words = tokens(text)
    # Single letters ("s" of "Russia’s", split at the curly apostrophe) are noise, not content.
    content = [(s, e, w) for s, e, w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    if not content:
        return None
    stem_of = search.stems(db, [w for _, _, w in content])
    surface: dict[str, str] = {}
    names: set[str] = set()
    for s, _, w in content:
        stem = stem_of.get(w)
        if not stem:
            continue
        surface.setdefault(stem, w)
        if text[s].isupper() and s > 0:  # sentence-initial capitals say nothing
            names.add(stem)
    if not surface:
        return None
    df = search.doc_freqs(db, surface)
    n = max(search.passage_count_estimate(db), 1)
    weights = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items() if f > 0}
    if not weights:
        return None
    # Rarest first; ties by the word itself so the query is deterministic.
    ranked = [(surface[t], df[t]) for t in sorted(weights, key=lambda t: (df[t], t))[:MAX_QUERY_TERMS]]
    content_text = " ".join(text[s:e] for s, e, _ in content)
    return _Query(text, weights, frozenset(names), content_text), ranked


def _span(
    stem_of: dict[str, str], words: list[tuple[int, int, str]], q: _Query, length: int
) -> tuple[int, int]:
    """From the first to the last word of a passage that matches a claim word."""
    hits = [(s, e) for s, e, w in words if stem_of.get(w) in q.weights]
    if not hits:
        return (0, length)
    return (hits[0][0], hits[-1][1])


def _bm25(weights: dict[str, float], seq: list, k1: float = BM25_K1, b: float = BM25_B) -> float:
    """Okapi BM25 of a passage (its content stems, in order) for the claim's idf weights."""
    norm = k1 * (1 - b + b * len(seq) / AVG_PASSAGE_WORDS)
    score = 0.0
    # list.count per claim term: a dozen C-level scans of a short list beat building a Counter.
    for t, w in weights.items():
        tf = seq.count(t)
        if tf:
            score += w * tf * (k1 + 1) / (tf + norm)
    return score


def _rerank(db: Database, q: _Query, pool: list[tuple[int, float]], rows: dict, top: int) -> list[Candidate]:
    pool = [(pid, s) for pid, s in pool if pid in rows]
    if not pool:
        return []
    # Plain word lists for scoring (one C-level findall per text); offsets only for the
    # candidates returned, below.
    words = {pid: _WORD_RE.findall(rows[pid].text.lower()) for pid, _ in pool}
    titles = {t for t in (rows[pid].title for pid, _ in pool) if t}
    title_words = {t: _WORD_RE.findall(t.lower()) for t in titles}
    # Read-only view of the stem cache (no copy): every word here is already lower-case.
    stem_of = search.stem_map(db, {w for ws in [*words.values(), *title_words.values()] for w in ws})
    get = stem_of.get
    title_stems = {t: [get(x) for x in ws if x not in STOPWORDS] for t, ws in title_words.items()}
    # BM25 over *all* the claim's content words (FTS5 only saw the rarest few), scaled by the
    # claim's own BM25 against itself so the score is absolute: 1.0 = as good as a copy.
    ideal = _bm25(q.weights, list(q.weights)) or 1.0
    processed_claim = default_process(q.content_text)
    w = WEIGHTS
    # Lexical signals first, for the whole pool: cheap per candidate.
    lexical: list[tuple[float, int, int]] = []
    for order, (pid, _) in enumerate(pool):
        row = rows[pid]
        seq = [get(x) for x in words[pid] if x not in STOPWORDS]
        raw = (
            w["bm25"] * min(1.0, _bm25(q.weights, seq) / ideal)
            + w["fuzzy"] * fuzz.token_set_ratio(processed_claim, default_process(row.text)) / 100
        )
        if row.title:
            raw += w["title"] * min(1.0, _bm25(q.weights, title_stems[row.title]) / ideal)
        lexical.append((raw, order, pid))
    model = embeddings.get() if (w["embedding"] or w["title_embedding"]) else None
    if model is not None and EMBED_TOP:
        # Only the lexical top EMBED_TOP get the embedding: it costs per candidate text (word
        # lookups, a gather and a sum), and on the eval set embedding the top 30 of up to 100
        # candidates ranks exactly as embedding them all (top 20: R@5 -0.004). The rest
        # keep their lexical score only.
        lexical.sort(key=lambda s: (-s[0], s[1]))
        head = lexical[:EMBED_TOP]
        titles_h = sorted({rows[pid].title for _, _, pid in head if rows[pid].title})
        # Words as written: the model is case-sensitive ("US" is not "us"), and lower-casing
        # put the seeds' paraphrase gold pair out of the top 5.
        vectors = model.embed([q.content_text] + [rows[pid].text for _, _, pid in head] + titles_h)
        sims = (vectors[1:] @ vectors[0]).tolist()
        title_cosine = {t: max(0.0, s) for t, s in zip(titles_h, sims[len(head) :])}
        for i, (raw, order, pid) in enumerate(head):
            raw += w["embedding"] * max(0.0, sims[i])
            title = rows[pid].title
            if title:
                raw += w["title_embedding"] * title_cosine.get(title, 0.0)
            lexical[i] = (raw, order, pid)
    scale = sum(w[k] for k in _COPY_SIGNALS if k != "embedding" or model is not None) or 1.0
    scored = [(-100 * min(1.0, raw / scale), order, pid) for raw, order, pid in lexical]
    scored.sort()
    # Spans only for the candidates we return: the regexes cost more than the scoring itself.
    return [
        Candidate(
            passage_id=pid,
            doc=rows[pid].doc,
            title=rows[pid].title,
            source=rows[pid].source,
            text=rows[pid].text,
            score=round(-neg, 2),
            span=_span(stem_of, tokens(rows[pid].text), q, len(rows[pid].text)),
            document_id=rows[pid].document_id,
        )
        for neg, _, pid in scored[:top]
    ]


def summarise(claim: str, candidates: tuple[Candidate, ...], own_source: str | None = None) -> LinkResult:
    """Stances, coverage and the suggested verdict for ranked candidates (``judgement.assess``)."""
    return judgement.assess(claim, candidates, own_source=own_source)


def _or_terms(ranked: list[tuple[str, int]], budget: int = DF_BUDGET) -> list[str]:
    """The rarest words while their summed document frequency stays under DF_BUDGET: FTS5
    ranks every passage an OR query matches, so its cost grows with the doclists it walks.
    On a small corpus that is most of the claim's words; at a million passages only the
    rare ones (possibly none: the other two queries still run)."""
    words: list[str] = []
    spent = 0
    for word, df in ranked:
        if spent + df > budget:
            break
        words.append(word)
        spent += df
    return words


def _two_of_terms(ranked: list[tuple[str, int]], n: int) -> list[str]:
    """The ``n`` rarest words (at least 2) while their summed df stays under TWO_OF_BUDGET."""
    words: list[str] = []
    spent = 0
    for word, df in ranked[:n]:
        if len(words) >= 2 and spent + df > TWO_OF_BUDGET:
            break
        words.append(word)
        spent += df
    return words


def _candidates(
    db: Database, ranked: list[tuple[str, int]], limit: int, wide: bool = False
) -> list[tuple[int, float]]:
    """FTS5 candidates, likeliest first (BM25 order within each query, duplicates dropped,
    at most ``limit + POOL_EXTRA``):

    1. passages with *all* of the AND_TERMS rarest words: an intersection FTS5 finds by
       skipping through doclists, cheap even when the words are common;
    2. passages with at least *two* of the TWO_OF_TERMS rarest words, when (1) found
       nothing or too much: survives one of them being a paraphrase's word the passage
       does not use ("worldwide" for "global"), and two rare words together are already
       specific at a million passages;
    3. passages with *any* of the rare words (only as many as DF_BUDGET pays for).

    FTS5's bm25() counts each query word's whole doclist to weigh it, so every query here
    is kept to words whose document frequencies are small or bounded by a budget.
    """
    words = [w for w, _ in ranked]
    if wide:
        # The second search: only the "two of" query, over one more word, and only when
        # the OR query could not cover these words itself.
        two = _two_of_terms(ranked, TWO_OF_TERMS + 1)
        if len(two) >= 3 and len(_or_terms(ranked, DF_BUDGET)) < len(two):
            return search.bm25_candidates(db, two, limit, at_least_two=True)
        return []
    parts = []
    if len(words) >= 2 and AND_TERMS:
        parts.append(search.bm25_candidates(db, words[:AND_TERMS], limit, all_words=True))
    rare = _or_terms(ranked, DF_BUDGET) or words[:1]
    if len(rare) < len(words) and parts and parts[0]:
        # The budget already cut the OR query short (a big corpus), and the rarest words
        # do meet in some passages: the OR query adds little but cost, keep it narrow.
        rare = _or_terms(ranked, DF_BUDGET_AFTER_HITS) or words[:1]
    two = _two_of_terms(ranked, TWO_OF_TERMS)
    # Only when the OR query had to leave some of these words out (a big corpus): otherwise
    # it already ranks every passage with two of them. With two words it is the AND query.
    # And only when the AND query found nothing (a paraphrase word among the rarest) or too
    # much to rank (the rarest words are one phrase many passages share).
    and_hits = len(parts[0]) if parts else 0
    if len(two) >= 3 and len(rare) < len(two) and not 0 < and_hits < limit:
        parts.append(search.bm25_candidates(db, two, limit, at_least_two=True))
    if rare:
        parts.append(search.bm25_candidates(db, rare, limit))
    seen: set[int] = set()
    pool = []
    for part in parts:
        for pid, score in part:
            if pid not in seen:
                seen.add(pid)
                pool.append((pid, score))
    return pool[: limit + POOL_EXTRA]


def link_text(
    db: Database,
    text: str,
    *,
    top: int = 10,
    exclude_document_id: int | None = None,
    own_source: str | None = None,
) -> LinkResult:
    """Rank passages that bear on ``text``; never raises on odd input (empty, FTS syntax...)."""
    if top <= 0 or not text or not text.strip():
        return EMPTY
    prepared = _prepare(db, text)
    if prepared is None:
        return EMPTY
    q, ranked = prepared
    # Over-fetch when a document is excluded: its own passages tend to rank first.
    limit = max(POOL, top) + (40 if exclude_document_id is not None else 0)
    pool = _candidates(db, ranked, limit)
    rows = search.passage_rows(db, [pid for pid, _ in pool])
    if exclude_document_id is not None:
        pool = [(pid, s) for pid, s in pool if pid in rows and rows[pid].document_id != exclude_document_id]
    ranked_candidates = _rerank(db, q, pool, rows, top)
    if WIDEN_BELOW and (not ranked_candidates or ranked_candidates[0].score < WIDEN_BELOW):
        # Nothing convincing: spend a second, wider candidate search (the "two of" query
        # always, over one more word) before giving up. Paraphrases whose rare words are
        # swapped for synonyms need it; most claims never pay for it.
        wider = _candidates(db, ranked, limit, wide=True)
        seen = {pid for pid, _ in pool}
        extra = [(pid, s) for pid, s in wider if pid not in seen]
        if extra:
            rows.update(search.passage_rows(db, [pid for pid, _ in extra]))
            if exclude_document_id is not None:
                extra = [
                    (pid, s)
                    for pid, s in extra
                    if pid in rows and rows[pid].document_id != exclude_document_id
                ]
            ranked_candidates = _rerank(db, q, pool + extra, rows, top)
    return summarise(text, tuple(ranked_candidates), own_source)


def link_claim(db: Database, claim_id: int, *, top: int = 10) -> LinkResult:
    """Like ``link_text`` for a stored claim, leaving out the claim's own document."""
    found = search.claim_text_and_document(db, claim_id)
    if found is None:
        return EMPTY
    text, document_id, source = found
    own = judgement.source_key(source, document_id)
    return link_text(db, text, top=top, exclude_document_id=document_id, own_source=own)
