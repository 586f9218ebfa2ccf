"""Merging another copy of the database (issue #13): reviewers who worked apart, brought together.

``merge(db, other_path)`` brings the other file's decisions (per reviewer), notes, links,
assignments, dismissals, edits and history into ``db`` in ONE write transaction; the other
file is only read (an older one is upgraded in a temporary copy). The rules make the
result the same whichever way round two copies are merged, and merging again a no-op:

- corpus identity is content: a document by its content hash, a passage by (document,
  start, end), a claim by (document, start, end, text), an edited claim by the span it had
  before its first edit. Claims added by hand on a shared document are added; documents
  this database does not hold are not: what sat on them is counted and named;
- history is a union: a row is added unless an identical one (claim, kind, passage, old,
  new, reviewer, time) is there;
- each reviewer's decision is merged field by field (verdict, note), the later change
  winning (times from history). Both copies changing the same reviewer's verdict apart is
  a conflict: the later is kept, both stay in history, and it is listed in the result
  and in the ``merge.conflicts`` state entry;
- two reviewers' different verdicts on a claim make it a team claim (they are assigned
  it, if they were not) whose final verdict is none, basis 'disagreed': never overwritten;
- links and a claim's dismissal and text follow the later change; assignments are a union;
- the final verdict of a single-reviewer claim is the later one, field by field, as if
  both copies' changes had been made in one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from ..errors import DatabaseError
from . import schema, team
from .connection import _connect_read_only, connect, write
from .corpus import reindexed_claim

CONFLICTS_KEY = "merge.conflicts"
_NEVER = ""  # a time before every time: "no change recorded"


@dataclass(frozen=True)
class Conflict:
    claim_id: int
    reviewer: str
    kept: str | None
    dropped: str | None
    kept_at: str
    dropped_at: str


@dataclass
class MergeResult:
    documents_matched: int = 0
    claims_matched: int = 0
    claims_added: int = 0
    decisions: int = 0  # reviewer decisions added or changed
    links: int = 0  # links added, changed or removed
    history: int = 0  # history rows added
    assignments: int = 0
    claim_states: int = 0  # dismissals and edits taken over
    verdicts: int = 0  # final verdicts changed
    disagreements: int = 0  # claims newly disagreed
    conflicts: list[Conflict] = field(default_factory=list)
    unplaced_documents: list[str] = field(default_factory=list)
    unplaced_claims: int = 0  # claims on those documents
    unplaced_rows: int = 0  # their decisions, links, assignments and history rows
    unplaced_passages: int = 0  # links/history rows to a passage not in the matching document

    @property
    def changed(self) -> bool:
        return any(
            (self.claims_added, self.decisions, self.links, self.history, self.assignments, self.claim_states)
        ) or bool(self.verdicts)

    def summary(self) -> str:
        text = (
            f"{self.decisions} decisions, {self.links} links, {self.history} history rows,"
            f" {self.assignments} assignments merged; {self.claims_added} claims added,"
            f" {self.claims_matched} matched; {self.verdicts} final verdicts changed,"
            f" {self.disagreements} new disagreements"
        )
        if self.conflicts:
            text += (
                f"; {len(self.conflicts)} conflicting decisions of the same reviewer (the later kept,"
                " both in history)"
            )
        return text

    def unplaced(self) -> str | None:
        """One line naming what could not be placed, or None."""
        parts = []
        if self.unplaced_documents:
            names = ", ".join(self.unplaced_documents[:5])
            more = len(self.unplaced_documents) - 5
            n = len(self.unplaced_documents)
            parts.append(
                f"{n} document{'' if n == 1 else 's'} not in this database ({names}"
                f"{f', and {more} more' if more > 0 else ''}) with {self.unplaced_claims} claims and"
                f" {self.unplaced_rows} decisions, links, assignments and history rows"
            )
        if self.unplaced_passages:
            parts.append(f"{self.unplaced_passages} links or link history rows to passages not found")
        return ("could not place: " + "; ".join(parts)) if parts else None


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


# --- opening the other file -----------------------------------------------------------------


def open_other(path: str | os.PathLike[str], into: Database) -> tuple[Database, Path | None]:
    """Open ``path`` to read (refusing a newer or foreign file with the usual one line);
    an older one is upgraded in a temporary copy, returned as the second item (to remove)."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"{path}: no such file")
    if path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not a database file")
    mine = _main_file(into)
    if mine is not None and mine.exists() and os.path.samefile(mine, path):
        raise DatabaseError(f"{path}: is this database; merge another copy")
    try:
        return _connect_read_only(path), None
    except DatabaseError:
        if not _needs_upgrade(path):
            raise
    folder = Path(tempfile.mkdtemp(prefix="workbench-merge-"))
    copy = folder / "other.db"
    source = sqlite3.connect(_ro_uri(path), uri=True)
    try:
        target = sqlite3.connect(copy)
        source.backup(target)
        target.close()
    finally:
        source.close()
    return connect(copy), folder


def _ro_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


def _needs_upgrade(path: Path) -> bool:
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
    except sqlite3.Error:
        return False
    try:
        db = Database(conn, execute_plugins=False)
        schema.check_version(db, path)
        return bool(schema.migrations.pending(db))
    except (sqlite3.Error, DatabaseError):
        return False
    finally:
        conn.close()


def _main_file(db: Database) -> Path | None:
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


# --- reading one side ---------------------------------------------------------------------


@dataclass
class _Side:
    """What one database holds, with claims and passages named by their identity."""

    decisions: dict[tuple[int, str], tuple[str | None, str, str]] = field(default_factory=dict)
    status_at: dict[tuple[int, str], tuple[str, bytes]] = field(default_factory=dict)  # latest row
    note_at: dict[tuple[int, str], str] = field(default_factory=dict)
    claim_status_at: dict[int, str] = field(default_factory=dict)  # any reviewer
    claim_note_at: dict[int, str] = field(default_factory=dict)
    links: dict[tuple[int, int], tuple[str, str | None, str]] = field(default_factory=dict)
    link_at: dict[tuple[int, int], str] = field(default_factory=dict)
    verdicts: dict[int, tuple[str | None, str, str | None, str]] = field(default_factory=dict)
    history_keys: set[bytes] = field(default_factory=set)


def _latest(table: dict, key, at: str) -> None:
    if at > table.get(key, _NEVER):
        table[key] = at


def _read_history_times(side: _Side, rows, claim_of, passage_of) -> None:
    for claim_id, kind, passage_id, old, new, reviewer, at in rows:
        cid = claim_of(claim_id)
        if cid is None:
            continue
        pid = passage_of(passage_id) if passage_id is not None else None
        key = _digest(cid, kind, pid, old, new, reviewer, at)
        side.history_keys.add(key)
        who = reviewer or ""
        if kind == "status":
            if (at, key) > side.status_at.get((cid, who), (_NEVER, b"")):
                side.status_at[(cid, who)] = (at, key)
            _latest(side.claim_status_at, cid, at)
        elif kind == "note":
            _latest(side.note_at, (cid, who), at)
            _latest(side.claim_note_at, cid, at)
        elif kind == "link" and pid is not None:
            _latest(side.link_at, (cid, pid), at)


_HISTORY_SQL = "SELECT claim_id, kind, passage_id, old, new, reviewer, at FROM history"


def _read_local(db: Database) -> _Side:
    side = _Side()
    for cid, who, status, note, at in db.execute(
        "SELECT claim_id, reviewer, status, note, updated_at FROM decisions"
    ):
        side.decisions[(cid, who)] = (status, note, at)
    _read_history_times(side, db.execute(_HISTORY_SQL), lambda c: c, lambda p: p)
    for cid, pid, rel, who, at in db.execute(
        "SELECT claim_id, passage_id, relation, reviewer, created_at FROM evidence_links"
    ):
        side.links[(cid, pid)] = (rel, who, at)
    for cid, status, note, who, at in db.execute(
        "SELECT claim_id, status, note, reviewer, updated_at FROM verdicts"
    ):
        side.verdicts[cid] = (status, note, who, at)
    return side


# --- the merge ------------------------------------------------------------------------------


def merge(db: Database, other_path: str | os.PathLike[str]) -> MergeResult:
    other, temp = open_other(other_path, db)
    try:
        other.execute("BEGIN")  # one consistent snapshot of the other file
        try:
            return _merge(db, other, Path(other_path).name)
        finally:
            other.execute("COMMIT")
    finally:
        other.close()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _merge(db: Database, other: Database, label: str) -> MergeResult:
    result = MergeResult()
    with write(db):
        doc_map = _documents(db, other, result)
        passage_map = _passages(db, other, doc_map)
        claim_map, unplaced_claims = _claims(db, other, doc_map, passage_map, result)
        local = _read_local(db)
        theirs = _Side()

        def claim_of(c):
            return claim_map.get(c)

        def passage_of(p):
            return passage_map.get(p)

        _read_history_times(theirs, other.execute(_HISTORY_SQL), claim_of, passage_of)
        for cid, who, status, note, at in other.execute(
            "SELECT claim_id, reviewer, status, note, updated_at FROM decisions"
        ):
            if cid in claim_map:
                theirs.decisions[(claim_map[cid], who)] = (status, note, at)
            elif cid in unplaced_claims:
                result.unplaced_rows += 1
        for cid, pid, rel, who, at in other.execute(
            "SELECT claim_id, passage_id, relation, reviewer, created_at FROM evidence_links"
        ):
            if cid in unplaced_claims:
                result.unplaced_rows += 1
            elif cid in claim_map:
                if pid in passage_map:
                    theirs.links[(claim_map[cid], passage_map[pid])] = (rel, who, at)
                else:
                    result.unplaced_passages += 1
        for cid, status, note, who, at in other.execute(
            "SELECT claim_id, status, note, reviewer, updated_at FROM verdicts"
        ):
            if cid in claim_map:
                theirs.verdicts[claim_map[cid]] = (status, note, who, at)

        touched_pairs, touched_claims, state_claims = _history(
            db, other, claim_map, passage_map, local, unplaced_claims, result
        )
        touched_claims |= {c for c, _ in theirs.decisions} | set(theirs.verdicts)
        _decisions(db, local, theirs, touched_pairs, result)
        _links(db, local, theirs, result)
        touched_claims |= _assignments(db, other, claim_map, unplaced_claims, result)
        touched_claims |= {c for c, _ in theirs.links}
        _claim_states(db, state_claims, result)
        _finals(db, local, theirs, touched_claims, result)
        if result.conflicts:
            _record_conflicts(db, label, result.conflicts)
    return result


def _documents(db: Database, other: Database, result: MergeResult) -> dict[int, int]:
    local = dict(db.execute("SELECT content_hash, id FROM documents").fetchall())
    doc_map: dict[int, int] = {}
    for oid, content_hash, name in other.execute("SELECT id, content_hash, name FROM documents ORDER BY id"):
        if content_hash in local:
            doc_map[oid] = local[content_hash]
            result.documents_matched += 1
        else:
            result.unplaced_documents.append(name)
    return doc_map


def _passages(db: Database, other: Database, doc_map: dict[int, int]) -> dict[int, int]:
    wanted = set(doc_map.values())
    local = {
        (d, s, e): pid
        for pid, d, s, e in db.execute('SELECT id, document_id, start, "end" FROM passages')
        if d in wanted
    }
    passage_map: dict[int, int] = {}
    for pid, d, s, e in other.execute('SELECT id, document_id, start, "end" FROM passages'):
        if d in doc_map and (found := local.get((doc_map[d], s, e))) is not None:
            passage_map[pid] = found
    return passage_map


def _first_spans(db: Database) -> dict[int, tuple[str, int | None, int | None]]:
    """Claim id -> the (text, start, end) it had before its first edit."""
    spans: dict[int, tuple[str, int | None, int | None]] = {}
    for cid, old in db.execute(
        "SELECT claim_id, old FROM history WHERE kind = 'edit' ORDER BY at DESC, id DESC"
    ):
        try:
            value = json.loads(old)
            spans[cid] = (value["text"], value["start"], value["end"])
        except (TypeError, ValueError, KeyError):
            continue
    return spans


_CLAIM_COLS = (
    'id, document_id, passage_id, text, start, "end", score, reasons, origin, created_at,'
    " dismissed_at, dismissed_by, original_text"
)


def _claims(
    db: Database, other: Database, doc_map: dict[int, int], passage_map: dict[int, int], result: MergeResult
) -> tuple[dict[int, int], set[int]]:
    """Map the other file's claims to ours (adding those on shared documents we lack)."""
    first = _first_spans(db)
    index: dict[bytes, int] = {}
    for cid, d, text, s, e in db.execute(
        'SELECT id, document_id, text, start, "end" FROM claims ORDER BY id DESC'
    ):
        index[_digest(d, text, s, e)] = cid
        if cid in first:
            index.setdefault(_digest(d, *first[cid]), cid)
    their_first = _first_spans(other)
    claim_map: dict[int, int] = {}
    unplaced: set[int] = set()
    rows = []
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM claims").fetchone()[0]
    for row in other.execute(f"SELECT {_CLAIM_COLS} FROM claims ORDER BY id"):
        oid, d, pid, text, s, e = row[:6]
        if d not in doc_map:
            unplaced.add(oid)
            result.unplaced_claims += 1
            continue
        local_doc = doc_map[d]
        found = index.get(_digest(local_doc, text, s, e))
        if found is None and oid in their_first:
            found = index.get(_digest(local_doc, *their_first[oid]))
        if found is not None:
            claim_map[oid] = found
            result.claims_matched += 1
            continue
        claim_map[oid] = next_id
        index[_digest(local_doc, text, s, e)] = next_id
        rows.append((next_id, local_doc, passage_map.get(pid) if pid is not None else None, *row[3:]))
        next_id += 1
    db.conn.executemany(
        f"INSERT INTO claims ({_CLAIM_COLS}) VALUES ({', '.join('?' * 13)})",
        rows,
    )
    # Edited claims are searched through claims_fts even when extracted (see corpus.INDEXED_CLAIM_SQL).
    for r in rows:
        if r[8] == "extracted" and r[12] is not None:
            db.execute("INSERT INTO claims_fts (rowid, text) VALUES (?, ?)", [r[0], r[3]])
    result.claims_added = len(rows)
    return claim_map, unplaced


def _history(
    db: Database,
    other: Database,
    claim_map: dict[int, int],
    passage_map: dict[int, int],
    local: _Side,
    unplaced_claims: set[int],
    result: MergeResult,
) -> tuple[set[tuple[int, str]], set[int], set[int]]:
    """Add the other file's history rows we lack; returns the (claim, reviewer) pairs whose
    decision rows the triggers touched, the claims concerned, and claims whose dismissal or
    text may have changed."""
    existing: dict[bytes, int] = {}
    for hid, cid, kind, pid, old, new, who, at in db.execute(
        "SELECT id, claim_id, kind, passage_id, old, new, reviewer, at FROM history ORDER BY id DESC"
    ):
        existing[_digest(cid, kind, pid, old, new, who, at)] = hid
    id_map: dict[int, int] = {}
    pairs: set[tuple[int, str]] = set()
    claims: set[int] = set()
    states: set[int] = set()
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM history").fetchone()[0]
    rows = []
    for oid, cid, kind, pid, old, new, who, at, undoes in other.execute(
        "SELECT id, claim_id, kind, passage_id, old, new, reviewer, at, undoes FROM history ORDER BY id"
    ):
        if cid not in claim_map:
            if cid in unplaced_claims:
                result.unplaced_rows += 1
            continue
        local_claim = claim_map[cid]
        local_passage = None
        if pid is not None:
            local_passage = passage_map.get(pid)
            if local_passage is None:
                result.unplaced_passages += 1
                continue
        key = _digest(local_claim, kind, local_passage, old, new, who, at)
        if key in existing:
            id_map[oid] = existing[key]
            continue
        existing[key] = id_map[oid] = next_id
        rows.append(
            (
                next_id,
                local_claim,
                kind,
                local_passage,
                old,
                new,
                who,
                at,
                id_map.get(undoes) if undoes else None,
            )
        )
        next_id += 1
        claims.add(local_claim)
        if kind in ("status", "note"):
            pairs.add((local_claim, who or ""))
        elif kind in ("dismiss", "edit"):
            states.add(local_claim)
    db.conn.executemany(
        "INSERT INTO history (id, claim_id, kind, passage_id, old, new, reviewer, at, undoes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    result.history = len(rows)
    return pairs, claims, states


def _pick(
    mine: tuple[str, object], theirs: tuple[str, object]
) -> tuple[tuple[str, object], tuple[str, object]]:
    """(winner, loser) of two (time, value) changes: the later; on a tie, the larger value."""
    key = lambda c: (c[0], "" if c[1] is None else str(c[1]))
    return (mine, theirs) if key(mine) >= key(theirs) else (theirs, mine)


def _decisions(
    db: Database, local: _Side, theirs: _Side, touched: set[tuple[int, str]], result: MergeResult
) -> None:
    writes: list[tuple] = []
    deletes: list[tuple[int, str]] = []
    for key in sorted(set(theirs.decisions) | touched):
        mine = local.decisions.get(key)
        other = theirs.decisions.get(key)
        if other is None:
            if mine is None:
                deletes.append(key)  # a trigger made it from an old history row: neither copy has it
            else:
                writes.append((*key, *mine))
            continue
        if mine is None:
            writes.append((*key, *other))
            result.decisions += 1
            continue
        status = _merge_status(key, mine, other, local, theirs, result)
        note = _pick(
            (_field_time(local.note_at, key, mine[1] != "", mine[2]), mine[1]),
            (_field_time(theirs.note_at, key, other[1] != "", other[2]), other[1]),
        )[0][1]
        merged = (status, note, max(mine[2], other[2]))
        writes.append((*key, *merged))
        if merged[:2] != mine[:2]:
            result.decisions += 1
    db.conn.executemany(
        "INSERT INTO decisions (claim_id, reviewer, status, note, updated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (claim_id, reviewer) DO UPDATE SET status = excluded.status, note = excluded.note,"
        " updated_at = excluded.updated_at",
        writes,
    )
    db.conn.executemany("DELETE FROM decisions WHERE claim_id = ? AND reviewer = ?", deletes)


def _field_time(times: dict, key, has_value: bool, updated_at: str) -> str:
    at = times.get(key)
    if at is not None:
        return at[0] if isinstance(at, tuple) else at
    return updated_at if has_value else _NEVER


def _merge_status(key, mine, other, local: _Side, theirs: _Side, result: MergeResult) -> str | None:
    mine_at = _field_time(local.status_at, key, mine[0] is not None, mine[2])
    other_at = _field_time(theirs.status_at, key, other[0] is not None, other[2])
    (win_at, status), (lose_at, lost) = _pick((mine_at, mine[0]), (other_at, other[0]))
    if status != lost and lose_at != _NEVER and win_at != _NEVER:
        # The loser's latest change, unseen by the winner's copy: both changed it apart.
        loser_row = (local if (lose_at, lost) == (mine_at, mine[0]) else theirs).status_at.get(key)
        winner_keys = (theirs if (lose_at, lost) == (mine_at, mine[0]) else local).history_keys
        if loser_row is not None and loser_row[1] not in winner_keys:
            result.conflicts.append(Conflict(key[0], key[1], status, lost, win_at, lose_at))
    return status  # type: ignore[return-value]


def _links(db: Database, local: _Side, theirs: _Side, result: MergeResult) -> None:
    for key in sorted(set(theirs.links) | set(theirs.link_at)):
        mine, other = local.links.get(key), theirs.links.get(key)
        mine_at = local.link_at.get(key) or (mine[2] if mine else _NEVER)
        other_at = theirs.link_at.get(key) or (other[2] if other else _NEVER)
        (_, winner), _ = _pick((mine_at, mine[0] if mine else None), (other_at, other[0] if other else None))
        current = mine[0] if mine else None
        if winner == current:
            continue
        result.links += 1
        if winner is None:
            db.execute("DELETE FROM evidence_links WHERE claim_id = ? AND passage_id = ?", list(key))
            continue
        source = other if other and other[0] == winner else mine
        assert source is not None
        db.execute(
            "INSERT INTO evidence_links (claim_id, passage_id, relation, reviewer, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (claim_id, passage_id) DO UPDATE SET"
            " relation = excluded.relation, reviewer = excluded.reviewer, created_at = excluded.created_at",
            [*key, *source],
        )


def _assignments(
    db: Database, other: Database, claim_map: dict[int, int], unplaced: set[int], result: MergeResult
) -> set[int]:
    rows = []
    for cid, who, at in other.execute("SELECT claim_id, reviewer, assigned_at FROM assignments"):
        if cid in claim_map:
            rows.append((claim_map[cid], who, at))
        elif cid in unplaced:
            result.unplaced_rows += 1
    before = db.execute("SELECT count(*) FROM assignments").fetchone()[0]
    db.conn.executemany(
        "INSERT INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, ?)"
        " ON CONFLICT (claim_id, reviewer) DO UPDATE SET assigned_at = excluded.assigned_at"
        " WHERE excluded.assigned_at < assignments.assigned_at",
        rows,
    )
    result.assignments = db.execute("SELECT count(*) FROM assignments").fetchone()[0] - before
    return {r[0] for r in rows}


def _claim_states(db: Database, claims: set[int], result: MergeResult) -> None:
    """A claim's dismissal and text: as its latest dismiss/edit change says."""
    for cid in sorted(claims):
        dismiss = db.execute(
            "SELECT new, reviewer, at FROM history WHERE claim_id = ? AND kind = 'dismiss'"
            " ORDER BY at DESC, new DESC LIMIT 1",
            [cid],
        ).fetchone()
        current = db.execute("SELECT dismissed_at FROM claims WHERE id = ?", [cid]).fetchone()[0]
        if dismiss is not None and (dismiss[0] is None) != (current is None):
            db.execute(
                "UPDATE claims SET dismissed_at = ?, dismissed_by = ? WHERE id = ?",
                [None, None, cid] if dismiss[0] is None else [dismiss[2], dismiss[1], cid],
            )
            result.claim_states += 1
        edit = db.execute(
            "SELECT new FROM history WHERE claim_id = ? AND kind = 'edit' ORDER BY at DESC, new DESC LIMIT 1",
            [cid],
        ).fetchone()
        if edit is None or edit[0] is None:
            continue
        try:
            value = json.loads(edit[0])
            span = (value["text"], value["start"], value["end"])
        except (TypeError, ValueError, KeyError):
            continue
        text, start, end = db.execute('SELECT text, start, "end" FROM claims WHERE id = ?', [cid]).fetchone()
        if (text, start, end) != span:
            with reindexed_claim(db, cid):
                db.execute(
                    'UPDATE claims SET text = ?, start = ?, "end" = ?,'
                    " original_text = coalesce(original_text, CASE WHEN origin = 'extracted' THEN text END)"
                    " WHERE id = ?",
                    [*span, cid],
                )
            result.claim_states += 1


def _finals(db: Database, local: _Side, theirs: _Side, claims: set[int], result: MergeResult) -> None:
    """Final verdicts of the claims the merge touched."""
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    for cid, who, status in db.execute(
        "SELECT claim_id, reviewer, status FROM decisions WHERE status IS NOT NULL"
    ):
        if cid in claims:
            statuses[cid][who] = status
    assigned = {r[0] for r in db.execute("SELECT DISTINCT claim_id FROM assignments")}
    before = {
        cid: (status, basis)
        for cid, status, basis in db.execute("SELECT claim_id, status, basis FROM verdicts")
        if cid in claims
    }
    promote = []
    for cid in sorted(claims):
        if cid not in assigned and len(set(statuses[cid].values())) > 1:
            promote.extend((cid, who, db_at) for who, db_at in _decision_times(db, cid))
            assigned.add(cid)
    db.conn.executemany(
        "INSERT OR IGNORE INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, ?)", promote
    )
    result.assignments += len(promote)
    single = []
    for cid in sorted(claims):
        if cid in assigned:
            if cid in before or statuses[cid] or _has_decision(db, cid):
                team.settle(db, cid)
            continue
        merged = _single_final(cid, local, theirs)
        if merged is not None:
            single.append((cid, *merged))
    db.conn.executemany(
        "INSERT INTO verdicts (claim_id, status, note, reviewer, updated_at, basis) VALUES (?, ?, ?, ?, ?, 'single')"
        " ON CONFLICT (claim_id) DO UPDATE SET status = excluded.status, note = excluded.note,"
        " reviewer = excluded.reviewer, updated_at = excluded.updated_at, basis = 'single'",
        single,
    )
    after = {
        cid: (status, basis)
        for cid, status, basis in db.execute("SELECT claim_id, status, basis FROM verdicts")
        if cid in claims
    }
    result.verdicts = sum(1 for cid, v in after.items() if before.get(cid) != v)
    result.disagreements = sum(
        1 for cid, v in after.items() if v[1] == "disagreed" and before.get(cid, (None, ""))[1] != "disagreed"
    )


def _has_decision(db: Database, claim_id: int) -> bool:
    """Whether anyone decided or annotated the claim (an assigned claim nobody touched gets no verdict row)."""
    return (
        db.execute("SELECT 1 FROM decisions WHERE claim_id = ? LIMIT 1", [claim_id]).fetchone() is not None
        or db.execute(
            "SELECT 1 FROM history WHERE claim_id = ? AND kind = 'adjudicate' LIMIT 1", [claim_id]
        ).fetchone()
        is not None
    )


def _decision_times(db: Database, claim_id: int) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT reviewer, updated_at FROM decisions WHERE claim_id = ? AND status IS NOT NULL", [claim_id]
    ).fetchall()


def _single_final(cid: int, local: _Side, theirs: _Side) -> tuple | None:
    """A single-reviewer claim's final verdict: each field from the copy that changed it last."""
    mine, other = local.verdicts.get(cid), theirs.verdicts.get(cid)
    if other is None:
        return None
    if mine is None:
        return other

    def times(side: _Side, v) -> tuple[str, str]:
        status_at = side.claim_status_at.get(cid) or (v[3] if v[0] is not None else _NEVER)
        note_at = side.claim_note_at.get(cid) or (v[3] if v[1] else _NEVER)
        return status_at, note_at

    m_status_at, m_note_at = times(local, mine)
    o_status_at, o_note_at = times(theirs, other)
    status = _pick((m_status_at, mine[0]), (o_status_at, other[0]))[0][1]
    note = _pick((m_note_at, mine[1]), (o_note_at, other[1]))[0][1]
    later = _pick((max(m_status_at, m_note_at), mine[2]), (max(o_status_at, o_note_at), other[2]))[0][1]
    return status, note, later, max(mine[3], other[3])


def _record_conflicts(db: Database, label: str, conflicts: list[Conflict]) -> None:
    row = db.execute("SELECT value FROM state WHERE key = ?", [CONFLICTS_KEY]).fetchone()
    try:
        kept = json.loads(row[0]) if row else []
    except ValueError:
        kept = []
    seen = {json.dumps({k: v for k, v in c.items() if k != "merged_from"}, sort_keys=True) for c in kept}
    for c in conflicts:
        entry = {
            "claim_id": c.claim_id,
            "reviewer": c.reviewer,
            "kept": c.kept,
            "kept_at": c.kept_at,
            "dropped": c.dropped,
            "dropped_at": c.dropped_at,
        }
        if json.dumps(entry, sort_keys=True) not in seen:
            kept.append({**entry, "merged_from": label})
            seen.add(json.dumps(entry, sort_keys=True))
    db.execute(
        "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [CONFLICTS_KEY, json.dumps(kept, ensure_ascii=False)],
    )
