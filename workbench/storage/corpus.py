"""Documents, passages and claims: writing a corpus and reading it back."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from sqlite_utils import Database

from ..models import UNREVIEWED, VERDICTS, Claim, Document, Passage, PassageDraft, RawDocument
from .claim_filter import (  # noqa: F401  (FLAGGED_SQL, fts_prefix_query: importable from here as before)
    FLAGGED_SQL,
    FROM,
    STATUS_VALUES,
    ClaimFilter,
    fts_prefix_query,
)
from .connection import write

BATCH = 2000

#: The status filters of the review screen's cycle before dismissed claims came (kept so a
#: screen built on it keeps its keys; ``review_filters`` is the cycle now). Every status a
#: filter understands is ``claim_filter.STATUS_VALUES``.
FILTERS: tuple[str, ...] = ("all", UNREVIEWED, *VERDICTS, "flagged")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def content_hash(text: str, chunk: int = 1 << 20) -> str:
    """The hash a document is stored under: SHA-256 of its UTF-8 text.

    Ingest computes it and import recomputes it (a file's own claim is not trusted).
    Encoded a megabyte at a time: a 50 MB document is not copied whole again.
    """
    digest = hashlib.sha256()
    for start in range(0, len(text), chunk):
        digest.update(text[start : start + chunk].encode("utf-8"))
    return digest.hexdigest()


def document_exists(db: Database, content_hash: str) -> bool:
    row = db.execute("SELECT 1 FROM documents WHERE content_hash = ?", [content_hash]).fetchone()
    return row is not None


@dataclass(frozen=True)
class WebSource:
    """Where and when a document was fetched, and where its raw response is archived."""

    fetched_url: str  # as asked, before redirects (the document's url is the final one)
    fetched_at: str
    http_status: int
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None


@dataclass(frozen=True)
class Version:
    """The current (not superseded) version of a fetched page."""

    id: int
    version: int
    content_hash: str


def current_version(db: Database, url: str) -> Version | None:
    """The newest stored version of the page fetched at ``url`` (its final URL)."""
    row = db.execute(
        "SELECT id, version, content_hash FROM documents WHERE url = ? AND fetched_at IS NOT NULL"
        " AND superseded_by IS NULL ORDER BY id DESC LIMIT 1",
        [url],
    ).fetchone()
    return Version(*row) if row else None


def add_document(
    db: Database,
    doc: RawDocument,
    content_hash: str,
    passages: Iterable[PassageDraft],
    *,
    web: WebSource | None = None,
    previous: Version | None = None,
) -> tuple[int, int, int] | None:
    """Store one document with its passages and claims in one transaction.

    Returns ``(document_id, passages, claims)``, or ``None`` when a document
    with the same content is already stored. ``passages`` may be a generator:
    it is consumed in batches so a huge document never sits in memory twice.
    ``web`` records a fetched page's provenance; ``previous`` makes the document
    the next version of that one, which is kept and marked superseded.
    """
    with write(db):
        if document_exists(db, content_hash):
            return None
        w = web or WebSource("", "", 0)
        cur = db.execute(
            "INSERT INTO documents (name, title, source, url, published, content_hash, text, ingested_at,"
            " fetched_url, fetched_at, http_status, warc_file, warc_offset, warc_record_id, version,"
            " previous_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                doc.name,
                doc.title,
                doc.source,
                doc.url,
                doc.published,
                content_hash,
                doc.text,
                now(),
                w.fetched_url or None,
                w.fetched_at or None,
                w.http_status or None,
                w.warc_file,
                w.warc_offset,
                w.warc_record_id,
                previous.version + 1 if previous else 1,
                previous.id if previous else None,
            ],
        )
        document_id = cur.lastrowid
        if previous is not None:
            db.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", [document_id, previous.id])
        # We hold the write lock (BEGIN IMMEDIATE), so ids picked here stay ours.
        next_passage = db.execute("SELECT coalesce(max(id), 0) + 1 FROM passages").fetchone()[0]
        n_passages = n_claims = 0
        created = now()
        it = iter(passages)
        while batch := list(islice(it, BATCH)):
            prow, frow, crow = [], [], []
            for p in batch:
                pid = next_passage + n_passages
                n_passages += 1
                prow.append((pid, document_id, p.ordinal, p.paragraph, p.start, p.end, p.text))
                frow.append((pid, p.text))
                if p.claim is not None:
                    crow.append(
                        (
                            document_id,
                            pid,
                            p.text,
                            p.start,
                            p.end,
                            p.claim.score,
                            json.dumps(list(p.claim.reasons)),
                            created,
                        )
                    )
            db.conn.executemany(
                'INSERT INTO passages (id, document_id, ordinal, paragraph, start, "end", text)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                prow,
            )
            db.conn.executemany("INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", frow)
            db.conn.executemany(
                'INSERT INTO claims (document_id, passage_id, text, start, "end", score, reasons, origin, created_at)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'extracted', ?)",
                crow,
            )
            n_claims += len(crow)
        bump_corpus_version(db)
        return document_id, n_passages, n_claims


def bump_corpus_version(db: Database) -> None:
    db.execute(
        "INSERT INTO state (key, value) VALUES ('corpus_version', '1')"
        " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def corpus_version(db: Database) -> int:
    row = db.execute("SELECT value FROM state WHERE key = 'corpus_version'").fetchone()
    return int(row[0]) if row else 0


def add_claim(
    db: Database,
    document_id: int,
    text: str,
    *,
    origin: str = "manual",
    passage_id: int | None = None,
    start: int | None = None,
    end: int | None = None,
    score: float = 0.0,
    reasons: Iterable[str] = (),
) -> int:
    with write(db):
        cur = db.execute(
            'INSERT INTO claims (document_id, passage_id, text, start, "end", score, reasons, origin, created_at)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [document_id, passage_id, text, start, end, score, json.dumps(list(reasons)), origin, now()],
        )
        return int(cur.lastrowid)


# --- reading -----------------------------------------------------------------

_DOC_COLS = "id, name, title, source, url, published, content_hash"
_CLAIM_SELECT = (
    'SELECT c.id, c.document_id, c.passage_id, c.text, c.start, c."end", c.score, c.reasons,'
    " c.origin, v.status, d.name, c.dismissed_at, c.dismissed_by, c.original_text FROM claims c"
    " JOIN documents d ON d.id = c.document_id"
    " LEFT JOIN verdicts v ON v.claim_id = c.id"
)


def claim_from_row(row: tuple) -> Claim:
    return Claim(
        id=row[0],
        document_id=row[1],
        passage_id=row[2],
        text=row[3],
        start=row[4],
        end=row[5],
        score=row[6],
        reasons=tuple(json.loads(row[7] or "[]")),
        origin=row[8],
        status=row[9],
        doc_name=row[10],
        dismissed_at=row[11],
        dismissed_by=row[12],
        original_text=row[13],
    )


def documents(db: Database) -> list[Document]:
    return [Document(*row) for row in db.execute(f"SELECT {_DOC_COLS} FROM documents ORDER BY id")]


@dataclass(frozen=True)
class DocumentSummary:
    """A document as ``workbench documents`` lists it."""

    id: int
    name: str
    title: str | None
    source: str | None
    url: str | None
    passages: int
    claims: int  # not dismissed


def document_summaries(db: Database) -> list[DocumentSummary]:
    """Every document in id order with its number of passages and of claims."""
    rows = db.execute(
        "SELECT d.id, d.name, d.title, d.source, d.url,"
        " (SELECT count(*) FROM passages p WHERE p.document_id = d.id),"
        " (SELECT count(*) FROM claims c WHERE c.document_id = d.id AND c.dismissed_at IS NULL)"
        " FROM documents d ORDER BY d.id"
    )
    return [DocumentSummary(*row) for row in rows]


def get_document(db: Database, document_id: int) -> Document | None:
    row = db.execute(f"SELECT {_DOC_COLS} FROM documents WHERE id = ?", [document_id]).fetchone()
    return Document(*row) if row else None


def find_document(db: Database, name: str) -> Document | None:
    row = db.execute(
        f"SELECT {_DOC_COLS} FROM documents WHERE name = ? ORDER BY id LIMIT 1", [name]
    ).fetchone()
    return Document(*row) if row else None


def document_text(db: Database, document_id: int) -> str:
    row = db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
    return row[0] if row else ""


def get_passage(db: Database, passage_id: int) -> Passage | None:
    row = db.execute(
        'SELECT id, document_id, ordinal, paragraph, start, "end", text FROM passages WHERE id = ?',
        [passage_id],
    ).fetchone()
    return Passage(*row) if row else None


def paragraph_passages(db: Database, passage: Passage) -> list[Passage]:
    """The passages of the paragraph ``passage`` sits in, in order (its context)."""
    rows = db.execute(
        'SELECT id, document_id, ordinal, paragraph, start, "end", text FROM passages'
        " WHERE document_id = ? AND paragraph = ? ORDER BY ordinal LIMIT 200",
        [passage.document_id, passage.paragraph],
    )
    return [Passage(*row) for row in rows]


def get_claim(db: Database, claim_id: int) -> Claim | None:
    row = db.execute(f"{_CLAIM_SELECT} WHERE c.id = ?", [claim_id]).fetchone()
    return claim_from_row(row) if row else None


def _claim_filter(
    claim_filter: ClaimFilter | None, status: str | None, search: str | None, document_id: int | None
) -> ClaimFilter:
    if claim_filter is not None:
        return claim_filter
    return ClaimFilter(
        status=status or "all",
        search=search or "",
        document_ids=() if document_id is None else (document_id,),
    )


def filter_sql(status: str | None, search: str | None, document_id: int | None) -> tuple[str, list]:
    """`` WHERE …`` over ``claims c LEFT JOIN verdicts v`` for a status, a search and a document
    (``ClaimFilter`` for more)."""
    where, params = _claim_filter(None, status, search, document_id).where()
    return f" WHERE {where}", params


def list_claims(
    db: Database,
    *,
    status: str | None = None,
    search: str | None = None,
    document_id: int | None = None,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
    claim_filter: ClaimFilter | None = None,
) -> list[Claim]:
    """A page of claims in id order (keyset paging, never OFFSET).

    ``after_id`` pages forward; ``before_id`` pages backward (rows still
    returned in ascending order). ``claim_filter`` replaces status/search/document_id.
    """
    where, params = _claim_filter(claim_filter, status, search, document_id).where()
    if before_id is not None:
        sql = f"{_CLAIM_SELECT} WHERE {where} AND c.id < ? ORDER BY c.id DESC LIMIT ?"
        rows = db.execute(sql, [*params, before_id, limit]).fetchall()
        return [claim_from_row(r) for r in reversed(rows)]
    if after_id is not None:
        where, params = where + " AND c.id > ?", [*params, after_id]
    rows = db.execute(f"{_CLAIM_SELECT} WHERE {where} ORDER BY c.id LIMIT ?", [*params, limit])
    return [claim_from_row(r) for r in rows]


def iter_claims(
    db: Database,
    *,
    status: str | None = None,
    document_id: int | None = None,
    batch: int = 5000,
    claim_filter: ClaimFilter | None = None,
) -> Iterator[Claim]:
    """Every claim matching the filter, fetched page by page."""
    chosen = _claim_filter(claim_filter, status, None, document_id)
    after: int | None = None
    while page := list_claims(db, claim_filter=chosen, after_id=after, limit=batch):
        yield from page
        after = page[-1].id


def count_claims(
    db: Database,
    *,
    status: str | None = None,
    search: str | None = None,
    document_id: int | None = None,
    claim_filter: ClaimFilter | None = None,
) -> int:
    where, params = _claim_filter(claim_filter, status, search, document_id).where()
    return db.execute(f"SELECT count(*){FROM} WHERE {where}", params).fetchone()[0]


def claim_position(
    db: Database,
    claim_id: int,
    *,
    status: str | None = None,
    search: str | None = None,
    claim_filter: ClaimFilter | None = None,
) -> int:
    """How many matching claims come before ``claim_id`` (its row in the list)."""
    where, params = _claim_filter(claim_filter, status, search, None).where()
    return db.execute(f"SELECT count(*){FROM} WHERE {where} AND c.id < ?", [*params, claim_id]).fetchone()[0]


def review_filters(db: Database) -> tuple[str, ...]:
    """The review screen's filter cycle: ``FILTERS``, then ``dismissed``, and ``disagreed``
    when reviewers are assigned claims (alone nobody can disagree)."""
    team = db.execute("SELECT 1 FROM assignments LIMIT 1").fetchone() is not None
    return (*FILTERS, "dismissed", *(("disagreed",) if team else ()))


def review_counts(db: Database) -> tuple[int, dict[str, int], int]:
    """(claims not dismissed, their count per verdict, dismissed claims).

    Counted over all claims and then less the dismissed ones (few, found by their index),
    so the usual case reads only the small indexes.
    """
    claims = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    dismissed = db.execute("SELECT count(*) FROM claims WHERE dismissed_at IS NOT NULL").fetchone()[0]
    counts = dict(
        db.execute(
            "SELECT status, count(*) FROM verdicts WHERE status IS NOT NULL GROUP BY status"
        ).fetchall()
    )
    if dismissed:
        for status, n in db.execute(
            "SELECT v.status, count(*) FROM claims c JOIN verdicts v ON v.claim_id = c.id"
            " WHERE c.dismissed_at IS NOT NULL AND v.status IS NOT NULL GROUP BY v.status"
        ):
            counts[status] -= n
    return claims - dismissed, {k: n for k, n in counts.items() if n}, dismissed


def stats(db: Database) -> dict[str, int]:
    """Corpus and review figures; ``claims`` and the verdict counts leave dismissed claims
    out (``dismissed`` counts them)."""
    one = lambda sql: db.execute(sql).fetchone()[0]
    claims, counts, dismissed = review_counts(db)
    reviewed = sum(counts.get(v, 0) for v in VERDICTS)
    return {
        "documents": one("SELECT count(*) FROM documents"),
        "passages": one("SELECT count(*) FROM passages"),
        "claims": claims,
        "reviewed": reviewed,
        "unreviewed": claims - reviewed,
        **{v: counts.get(v, 0) for v in VERDICTS},
        "dismissed": dismissed,
        "links": one("SELECT count(*) FROM evidence_links"),
    }


# --- versions: moving claims and links to a page's new version ----------------------


def passages_of(db: Database, document_id: int) -> list[Passage]:
    rows = db.execute(
        'SELECT id, document_id, ordinal, paragraph, start, "end", text FROM passages'
        " WHERE document_id = ? ORDER BY ordinal",
        [document_id],
    )
    return [Passage(*row) for row in rows]


def claims_of(
    db: Database, document_id: int
) -> list[tuple[int, int | None, str, int | None, int | None, str]]:
    """(id, passage_id, text, start, end, origin) of every claim on ``document_id``."""
    return db.execute(
        'SELECT id, passage_id, text, start, "end", origin FROM claims WHERE document_id = ? ORDER BY id',
        [document_id],
    ).fetchall()


def links_into(db: Database, document_id: int) -> list[tuple[int, int]]:
    """(claim_id, passage_id) of every evidence link to a passage of ``document_id``."""
    return db.execute(
        "SELECT l.claim_id, l.passage_id FROM evidence_links l JOIN passages p ON p.id = l.passage_id"
        " WHERE p.document_id = ? ORDER BY l.claim_id, l.passage_id",
        [document_id],
    ).fetchall()


def move_claim(db: Database, claim_id: int, passage: Passage, text: str, start: int, end: int) -> None:
    """Put ``claim_id`` on ``passage`` of a new version, in place of the claim freshly
    extracted there (the reviewer's verdict, links and history stay with the old id)."""
    db.execute(
        "DELETE FROM claims WHERE passage_id = ? AND origin = 'extracted' AND id != ?", [passage.id, claim_id]
    )
    with reindexed_claim(db, claim_id):
        db.execute(
            'UPDATE claims SET document_id = ?, passage_id = ?, text = ?, start = ?, "end" = ? WHERE id = ?',
            [passage.document_id, passage.id, text, start, end, claim_id],
        )


#: Claims with an entry of their own in ``claims_fts``: added by hand or imported (the
#: schema's triggers), and extracted claims a reviewer edited (their passage no longer
#: says what they say; ``review.edit_claim`` indexes them).
INDEXED_CLAIM_SQL = "(origin != 'extracted' OR original_text IS NOT NULL)"


@contextlib.contextmanager
def reindexed_claim(db: Database, claim_id: int) -> Iterator[None]:
    """Keep ``claims_fts`` right around an UPDATE of a claim's text (the schema has no
    update trigger): the old entry goes (an external-content FTS5 table needs the old
    text to delete it), the new one goes in when the claim is indexed after the change."""
    row = db.execute(f"SELECT text, {INDEXED_CLAIM_SQL} FROM claims WHERE id = ?", [claim_id]).fetchone()
    if row is not None and row[1]:
        db.execute(
            "INSERT INTO claims_fts (claims_fts, rowid, text) VALUES ('delete', ?, ?)", [claim_id, row[0]]
        )
    yield
    row = db.execute(f"SELECT text, {INDEXED_CLAIM_SQL} FROM claims WHERE id = ?", [claim_id]).fetchone()
    if row is not None and row[1]:
        db.execute("INSERT INTO claims_fts (rowid, text) VALUES (?, ?)", [claim_id, row[0]])


def move_link(db: Database, claim_id: int, old_passage_id: int, new_passage_id: int) -> None:
    if db.execute(
        "SELECT 1 FROM evidence_links WHERE claim_id = ? AND passage_id = ?", [claim_id, new_passage_id]
    ).fetchone():
        db.execute(
            "DELETE FROM evidence_links WHERE claim_id = ? AND passage_id = ?", [claim_id, old_passage_id]
        )
    else:
        db.execute(
            "UPDATE evidence_links SET passage_id = ? WHERE claim_id = ? AND passage_id = ?",
            [new_passage_id, claim_id, old_passage_id],
        )


def record_change(
    db: Database,
    *,
    kind: str,
    claim_id: int,
    old_document_id: int,
    new_document_id: int,
    old_passage_id: int | None,
    new_passage_id: int | None,
    state: str,
    old_text: str,
    new_text: str | None,
    similarity: float | None,
) -> None:
    db.execute(
        "INSERT INTO evidence_changes (kind, claim_id, old_document_id, new_document_id, old_passage_id,"
        " new_passage_id, state, old_text, new_text, similarity, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            kind,
            claim_id,
            old_document_id,
            new_document_id,
            old_passage_id,
            new_passage_id,
            state,
            old_text,
            new_text,
            similarity,
            now(),
        ],
    )


def retire_passages(db: Database, document_id: int) -> None:
    """Take a superseded version's passages out of search (they stay stored, and linked)."""
    db.execute(
        "INSERT INTO passages_fts (passages_fts, rowid, text)"
        " SELECT 'delete', id, text FROM passages WHERE document_id = ?",
        [document_id],
    )


@dataclass(frozen=True)
class Change:
    """A claim or evidence link whose sentence changed or went in a newer version."""

    id: int
    kind: str  # "link" | "claim"
    claim_id: int
    claim_text: str
    state: str  # "changed" | "gone"
    old_text: str
    new_text: str | None
    old_passage_id: int | None
    new_passage_id: int | None
    old_document_id: int
    new_document_id: int
    url: str | None
    old_version: int
    new_version: int
    similarity: float | None
    at: str


def changes(db: Database, *, claim_id: int | None = None, seen: bool = False) -> list[Change]:
    """Recorded changes not yet seen by a reviewer, newest first (``claim_id``: that
    claim's only; ``seen=True``: the seen ones too)."""
    where = " AND ".join(
        (["e.claim_id = ?"] if claim_id is not None else []) + ([] if seen else ["e.seen_at IS NULL"])
    )
    where = f"WHERE {where}" if where else ""
    rows = db.execute(
        "SELECT e.id, e.kind, e.claim_id, c.text, e.state, e.old_text, e.new_text, e.old_passage_id,"
        " e.new_passage_id, e.old_document_id, e.new_document_id, coalesce(nd.url, nd.name), od.version, nd.version,"
        " e.similarity, e.at FROM evidence_changes e JOIN claims c ON c.id = e.claim_id"
        " JOIN documents od ON od.id = e.old_document_id JOIN documents nd ON nd.id = e.new_document_id"
        f" {where} ORDER BY e.id DESC",
        [claim_id] if claim_id is not None else [],
    )
    return [Change(*row) for row in rows]


def web_source(db: Database, document_id: int) -> dict | None:
    """A fetched document's provenance (url, fetched_url, fetched_at, http_status, content_hash,
    warc_file, warc_offset, warc_record_id, version, previous_id, superseded_by), or None."""
    cur = db.execute(
        "SELECT url, fetched_url, fetched_at, http_status, content_hash, warc_file, warc_offset,"
        " warc_record_id, version, previous_id, superseded_by FROM documents"
        " WHERE id = ? AND fetched_at IS NOT NULL",
        [document_id],
    )
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


def mark_changes_seen(db: Database, claim_id: int) -> int:
    """A reviewer has looked at ``claim_id``'s changed evidence: it leaves ``stale`` and
    the flagged filter (the record stays). Returns how many changes were marked."""
    with write(db):
        return db.execute(
            "UPDATE evidence_changes SET seen_at = ? WHERE claim_id = ? AND seen_at IS NULL",
            [now(), claim_id],
        ).rowcount
