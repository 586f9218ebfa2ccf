"""Documents, passages and claims: writing a corpus and reading it back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice

from sqlite_utils import Database

from ..models import Claim, Document, Passage, PassageDraft, RawDocument
from .connection import write

BATCH = 2000

#: Status filters understood by ``list_claims``: a verdict, or these.
FILTERS: tuple[str, ...] = ("all", "unreviewed", "sourced", "contested", "unsupported", "flagged")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def content_hash(text: str, chunk: int = 1 << 20) -> str:
    """The hash a document is stored under: SHA-256 of its UTF-8 text.

    Ingest computes it and import recomputes it (a file's own claim is not trusted).
    Encoded a megabyte at a time: a 50 MB document is not copied whole again.
    """
    digest = hashlib.sha256()
    for start in range(0, len(text), chunk):
        digest.update(text[start:start + chunk].encode("utf-8"))
    return digest.hexdigest()


def document_exists(db: Database, content_hash: str) -> bool:
    row = db.execute("SELECT 1 FROM documents WHERE content_hash = ?", [content_hash]).fetchone()
    return row is not None


def add_document(
    db: Database, doc: RawDocument, content_hash: str, passages: Iterable[PassageDraft]
) -> tuple[int, int, int] | None:
    """Store one document with its passages and claims in one transaction.

    Returns ``(document_id, passages, claims)``, or ``None`` when a document
    with the same content is already stored. ``passages`` may be a generator:
    it is consumed in batches so a huge document never sits in memory twice.
    """
    with write(db):
        if document_exists(db, content_hash):
            return None
        cur = db.execute(
            "INSERT INTO documents (name, title, source, url, published, content_hash, text, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [doc.name, doc.title, doc.source, doc.url, doc.published, content_hash, doc.text, now()],
        )
        document_id = cur.lastrowid
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
                        (document_id, pid, p.text, p.start, p.end, p.claim.score,
                         json.dumps(list(p.claim.reasons)), created)
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
    " c.origin, v.status, d.name FROM claims c"
    " JOIN documents d ON d.id = c.document_id"
    " LEFT JOIN verdicts v ON v.claim_id = c.id"
)


def _claim(row: tuple) -> Claim:
    return Claim(
        id=row[0], document_id=row[1], passage_id=row[2], text=row[3], start=row[4], end=row[5],
        score=row[6], reasons=tuple(json.loads(row[7] or "[]")), origin=row[8], status=row[9],
        doc_name=row[10],
    )


def documents(db: Database) -> list[Document]:
    return [Document(*row) for row in db.execute(f"SELECT {_DOC_COLS} FROM documents ORDER BY id")]


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
    return _claim(row) if row else None


#: A claim is "flagged" when a stored linker candidate carries a disagreement flag.
FLAGGED_SQL = "EXISTS (SELECT 1 FROM suggestions s WHERE s.claim_id = c.id AND s.flags != '[]')"


def filter_sql(status: str | None, search: str | None, document_id: int | None) -> tuple[str, list]:
    where: list[str] = []
    params: list = []
    if status in (None, "all"):
        pass
    elif status == "unreviewed":
        where.append("v.status IS NULL")
    elif status == "flagged":
        where.append(FLAGGED_SQL)
    else:
        where.append("v.status = ?")
        params.append(status)
    if search:
        query = fts_prefix_query(search)
        where.append(
            "((c.origin = 'extracted' AND c.passage_id IN"
            " (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?))"
            " OR c.id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?))"
        )
        params += [query, query]
    if document_id is not None:
        where.append("c.document_id = ?")
        params.append(document_id)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def fts_prefix_query(text: str) -> str:
    """Turn user text into a safe FTS5 query: every word quoted, the last also a prefix.

    Quoting each token means FTS5 syntax (``AND``, ``NEAR(``, ``*``, ``"``) is
    matched as plain text and never parsed as an operator. The last word is
    matched whole (stemmed: "soldiers" finds "soldier") or as a prefix of a
    stored stem (typing "soldi" finds it too).
    """
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]
    if not words:
        return '""'
    quoted = [f'"{w}"' for w in words]
    quoted[-1] = f'({quoted[-1]} OR {quoted[-1]}*)'
    return " AND ".join(quoted)


def list_claims(
    db: Database,
    *,
    status: str | None = None,
    search: str | None = None,
    document_id: int | None = None,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[Claim]:
    """A page of claims in id order (keyset paging, never OFFSET).

    ``after_id`` pages forward; ``before_id`` pages backward (rows still
    returned in ascending order).
    """
    where, params = filter_sql(status, search, document_id)
    joiner = " AND " if where else " WHERE "
    if before_id is not None:
        sql = f"{_CLAIM_SELECT}{where}{joiner}c.id < ? ORDER BY c.id DESC LIMIT ?"
        rows = db.execute(sql, [*params, before_id, limit]).fetchall()
        return [_claim(r) for r in reversed(rows)]
    if after_id is not None:
        where, params = where + joiner + "c.id > ?", [*params, after_id]
    rows = db.execute(f"{_CLAIM_SELECT}{where} ORDER BY c.id LIMIT ?", [*params, limit])
    return [_claim(r) for r in rows]


def iter_claims(db: Database, *, status: str | None = None, document_id: int | None = None,
                batch: int = 5000) -> Iterator[Claim]:
    """Every claim matching the filter, fetched page by page."""
    after: int | None = None
    while page := list_claims(db, status=status, document_id=document_id, after_id=after, limit=batch):
        yield from page
        after = page[-1].id


def count_claims(
    db: Database, *, status: str | None = None, search: str | None = None, document_id: int | None = None
) -> int:
    where, params = filter_sql(status, search, document_id)
    sql = f"SELECT count(*) FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id{where}"
    return db.execute(sql, params).fetchone()[0]


def claim_position(
    db: Database, claim_id: int, *, status: str | None = None, search: str | None = None
) -> int:
    """How many matching claims come before ``claim_id`` (its row in the list)."""
    where, params = filter_sql(status, search, None)
    joiner = " AND " if where else " WHERE "
    sql = f"SELECT count(*) FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id{where}{joiner}c.id < ?"
    return db.execute(sql, [*params, claim_id]).fetchone()[0]


def stats(db: Database) -> dict[str, int]:
    one = lambda sql: db.execute(sql).fetchone()[0]
    counts = dict(
        db.execute("SELECT coalesce(status, 'unreviewed'), count(*) FROM verdicts GROUP BY 1").fetchall()
    )
    claims = one("SELECT count(*) FROM claims")
    reviewed = sum(counts.get(v, 0) for v in ("sourced", "contested", "unsupported"))
    return {
        "documents": one("SELECT count(*) FROM documents"),
        "passages": one("SELECT count(*) FROM passages"),
        "claims": claims,
        "reviewed": reviewed,
        "unreviewed": claims - reviewed,
        "sourced": counts.get("sourced", 0),
        "contested": counts.get("contested", 0),
        "unsupported": counts.get("unsupported", 0),
        "links": one("SELECT count(*) FROM evidence_links"),
    }
