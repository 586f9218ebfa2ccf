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
    status_at: dict[tuple[int, str], tuple] = field(default_factory=dict)  # latest row: time, repr, identity
    note_at: dict[tuple[int, str], str] = field(default_factory=dict)
    claim_status_at: dict[int, str] = field(default_factory=dict)  # any reviewer
    claim_note_at: dict[int, str] = field(default_factory=dict)
    links: dict[tuple[int, int], tuple[str, str | None, str]] = field(default_factory=dict)
    link_at: dict[tuple[int, int], str] = field(default_factory=dict)
    verdicts: dict[int, tuple[str | None, str, str | None, str]] = field(default_factory=dict)
    history_keys: dict[tuple, int] = field(default_factory=dict)  # row identity -> id in its file


def _latest(table: dict, key, at: str) -> None:
    if at > table.get(key, _NEVER):
        table[key] = at


def _note_history(side: _Side, hid: int, cid: int, kind: str, pid, old, new, reviewer, at: str) -> tuple:
    """Remember a history row of ``side`` (its identity, and the times of its latest changes)."""
    key = (cid, kind, pid, old, new, reviewer, at)
    side.history_keys.setdefault(key, hid)
    who = reviewer or ""
    if kind == "status":
        if (at, repr(key)) > side.status_at.get((cid, who), (_NEVER, ""))[:2]:
            side.status_at[(cid, who)] = (at, repr(key), key)
        _latest(side.claim_status_at, cid, at)
    elif kind == "note":
        _latest(side.note_at, (cid, who), at)
        _latest(side.claim_note_at, cid, at)
    elif kind == "link" and pid is not None:
        _latest(side.link_at, (cid, pid), at)
    return key


_IN_CLAIMS = " WHERE claim_id IN (SELECT value FROM json_each(?))"


def _read_local(db: Database, ids: str) -> _Side:
    """Our side, for the claims whose ids are in the JSON array ``ids``."""
    side = _Side()
    for cid, who, status, note, at in db.execute(
        f"SELECT claim_id, reviewer, status, note, updated_at FROM decisions{_IN_CLAIMS}", [ids]
    ):
        side.decisions[(cid, who)] = (status, note, at)
    for row in db.execute(
        f"SELECT id, claim_id, kind, passage_id, old, new, reviewer, at FROM history{_IN_CLAIMS}", [ids]
    ):
        _note_history(side, *row)
    for cid, pid, rel, who, at in db.execute(
        f"SELECT claim_id, passage_id, relation, reviewer, created_at FROM evidence_links{_IN_CLAIMS}", [ids]
    ):
        side.links[(cid, pid)] = (rel, who, at)
    for cid, status, note, who, at in db.execute(
        f"SELECT claim_id, status, note, reviewer, updated_at FROM verdicts{_IN_CLAIMS}", [ids]
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


#: Claims merged per round: what is held in memory at once is bounded by it, not by the corpus.
CHUNK = 5000


def _merge(db: Database, other: Database, label: str) -> MergeResult:
    result = MergeResult()
    with write(db):
        doc_map = _documents(db, other, result)
        passage_map = _passages(db, other, doc_map, _linked_passages(other))
        claim_map, unplaced_claims = _claims(db, other, doc_map, result)
        _count_unplaced(other, unplaced_claims, result)
        pairs = sorted(claim_map.items())
        for i in range(0, len(pairs), CHUNK):
            _merge_claims(db, other, dict(pairs[i : i + CHUNK]), passage_map, result)
        if result.conflicts:
            _record_conflicts(db, label, result.conflicts)
    return result


def _merge_claims(
    db: Database, other: Database, claim_map: dict[int, int], passage_map: dict[int, int], result: MergeResult
) -> None:
    """Merge what both files hold on these claims (their id -> our id)."""
    their_ids = json.dumps(sorted(claim_map))
    our_ids = json.dumps(sorted(set(claim_map.values())))
    local = _read_local(db, our_ids)
    theirs = _Side()
    touched_pairs, touched_claims, state_claims = _history(
        db, other, claim_map, passage_map, local, theirs, their_ids, result
    )
    for cid, who, status, note, at in other.execute(
        f"SELECT claim_id, reviewer, status, note, updated_at FROM decisions{_IN_CLAIMS}", [their_ids]
    ):
        theirs.decisions[(claim_map[cid], who)] = (status, note, at)
    for cid, pid, rel, who, at in other.execute(
        f"SELECT claim_id, passage_id, relation, reviewer, created_at FROM evidence_links{_IN_CLAIMS}",
        [their_ids],
    ):
        if pid in passage_map:
            theirs.links[(claim_map[cid], passage_map[pid])] = (rel, who, at)
        else:
            result.unplaced_passages += 1
    for cid, status, note, who, at in other.execute(
        f"SELECT claim_id, status, note, reviewer, updated_at FROM verdicts{_IN_CLAIMS}", [their_ids]
    ):
        theirs.verdicts[claim_map[cid]] = (status, note, who, at)
    touched_claims |= {c for c, _ in theirs.decisions} | set(theirs.verdicts) | {c for c, _ in theirs.links}
    _decisions(db, local, theirs, touched_pairs, result)
    _links(db, local, theirs, result)
    touched_claims |= _assignments(db, other, claim_map, their_ids, result)
    _claim_states(db, state_claims, result)
    _finals(db, local, theirs, touched_claims, our_ids, result)


def _count_unplaced(other: Database, unplaced: set[int], result: MergeResult) -> None:
    """Rows that sat on claims of documents this database does not hold."""
    ids = json.dumps(sorted(unplaced))
    for table in ("decisions", "evidence_links", "assignments", "history"):
        result.unplaced_rows += other.execute(f"SELECT count(*) FROM {table}{_IN_CLAIMS}", [ids]).fetchone()[
            0
        ]


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


def _passages(db: Database, other: Database, doc_map: dict[int, int], their_ids: set[int]) -> dict[int, int]:
    """Their passages ``their_ids`` mapped to ours by (document, start, end)."""
    rows = other.execute(
        'SELECT id, document_id, start, "end" FROM passages WHERE id IN (SELECT value FROM json_each(?))',
        [json.dumps(sorted(their_ids))],
    ).fetchall()
    docs = sorted({doc_map[d] for _, d, _, _ in rows if d in doc_map})
    ours = {
        (d, s, e): pid
        for pid, d, s, e in db.execute(
            'SELECT id, document_id, start, "end" FROM passages WHERE document_id IN (SELECT value FROM json_each(?))',
            [json.dumps(docs)],
        )
    }
    return {
        pid: ours[(doc_map[d], s, e)] for pid, d, s, e in rows if d in doc_map and (doc_map[d], s, e) in ours
    }


def _linked_passages(other: Database) -> set[int]:
    """Their passages that links and link history point at."""
    return {
        r[0]
        for r in other.execute(
            "SELECT passage_id FROM evidence_links UNION SELECT passage_id FROM history WHERE passage_id IS NOT NULL"
        )
    }


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
    db: Database, other: Database, doc_map: dict[int, int], result: MergeResult
) -> tuple[dict[int, int], set[int]]:
    """Map the other file's claims to ours (adding those on shared documents we lack)."""
    first = _first_spans(db)
    index: dict[tuple, int] = {}
    for cid, d, text, s, e in db.execute(
        'SELECT id, document_id, text, start, "end" FROM claims ORDER BY id DESC'
    ):
        index[(d, text, s, e)] = cid
        if cid in first:
            index.setdefault((d, *first[cid]), cid)
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
        found = index.get((local_doc, text, s, e))
        if found is None and oid in their_first:
            found = index.get((local_doc, *their_first[oid]))
        if found is not None:
            claim_map[oid] = found
            result.claims_matched += 1
            continue
        claim_map[oid] = next_id
        index[(local_doc, text, s, e)] = next_id
        rows.append([next_id, local_doc, pid, *row[3:]])
        next_id += 1
    placed = _passages(db, other, doc_map, {r[2] for r in rows if r[2] is not None})
    for r in rows:
        r[2] = placed.get(r[2])
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
    theirs: _Side,
    their_ids: str,
    result: MergeResult,
) -> tuple[set[tuple[int, str]], set[int], set[int]]:
    """Add the other file's history rows we lack (and note its change times in ``theirs``);
    returns the (claim, reviewer) pairs whose decision rows the triggers touched, the claims
    concerned, and claims whose dismissal or text may have changed."""
    referenced = {
        r[0]
        for r in other.execute(
            f"SELECT DISTINCT undoes FROM history{_IN_CLAIMS} AND undoes IS NOT NULL", [their_ids]
        )
    }
    id_map: dict[int, int] = {}
    added: dict[tuple, int] = {}
    pairs: set[tuple[int, str]] = set()
    claims: set[int] = set()
    states: set[int] = set()
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM history").fetchone()[0]
    first_id = next_id

    def new_rows():
        nonlocal next_id
        for oid, cid, kind, pid, old, new, who, at, undoes in other.execute(
            f"SELECT id, claim_id, kind, passage_id, old, new, reviewer, at, undoes FROM history{_IN_CLAIMS}"
            " ORDER BY id",
            [their_ids],
        ):
            local_claim = claim_map[cid]
            local_passage = None
            if pid is not None:
                local_passage = passage_map.get(pid)
                if local_passage is None:
                    result.unplaced_passages += 1
                    continue
            key = _note_history(theirs, oid, local_claim, kind, local_passage, old, new, who, at)
            known = local.history_keys.get(key) or added.get(key)
            if known is not None:
                if oid in referenced:
                    id_map[oid] = known
                continue
            added[key] = next_id
            if oid in referenced:
                id_map[oid] = next_id
            yield (
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
            next_id += 1
            claims.add(local_claim)
            if kind in ("status", "note"):
                pairs.add((local_claim, who or ""))
            elif kind in ("dismiss", "edit"):
                states.add(local_claim)

    # Rows go through a temporary table and in with one INSERT ... SELECT: inserted one by
    # one, the decisions triggers made them three times slower.
    db.execute("DROP TABLE IF EXISTS temp.merge_history")
    db.execute(
        "CREATE TEMP TABLE merge_history (id INTEGER PRIMARY KEY, claim_id, kind, passage_id, old, new,"
        " reviewer, at, undoes)"
    )
    db.conn.executemany("INSERT INTO temp.merge_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", new_rows())
    db.execute(
        "INSERT INTO history (id, claim_id, kind, passage_id, old, new, reviewer, at, undoes)"
        " SELECT id, claim_id, kind, passage_id, old, new, reviewer, at, undoes FROM temp.merge_history ORDER BY id"
    )
    db.execute("DROP TABLE temp.merge_history")
    result.history += next_id - first_id
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
        if merged != mine or key in touched:
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
        if loser_row is not None and loser_row[2] not in winner_keys:
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
    db: Database, other: Database, claim_map: dict[int, int], their_ids: str, result: MergeResult
) -> set[int]:
    """Union of assignments; the earlier assignment time wins, whichever file had it."""
    ours = {
        (cid, who): at
        for cid, who, at in db.execute(
            f"SELECT claim_id, reviewer, assigned_at FROM assignments{_IN_CLAIMS}",
            [json.dumps(sorted(set(claim_map.values())))],
        )
    }
    new, earlier, claims = [], [], set()
    for cid, who, at in other.execute(
        f"SELECT claim_id, reviewer, assigned_at FROM assignments{_IN_CLAIMS}", [their_ids]
    ):
        key = (claim_map[cid], who)
        claims.add(key[0])
        if key not in ours:
            new.append((*key, at))
        elif at < ours[key]:
            earlier.append((at, *key))
    db.conn.executemany("INSERT INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, ?)", new)
    db.conn.executemany("UPDATE assignments SET assigned_at = ? WHERE claim_id = ? AND reviewer = ?", earlier)
    result.assignments += len(new)
    return claims


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


def _finals(
    db: Database, local: _Side, theirs: _Side, claims: set[int], ids: str, result: MergeResult
) -> None:
    """Final verdicts of the claims the merge touched."""
    statuses: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)  # reviewer -> (verdict, time)
    decided: set[int] = set()
    for cid, who, status, at in db.execute(
        f"SELECT claim_id, reviewer, status, updated_at FROM decisions{_IN_CLAIMS}", [ids]
    ):
        if cid in claims:
            decided.add(cid)
            if status is not None:
                statuses[cid][who] = (status, at)
    decided |= {
        r[0]
        for r in db.execute(
            f"SELECT DISTINCT claim_id FROM history{_IN_CLAIMS} AND kind = 'adjudicate'", [ids]
        )
    }
    assigned = {r[0] for r in db.execute(f"SELECT DISTINCT claim_id FROM assignments{_IN_CLAIMS}", [ids])}
    before = {
        cid: (status, basis)
        for cid, status, basis in db.execute(
            f"SELECT claim_id, status, basis FROM verdicts{_IN_CLAIMS}", [ids]
        )
        if cid in claims
    }
    promote = []
    for cid in sorted(claims):
        if cid not in assigned and len({v for v, _ in statuses[cid].values()}) > 1:
            promote.extend((cid, who, at) for who, (_, at) in statuses[cid].items())
            assigned.add(cid)
    db.conn.executemany(
        "INSERT OR IGNORE INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, ?)", promote
    )
    result.assignments += len(promote)
    # An assigned claim nobody decided gets no verdict row (it stays unreviewed).
    team.settle_many(db, (c for c in claims if c in assigned and (c in before or c in decided)))
    single = []
    for cid in sorted(claims):
        merged = None if cid in assigned else _single_final(cid, local, theirs)
        if merged is not None and (
            local.verdicts.get(cid) != merged or before.get(cid, (None, ""))[1] != "single"
        ):
            single.append((cid, *merged))
    db.conn.executemany(
        "INSERT INTO verdicts (claim_id, status, note, reviewer, updated_at, basis) VALUES (?, ?, ?, ?, ?, 'single')"
        " ON CONFLICT (claim_id) DO UPDATE SET status = excluded.status, note = excluded.note,"
        " reviewer = excluded.reviewer, updated_at = excluded.updated_at, basis = 'single'",
        single,
    )
    after = {
        cid: (status, basis)
        for cid, status, basis in db.execute(
            f"SELECT claim_id, status, basis FROM verdicts{_IN_CLAIMS}", [ids]
        )
        if cid in claims
    }
    result.verdicts += sum(1 for cid, v in after.items() if before.get(cid) != v)
    result.disagreements += sum(
        1 for cid, v in after.items() if v[1] == "disagreed" and before.get(cid, (None, ""))[1] != "disagreed"
    )


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
