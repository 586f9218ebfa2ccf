import sqlite3

import pytest

from workbench.errors import DatabaseError, NewerDatabaseError
from workbench.storage import connect, schema


def test_fresh_database_has_schema_and_pragmas(tmp_path):
    db = connect(tmp_path / "a.db")
    tables = set(db.table_names())
    assert {
        "documents",
        "passages",
        "claims",
        "verdicts",
        "evidence_links",
        "history",
        "review_sessions",
        "suggestions",
        "state",
        "passages_fts",
    } <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.known_versions()


def test_reopening_applies_nothing_twice(tmp_path):
    connect(tmp_path / "a.db").close()
    db = connect(tmp_path / "a.db")
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names)) == schema.known_versions()


def test_newer_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "new.db"
    connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.known_versions() + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer than this workbench"):
        connect(path)
    assert path.read_bytes() == before


def test_newer_migration_name_is_refused(tmp_path):
    path = tmp_path / "new.db"
    db = connect(path)
    db["_sqlite_migrations"].insert({"migration_set": "workbench", "name": "m999_future", "applied_at": "x"})
    db.close()
    with pytest.raises(NewerDatabaseError):
        connect(path)


def test_file_that_is_not_sqlite_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError, match=r"junk\.db"):
        connect(path)


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="another program"):
        connect(path)


def test_read_only_database_is_a_clear_error(tmp_path):
    path = tmp_path / "ro.db"
    connect(path).close()
    path.chmod(0o444)
    with pytest.raises(DatabaseError, match="read-only"):
        connect(path)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        connect(tmp_path / "nope" / "a.db")
