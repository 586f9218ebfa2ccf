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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlite_utils import Database

from . import team
from .connection import write
from .corpus import bump_corpus_version, corpus_version, now, reindexed_claim

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
    disagreements: int = 0  # claims whose local verdict another reviewer's differing decision met

    def summary(self) -> str:
        text = (
            f"{self.documents_added} documents added, {self.documents_matched} already stored; "
            f"{self.claims_added} claims added, {self.claims_matched} already stored; "
            f"{self.verdicts} verdicts, {self.links} links, {self.history} history rows"
        )
        if self.skipped_links:
            text += f"; {self.skipped_links} links skipped (passage not in the stored document)"
        if self.disagreements:
            text += (
                f"; {self.disagreements} claims marked disagreed (another reviewer decided differently:"
                " both decisions kept, the local verdict not replaced)"
            )
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
        job = _Import(
            db, doc_map, passage_map, matched, _Ids(db, "claims", keep), _Ids(db, "history", keep), stats
        )
        for c in claims:
            _claim(job, c)
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
            passage_map.update(_stored_passages(db, row[0], d))
            stats.documents_matched += 1
            continue
        doc_map[d.ref.id] = new_id = doc_ids.take(d.ref.id)
        _insert_document(db, new_id, d)
        for p in d.passages:
            passage_map[p.id] = passage_ids.take(p.id)
        _insert_passages(db, new_id, d, passage_map)
        stats.documents_added += 1
    for d in documents:  # versions of a page point at each other: ids as stored here
        if (c := d.ref.capture) is not None and d.ref.id not in matched:
            db.execute(
                "UPDATE documents SET previous_id = ?, superseded_by = ? WHERE id = ?",
                [doc_map.get(c.previous_id), doc_map.get(c.superseded_by), doc_map[d.ref.id]],
            )
    return doc_map, passage_map, matched


def _stored_passages(db: Database, doc_id: int, d: ReportDocument) -> dict[int, int]:
    """File passage id -> stored passage id, matched by offsets in the already stored document."""
    stored = {
        (s, e): pid
        for pid, s, e in db.execute('SELECT id, start, "end" FROM passages WHERE document_id = ?', [doc_id])
    }
    return {p.id: stored[(p.start, p.end)] for p in d.passages if (p.start, p.end) in stored}


def _insert_document(db: Database, new_id: int, d: ReportDocument) -> None:
    r = d.ref
    db.execute(
        "INSERT INTO documents (id, name, title, source, url, published, content_hash, text, ingested_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id, r.name, r.title, r.source, r.url, r.published, d.content_hash, d.text, d.ingested_at],
    )
    if (c := r.capture) is not None:  # a fetched page (issue #15); versions linked by the caller
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


def _insert_passages(db: Database, new_id: int, d: ReportDocument, passage_map: dict[int, int]) -> None:
    rows = [(passage_map[p.id], new_id, p.ordinal, p.paragraph, p.start, p.end, p.text) for p in d.passages]
    db.conn.executemany(
        'INSERT INTO passages (id, document_id, ordinal, paragraph, start, "end", text) VALUES (?, ?, ?, ?, ?, ?, ?)',
        rows,
    )
    capture = d.ref.capture
    if capture is None or capture.superseded_by is None:  # an old version stays out of search
        db.conn.executemany(
            "INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", [(r[0], r[6]) for r in rows]
        )


@dataclass
class _Import:
    """What one import knows while it writes: the id maps (file -> database) and its counts."""

    db: Database
    doc_map: dict[int, int]
    passage_map: dict[int, int]
    matched_documents: set[int]  # file ids of documents already stored
    claim_ids: _Ids
    hist_ids: _Ids
    stats: ImportStats
    hist_map: dict[int, int] = field(default_factory=dict)

    def passage(self, file_id: int | None) -> int | None:
        return self.passage_map.get(file_id) if file_id is not None else None


def _claim(job: _Import, c: ReportClaim) -> None:
    """One claim of the file with its verdict, links, suggestions and history."""
    cid = _stored_claim(job, c)
    known: dict[str, str | None] = {}
    if cid is None:
        cid = _insert_claim(job, c)
    else:
        job.stats.claims_matched += 1
        _take_edit_and_dismissal(job, cid, c)
        known = dict(
            job.db.execute("SELECT reviewer, status FROM decisions WHERE claim_id = ?", [cid]).fetchall()
        )
    _history(job, cid, c)  # its status and note rows update ``decisions`` (schema triggers)
    _decisions(job, cid, c)
    _assignments(job, cid, c)
    _verdict(job, cid, c, known)
    _links(job, cid, c)
    _suggestions(job, cid, c)


def _original_span(c: ReportClaim) -> tuple[str, int | None, int | None] | None:
    """The claim as extracted, before its first edit (from the edit's history row)."""
    first = next((h for h in c.history if h.kind == "edit" and h.old), None)
    if first is None:
        return None
    span = json.loads(first.old)
    return span["text"], span.get("start"), span.get("end")


def _stored_claim(job: _Import, c: ReportClaim) -> int | None:
    """The id of the same claim already stored: same text and offsets, or, for a claim
    edited in the file, the unedited claim it was."""
    if c.document.id not in job.matched_documents:
        return None
    sql = (
        'SELECT id FROM claims WHERE document_id = ? AND text = ? AND start IS ? AND "end" IS ?'
        " ORDER BY id LIMIT 1"
    )
    doc_id = job.doc_map[c.document.id]
    for text, start, end in filter(None, ((c.text, c.start, c.end), _original_span(c))):
        if (row := job.db.execute(sql, [doc_id, text, start, end]).fetchone()) is not None:
            return row[0]
    return None


def _insert_claim(job: _Import, c: ReportClaim) -> int:
    cid = job.claim_ids.take(c.id)
    job.db.execute(
        'INSERT INTO claims (id, document_id, passage_id, text, start, "end", score, reasons,'
        " origin, created_at, dismissed_at, dismissed_by, original_text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            cid,
            job.doc_map[c.document.id],
            job.passage(c.passage_id),
            c.text,
            c.start,
            c.end,
            c.score,
            json.dumps(list(c.reasons)),
            c.origin,
            c.created_at,
            c.dismissed_at,
            c.dismissed_by,
            c.original_text,
        ],
    )
    if c.origin == "extracted" and c.original_text is not None:  # edited: searched on its own
        job.db.execute("INSERT INTO claims_fts (rowid, text) VALUES (?, ?)", [cid, c.text])
    job.stats.claims_added += 1
    return cid


def _take_edit_and_dismissal(job: _Import, cid: int, c: ReportClaim) -> None:
    """A stored claim takes the file's edit and dismissal when it has none of its own."""
    db = job.db
    text, edited, dismissed = db.execute(
        "SELECT text, original_text IS NOT NULL, dismissed_at IS NOT NULL FROM claims WHERE id = ?", [cid]
    ).fetchone()
    if text != c.text and not edited:  # matched as the claim the file's edit started from
        with reindexed_claim(db, cid):
            db.execute(
                'UPDATE claims SET text = ?, start = ?, "end" = ?,'
                " original_text = CASE WHEN origin = 'extracted' THEN text END WHERE id = ?",
                [c.text, c.start, c.end, cid],
            )
    if c.dismissed_at is not None and not dismissed:
        db.execute(
            "UPDATE claims SET dismissed_at = ?, dismissed_by = ? WHERE id = ?",
            [c.dismissed_at, c.dismissed_by, cid],
        )


def _decisions(job: _Import, cid: int, c: ReportClaim) -> None:
    """Each reviewer's decision from the file, where newer than the one stored for them."""
    job.db.conn.executemany(
        "INSERT INTO decisions (claim_id, reviewer, status, note, updated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (claim_id, reviewer) DO UPDATE SET status = excluded.status, note = excluded.note,"
        " updated_at = excluded.updated_at WHERE excluded.updated_at > decisions.updated_at",
        [(cid, d.reviewer or "", d.status, d.note, d.updated_at) for d in c.decisions],
    )


def _assignments(job: _Import, cid: int, c: ReportClaim) -> None:
    """The reviewers the file's claim is assigned to (added to any assigned here)."""
    job.db.conn.executemany(
        "INSERT OR IGNORE INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, ?)",
        [(cid, reviewer, c.updated_at or c.created_at) for reviewer in c.assigned],
    )


def _verdict(job: _Import, cid: int, c: ReportClaim, known: dict[str, str | None]) -> None:
    """The file's final verdict, unless it would silently replace another reviewer's.

    A claim with assigned reviewers is settled by the team rule from the decisions. Otherwise
    the newer verdict is taken, except when it differs from the local verdict, comes from
    another reviewer and that reviewer's decision is new here: then, as ``workbench merge``
    does, both reviewers are assigned the claim and it waits for an adjudicator (disagreed).
    """
    if c.updated_at is None:
        return
    db = job.db
    if team.assigned_reviewers(db, cid):
        team.settle(db, cid)
        return
    local = db.execute("SELECT status, reviewer, basis FROM verdicts WHERE claim_id = ?", [cid]).fetchone()
    if local is not None and local[2] == "disagreed":
        return  # waits for an adjudicator
    if (
        local is not None
        and None not in (local[0], c.verdict)
        and local[0] != c.verdict
        and (local[1] or "") != (c.reviewer or "")
        and known.get(c.reviewer or "") != c.verdict
    ):
        _make_team_claim(db, cid, (local[1] or "", local[0]), (c.reviewer or "", c.verdict), c)
        job.stats.disagreements += 1
        return
    cur = db.execute(
        "INSERT INTO verdicts (claim_id, status, note, reviewer, updated_at, basis) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(claim_id) DO UPDATE SET status = excluded.status, note = excluded.note,"
        " reviewer = excluded.reviewer, updated_at = excluded.updated_at, basis = excluded.basis"
        " WHERE excluded.updated_at > verdicts.updated_at",
        [cid, c.verdict, c.note, c.reviewer, c.updated_at, c.basis],
    )
    job.stats.verdicts += cur.rowcount


def _make_team_claim(db, cid: int, ours: tuple[str, str], theirs: tuple[str, str], c: ReportClaim) -> None:
    """Two reviewers' different verdicts: as ``workbench merge`` does, both are assigned the
    claim and the team rule settles it (disagreed: no final verdict, waiting for an adjudicator)."""
    at = c.updated_at
    db.conn.executemany(
        "INSERT OR IGNORE INTO decisions (claim_id, reviewer, status, note, updated_at) VALUES (?, ?, ?, '', ?)",
        [(cid, who, status, at) for who, status in (ours, theirs)],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, ?)",
        [(cid, who, at) for who, _ in (ours, theirs)],
    )
    team.settle(db, cid)


def _links(job: _Import, cid: int, c: ReportClaim) -> None:
    for link in c.links:
        pid = job.passage(link.passage_id)
        if pid is None:
            job.stats.skipped_links += 1
            continue
        cur = job.db.execute(
            "INSERT INTO evidence_links (claim_id, passage_id, relation, reviewer, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(claim_id, passage_id) DO NOTHING",
            [cid, pid, link.relation, link.reviewer, link.created_at],
        )
        job.stats.links += cur.rowcount


def _suggestions(job: _Import, cid: int, c: ReportClaim) -> None:
    """Stored linker suggestions (and their judgement) only for a claim that has none."""
    conn = job.db.conn
    if not c.suggestions or conn.execute("SELECT 1 FROM suggestions WHERE claim_id = ?", [cid]).fetchone():
        return
    conn.executemany(
        "INSERT INTO suggestions (claim_id, rank, passage_id, score, span_start, span_end, flags,"
        " stance, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                cid,
                s.rank,
                job.passage_map[s.passage_id],
                s.score,
                s.span[0],
                s.span[1],
                json.dumps(list(s.flags)),
                s.stance,
                json.dumps(list(s.reasons), ensure_ascii=False),
            )
            for s in c.suggestions
            if s.passage_id in job.passage_map
        ],
    )
    if (check := c.evidence_check) is not None:
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


def _history(job: _Import, cid: int, c: ReportClaim) -> None:
    """History rows appended unless an identical one is there (importing twice adds nothing)."""
    conn = job.db.conn
    for h in c.history:
        hp = job.passage(h.passage_id)
        undoes = job.hist_map.get(h.undoes) if h.undoes is not None else None
        same = conn.execute(
            "SELECT id FROM history WHERE claim_id = ? AND kind = ? AND passage_id IS ? AND old IS ?"
            " AND new IS ? AND reviewer IS ? AND at = ? LIMIT 1",
            [cid, h.kind, hp, h.old, h.new, h.reviewer, h.at],
        ).fetchone()
        if same is not None:
            job.hist_map[h.id] = same[0]
            continue
        job.hist_map[h.id] = new_id = job.hist_ids.take(h.id)
        conn.execute(
            "INSERT INTO history (id, claim_id, kind, passage_id, old, new, reviewer, at, undoes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [new_id, cid, h.kind, hp, h.old, h.new, h.reviewer, h.at, undoes],
        )
        job.stats.history += 1
