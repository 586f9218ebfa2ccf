"""Stored linker output (``workbench suggest``), so the review screen opens instantly.

A claim's candidates live in ``suggestions`` (one row per rank, flags as a JSON
list so the ``flagged`` filter can look for ``flags != '[]'``) and its summary in
``suggestion_summaries`` together with the corpus version they were computed
against: once documents are added, ``load`` treats them as stale.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from ..models import Candidate, Coverage, LinkResult
from .connection import write
from .corpus import corpus_version, now

#: The coverage of a summary stored before candidates were judged (schema m002): stale.
UNJUDGED = "{}"


def store(db: Database, claim_id: int, result: LinkResult) -> None:
    """Replace the stored candidates and summary of ``claim_id`` (one transaction)."""
    with write(db):
        _store(db, claim_id, result, corpus_version(db))


def store_many(db: Database, results: list[tuple[int, LinkResult]]) -> None:
    """Several claims in one transaction (what `workbench suggest` batches)."""
    with write(db):
        version = corpus_version(db)
        for claim_id, result in results:
            _store(db, claim_id, result, version)


def _store(db: Database, claim_id: int, result: LinkResult, version: int) -> None:
    conn = db.conn
    conn.execute("DELETE FROM suggestions WHERE claim_id = ?", [claim_id])
    conn.executemany(
        "INSERT INTO suggestions (claim_id, rank, passage_id, score, span_start, span_end, flags,"
        " stance, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                claim_id,
                rank,
                c.passage_id,
                c.score,
                c.span[0],
                c.span[1],
                json.dumps(list(c.flags)),
                c.stance,
                json.dumps(list(c.reasons), ensure_ascii=False),
            )
            for rank, c in enumerate(result.candidates)
        ],
    )
    conn.execute(
        "INSERT INTO suggestion_summaries (claim_id, verdict, sources, corpus_version, computed_at,"
        " coverage, related_only) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(claim_id) DO UPDATE SET"
        " verdict = excluded.verdict, sources = excluded.sources,"
        " corpus_version = excluded.corpus_version, computed_at = excluded.computed_at,"
        " coverage = excluded.coverage, related_only = excluded.related_only",
        [
            claim_id,
            result.suggested,
            result.sources,
            version,
            now(),
            json.dumps(result.coverage.to_json(), ensure_ascii=False),
            int(result.related_only),
        ],
    )


def load(db: Database, claim_id: int) -> LinkResult | None:
    """The stored result for ``claim_id``; None when absent or computed before the corpus changed."""
    row = db.conn.execute(
        "SELECT verdict, sources, corpus_version, coverage, related_only FROM suggestion_summaries"
        " WHERE claim_id = ?",
        [claim_id],
    ).fetchone()
    if row is None or row[2] != corpus_version(db) or row[3] == UNJUDGED:
        return None
    rows = db.conn.execute(
        "SELECT s.passage_id, d.name, d.title, d.source, p.text, s.score, s.span_start, s.span_end,"
        " s.flags, p.document_id, s.stance, s.reasons FROM suggestions s JOIN passages p ON p.id = s.passage_id"
        " JOIN documents d ON d.id = p.document_id WHERE s.claim_id = ? ORDER BY s.rank",
        [claim_id],
    ).fetchall()
    candidates = tuple(
        Candidate(
            passage_id=r[0],
            doc=r[1],
            title=r[2],
            source=r[3],
            text=r[4],
            score=r[5],
            span=(r[6], r[7]),
            flags=tuple(json.loads(r[8] or "[]")),
            document_id=r[9],
            stance=r[10],
            reasons=tuple(json.loads(r[11] or "[]")),
        )
        for r in rows
    )
    coverage = Coverage.from_json(json.loads(row[3] or "{}"))
    return LinkResult(candidates, int(row[1]), row[0] or "unsupported", coverage, bool(row[4]))


def missing_or_stale(db: Database) -> list[int]:
    """Claim ids with no summary for the current corpus version (what `suggest` must compute)."""
    version = corpus_version(db)
    rows = db.conn.execute(
        "SELECT c.id FROM claims c LEFT JOIN suggestion_summaries s ON s.claim_id = c.id"
        " WHERE s.claim_id IS NULL OR s.corpus_version != ? OR s.coverage = ? ORDER BY c.id",
        [version, UNJUDGED],
    ).fetchall()
    return [r[0] for r in rows]


def all_claim_ids(db: Database) -> list[int]:
    return [r[0] for r in db.conn.execute("SELECT id FROM claims ORDER BY id")]
