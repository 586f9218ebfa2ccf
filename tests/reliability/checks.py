"""Invariants a workbench database must satisfy after any crash, race or bad input.

Shared by the reliability tests; each check raises AssertionError naming what
broke, so a failing test says which promise was not kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from workbench.ingestion import split_passages

from .worker import Done


def integrity(db) -> None:
    """SQLite's own checks plus the FTS index against its content tables."""
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # rank=1 also compares the external-content index with the passages rows; a superseded
    # version's passages are stored but out of search by design, so then only the index itself.
    retired = db.execute("SELECT count(*) FROM documents WHERE superseded_by IS NOT NULL").fetchone()[0]
    db.execute(
        "INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', ?)", [0 if retired else 1]
    )
    # claims_fts indexes only claims not extracted from a passage (by design), so
    # it is checked on its own and counted against those claims.
    db.execute("INSERT INTO claims_fts(claims_fts) VALUES ('integrity-check')")
    indexed = db.execute("SELECT count(*) FROM claims_fts_docsize").fetchone()[0]
    own = db.execute("SELECT count(*) FROM claims WHERE origin != 'extracted'").fetchone()[0]
    assert indexed == own, f"claims_fts has {indexed} rows for {own} hand-made/imported claims"
    fts_rows = db.execute("SELECT count(*) FROM passages_fts_docsize").fetchone()[0]
    passages = db.execute(
        "SELECT count(*) FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.superseded_by IS NULL"
    ).fetchone()[0]
    assert fts_rows == passages, f"passages_fts has {fts_rows} rows for {passages} current passages"


def document_complete(db, doc_id: int) -> None:
    """A stored document has exactly the passages and claims re-splitting its text gives.

    (Plain-text documents only: Markdown is split on blank lines, which the
    stored row does not record.)
    """
    text = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
    stored = db.execute(
        'SELECT ordinal, paragraph, start, "end", text FROM passages WHERE document_id = ? ORDER BY ordinal',
        [doc_id],
    ).fetchall()
    drafts = list(split_passages(text))
    expected = [(p.ordinal, p.paragraph, p.start, p.end, p.text) for p in drafts]
    assert stored == expected, f"document {doc_id}: {len(stored)} passages stored, {len(expected)} expected"
    claims = db.execute(
        "SELECT count(*) FROM claims WHERE document_id = ? AND origin = 'extracted'", [doc_id]
    ).fetchone()[0]
    assert claims == sum(p.claim is not None for p in drafts), f"document {doc_id}: claims missing"


def documents_complete(db) -> int:
    """Every stored document is complete; returns how many were checked."""
    ids = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]
    for doc_id in ids:
        document_complete(db, doc_id)
    return len(ids)


# --- review changes ---------------------------------------------------------------


def reported_present(db, done: Iterable[Done]) -> int:
    """Every change reported done is in history, exactly as reported."""
    n = 0
    for d in done:
        row = db.execute(
            "SELECT claim_id, kind, passage_id, new FROM history WHERE id = ?", [d.history_id]
        ).fetchone()
        assert row == (d.claim_id, d.kind, d.passage_id, d.value), f"lost change {d}: history has {row}"
        n += 1
    return n


def current_state(db) -> dict[tuple, str | None]:
    """(claim, kind, passage) -> value for everything set, in history's terms."""
    state: dict[tuple, str | None] = {}
    for claim_id, status, note in db.execute("SELECT claim_id, status, note FROM verdicts"):
        if status is not None:
            state[(claim_id, "status", None)] = status
        if note:
            state[(claim_id, "note", None)] = note
    for claim_id, passage_id, relation in db.execute(
        "SELECT claim_id, passage_id, relation FROM evidence_links"
    ):
        state[(claim_id, "link", passage_id)] = relation
    return state


def replayed_history(db) -> dict[tuple, str | None]:
    """The same map, rebuilt by replaying history's last value per claim/kind/passage."""
    last: dict[tuple, str | None] = {}
    for claim_id, kind, passage_id, new in db.execute(
        "SELECT claim_id, kind, passage_id, new FROM history ORDER BY id"
    ):
        last[(claim_id, kind, passage_id)] = new
    # Cleared values (no verdict, empty note, unlinked) are absent from current_state.
    return {k: v for k, v in last.items() if v not in (None, "")}


def history_matches_state(db) -> None:
    state, replay = current_state(db), replayed_history(db)
    diff = {
        k: (replay.get(k), state.get(k))
        for k in state.keys() | replay.keys()
        if replay.get(k) != state.get(k)
    }
    assert not diff, f"history disagrees with current state (history, state): {dict(list(diff.items())[:5])}"
    # Each history row's old value must be the previous row's new value for that key.
    prev: dict[tuple, str | None] = {}
    for hid, claim_id, kind, passage_id, old, new in db.execute(
        "SELECT id, claim_id, kind, passage_id, old, new FROM history ORDER BY id"
    ):
        key = (claim_id, kind, passage_id)
        expected_old = prev.get(key, "" if kind == "note" else None)
        assert (old or None) == (expected_old or None), (
            f"history row {hid}: old {old!r}, previous value {expected_old!r}"
        )
        prev[key] = new


def table_digest(db, tables: Iterable[str]) -> dict[str, str]:
    """A hash of each table's full contents, to prove rows were not touched."""
    out = {}
    for table in tables:
        h = hashlib.sha256()
        for row in db.execute(f"SELECT * FROM [{table}] ORDER BY rowid"):
            h.update(repr(row).encode("utf-8", "surrogatepass"))
        out[table] = h.hexdigest()
    return out


ALL_TABLES = (
    "documents",
    "passages",
    "claims",
    "verdicts",
    "evidence_links",
    "review_sessions",
    "history",
    "suggestions",
    "suggestion_summaries",
    "state",
)
