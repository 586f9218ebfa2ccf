"""Candidate queries for the evidence linker: FTS5 vocabulary, stems and BM25.

Everything the linker asks of the passage index goes through here, so the SQL
stays in storage/. Two helper tables live in the connection's ``temp`` schema
(never in the file, so a read-mostly reviewer never needs the write lock for
them, and each worker thread's connection gets its own):

- ``temp.wb_passages_vocab``: an ``fts5vocab`` view of ``passages_fts`` that
  gives each term's document frequency without scanning its doclist;
- ``temp.wb_stem`` + ``temp.wb_stem_vocab``: a scratch FTS5 table with the same
  ``porter unicode61`` tokenizer as the index, used to stem words exactly the
  way the index did (no second stemmer that could disagree with it).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlite_utils import Database

_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_MAX = 200_000
_cache_lock = threading.Lock()


@dataclass
class _SearchState:
    """What the search keeps per open database (and so per thread: each has its own)."""

    ready_on: sqlite3.Connection | None = None  # the connection the temp tables exist on
    scratch_changes: int = 0  # rows the stemmer wrote and undid: no change to the corpus
    df_stamp: tuple | None = None  # (data_version, own changes) the df cache was filled at
    df: dict[str, int] = field(default_factory=dict)


_STATES: WeakKeyDictionary[Database, _SearchState] = WeakKeyDictionary()
_states_lock = threading.Lock()


def _state(db: Database) -> _SearchState:
    state = _STATES.get(db)
    if state is None:
        with _states_lock:
            state = _STATES.setdefault(db, _SearchState())
    return state


def _ensure_temp(db: Database) -> None:
    conn = db.conn
    state = _state(db)
    # The IF NOT EXISTS statements below are harmless when repeated, just not free.
    if state.ready_on is conn:
        return
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.wb_passages_vocab USING fts5vocab(main, passages_fts, row)"
    )
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.wb_stem USING fts5(w, tokenize='porter unicode61')")
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.wb_stem_vocab USING fts5vocab(temp, wb_stem, instance)"
    )
    state.ready_on = conn


def stems(db: Database, words: Iterable[str]) -> dict[str, str]:
    """Map each (lower-cased) word to its index stem; words the tokenizer drops are absent."""
    wanted = set(map(str.lower, words))
    known = stem_map(db, wanted)
    return {w: known[w] for w in wanted if w in known}


def stem_map(db: Database, words: Iterable[str]) -> Mapping[str, str]:
    """Like ``stems`` for words already lower-cased, without copying: a read-only mapping
    that holds (at least) every stem of ``words`` — the process-wide stem cache itself.

    The rerank looks up about a thousand candidate words a query, nearly all cached:
    copying them into a fresh dict would cost more than the lookups.
    Safe to read from any thread: the cache is only ever added to, and replaced (never
    cleared) when full.
    """
    global _STEM_CACHE
    cache = _STEM_CACHE
    wanted = words if isinstance(words, (set, frozenset)) else set(words)
    # Not `wanted - cache.keys()`: that walks the whole cache.
    missing = sorted(w for w in wanted if w not in cache)
    if not missing:
        return cache
    found = _stem_new(db, missing)
    with _cache_lock:
        cache = _STEM_CACHE
        if len(cache) > _STEM_CACHE_MAX:
            # A new dict, not clear(): another thread may still be reading the old one.
            cache = {w: cache[w] for w in wanted if w in cache}
        cache.update(found)
        _STEM_CACHE = cache
    return cache


def _stem_new(db: Database, missing: list[str]) -> dict[str, str]:
    """Stems of words not in the cache, from the scratch FTS5 table."""
    _ensure_temp(db)
    conn = db.conn
    # Savepoint so this scratch write never commits or rolls back the caller's transaction;
    # the scratch rows are undone by rolling back to it (cheaper than an FTS5 DELETE,
    # which re-tokenizes the row), also when something fails in between.
    before = conn.total_changes
    conn.execute("SAVEPOINT wb_stem")
    try:
        # All the words as ONE row, one token each: one FTS5 insert is much cheaper than a
        # row per word. Only when the token count disagrees (a word the tokenizer drops or
        # splits) is it redone a row per word, so each word's tokens can be told apart.
        conn.execute("INSERT INTO temp.wb_stem (rowid, w) VALUES (1, ?)", [" ".join(missing)])
        rows = conn.execute("SELECT offset, term FROM temp.wb_stem_vocab ORDER BY offset").fetchall()
        conn.execute("ROLLBACK TO wb_stem")
        if len(rows) == len(missing):
            found = {missing[offset]: term for offset, term in rows}
        else:
            conn.executemany(
                "INSERT INTO temp.wb_stem (rowid, w) VALUES (?, ?)",
                [(i + 1, w) for i, w in enumerate(missing)],
            )
            rows = conn.execute("SELECT doc, term FROM temp.wb_stem_vocab ORDER BY doc, offset").fetchall()
            found = {}
            for doc, term in rows:
                # A word the tokenizer splits in two keeps its first piece.
                found.setdefault(missing[doc - 1], term)
    finally:
        conn.execute("ROLLBACK TO wb_stem")
        conn.execute("RELEASE wb_stem")
        # Scratch writes are no change to the corpus: the df cache must not see them.
        _state(db).scratch_changes += conn.total_changes - before
    return found


_DF_CACHE_MAX = 100_000


def _df_cache(db: Database) -> dict[str, int]:
    """This connection's document-frequency cache, emptied whenever the database changed.

    ``PRAGMA data_version`` moves when another connection commits, ``total_changes``
    (less the stemmer's scratch writes) when this one writes: between changes, a term's
    df cannot move, and a query asks for a dozen of them, each an fts5vocab lookup.
    """
    conn = db.conn
    state = _state(db)
    stamp = (
        conn,
        conn.execute("PRAGMA data_version").fetchone()[0],
        conn.total_changes - state.scratch_changes,
    )
    if state.df_stamp != stamp or len(state.df) > _DF_CACHE_MAX:
        state.df_stamp, state.df = stamp, {}
    return state.df


def doc_freqs(db: Database, terms: Iterable[str]) -> dict[str, int]:
    """How many passages hold each stemmed term (absent terms map to 0)."""
    _ensure_temp(db)
    cache = _df_cache(db)
    out: dict[str, int] = {}
    missing = []
    for term in set(terms):
        if term in cache:
            out[term] = cache[term]
        else:
            missing.append(term)
    # The misses in one statement: SQLite runs `term IN (...)` as one `term = ?` lookup of
    # the vocabulary per value, without a round trip each (~5 misses a query).
    for i in range(0, len(missing), 500):
        chunk = missing[i : i + 500]
        found = dict(
            db.conn.execute(
                f"SELECT term, doc FROM temp.wb_passages_vocab WHERE term IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
        for term in chunk:
            out[term] = cache[term] = found.get(term, 0)
    return out


def passage_count_estimate(db: Database) -> int:
    """Number of passages, read from the rowid b-tree's end (O(log n), unlike count(*))."""
    row = db.conn.execute("SELECT max(id) FROM passages").fetchone()
    return int(row[0] or 0)


def quote(word: str) -> str:
    """One FTS5 string token: inside double quotes, a quote is written twice."""
    return '"' + word.replace('"', '""') + '"'


def _at_least_two(quoted: Sequence[str]) -> str:
    """FTS5 expression true when at least two of the (quoted) words are present:
    ``a AND (b OR c OR d) OR b AND (c OR d) OR c AND d``."""
    parts = []
    for i in range(len(quoted) - 1):
        rest = quoted[i + 1 :]
        parts.append(f"({quoted[i]} AND ({' OR '.join(rest)}))")
    return " OR ".join(parts)


def bm25_candidates(
    db: Database, words: Sequence[str], limit: int, *, all_words: bool = False, at_least_two: bool = False
) -> list[tuple[int, float]]:
    """Passages matching any (``all_words``: every; ``at_least_two``: two or more) of
    ``words``, best BM25 first.

    Each word is quoted, so it is never FTS syntax. Returns ``(passage_id, score)``
    with larger scores better (FTS5's bm25 is negative).
    """
    if not words:
        return []
    quoted = [quote(w) for w in words]
    if at_least_two and len(quoted) >= 2:
        query = _at_least_two(quoted)
    else:
        query = (" AND " if all_words else " OR ").join(quoted)
    rows = db.conn.execute(
        "SELECT rowid, -bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ?"
        " ORDER BY rank LIMIT ?",
        [query, limit],
    ).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]


@dataclass(frozen=True)
class PassageRow:
    id: int
    document_id: int
    text: str
    doc: str
    title: str | None
    source: str | None


def passage_rows(db: Database, ids: Sequence[int]) -> dict[int, PassageRow]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.conn.execute(
        "SELECT p.id, p.document_id, p.text, d.name, d.title, d.source FROM passages p"
        f" JOIN documents d ON d.id = p.document_id WHERE p.id IN ({marks})",
        list(ids),
    ).fetchall()
    return {r[0]: PassageRow(*r) for r in rows}


def claim_text_and_document(db: Database, claim_id: int) -> tuple[str, int, str | None] | None:
    """A claim's text, document id and that document's outlet (``source``)."""
    row = db.conn.execute(
        "SELECT c.text, c.document_id, d.source FROM claims c JOIN documents d ON d.id = c.document_id"
        " WHERE c.id = ?",
        [claim_id],
    ).fetchone()
    return (row[0], int(row[1]), row[2]) if row else None


# --- the evidence search of the review screen (typed, as you type) -------------------

#: A last word shorter than this is matched whole, not as a prefix: a one- or two-letter
#: prefix expands to thousands of index terms whose lists FTS5 merges in full.
MIN_PREFIX = 3
#: Matches ranked by BM25 at most; past this many the newest are shown instead, because
#: ranking costs time in proportion to every match (a common word matches most passages).
RANKED_AT_MOST = 1000


@dataclass(frozen=True)
class EvidenceHits:
    rows: list[PassageRow]
    #: True when more than ``RANKED_AT_MOST`` passages matched: ``rows`` are the newest
    #: matches, not the best (typing more words narrows the search).
    broad: bool


def typed_query(text: str, min_prefix: int = MIN_PREFIX) -> str | None:
    """Typed text as a safe FTS5 query: every word quoted (FTS5 syntax is matched as
    plain text) and all required; the last word also as a prefix once it has
    ``min_prefix`` characters. None when there is no word to look for."""
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    if not words:
        return None
    quoted = [quote(w) for w in words]
    if len(words[-1]) >= min_prefix:
        quoted[-1] = f"({quoted[-1]} OR {quoted[-1]}*)"
    return " AND ".join(quoted)


def evidence_search(db: Database, text: str, *, limit: int = 50) -> EvidenceHits:
    """Passages of every current document matching ``text`` as typed, in time bounded
    by ``RANKED_AT_MOST`` rather than by how many passages match.

    The newest matches are read first (FTS5 streams them in rowid order and stops);
    when there are few enough, they are ranked by BM25, best first.
    """
    query = typed_query(text)
    if query is None:
        return EvidenceHits([], False)
    newest = [
        r[0]
        for r in db.conn.execute(
            "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            [query, RANKED_AT_MOST + 1],
        )
    ]
    broad = len(newest) > RANKED_AT_MOST
    if broad:
        ids = newest[:limit]
    else:
        ids = [
            r[0]
            for r in db.conn.execute(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?",
                [query, limit],
            )
        ]
    rows = passage_rows(db, ids)
    return EvidenceHits([rows[i] for i in ids if i in rows], broad)
