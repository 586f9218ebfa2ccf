"""Versions of documents read from files (issue #15, item 2).

A file is known by where it was read from (its absolute path as a ``file:`` URI),
its document name (the file name, or a JSONL line's id) and its source. The URI is
kept in ``documents.fetched_url`` with ``fetched_at`` left NULL, so it never reads as
a web page's provenance (reports and exports only cite rows with ``fetched_at``).
The folder is part of a file's identity: two ``summary.md`` in different folders are
different documents, never versions of each other.

There is no index on ``fetched_url``: ``file_documents`` reads every current file
document once per ingest run, and ``newest`` re-checks the one it names by id
inside the write, so a version added meanwhile by another process is followed.
"""

from __future__ import annotations

from sqlite_utils import Database

from .corpus import Version

#: (location URI, document name, source) of a document read from a file.
FileKey = tuple[str, str, str | None]


def file_documents(db: Database) -> dict[FileKey, int]:
    """The current (not superseded) version of every document read from a file, by its key."""
    rows = db.execute(
        "SELECT fetched_url, name, source, id FROM documents"
        " WHERE fetched_at IS NULL AND fetched_url IS NOT NULL AND superseded_by IS NULL"
    )
    return {(location, name, source): document_id for location, name, source, document_id in rows}


def newest(db: Database, document_id: int) -> Version | None:
    """The newest version in the chain starting at ``document_id`` (None if it was deleted)."""
    seen: set[int] = set()
    while document_id not in seen:
        seen.add(document_id)
        row = db.execute(
            "SELECT id, version, content_hash, superseded_by FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            return None
        if row[3] is None:
            return Version(row[0], row[1], row[2])
        document_id = row[3]
    return None  # a cycle cannot be written by ingest; treat it as unknown


def adopt(db: Database, content_hash: str, key: FileKey) -> int | None:
    """Record ``key``'s location on the stored document with this text, if it has none yet.

    A document ingested before locations were recorded (or by import) is adopted
    the first time its unchanged file is ingested again, so that later edits of the
    file become its versions. Returns the document's id when adopted.
    """
    location, name, source = key
    row = db.execute(
        "SELECT id FROM documents WHERE content_hash = ? AND fetched_url IS NULL AND fetched_at IS NULL"
        " AND superseded_by IS NULL AND name = ? AND source IS ?",
        [content_hash, name, source],
    ).fetchone()
    if row is None:
        return None
    db.execute("UPDATE documents SET fetched_url = ? WHERE id = ?", [location, row[0]])
    return int(row[0])


def links_into(db: Database, document_id: int) -> list[tuple[int, int]]:
    """(claim_id, passage_id) of every evidence link to a passage of ``document_id``.

    ``evidence_links`` has no index on ``passage_id``: the document's passage ids are
    gathered once and the links scanned against them, instead of looking up each
    link's passage row (a random read per link in a large corpus).
    """
    return db.execute(
        "SELECT claim_id, passage_id FROM evidence_links"
        " WHERE passage_id IN (SELECT id FROM passages WHERE document_id = ?)"
        " ORDER BY claim_id, passage_id",
        [document_id],
    ).fetchall()
