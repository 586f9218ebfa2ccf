"""Schema and forward migrations (sqlite-utils ``Migrations``).

Each migration is a plain function applied once, in its own transaction.
``PRAGMA user_version`` mirrors the number of applied migrations so that an
older workbench can tell, before touching anything, that a file is newer than
it understands and refuse it.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ..errors import DatabaseError, NewerDatabaseError

migrations = Migrations("workbench")
#: Names of the migrations this workbench knows, in order (sqlite-utils keeps its own
#: list private; this one is ours).
KNOWN: list[str] = []


def migration(fn):
    """Register ``fn`` as the next migration (a ``@migrations()`` that we can count)."""
    KNOWN.append(fn.__name__)
    return migrations()(fn)


@migration
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            title TEXT,
            source TEXT,
            url TEXT,
            published TEXT,
            content_hash TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (document_id, ordinal)
        );
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content='passages', content_rowid='id', tokenize='porter unicode61'
        );
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            passage_id INTEGER REFERENCES passages(id) ON DELETE SET NULL,
            text TEXT NOT NULL,
            start INTEGER,
            "end" INTEGER,
            score REAL NOT NULL DEFAULT 0,
            reasons TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL DEFAULT 'extracted'
                CHECK (origin IN ('extracted', 'manual', 'imported')),
            created_at TEXT NOT NULL
        );
        CREATE INDEX claims_document ON claims(document_id);
        CREATE INDEX claims_passage ON claims(passage_id);
        -- Extracted claims are their passage's text, already in passages_fts;
        -- only claims added by hand or imported need an index of their own
        -- (indexing every claim twice halved ingest speed).
        CREATE VIRTUAL TABLE claims_fts USING fts5(
            text, content='claims', content_rowid='id', tokenize='porter unicode61'
        );
        CREATE TRIGGER claims_fts_ai AFTER INSERT ON claims WHEN new.origin != 'extracted' BEGIN
            INSERT INTO claims_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims WHEN old.origin != 'extracted' BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;

        -- Current decision per claim; the full story is in history.
        CREATE TABLE verdicts (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            status TEXT CHECK (status IN ('sourced', 'contested', 'unsupported')),
            note TEXT NOT NULL DEFAULT '',
            reviewer TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX verdicts_status ON verdicts(status);
        CREATE TABLE evidence_links (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            relation TEXT NOT NULL DEFAULT 'supports'
                CHECK (relation IN ('supports', 'contradicts')),
            reviewer TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (claim_id, passage_id)
        );
        CREATE TABLE review_sessions (
            id INTEGER PRIMARY KEY,
            reviewer TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT
        );
        -- One row per change: kind is status | note | link; old/new are the
        -- values before and after (for links: the relation, NULL = not linked).
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('status', 'note', 'link')),
            passage_id INTEGER,
            old TEXT,
            new TEXT,
            reviewer TEXT,
            session_id INTEGER REFERENCES review_sessions(id),
            at TEXT NOT NULL,
            undoes INTEGER REFERENCES history(id)
        );
        CREATE INDEX history_claim ON history(claim_id);
        CREATE INDEX history_session ON history(session_id);
        -- Linker output stored by `workbench suggest`, so review opens instantly.
        CREATE TABLE suggestions (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            span_start INTEGER NOT NULL,
            span_end INTEGER NOT NULL,
            flags TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (claim_id, rank)
        );
        CREATE TABLE suggestion_summaries (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            verdict TEXT,
            sources INTEGER NOT NULL DEFAULT 0,
            corpus_version INTEGER NOT NULL,
            computed_at TEXT NOT NULL
        );
        -- Small key/value store: resume state, corpus version, settings.
        CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migration
def m002_judgement(db: Database) -> None:
    """Stance and reasons per stored candidate, coverage per claim (issue #10). Summaries
    stored before have coverage '{}', which ``suggestions`` treats as stale."""
    db.executescript(
        """
        ALTER TABLE suggestions ADD COLUMN stance TEXT NOT NULL DEFAULT 'related';
        ALTER TABLE suggestions ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE suggestion_summaries ADD COLUMN coverage TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE suggestion_summaries ADD COLUMN related_only INTEGER NOT NULL DEFAULT 0;
        """
    )


@migration
def m003_clusters(db: Database) -> None:
    """Claim clusters (issue #14): which claims state the same thing, the reviewer's
    corrections (take a claim out, join two clusters) kept apart from the computed
    grouping so re-clustering re-applies them, and the disagreements that split groups."""
    db.executescript(
        """
        -- Every clustered claim has a row; cluster_id is the smallest claim id in the cluster.
        CREATE TABLE claim_clusters (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            cluster_id INTEGER NOT NULL
        );
        CREATE INDEX claim_clusters_cluster ON claim_clusters(cluster_id);
        -- 'out': the claim stays on its own; 'join': claim_id's and other_id's clusters are one.
        CREATE TABLE cluster_overrides (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('out', 'join')),
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            other_id INTEGER REFERENCES claims(id) ON DELETE CASCADE,
            reviewer TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX cluster_overrides_claim ON cluster_overrides(claim_id);
        -- Look-alike claims that disagree (a figure, an actor, the action): why they are apart.
        CREATE TABLE claim_disagreements (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            other_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            flags TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (claim_id, other_id)
        );
        CREATE INDEX claim_disagreements_other ON claim_disagreements(other_id);
        """
    )


@migration
def m004_web_sources(db: Database) -> None:
    """Sources from the web (issue #15): where and when a page was fetched, where its raw
    response is archived (WARC file, record offset and id), and versions of a page:
    a changed page is a new document, the old one kept and marked superseded. Evidence
    re-anchored from an old version to a new one is recorded when its sentence changed
    or went (``workbench stale``)."""
    db.executescript(
        """
        ALTER TABLE documents ADD COLUMN fetched_url TEXT;  -- as asked, before redirects
        ALTER TABLE documents ADD COLUMN fetched_at TEXT;
        ALTER TABLE documents ADD COLUMN http_status INTEGER;
        ALTER TABLE documents ADD COLUMN warc_file TEXT;    -- name inside archive/ beside the database
        ALTER TABLE documents ADD COLUMN warc_offset INTEGER;
        ALTER TABLE documents ADD COLUMN warc_record_id TEXT;
        ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE documents ADD COLUMN previous_id INTEGER REFERENCES documents(id);
        ALTER TABLE documents ADD COLUMN superseded_by INTEGER REFERENCES documents(id);
        CREATE INDEX documents_url ON documents(url);
        -- A claim or evidence link whose sentence changed or went in a new version.
        CREATE TABLE evidence_changes (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('link', 'claim')),
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            old_document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            new_document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            old_passage_id INTEGER REFERENCES passages(id) ON DELETE SET NULL,
            new_passage_id INTEGER REFERENCES passages(id) ON DELETE SET NULL,
            state TEXT NOT NULL CHECK (state IN ('changed', 'gone')),
            old_text TEXT NOT NULL,
            new_text TEXT,
            similarity REAL,
            at TEXT NOT NULL,
            seen_at TEXT  -- set when a reviewer has looked at it: no longer stale or flagged
        );
        CREATE INDEX evidence_changes_claim ON evidence_changes(claim_id);
        """
    )


@migration
def m005_review_workflow(db: Database) -> None:
    """Dismissed and edited claims (issue #11) and decisions per reviewer (issue #13).

    ``verdicts`` stays the *final* verdict of a claim (alone: yours); ``decisions``
    holds each reviewer's current verdict and note, kept in step with ``history``
    by a trigger so that every write path (screen, CLI, import, cluster verdict)
    records it. ``history`` is rebuilt to allow the new kinds of change.
    """
    db.execute("PRAGMA defer_foreign_keys = ON")
    db.executescript(
        """
        ALTER TABLE claims ADD COLUMN dismissed_at TEXT;   -- 'not check-worthy', NULL = a claim
        ALTER TABLE claims ADD COLUMN dismissed_by TEXT;
        ALTER TABLE claims ADD COLUMN original_text TEXT;  -- the extracted text once a reviewer edited it
        CREATE INDEX claims_dismissed ON claims(dismissed_at);

        -- kind: status | note | link | dismiss (old/new: NULL or the reason) |
        -- edit (old/new: JSON {"text", "start", "end"}) | adjudicate (old/new: final verdict)
        CREATE TABLE history_new (
            id INTEGER PRIMARY KEY,
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            kind TEXT NOT NULL
                CHECK (kind IN ('status', 'note', 'link', 'dismiss', 'edit', 'adjudicate')),
            passage_id INTEGER,
            old TEXT,
            new TEXT,
            reviewer TEXT,
            session_id INTEGER REFERENCES review_sessions(id),
            at TEXT NOT NULL,
            undoes INTEGER REFERENCES history_new(id)
        );
        INSERT INTO history_new SELECT id, claim_id, kind, passage_id, old, new, reviewer,
            session_id, at, undoes FROM history;
        DROP TABLE history;
        ALTER TABLE history_new RENAME TO history;
        CREATE INDEX history_claim ON history(claim_id);
        CREATE INDEX history_session ON history(session_id);
        CREATE INDEX history_reviewer ON history(reviewer);

        -- Each reviewer's current decision on a claim ('' = no reviewer name given).
        CREATE TABLE decisions (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            reviewer TEXT NOT NULL,
            status TEXT,
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (claim_id, reviewer)
        );
        CREATE INDEX decisions_reviewer ON decisions(reviewer, status);
        INSERT INTO decisions (claim_id, reviewer, status, note, updated_at)
            SELECT claim_id, COALESCE(reviewer, ''), status, note, updated_at FROM verdicts;
        CREATE TRIGGER decisions_from_status AFTER INSERT ON history WHEN new.kind = 'status' BEGIN
            INSERT INTO decisions (claim_id, reviewer, status, updated_at)
                VALUES (new.claim_id, COALESCE(new.reviewer, ''), new.new, new.at)
                ON CONFLICT (claim_id, reviewer) DO UPDATE
                SET status = excluded.status, updated_at = excluded.updated_at;
        END;
        CREATE TRIGGER decisions_from_note AFTER INSERT ON history WHEN new.kind = 'note' BEGIN
            INSERT INTO decisions (claim_id, reviewer, note, updated_at)
                VALUES (new.claim_id, COALESCE(new.reviewer, ''), COALESCE(new.new, ''), new.at)
                ON CONFLICT (claim_id, reviewer) DO UPDATE
                SET note = excluded.note, updated_at = excluded.updated_at;
        END;

        -- How the final verdict came about: 'single' (one reviewer), 'agreed', 'adjudicated'.
        ALTER TABLE verdicts ADD COLUMN basis TEXT NOT NULL DEFAULT 'single';

        -- Which reviewers are to decide a claim (`workbench assign`).
        CREATE TABLE assignments (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            reviewer TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (claim_id, reviewer)
        );
        CREATE INDEX assignments_reviewer ON assignments(reviewer);
        """
    )


@migration
def m006_edited_claims_search(db: Database) -> None:
    """An edited extracted claim has its own ``claims_fts`` entry (its passage no longer
    says what it says): deleting the claim must take that entry out too. And undo/redo
    look up which change undid which, a reviewer's queue is read in claim order, and links
    are found by passage."""
    db.executescript(
        """
        DROP TRIGGER claims_fts_ad;
        CREATE TRIGGER claims_fts_ad AFTER DELETE ON claims
        WHEN old.origin != 'extracted' OR old.original_text IS NOT NULL BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE INDEX history_undoes ON history(undoes);
        -- A reviewer's queue: their claims in id order without a lookup per row.
        DROP INDEX assignments_reviewer;
        CREATE INDEX assignments_reviewer ON assignments(reviewer, claim_id);
        -- Re-anchoring a new version finds the links into the old one by passage.
        CREATE INDEX evidence_links_passage ON evidence_links(passage_id);
        """
    )


def known_versions() -> int:
    return len(KNOWN)


def check_version(db: Database, path: Path) -> None:
    """Refuse a database written by a newer workbench, before changing anything."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    known = set(KNOWN)
    unknown: list[str] = []
    if db["_sqlite_migrations"].exists():
        unknown = [
            row[0]
            for row in db.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [migrations.name]
            )
            if row[0] not in known
        ]
    if version > known_versions() or unknown:
        raise NewerDatabaseError(
            f"{path}: database schema version {max(version, known_versions() + 1)} is newer than this "
            f"workbench understands (version {known_versions()}); upgrade workbench to open it"
        )
    if version == 0 and not db["_sqlite_migrations"].exists():
        foreign = [t for t in db.table_names() if not t.startswith("sqlite_")]
        if foreign:
            raise DatabaseError(
                f"{path}: an SQLite database of another program (tables: {', '.join(foreign[:5])}),"
                " not a workbench database"
            )


def migrate(db: Database, path: Path) -> None:
    if not migrations.pending(db):
        return
    migrations.apply(db)
    db.execute(f"PRAGMA user_version = {known_versions()}")
    db.conn.commit()
