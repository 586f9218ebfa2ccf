"""Verdicts, notes, evidence links, their history, undo and resume state.

Every change is its own committed transaction with a history row (reviewer,
time, old -> new): nothing a reviewer did waits in memory to be saved.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from ..errors import DatabaseError
from ..models import VERDICTS, EvidenceLink, HistoryEntry, Progress, Verdict
from . import team
from .connection import DatabaseBusy, write  # noqa: F401  (DatabaseBusy: the writer thread catches it)
from .corpus import now, reindexed_claim, review_counts

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
    if kind in ("status", "note", "adjudicate"):
        team.on_decision(db, claim_id)
    return HistoryEntry(int(cur.lastrowid), claim_id, kind, passage_id, old, new, reviewer, at, undoes)


def _require_claim(db: Database, claim_id: int) -> None:
    if db.execute("SELECT 1 FROM claims WHERE id = ?", [claim_id]).fetchone() is None:
        raise KeyError(f"no claim with id {claim_id}")


def is_team_claim(db: Database, claim_id: int) -> bool:
    """Whether reviewers are assigned ``claim_id`` (team review: each decides on their own)."""
    return (
        db.execute("SELECT 1 FROM assignments WHERE claim_id = ? LIMIT 1", [claim_id]).fetchone() is not None
    )


def own_decision(db: Database, claim_id: int, reviewer: str | None) -> tuple[str | None, str]:
    """``reviewer``'s own current (status, note) on ``claim_id`` (table ``decisions``)."""
    row = db.execute(
        "SELECT status, note FROM decisions WHERE claim_id = ? AND reviewer = ?", [claim_id, reviewer or ""]
    ).fetchone()
    return (row[0], row[1] or "") if row else (None, "")


def _current_status(db: Database, claim_id: int, reviewer: str | None) -> str | None:
    """What a verdict change is compared with and records as ``old``: on a team claim the
    reviewer's own decision (agreeing with a final verdict is still a decision), else the verdict."""
    if is_team_claim(db, claim_id):
        return own_decision(db, claim_id, reviewer)[0]
    return get_verdict(db, claim_id).status


def _current_note(db: Database, claim_id: int, reviewer: str | None) -> str:
    if is_team_claim(db, claim_id):
        return own_decision(db, claim_id, reviewer)[1]
    return get_verdict(db, claim_id).note


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
    """Set (or with ``None`` clear) a claim's verdict. Returns the history row, or None if unchanged.

    On a team claim (reviewers assigned) "unchanged" means unchanged for this reviewer;
    ``team.on_decision`` then works out the final verdict.
    """
    if status is not None and status not in VERDICTS:
        raise ValueError(f"unknown verdict {status!r}; expected one of {', '.join(VERDICTS)}")
    with write(db):
        _require_claim(db, claim_id)
        old = _current_status(db, claim_id, reviewer)
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
        old = _current_note(db, claim_id, reviewer)
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


# --- dismissing and editing claims ------------------------------------------------

#: The reason recorded when a claim is dismissed without one.
NOT_CHECK_WORTHY = "not check-worthy"


def dismissal_reason(db: Database, claim_id: int) -> str | None:
    """Why ``claim_id`` is dismissed (``None``: it is not). The reason lives in history."""
    row = db.execute("SELECT dismissed_at FROM claims WHERE id = ?", [claim_id]).fetchone()
    if row is None or row[0] is None:
        return None
    reason = db.execute(
        "SELECT new FROM history WHERE claim_id = ? AND kind = 'dismiss' AND new IS NOT NULL"
        " ORDER BY id DESC LIMIT 1",
        [claim_id],
    ).fetchone()
    return reason[0] if reason else NOT_CHECK_WORTHY


def _apply_dismiss(db: Database, claim_id: int, reason: str | None, reviewer: str | None) -> None:
    if reason is None:
        db.execute("UPDATE claims SET dismissed_at = NULL, dismissed_by = NULL WHERE id = ?", [claim_id])
    else:
        db.execute(
            "UPDATE claims SET dismissed_at = ?, dismissed_by = ? WHERE id = ?", [now(), reviewer, claim_id]
        )


def dismiss(
    db: Database,
    claim_id: int,
    *,
    reason: str = "",
    reviewer: str | None = None,
    session_id: int | None = None,
) -> HistoryEntry | None:
    """Dismiss a sentence that is not a claim worth checking: it leaves the default list and
    the counts, stays in history and exports. ``None`` when it already was dismissed."""
    with write(db):
        _require_claim(db, claim_id)
        if dismissal_reason(db, claim_id) is not None:
            return None
        new = reason.strip() or NOT_CHECK_WORTHY
        _apply_dismiss(db, claim_id, new, reviewer)
        return _record(db, claim_id, "dismiss", None, new, reviewer, session_id)


def restore(
    db: Database, claim_id: int, *, reviewer: str | None = None, session_id: int | None = None
) -> HistoryEntry | None:
    """Bring a dismissed claim back. ``None`` when it was not dismissed."""
    with write(db):
        _require_claim(db, claim_id)
        old = dismissal_reason(db, claim_id)
        if old is None:
            return None
        _apply_dismiss(db, claim_id, None, reviewer)
        return _record(db, claim_id, "dismiss", old, None, reviewer, session_id)


def _span_json(text: str, start: int | None, end: int | None) -> str:
    return json.dumps({"text": text, "start": start, "end": end}, ensure_ascii=False)


def claim_span(db: Database, claim_id: int) -> str:
    """The claim's text and offsets as an ``edit`` history value (JSON)."""
    text, start, end = db.execute('SELECT text, start, "end" FROM claims WHERE id = ?', [claim_id]).fetchone()
    return _span_json(text, start, end)


def _apply_edit(db: Database, claim_id: int, span: str) -> None:
    value = json.loads(span)
    with reindexed_claim(db, claim_id):
        # original_text keeps the text first extracted; it also marks the claim as indexed
        # on its own in claims_fts (its passage no longer says what it says).
        db.execute(
            'UPDATE claims SET text = ?, start = ?, "end" = ?,'
            " original_text = coalesce(original_text, CASE WHEN origin = 'extracted' THEN text END)"
            " WHERE id = ?",
            [value["text"], value["start"], value["end"], claim_id],
        )


def _new_span(
    db: Database, claim_id: int, text: str | None, start: int | None, end: int | None
) -> tuple[str, int | None, int | None]:
    """The edited (text, start, end), checked: offsets inside the claim's document, text
    not empty; offsets alone take the document's text between them."""
    document_text, old_start, old_end = db.execute(
        'SELECT d.text, c.start, c."end" FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.id = ?',
        [claim_id],
    ).fetchone()
    if (start is None) != (end is None):
        raise ValueError("give both start and end, or neither")
    if start is not None and end is not None:
        if not 0 <= start < end <= len(document_text):
            raise ValueError(
                f"start {start} and end {end} are not a span of the claim's document (0 to {len(document_text)})"
            )
        if text is None:
            text = document_text[start:end]
    elif text is not None:
        # Only the text: keep its offsets if the new wording is still the document's
        # text there, else find it in the document (nearest the old place), else keep.
        start, end = old_start, old_end
        if old_start is None or document_text[old_start : old_start + len(text)] != text:
            found = document_text.find(text, max(0, (old_start or 0) - len(text)))
            if found < 0:
                found = document_text.find(text)
            if found >= 0:
                start, end = found, found + len(text)
    if text is None:
        raise ValueError("give the new text, or a start and end in the document")
    text = text.strip()
    if not text:
        raise ValueError("the claim's text cannot be empty")
    return text, start, end


def edit_claim(
    db: Database,
    claim_id: int,
    *,
    text: str | None = None,
    start: int | None = None,
    end: int | None = None,
    reviewer: str | None = None,
    session_id: int | None = None,
) -> HistoryEntry | None:
    """Correct a claim that extraction cut wrongly: its text, its span in the document, or both.

    History keeps old and new (JSON ``{"text", "start", "end"}``) and ``claims.original_text``
    the text first extracted. Raises ``ValueError`` (a plain message) for empty text or a span
    outside the document; ``None`` when nothing changes.
    """
    with write(db):
        _require_claim(db, claim_id)
        new_text, new_start, new_end = _new_span(db, claim_id, text, start, end)
        old = claim_span(db, claim_id)
        new = _span_json(new_text, new_start, new_end)
        if json.loads(old) == json.loads(new):
            return None
        _apply_edit(db, claim_id, new)
        return _record(db, claim_id, "edit", old, new, reviewer, session_id)


# --- undo and redo, from the stored history ------------------------------------------
#
# A change row has ``undoes`` NULL; an undo row points at the change it reverses; a redo
# is an undo of an undo row. So along a chain of ``undoes`` pointers, rows at an even depth
# act as changes (undo can take them back) and rows at an odd depth as undos (redo can).


def _current_value(db: Database, entry: HistoryEntry, reviewer: str | None) -> str | None:
    if entry.kind == "status":
        return _current_status(db, entry.claim_id, reviewer)
    if entry.kind == "note":
        return _current_note(db, entry.claim_id, reviewer)
    if entry.kind == "link":
        assert entry.passage_id is not None
        return link_relation(db, entry.claim_id, entry.passage_id)
    if entry.kind == "dismiss":
        return dismissal_reason(db, entry.claim_id)
    if entry.kind == "edit":
        return claim_span(db, entry.claim_id)
    return get_verdict(db, entry.claim_id).status  # adjudicate: the final verdict


def _apply_value(db: Database, entry: HistoryEntry, value: str | None, reviewer: str | None) -> None:
    if entry.kind == "status":
        _apply_status(db, entry.claim_id, value, reviewer)
    elif entry.kind == "note":
        _apply_note(db, entry.claim_id, value or "", reviewer)
    elif entry.kind == "link":
        assert entry.passage_id is not None
        _apply_link(db, entry.claim_id, entry.passage_id, value, reviewer)
    elif entry.kind == "dismiss":
        _apply_dismiss(db, entry.claim_id, value, reviewer)
    elif entry.kind == "edit" and value is not None:
        _apply_edit(db, entry.claim_id, value)
    # adjudicate: the history row itself is the change (team.settle reads the newest one)


def _still_in_effect(db: Database, entry: HistoryEntry, reviewer: str | None) -> bool:
    """Whether what ``entry`` set is still there: undoing (or redoing) it must not overwrite a
    later change someone else made to the same thing."""
    current = _current_value(db, entry, reviewer)
    if entry.kind == "note":
        return (current or "") == (entry.new or "")
    if entry.kind == "edit":
        return current is not None and entry.new is not None and json.loads(current) == json.loads(entry.new)
    return current == entry.new


def _get_entry(db: Database, history_id: int) -> HistoryEntry:
    return HistoryEntry(
        *db.execute(f"SELECT {_HISTORY_COLS} FROM history WHERE id = ?", [history_id]).fetchone()
    )


def _acts_as_undo(db: Database, entry: HistoryEntry) -> bool:
    """Whether ``entry`` is at an odd depth of its ``undoes`` chain (an undo, not a change)."""
    depth, target = 0, entry.undoes
    while target is not None:
        depth += 1
        row = db.execute("SELECT undoes FROM history WHERE id = ?", [target]).fetchone()
        target = row[0] if row else None
    return depth % 2 == 1


def _newest_first(
    db: Database, where: str, params: list, page: int = 200
) -> Iterator[tuple[HistoryEntry, bool]]:
    """(row, undone) for the rows matching ``where``, newest first. "Undone" looks at every
    row (an undo may have been made in another session)."""
    before = None
    while True:
        clause = where + ("" if before is None else " AND id < ?")
        rows = db.execute(
            f"SELECT {_HISTORY_COLS} FROM history WHERE {clause} ORDER BY id DESC LIMIT ?",
            [*params, *([] if before is None else [before]), page],
        ).fetchall()
        if not rows:
            return
        oldest = rows[-1][0]
        undone = {
            r[0]
            for r in db.execute("SELECT undoes FROM history WHERE id > ? AND undoes IS NOT NULL", [oldest])
        }
        for row in rows:
            yield HistoryEntry(*row), row[0] in undone
        before = oldest


def _reverse(db: Database, entry: HistoryEntry, reviewer: str | None, session_id: int | None) -> HistoryEntry:
    """Put back the value ``entry`` replaced, recorded as a row that undoes ``entry``."""
    current = _current_value(db, entry, reviewer)
    value = _adjudication_undone(db, entry) if entry.kind == "adjudicate" else entry.old
    _apply_value(db, entry, value, reviewer)
    return _record(
        db,
        entry.claim_id,
        entry.kind,
        current,
        value,
        reviewer,
        session_id,
        entry.passage_id,
        undoes=entry.id,
    )


def _adjudication_undone(db: Database, entry: HistoryEntry) -> str | None:
    """What reversing an ``adjudicate`` row sets as the adjudication (None: withdrawn, the
    team rule applies): undoing one brings back the adjudication before it, if any; redoing
    one (reversing its undo) brings back what it undid."""
    if entry.undoes is not None and _acts_as_undo(db, entry):
        return _get_entry(db, entry.undoes).new
    row = db.execute(
        "SELECT new FROM history WHERE claim_id = ? AND kind = 'adjudicate' AND id < ? ORDER BY id DESC LIMIT 1",
        [entry.claim_id, entry.id],
    ).fetchone()
    return row[0] if row else None


def undo_last(
    db: Database,
    session_id: int | None = None,
    *,
    reviewer: str | None = None,
    in_session: int | None = None,
) -> HistoryEntry | None:
    """Undo the newest change not yet undone; repeatable.

    With ``session_id``: the newest change of that session. Without: the newest change
    ``reviewer`` made in any session (after a restart too), never someone else's. A change
    someone else has since replaced is passed over: undoing it would overwrite theirs.
    The undo is itself a history row (``undoes`` points at the row it reverses), so
    history keeps the whole story; it is recorded in ``in_session`` (default ``session_id``).
    """
    where, params = (
        ("session_id = ?", [session_id]) if session_id is not None else ("reviewer IS ?", [reviewer])
    )
    with write(db):
        for entry, undone in _newest_first(db, where, params):
            if undone or _acts_as_undo(db, entry) or not _still_in_effect(db, entry, reviewer):
                continue
            return _reverse(db, entry, reviewer, in_session if in_session is not None else session_id)
        return None


def redo_last(
    db: Database, *, reviewer: str | None = None, session_id: int | None = None
) -> HistoryEntry | None:
    """Redo the newest undo ``reviewer`` made, if they made no other change since (else ``None``).

    Recorded as an undo of the undo row; redone several times, it walks back up the undos.
    An undo whose value someone else has since replaced is passed over, as in ``undo_last``.
    """
    with write(db):
        for entry, undone in _newest_first(db, "reviewer IS ?", [reviewer]):
            if not _acts_as_undo(db, entry):
                if entry.undoes is None:
                    return None  # a new change since the undos: nothing to redo
                continue  # an earlier redo
            if not undone and _still_in_effect(db, entry, reviewer):
                return _reverse(db, entry, reviewer, session_id)
        return None


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
    """Counts per verdict over the claims not dismissed (dismissed ones counted apart)."""
    total, counts, dismissed = review_counts(db)
    return Progress(total=total, counts=counts, dismissed=dismissed)


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
