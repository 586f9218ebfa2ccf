"""Opening the database: pragmas, version checks and write transactions.

Every connection runs in WAL mode with ``synchronous=FULL`` (a commit survives
power loss), foreign keys on and a generous busy timeout, so two reviewers on
one file wait for each other instead of failing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from ..errors import DatabaseError, NewerDatabaseError

BUSY_TIMEOUT_S = 30.0


def connect(path: str | os.PathLike[str], *, migrate: bool = True) -> Database:
    """Open (creating when missing) and migrate the workbench database at ``path``."""
    from . import schema  # schema imports us for write(); avoid the cycle at import time

    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not a database file")
    if not path.exists():
        if not path.parent.exists():
            raise DatabaseError(f"{path}: folder {path.parent} does not exist")
    elif not os.access(path, os.R_OK):
        raise DatabaseError(f"{path}: permission denied")
    elif not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        raise DatabaseError(f"{path}: database is read-only; workbench records every change, so it needs write access")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        db = Database(conn, execute_plugins=False)
        _check_is_database(db, path)
        schema.check_version(db, path)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        if migrate:
            schema.migrate(db, path)
    except NewerDatabaseError:
        raise
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot open database ({exc})") from exc
    return db


def _check_is_database(db: Database, path: Path) -> None:
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: not a workbench database ({exc})") from exc


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, taken with ``BEGIN IMMEDIATE``.

    Taking the write lock up front means a second writer waits on the busy
    timeout instead of failing with "database is locked" when it upgrades a
    read transaction. Nested calls become savepoints.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    _begin_immediate(conn)
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """Take the write lock, polling every millisecond until ``BUSY_TIMEOUT_S * 2``.

    SQLite's own busy handler backs off to 100 ms sleeps, so a small verdict
    write kept missing the short gaps a long ingest leaves between documents
    (waits of over a second were measured). Polling ourselves catches them.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S * 2
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise DatabaseError(f"database is busy: {exc}") from exc
                time.sleep(0.001)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


class LockSharer:
    """Lets a long run of write transactions leave room for other writers.

    Calling ``after_commit()`` after each transaction pauses briefly once the
    lock has been held for ``hold_s``: a reviewer's verdict then waits tens of
    milliseconds during an ingest, not seconds, for a few per cent of the
    ingest's time.
    """

    def __init__(self, hold_s: float = 0.05, pause_s: float = 0.003) -> None:
        self.hold_s = hold_s
        self.pause_s = pause_s
        self.since = time.monotonic()

    def after_commit(self) -> None:
        if time.monotonic() - self.since >= self.hold_s:
            time.sleep(self.pause_s)
            self.since = time.monotonic()


@contextlib.contextmanager
def bulk_load(db: Database) -> Iterator[Database]:
    """Relax fsync for a bulk ingest: in WAL mode ``synchronous=NORMAL`` never
    corrupts the file; at worst a power cut loses the last documents, which a
    re-run ingests again (content hash). Reviewer writes stay FULL.
    """
    db.execute("PRAGMA synchronous=NORMAL")
    try:
        yield db
    finally:
        db.execute("PRAGMA synchronous=FULL")

