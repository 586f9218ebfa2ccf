"""Opening the database: pragmas, version checks and write transactions.

Every connection runs in WAL mode with ``synchronous=FULL`` (a commit survives
power loss), foreign keys on and a generous busy timeout, so two reviewers on
one file wait for each other instead of failing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from ..errors import DatabaseError, NewerDatabaseError


def _import_sqlite_utils_without_numpy():
    """sqlite_utils imports numpy, when installed, only to give numpy values a column type;
    we never store numpy values, and numpy adds ~75 ms to every start (the review screen's
    first claim). It is hidden for that one import; the modules that use numpy import it
    as usual later."""
    hide = "numpy" not in sys.modules
    if hide:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # import numpy fails: ImportError
    try:
        from sqlite_utils import Database
    finally:
        if hide:
            del sys.modules["numpy"]
    return Database


Database = _import_sqlite_utils_without_numpy()

BUSY_TIMEOUT_S = 30.0


def connect(path: str | os.PathLike[str], *, migrate: bool = True, readonly: bool = False) -> Database:
    """Open (creating when missing) and migrate the workbench database at ``path``.

    ``readonly=True`` is for commands that only read (stats, claims, export,
    link): when the file or its folder cannot be written, the database is
    opened read-only instead of refused. Writers keep the plain refusal, so
    "read-only" is said only when a write is attempted.
    """
    from . import schema  # schema imports us for write(); avoid the cycle at import time

    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not a database file")
    if not path.exists():
        if not path.parent.exists():
            raise DatabaseError(f"{path}: folder {path.parent} does not exist")
    elif not os.access(path, os.R_OK):
        raise DatabaseError(f"{path}: permission denied")
    elif not is_writable(path):
        if readonly:
            return _connect_read_only(path)
        if not _writable_mode(path):
            raise DatabaseError(
                f"{path}: database is read-only; workbench records every change, so it needs write access"
            )
        raise DatabaseError(
            f"{path}: folder {path.parent} is read-only; SQLite keeps its journal beside the database,"
            " so writing needs write access to the folder"
        )
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
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


def _writable_mode(path: Path) -> bool:
    """Write permission by the mode bits as well as access(): root passes access() for a
    0444 file, but a file marked read-only is meant to stay unchanged."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def is_writable(path: str | os.PathLike[str]) -> bool:
    """Whether the database file and its folder (where the -wal/-shm files live) can be written."""
    path = Path(path)
    return _writable_mode(path) and _writable_mode(path.parent if str(path.parent) else Path("."))


def _connect_read_only(path: Path) -> Database:
    """Open ``path`` with SQLite's read-only mode: no write can reach the file.

    Without a ``-wal`` file beside it, no WAL writer has the database open: it is
    opened ``immutable``, which creates no ``-shm``/``-wal`` file (one left behind,
    owned by this user, could later stop the owner writing). With a ``-wal`` file,
    ``mode=ro`` reads its committed data too; if the ``-shm`` file cannot be made
    there, ``immutable`` is the fallback (the main file as it is).
    """
    from . import schema

    uri = "file:" + urllib.parse.quote(str(path.resolve()))
    queries = ["?mode=ro&immutable=1"]
    if path.with_name(path.name + "-wal").exists():
        queries.insert(0, "?mode=ro")
    conn = None
    error: sqlite3.Error | None = None
    for query in queries:
        conn = sqlite3.connect(uri + query, uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.OperationalError as exc:  # e.g. no -shm and no way to create one
            conn.close()
            conn, error = None, exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DatabaseError(f"{path}: not a workbench database ({exc})") from exc
    if conn is None:
        raise DatabaseError(f"{path}: cannot open database read-only ({error})")
    db = Database(conn, execute_plugins=False)
    try:
        schema.check_version(db, path)
        if schema.migrations.pending(db):
            raise DatabaseError(
                f"{path}: database is read-only and was written by an older workbench; make it"
                " writable once so it can be upgraded"
            )
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        db.close()
        raise DatabaseError(f"{path}: cannot open database ({exc})") from exc
    except DatabaseError:
        db.close()
        raise
    return db


def database_file(db: Database) -> Path | None:
    """The file behind ``db``'s main schema (``None`` for an in-memory database)."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def _check_is_database(db: Database, path: Path) -> None:
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: not a workbench database ({exc})") from exc


class DatabaseBusy(DatabaseError):
    """Another connection held the write lock for the whole wait."""


@contextlib.contextmanager
def write(db: Database, *, wait_s: float = BUSY_TIMEOUT_S * 2) -> Iterator[Database]:
    """One write transaction, taken with ``BEGIN IMMEDIATE``.

    Taking the write lock up front means a second writer waits (up to ``wait_s``,
    then ``DatabaseBusy``) instead of failing with "database is locked" when it
    upgrades a read transaction. A caller that must stay responsive (the review
    screen's writer thread) passes a short ``wait_s`` and tries again. Nested calls
    become savepoints.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        # Inside the try: an interrupt (Ctrl-C) landing just after BEGIN still rolls back.
        _begin_immediate(conn, wait_s)
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def _begin_immediate(conn: sqlite3.Connection, wait_s: float) -> None:
    """Take the write lock, polling every millisecond for up to ``wait_s``.

    SQLite's own busy handler backs off to 100 ms sleeps, so a small verdict
    write would keep missing the short gaps a long ingest leaves between
    documents. Polling ourselves catches them.
    """
    deadline = time.monotonic() + wait_s
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
                    raise DatabaseBusy("database is locked by another program") from exc
                time.sleep(0.001)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


class LockSharer:
    """Lets a long run of write transactions leave room for other writers.

    Calling ``after_commit()`` after each transaction pauses briefly once the
    lock has been held for ``hold_s``, so a reviewer's verdict gets the lock
    between two of an ingest's documents instead of waiting for the whole run.
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
        if db.conn.in_transaction:  # interrupted mid-document: nothing half-written stays
            db.conn.execute("ROLLBACK")
        db.execute("PRAGMA synchronous=FULL")
