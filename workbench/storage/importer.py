"""Writing a parsed review export into a database, in ONE transaction.

Into an empty database the records keep their ids, so exporting again gives
the same file. Into a database that already holds data, ids are mapped:

- a document whose content hash is already stored is the same document; its
  passages are matched by their offsets (``start``, ``end``);
- a claim of such a document that is already stored (same text and offsets)
  is the same claim; new ones get fresh ids;
- a verdict/note is taken when the claim has none or the imported one is newer;
- links are added when absent; stored linker suggestions only when the claim
  has none; history rows are appended unless an identical row is there, so
  importing a file twice changes nothing the second time.

Anything that fails rolls the whole import back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database

from .connection import write
from .corpus import bump_corpus_version, corpus_version, now

#: Marks summaries written by this import until the import knows the final corpus version.
IMPORTED_VERSION = -2

if TYPE_CHECKING:  # reports depends on storage; keep the runtime import one-way
    from ..reports.model import ReportClaim, ReportDocument


@dataclass
class ImportStats:
    documents_added: int = 0
    documents_matched: int = 0
    claims_added: int = 0
    claims_matched: int = 0
    verdicts: int = 0
    links: int = 0
    history: int = 0
    skipped_links: int = 0  # passage not found in an already stored document

    def summary(self) -> str:
        text = (
            f"{self.documents_added} documents added, {self.documents_matched} already stored; "
            f"{self.claims_added} claims added, {self.claims_matched} already stored; "
            f"{self.verdicts} verdicts, {self.links} links, {self.history} history rows"
        )
        if self.skipped_links:
            text += f"; {self.skipped_links} links skipped (passage not in the stored document)"
        return text


class _Ids:
    """Id allocation: keep the file's ids in an empty database, else take max + 1."""

    def __init__(self, db: Database, table: str, keep: bool):
        self.keep = keep
        self.next = db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]

    def take(self, original: int) -> int:
        if self.keep:
            return original
        self.next += 1
        return self.next - 1


def _is_empty(db: Database) -> bool:
    return all(
        db.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {t})").fetchone()[0]
        for t in ("documents", "passages", "claims", "history")
    )


def import_review(
    db: Database, documents: Sequence[ReportDocument], claims: Sequence[ReportClaim]
) -> ImportStats:
    stats = ImportStats()
    with write(db):
        keep = _is_empty(db)
        doc_map, passage_map, matched = _documents(db, documents, keep, stats)
        claim_ids, hist_ids = _Ids(db, "claims", keep), _Ids(db, "history", keep)
        hist_map: dict[int, int] = {}
        for c in claims:
            _claim(
                db, c, doc_map, passage_map, c.document.id in matched, claim_ids, hist_ids, hist_map, stats
            )
        if stats.documents_added:
            bump_corpus_version(db)
        conn = db.conn
        conn.execute(
            "UPDATE suggestion_summaries SET corpus_version = ? WHERE corpus_version = ?",
            [corpus_version(db), IMPORTED_VERSION],
        )
    return stats


def _documents(
    db: Database, documents: Sequence[ReportDocument], keep: bool, stats: ImportStats
) -> tuple[dict[int, int], dict[int, int], set[int]]:
    """Insert new documents with their passages; map ids (file -> database).

    Also returns the file ids of documents that were already stored (only
    their claims can already exist)."""
    doc_ids, passage_ids = _Ids(db, "documents", keep), _Ids(db, "passages", keep)
    doc_map: dict[int, int] = {}
    passage_map: dict[int, int] = {}
    matched: set[int] = set()
    for d in documents:
        row = db.execute("SELECT id FROM documents WHERE content_hash = ?", [d.content_hash]).fetchone()
        if row is not None:
            doc_map[d.ref.id] = row[0]
            matched.add(d.ref.id)
            stored = {
                (s, e): pid
                for pid, s, e in db.execute(
                    'SELECT id, start, "end" FROM passages WHERE document_id = ?', [row[0]]
                )
            }
            for p in d.passages:
                if (p.start, p.end) in stored:
                    passage_map[p.id] = stored[(p.start, p.end)]
            stats.documents_matched += 1
            continue
        new_id = doc_ids.take(d.ref.id)
        r = d.ref
        db.execute(
            "INSERT INTO documents (id, name, title, source, url, published, content_hash, text, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [new_id, r.name, r.title, r.source, r.url, r.published, d.content_hash, d.text, d.ingested_at],
        )
        if (c := r.capture) is not None:  # a fetched page (issue #15); versions linked below
            db.execute(
                "UPDATE documents SET fetched_url = ?, fetched_at = ?, http_status = ?, warc_file = ?,"
                " warc_offset = ?, warc_record_id = ?, version = ? WHERE id = ?",
                [
                    c.fetched_url,
                    c.fetched_at,
                    c.http_status,
                    c.warc_file,
                    c.warc_offset,
                    c.warc_record_id,
                    c.version,
                    new_id,
                ],
            )
        doc_map[r.id] = new_id
        rows = []
        for p in d.passages:
            passage_map[p.id] = pid = passage_ids.take(p.id)
            rows.append((pid, new_id, p.ordinal, p.paragraph, p.start, p.end, p.text))
        db.conn.executemany(
            'INSERT INTO passages (id, document_id, ordinal, paragraph, start, "end", text)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if r.capture is None or r.capture.superseded_by is None:  # an old version stays out of search
            db.conn.executemany(
                "INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", [(r[0], r[6]) for r in rows]
            )
        stats.documents_added += 1
    for d in documents:  # versions of a page point at each other: ids as stored here
        if (c := d.ref.capture) is not None and d.ref.id not in matched:
            db.execute(
                "UPDATE documents SET previous_id = ?, superseded_by = ? WHERE id = ?",
                [doc_map.get(c.previous_id), doc_map.get(c.superseded_by), doc_map[d.ref.id]],
            )
    return doc_map, passage_map, matched


def _claim(
    db: Database,
    c: ReportClaim,
    doc_map: dict[int, int],
    passage_map: dict[int, int],
    known_document: bool,
    claim_ids: _Ids,
    hist_ids: _Ids,
    hist_map: dict[int, int],
    stats: ImportStats,
) -> None:
    conn = db.conn
    doc_id = doc_map[c.document.id]
    passage_id = passage_map.get(c.passage_id) if c.passage_id is not None else None
    row = None
    if known_document:
        row = conn.execute(
            'SELECT id FROM claims WHERE document_id = ? AND text = ? AND start IS ? AND "end" IS ?'
            " ORDER BY id LIMIT 1",
            [doc_id, c.text, c.start, c.end],
        ).fetchone()
    if row is not None:
        cid = row[0]
        stats.claims_matched += 1
    else:
        cid = claim_ids.take(c.id)
        conn.execute(
            'INSERT INTO claims (id, document_id, passage_id, text, start, "end", score, reasons,'
            " origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                cid,
                doc_id,
                passage_id,
                c.text,
                c.start,
                c.end,
                c.score,
                json.dumps(list(c.reasons)),
                c.origin,
                c.created_at,
            ],
        )
        stats.claims_added += 1
    if c.updated_at is not None:
        cur = conn.execute(
            "INSERT INTO verdicts (claim_id, status, note, reviewer, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(claim_id) DO UPDATE SET status = excluded.status, note = excluded.note,"
            " reviewer = excluded.reviewer, updated_at = excluded.updated_at"
            " WHERE excluded.updated_at > verdicts.updated_at",
            [cid, c.verdict, c.note, c.reviewer, c.updated_at],
        )
        stats.verdicts += cur.rowcount
    for link in c.links:
        pid = passage_map.get(link.passage_id)
        if pid is None:
            stats.skipped_links += 1
            continue
        cur = conn.execute(
            "INSERT INTO evidence_links (claim_id, passage_id, relation, reviewer, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(claim_id, passage_id) DO NOTHING",
            [cid, pid, link.relation, link.reviewer, link.created_at],
        )
        stats.links += cur.rowcount
    has_suggestions = conn.execute("SELECT 1 FROM suggestions WHERE claim_id = ?", [cid]).fetchone()
    if c.suggestions and not has_suggestions:
        conn.executemany(
            "INSERT INTO suggestions (claim_id, rank, passage_id, score, span_start, span_end, flags,"
            " stance, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    cid,
                    s.rank,
                    passage_map[s.passage_id],
                    s.score,
                    s.span[0],
                    s.span[1],
                    json.dumps(list(s.flags)),
                    s.stance,
                    json.dumps(list(s.reasons), ensure_ascii=False),
                )
                for s in c.suggestions
                if s.passage_id in passage_map
            ],
        )
        if c.evidence_check is not None:
            check = c.evidence_check
            # As judged when exported; stale (recomputed) once the corpus changes again.
            conn.execute(
                "INSERT INTO suggestion_summaries (claim_id, verdict, sources, corpus_version, computed_at,"
                " coverage, related_only) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(claim_id) DO NOTHING",
                [
                    cid,
                    check.suggested,
                    check.sources,
                    IMPORTED_VERSION,
                    now(),
                    json.dumps(check.coverage.to_json(), ensure_ascii=False),
                    int(check.related_only),
                ],
            )
    for h in c.history:
        hp = passage_map.get(h.passage_id) if h.passage_id is not None else None
        undoes = hist_map.get(h.undoes) if h.undoes is not None else None
        same = conn.execute(
            "SELECT id FROM history WHERE claim_id = ? AND kind = ? AND passage_id IS ? AND old IS ?"
            " AND new IS ? AND reviewer IS ? AND at = ? LIMIT 1",
            [cid, h.kind, hp, h.old, h.new, h.reviewer, h.at],
        ).fetchone()
        if same is not None:
            hist_map[h.id] = same[0]
            continue
        hist_map[h.id] = new_id = hist_ids.take(h.id)
        conn.execute(
            "INSERT INTO history (id, claim_id, kind, passage_id, old, new, reviewer, at, undoes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [new_id, cid, h.kind, hp, h.old, h.new, h.reviewer, h.at, undoes],
        )
        stats.history += 1
