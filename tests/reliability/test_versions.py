"""Files from other versions and files that are not ours.

- fixtures/schema_v1.db was written by schema version 1 (make_fixture.py):
  a copy opens, migrates to the current version and keeps every row;
- a file from a newer workbench is refused with one clear line and left
  byte-for-byte untouched, by every command;
- a file that is not SQLite, a damaged one, a read-only one or a folder gives
  one ``error:`` line and a non-zero exit, never a traceback.

(tests/test_storage.py covers the same refusals at the connect() level.)
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.cli import corpus as _corpus  # noqa: F401  (registers commands)
from workbench.cli import verdicts as _verdicts  # noqa: F401
from workbench.storage import connect, corpus, review, schema

from . import checks
from .make_fixture import FIXTURE, MANIFEST, MANUAL_CLAIM, SCENARIO, V1_COLUMNS, digest

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_error_line(result) -> str:
    """The command failed with exactly one plain ``error:`` line and no traceback."""
    assert result.exit_code not in (0, None), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


@pytest.fixture
def v1(tmp_path) -> Path:
    path = tmp_path / "v1.db"
    shutil.copy(FIXTURE, path)
    return path


def test_fixture_is_small_and_from_version_1(v1):
    assert FIXTURE.stat().st_size < 400_000
    conn = sqlite3.connect(v1)  # a copy: even reading a WAL file leaves -shm/-wal beside it
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_v1_database_opens_migrates_and_keeps_every_row(v1):
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    db = connect(v1)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.known_versions()
    applied = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied[: len(manifest["migrations"])] == manifest["migrations"]
    assert len(applied) == schema.known_versions()
    for table in V1_COLUMNS:
        assert digest(db, table) == manifest["digests"][table], f"{table} changed by opening/migrating"
    checks.integrity(db)
    checks.history_matches_state(db)
    for doc_id, text in db.execute("SELECT id, text FROM documents"):
        for start, end, ptext in db.execute(
            'SELECT start, "end", text FROM passages WHERE document_id = ?', [doc_id]
        ):
            assert text[start:end] == ptext


def test_v1_database_reads_and_writes_like_a_new_one(v1):
    db = connect(v1)
    claims = [r[0] for r in db.execute("SELECT id FROM claims WHERE origin = 'extracted' ORDER BY id")]
    passages = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY id")]
    for ci, status, note, links in SCENARIO:
        v = review.get_verdict(db, claims[ci])
        assert (v.status, v.note) == (status, note)
        assert {(lk.passage_id, lk.relation) for lk in review.links(db, claims[ci])} == {
            (passages[pi], rel) for pi, rel in links
        }
    # Search finds the hand-made claim (claims_fts) and extracted ones (passages_fts).
    assert [c.text for c in corpus.list_claims(db, search="added by hand")] == [MANUAL_CLAIM]
    word = db.execute("SELECT text FROM claims WHERE id = ?", [claims[1]]).fetchone()[0].split()[0]
    assert corpus.count_claims(db, search=word) >= 1
    assert review.get_state(db, "position")["claim_id"] == claims[2]
    before = len(review.history(db))
    review.set_status(db, claims[1], "sourced", reviewer="today")
    assert len(review.history(db)) == before + 1
    result = run("--db", v1, "stats", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["sourced"] == 2  # the fixture's one, plus ours


def _bump_version(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.known_versions() + 1}")
    conn.commit()
    conn.close()


def _add_future_migration(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('workbench', 'm999_from_the_future', 'x')"
    )
    conn.commit()
    conn.close()


COMMANDS = [
    ["stats"],
    ["claims", "--json"],
    ["verdict", "1", "sourced", "--note", "x"],
    ["ingest", str(SEEDS)],
]


@pytest.mark.parametrize("make_newer", [_bump_version, _add_future_migration])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_newer_database_is_refused_by_every_command_and_left_untouched(v1, make_newer, command):
    make_newer(v1)
    before = v1.read_bytes()
    line = one_error_line(run("--db", v1, *command))
    assert "newer than this workbench" in line and "upgrade" in line and str(v1) in line
    assert v1.read_bytes() == before
    wal = v1.with_name(v1.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_not_sqlite_is_one_line(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"Lavrov met Wang Yi.\n" * 500)
    before = path.read_bytes()
    for command in COMMANDS:
        assert "not a workbench database" in one_error_line(run("--db", path, *command))
    assert path.read_bytes() == before


def test_damaged_database_is_one_line_and_never_a_traceback(v1, tmp_path):
    data = v1.read_bytes()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(data[: len(data) // 3])
    scrambled = tmp_path / "scrambled.db"
    scrambled.write_bytes(data[:4096] + bytes((b * 7 + 13) % 256 for b in data[4096:]))
    header_only = tmp_path / "header.db"
    header_only.write_bytes(data[:100])
    tail = tmp_path / "tail.db"  # schema pages intact, data pages garbage
    keep = len(data) * 2 // 3 // 4096 * 4096
    tail.write_bytes(data[:keep] + bytes((b * 7 + 13) % 256 for b in data[keep:]))
    for path in (truncated, scrambled, header_only, tail):
        for command in COMMANDS:
            result = run("--db", path, *command)
            assert "Traceback" not in result.output, (path.name, command, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                path.name,
                command,
                repr(result.exception),
            )
            if result.exit_code != 0:
                one_error_line(result)


def test_read_only_database_is_one_line_and_untouched(v1):
    v1.chmod(0o444)
    before = v1.read_bytes()
    for command in COMMANDS:
        assert "read-only" in one_error_line(run("--db", v1, *command))
    assert v1.read_bytes() == before


def test_folder_as_database_is_one_line(tmp_path):
    assert "is a directory" in one_error_line(run("--db", tmp_path, "stats"))


def test_m004_database_migrates_to_m005_keeping_every_decision(v1):
    """An m004 database (the v1 fixture upgraded to 4, with a few more changes) gains
    decisions, basis and assignments at m005 with every verdict, note and history row kept."""
    from sqlite_utils import Database

    conn = sqlite3.connect(v1)
    old = Database(conn)
    schema.migrations.apply(old, stop_before="m005_review_workflow")
    conn.execute("PRAGMA user_version = 4")
    claim = conn.execute("SELECT min(id) FROM claims").fetchone()[0]
    conn.execute(  # a change by a second reviewer, as m004's review.py wrote it
        "INSERT INTO history (claim_id, kind, old, new, reviewer, at) VALUES (?, 'note', 'x', 'y', 'bob', 't')",
        [claim],
    )
    conn.execute("UPDATE verdicts SET reviewer = NULL WHERE claim_id = (SELECT max(claim_id) FROM verdicts)")
    conn.commit()
    verdicts = conn.execute(
        "SELECT claim_id, status, note, reviewer, updated_at FROM verdicts ORDER BY claim_id"
    ).fetchall()
    history = conn.execute("SELECT * FROM history ORDER BY id").fetchall()
    conn.close()
    assert len(verdicts) >= 4 and len(history) >= 5

    db = connect(v1)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.known_versions()
    assert (
        db.execute(
            "SELECT claim_id, status, note, reviewer, updated_at FROM verdicts ORDER BY claim_id"
        ).fetchall()
        == verdicts
    )
    assert {r[0] for r in db.execute("SELECT basis FROM verdicts")} == {"single"}
    assert db.execute("SELECT * FROM history ORDER BY id").fetchall() == history
    decisions = db.execute(
        "SELECT claim_id, reviewer, status, note, updated_at FROM decisions ORDER BY claim_id"
    ).fetchall()
    assert decisions == [(c, r or "", s, n, u) for c, s, n, r, u in verdicts]
    assert db.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0
    checks.integrity(db)
    # From here on a decision lands in both tables; nothing is assigned, so it is final.
    review.set_status(db, verdicts[0][0], "unsupported", reviewer="carol")
    assert review.get_verdict(db, verdicts[0][0]).status == "unsupported"
    assert db.execute(
        "SELECT status FROM decisions WHERE claim_id = ? AND reviewer = 'carol'", [verdicts[0][0]]
    ).fetchone() == ("unsupported",)
