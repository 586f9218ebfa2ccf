"""Verdicts, notes, evidence links, their history, undo and resume state.

Every change is its own committed transaction with a history row (reviewer,
time, old -> new): nothing a reviewer did waits in memory to be saved.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlite_utils import Database

from ..errors import DatabaseError
from ..models import VERDICTS, EvidenceLink, HistoryEntry, Progress, Verdict
from .connection import DatabaseBusy, write  # noqa: F401  (DatabaseBusy: the writer thread catches it)
from . import team
from .corpus import now

_HISTORY_COLS = "id, claim_id, kind, passage_id, old, new, reviewer, at, undoes"


#: Errors worth trying the same write again for: a lock, a full disk, a file that cannot be opened now.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (sqlite3.OperationalError, DatabaseError, OSError)


def write_within(db: Database, wait_s: float):
    """One write transaction that waits at most ``wait_s`` for the lock (``DatabaseBusy`` after)."""
    return write(db, wait_s=wait_s)


def start_session(db: Database, reviewer: str | None) -> int:
    with write(db):
        cur = db.execute(
            "INSERT INTO review_sessions (reviewer, started_at) VALUES (?, ?)", [reviewer, now()]
        )
        return int(cur.lastrowid)


def end_session(db: Database, session_id: int) -> None:
    with write(db):
        db.execute("UPDATE review_sessions SET ended_at = ? WHERE id = ?", [now(), session_id])


def get_verdict(db: Database, claim_id: int) -> Verdict:
    row = db.execute(
        "SELECT claim_id, status, note, reviewer, updated_at FROM verdicts WHERE claim_id = ?",
        [claim_id],
    ).fetchone()
    return Verdict(*row) if row else Verdict(claim_id, None, "", None, None)


def _record(
    db: Database,
    claim_id: int,
    kind: str,
    old: str | None,
    new: str | None,
    reviewer: str | None,
    session_id: int | None,
    passage_id: int | None = None,
    undoes: int | None = None,
) -> HistoryEntry:
    at = now()
    cur = db.execute(
        "INSERT INTO history (claim_id, kind, passage_id, old, new, reviewer, session_id, at, undoes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [claim_id, kind, passage_id, old, new, reviewer, session_id, at, undoes],
    )
    if kind in ("status", "note"):
        team.on_decision(db, claim_id)
    return HistoryEntry(int(cur.lastrowid), claim_id, kind, passage_id, old, new, reviewer, at, undoes)


def _require_claim(db: Database, claim_id: int) -> None:
    if db.execute("SELECT 1 FROM claims WHERE id = ?", [claim_id]).fetchone() is None:
        raise KeyError(f"no claim with id {claim_id}")


def _apply_status(db: Database, claim_id: int, status: str | None, reviewer: str | None) -> None:
    db.execute(
        "INSERT INTO verdicts (claim_id, status, reviewer, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(claim_id) DO UPDATE SET status = excluded.status,"
        " reviewer = excluded.reviewer, updated_at = excluded.updated_at",
        [claim_id, status, reviewer, now()],
    )


def _apply_note(db: Database, claim_id: int, note: str, reviewer: str | None) -> None:
    db.execute(
        "INSERT INTO verdicts (claim_id, note, reviewer, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(claim_id) DO UPDATE SET note = excluded.note,"
        " reviewer = excluded.reviewer, updated_at = excluded.updated_at",
        [claim_id, note, reviewer, now()],
    )


def _apply_link(
    db: Database, claim_id: int, passage_id: int, relation: str | None, reviewer: str | None
) -> None:
    if relation is None:
        db.execute("DELETE FROM evidence_links WHERE claim_id = ? AND passage_id = ?", [claim_id, passage_id])
    else:
        db.execute(
            "INSERT INTO evidence_links (claim_id, passage_id, relation, reviewer, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(claim_id, passage_id) DO UPDATE SET"
            " relation = excluded.relation, reviewer = excluded.reviewer",
            [claim_id, passage_id, relation, reviewer, now()],
        )


def set_status(
    db: Database,
    claim_id: int,
    status: str | None,
    *,
    reviewer: str | None = None,
    session_id: int | None = None,
) -> HistoryEntry | None:
    """Set (or with ``None`` clear) a claim's verdict. Returns the history row, or None if unchanged."""
    if status is not None and status not in VERDICTS:
        raise ValueError(f"unknown verdict {status!r}; expected one of {', '.join(VERDICTS)}")
    with write(db):
        _require_claim(db, claim_id)
        old = get_verdict(db, claim_id).status
        if old == status:
            return None
        _apply_status(db, claim_id, status, reviewer)
        return _record(db, claim_id, "status", old, status, reviewer, session_id)


def set_note(
    db: Database,
    claim_id: int,
    note: str,
    *,
    reviewer: str | None = None,
    session_id: int | None = None,
) -> HistoryEntry | None:
    with write(db):
        _require_claim(db, claim_id)
        old = get_verdict(db, claim_id).note
        if old == note:
            return None
        _apply_note(db, claim_id, note, reviewer)
        return _record(db, claim_id, "note", old, note, reviewer, session_id)


def link_relation(db: Database, claim_id: int, passage_id: int) -> str | None:
    row = db.execute(
        "SELECT relation FROM evidence_links WHERE claim_id = ? AND passage_id = ?",
        [claim_id, passage_id],
    ).fetchone()
    return row[0] if row else None


def set_link(
    db: Database,
    claim_id: int,
    passage_id: int,
    relation: str | None,
    *,
    reviewer: str | None = None,
    session_id: int | None = None,
) -> HistoryEntry | None:
    """Link a passage as evidence (``supports``/``contradicts``) or unlink it (``None``)."""
    with write(db):
        _require_claim(db, claim_id)
        if db.execute("SELECT 1 FROM passages WHERE id = ?", [passage_id]).fetchone() is None:
            raise KeyError(f"no passage with id {passage_id}")
        old = link_relation(db, claim_id, passage_id)
        if old == relation:
            return None
        _apply_link(db, claim_id, passage_id, relation, reviewer)
        return _record(db, claim_id, "link", old, relation, reviewer, session_id, passage_id)


def toggle_link(
    db: Database,
    claim_id: int,
    passage_id: int,
    relation: str = "supports",
    *,
    reviewer: str | None = None,
    session_id: int | None = None,
) -> HistoryEntry | None:
    """Link with ``relation``; if already linked that way, unlink."""
    current = link_relation(db, claim_id, passage_id)
    return set_link(
        db,
        claim_id,
        passage_id,
        None if current == relation else relation,
        reviewer=reviewer,
        session_id=session_id,
    )


def undo_last(db: Database, session_id: int, *, reviewer: str | None = None) -> HistoryEntry | None:
    """Undo the newest change of this session not yet undone; repeatable.

    The undo is itself a history row (``undoes`` points at the row it
    reverses), so history keeps the whole story.
    """
    with write(db):
        row = db.execute(
            f"SELECT {_HISTORY_COLS} FROM history h WHERE session_id = ? AND undoes IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM history u WHERE u.undoes = h.id)"
            " ORDER BY id DESC LIMIT 1",
            [session_id],
        ).fetchone()
        if row is None:
            return None
        entry = HistoryEntry(*row)
        if entry.kind == "status":
            current: str | None = get_verdict(db, entry.claim_id).status
            _apply_status(db, entry.claim_id, entry.old, reviewer)
        elif entry.kind == "note":
            current = get_verdict(db, entry.claim_id).note
            _apply_note(db, entry.claim_id, entry.old or "", reviewer)
        else:
            assert entry.passage_id is not None
            current = link_relation(db, entry.claim_id, entry.passage_id)
            _apply_link(db, entry.claim_id, entry.passage_id, entry.old, reviewer)
        return _record(
            db,
            entry.claim_id,
            entry.kind,
            current,
            entry.old,
            reviewer,
            session_id,
            entry.passage_id,
            undoes=entry.id,
        )


def links(db: Database, claim_id: int) -> list[EvidenceLink]:
    rows = db.execute(
        "SELECT claim_id, passage_id, relation, reviewer, created_at FROM evidence_links"
        " WHERE claim_id = ? ORDER BY created_at, passage_id",
        [claim_id],
    )
    return [EvidenceLink(*r) for r in rows]


def history(db: Database, claim_id: int | None = None) -> list[HistoryEntry]:
    if claim_id is None:
        rows = db.execute(f"SELECT {_HISTORY_COLS} FROM history ORDER BY id")
    else:
        rows = db.execute(f"SELECT {_HISTORY_COLS} FROM history WHERE claim_id = ? ORDER BY id", [claim_id])
    return [HistoryEntry(*r) for r in rows]


def progress(db: Database) -> Progress:
    total = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    counts = dict(
        db.execute(
            "SELECT status, count(*) FROM verdicts WHERE status IS NOT NULL GROUP BY status"
        ).fetchall()
    )
    return Progress(total=total, counts=counts)


# --- resume state --------------------------------------------------------------


def get_state(db: Database, key: str, default: Any = None) -> Any:
    row = db.execute("SELECT value FROM state WHERE key = ?", [key]).fetchone()
    if row is None:
        return default
    try:
        return json.loads(row[0])
    except ValueError:
        return default


def set_state(db: Database, key: str, value: Any) -> None:
    with write(db):
        db.execute(
            "INSERT INTO state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value)],
        )
