"""Bulk reads for reports: the filtered claims with everything a report shows.

Claims stream in id order with keyset paging (``c.id > last``, never OFFSET),
and each page's links, history, suggestions and context sentences come from
one query per kind keyed by the page's ids (``json_each`` of one JSON array
parameter, so a page of any size is a single bound value). Memory stays at
one page whatever the size of the database.

Rows come back as plain tuples/dicts; ``workbench.reports.model`` turns them
into report records.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from .claim_filter import FLAGGED_SQL, FROM, STATUS_VALUES, ClaimFilter

PAGE = 2000

#: Values ``ExportFilter.statuses`` understands: a verdict, ``unreviewed``, ``flagged``,
#: ``dismissed`` or ``disagreed``.
STATUS_FILTERS: tuple[str, ...] = tuple(s for s in STATUS_VALUES if s != "all")


@dataclass(frozen=True)
class ExportFilter:
    """Which claims a report covers. Empty tuples mean "no restriction"."""

    statuses: tuple[str, ...] = ()  # any of STATUS_FILTERS; several are OR-ed
    document_ids: tuple[int, ...] = ()
    reviewed_only: bool = False

    def is_empty(self) -> bool:
        return not (self.statuses or self.document_ids or self.reviewed_only)

    @property
    def claim_filter(self) -> ClaimFilter:
        """The same choice as a ``ClaimFilter``. A report keeps dismissed claims (marked) unless
        statuses are chosen: then they are in only when ``dismissed`` is one of them."""
        return ClaimFilter(
            statuses=self.statuses,
            document_ids=self.document_ids,
            reviewed_only=self.reviewed_only,
            include_dismissed=not self.statuses,
        )


def _filter(f: ExportFilter | ClaimFilter) -> ClaimFilter:
    return f.claim_filter if isinstance(f, ExportFilter) else f


@contextlib.contextmanager
def snapshot(db: Database) -> Iterator[None]:
    """Run a report's many reads against one snapshot (a read transaction), so the
    summary and the claims agree even while a reviewer keeps working.

    It ends with COMMIT, never ROLLBACK: the export writes nothing, and if the
    connection is shared, a rollback could throw away someone else's change.
    """
    conn = db.conn
    if conn.in_transaction:  # already inside one: that one is the snapshot
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _where(f: ExportFilter | ClaimFilter) -> tuple[str, list]:
    """SQL condition over ``claims c LEFT JOIN verdicts v`` (always a valid WHERE body)."""
    return _filter(f).where()


_FROM = FROM

#: Column order of the tuples ``iter_claim_pages`` yields.
CLAIM_COLUMNS = (
    "id",
    "document_id",
    "passage_id",
    "text",
    "start",
    "end",
    "score",
    "reasons",
    "origin",
    "created_at",
    "status",
    "note",
    "reviewer",
    "updated_at",
    "dismissed_at",
    "dismissed_by",
    "original_text",
)


def iter_claim_pages(
    db: Database,
    f: ExportFilter | ClaimFilter | None = None,
    *,
    status: str | None = None,
    page: int = PAGE,
    claim_filter: ClaimFilter | None = None,
) -> Iterator[list[tuple]]:
    """Pages of matching claim rows (``CLAIM_COLUMNS``) in id order.

    ``status`` narrows further to one verdict (or ``unreviewed``); reports use
    it to list contested claims first without sorting everything in memory.
    """
    where, params = _where(claim_filter or f or ExportFilter())
    if status is not None:
        narrow, more = ClaimFilter(status=status, include_dismissed=True).where()
        where, params = f"{where} AND {narrow}", [*params, *more]
    sql = (
        'SELECT c.id, c.document_id, c.passage_id, c.text, c.start, c."end", c.score, c.reasons,'
        " c.origin, c.created_at, v.status, coalesce(v.note, ''), v.reviewer, v.updated_at,"
        " c.dismissed_at, c.dismissed_by, c.original_text"
        f"{_FROM} WHERE {where} AND c.id > ? ORDER BY c.id LIMIT ?"
    )
    after = 0
    while rows := db.execute(sql, [*params, after, page]).fetchall():
        yield rows
        after = rows[-1][0]


def _by_claim(db: Database, sql: str, ids: list[int]) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for row in db.execute(sql, [json.dumps(ids)]):
        grouped[row[0]].append(row[1:])
    return grouped


def page_clusters(db: Database, ids: list[int]) -> dict[int, tuple[int, int]]:
    """claim id -> (cluster id, members in that cluster) for clustered claims."""
    rows = db.execute(
        "SELECT k.claim_id, k.cluster_id, (SELECT count(*) FROM claim_clusters m WHERE m.cluster_id = k.cluster_id)"
        " FROM claim_clusters k WHERE k.claim_id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)],
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def page_links(db: Database, ids: list[int]) -> dict[int, list[tuple]]:
    """claim id -> [(passage_id, relation, reviewer, created_at, document_id, ordinal, text)]."""
    return _by_claim(
        db,
        "SELECT l.claim_id, l.passage_id, l.relation, l.reviewer, l.created_at, p.document_id,"
        " p.ordinal, p.text FROM evidence_links l JOIN passages p ON p.id = l.passage_id"
        " WHERE l.claim_id IN (SELECT value FROM json_each(?)) ORDER BY l.claim_id, l.created_at, l.passage_id",
        ids,
    )


def page_suggestions(db: Database, ids: list[int]) -> dict[int, list[tuple]]:
    """claim id -> [(rank, passage_id, score, span_start, span_end, flags_json, stance,
    reasons_json)] by rank."""
    return _by_claim(
        db,
        "SELECT claim_id, rank, passage_id, score, span_start, span_end, flags, stance, reasons FROM suggestions"
        " WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, rank",
        ids,
    )


def page_evidence_checks(db: Database, ids: list[int]) -> dict[int, tuple]:
    """claim id -> (suggested verdict, sources, coverage_json, related_only) of its judged
    suggestions (summaries stored before the judgement have coverage '{}' and are left out)."""
    rows = db.conn.execute(
        "SELECT claim_id, verdict, sources, coverage, related_only FROM suggestion_summaries"
        " WHERE claim_id IN (SELECT value FROM json_each(?)) AND coverage != '{}'",
        [json.dumps(ids)],
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def page_history(db: Database, ids: list[int]) -> dict[int, list[tuple]]:
    """claim id -> [(id, kind, passage_id, old, new, reviewer, at, undoes)] oldest first."""
    return _by_claim(
        db,
        "SELECT claim_id, id, kind, passage_id, old, new, reviewer, at, undoes FROM history"
        " WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, id",
        ids,
    )


def page_context(db: Database, ids: list[int]) -> dict[int, list[tuple]]:
    """claim id -> [(offset, text)]: the sentences just before (-1) and after (+1) the
    claim's own, when they sit in the same paragraph."""
    return _by_claim(
        db,
        "SELECT c.id, p.ordinal - cp.ordinal, p.text FROM claims c"
        " JOIN passages cp ON cp.id = c.passage_id"
        " JOIN passages p ON p.document_id = cp.document_id AND p.paragraph = cp.paragraph"
        " AND p.ordinal IN (cp.ordinal - 1, cp.ordinal + 1)"
        " WHERE c.id IN (SELECT value FROM json_each(?))",
        ids,
    )


def document_meta(db: Database) -> dict[int, tuple]:
    """id -> (name, title, source, url, published) for every document (no text)."""
    return {
        row[0]: row[1:] for row in db.execute("SELECT id, name, title, source, url, published FROM documents")
    }


def web_captures(db: Database) -> dict[int, tuple]:
    """id -> (fetched_url, fetched_at, http_status, content_hash, warc_file, warc_offset,
    warc_record_id, version, previous_id, superseded_by) for every document fetched from a URL."""
    return {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT id, fetched_url, fetched_at, http_status, content_hash, warc_file, warc_offset,"
            " warc_record_id, version, previous_id, superseded_by FROM documents WHERE fetched_at IS NOT NULL"
        )
    }


def referenced_documents(db: Database, f: ExportFilter | ClaimFilter) -> list[int] | None:
    """Ids of the documents a filtered export needs (its claims' documents and those of
    their linked or suggested passages); ``None`` when unfiltered, meaning all."""
    if f.is_empty():
        return None
    where, params = _where(f)
    chosen = f"SELECT c.id{_FROM} WHERE {where}"
    sql = (
        f"SELECT c.document_id{_FROM} WHERE {where}"
        " UNION SELECT p.document_id FROM evidence_links l JOIN passages p ON p.id = l.passage_id"
        f" WHERE l.claim_id IN ({chosen})"
        " UNION SELECT p.document_id FROM suggestions s JOIN passages p ON p.id = s.passage_id"
        f" WHERE s.claim_id IN ({chosen})"
    )
    return sorted(r[0] for r in db.execute(sql, [*params, *params, *params]))


def iter_documents(db: Database, ids: list[int] | None) -> Iterator[tuple[tuple, list[tuple]]]:
    """((id, name, title, source, url, published, content_hash, text, ingested_at), passages)
    per document in id order; passages are (id, ordinal, paragraph, start, end, text)."""
    doc_sql = (
        "SELECT id, name, title, source, url, published, content_hash, text, ingested_at"
        " FROM documents WHERE id > ?"
    )
    params: list = []
    if ids is not None:
        doc_sql += " AND id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(ids))
    doc_sql += " ORDER BY id LIMIT 1"
    after = 0
    while (doc := db.execute(doc_sql, [after, *params]).fetchone()) is not None:
        passages = db.execute(
            'SELECT id, ordinal, paragraph, start, "end", text FROM passages'
            " WHERE document_id = ? ORDER BY ordinal",
            [doc[0]],
        ).fetchall()
        yield doc, passages
        after = doc[0]


# --- summary figures -------------------------------------------------------------


def total_claims(db: Database) -> int:
    return db.execute("SELECT count(*) FROM claims").fetchone()[0]


def counts_by_document(db: Database, f: ExportFilter | ClaimFilter) -> list[tuple[int, str | None, int]]:
    """(document_id, status or None, claims) over the filtered claims."""
    where, params = _where(f)
    return db.execute(
        f"SELECT c.document_id, v.status, count(*){_FROM} WHERE {where}"
        " GROUP BY c.document_id, v.status ORDER BY c.document_id, v.status",
        params,
    ).fetchall()


def flagged_count(db: Database, f: ExportFilter | ClaimFilter) -> int:
    where, params = _where(f)
    return db.execute(
        f"SELECT count(*){_FROM} WHERE {where} AND {FLAGGED_SQL}",
        params,
    ).fetchone()[0]


def reviewers(db: Database, f: ExportFilter | ClaimFilter) -> list[tuple[str | None, int, int]]:
    """(reviewer, current verdicts given, changes made) over the filtered claims. Verdicts
    are each reviewer's own decisions and adjudications: a team's agreed verdict is nobody's alone."""
    where, params = _where(f)
    verdicts = {
        name or None: n
        for name, n in db.execute(
            f"SELECT who, count(*) FROM (SELECT d.reviewer AS who FROM decisions d WHERE d.status IS NOT NULL"
            f" AND d.claim_id IN (SELECT c.id{_FROM} WHERE {where})"
            f" UNION ALL SELECT v.reviewer{_FROM} WHERE {where} AND v.basis = 'adjudicated' AND v.status IS NOT NULL)"
            " GROUP BY who",
            [*params, *params],
        )
    }
    changes = dict(
        db.execute(
            f"SELECT h.reviewer, count(*) FROM history h WHERE h.claim_id IN"
            f" (SELECT c.id{_FROM} WHERE {where}) GROUP BY h.reviewer",
            params,
        ).fetchall()
    )
    names = sorted(set(verdicts) | set(changes), key=lambda n: (n is None, n or ""))
    return [(n, verdicts.get(n, 0), changes.get(n, 0)) for n in names]


def date_range(db: Database, f: ExportFilter | ClaimFilter) -> tuple[str | None, str | None]:
    """First and last recorded change (history, else verdict times) of the filtered claims."""
    where, params = _where(f)
    first, last = db.execute(
        f"SELECT min(h.at), max(h.at) FROM history h WHERE h.claim_id IN (SELECT c.id{_FROM} WHERE {where})",
        params,
    ).fetchone()
    if first is None:
        first, last = db.execute(
            f"SELECT min(v.updated_at), max(v.updated_at){_FROM} WHERE {where}", params
        ).fetchone()
    return first, last


def document_ids_named(db: Database, names: list[str]) -> dict[str, list[int]]:
    """Document ids per name: a document's file name (exact), else its title (exact, any case).

    Names are not unique (the same file name from two folders, a title used twice): every
    match is returned.
    """
    found: dict[str, list[int]] = {n: [] for n in names}
    for doc_id, name in db.execute(
        "SELECT id, name FROM documents WHERE name IN (SELECT value FROM json_each(?)) ORDER BY id",
        [json.dumps(names)],
    ):
        found[name].append(doc_id)
    untitled = {n.casefold(): n for n in names if not found[n]}
    if untitled:
        for doc_id, title in db.execute(
            "SELECT id, title FROM documents WHERE title IS NOT NULL ORDER BY id"
        ):  # casefold is Unicode-wide, unlike SQLite's NOCASE: compared here
            if (wanted := untitled.get(title.casefold())) is not None:
                found[wanted].append(doc_id)
    return found
