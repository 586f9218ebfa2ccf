"""Team review (issue #13): each reviewer's decision and the claim's final verdict.

``history`` rows of kind status/note keep ``decisions`` (one row per claim and
reviewer) in step through triggers (schema m005); this module decides what the
*final* verdict in ``verdicts`` is when several reviewers are assigned a claim.

A claim with no assignments is a single-reviewer claim: its final verdict is
whatever was last written (basis ``'single'``), exactly as before teams. A claim
with assignments is settled by ``settle`` after every decision on it:

- an adjudicated claim keeps the adjudicator's verdict (basis ``'adjudicated'``,
  the note is the adjudicator's, the reviewer the adjudicator);
- every assigned reviewer decided the same: that verdict (basis ``'agreed'``);
- two assigned reviewers decided differently: no final verdict, basis ``'disagreed'``
  (it can no longer be agreed; it waits for an adjudicator);
- otherwise no final verdict yet, basis ``'pending'``.

Team finals carry no note of their own (each reviewer's note is in ``decisions``)
and no reviewer (several made it) unless adjudicated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from ..models import VERDICTS
from .claim_filter import DISAGREED_SQL
from .connection import write
from .corpus import now

#: Basis of a team claim's final verdict (``verdicts.basis``); 'single' is a claim without assignments.
BASES = ("single", "agreed", "adjudicated", "pending", "disagreed")
#: The per-database blind-review setting (``state`` key): others' decisions hidden until you decide.
BLIND_KEY = "team.blind"


@dataclass(frozen=True)
class Decision:
    """One reviewer's current decision on a claim (``status`` None: not decided)."""

    reviewer: str
    status: str | None
    note: str
    updated_at: str | None
    assigned: bool


@dataclass(frozen=True)
class ReviewerProgress:
    reviewer: str
    assigned: int  # claims assigned to them
    decided: int  # of those, claims they gave a verdict

    @property
    def remaining(self) -> int:
        return self.assigned - self.decided

    def as_dict(self) -> dict:
        return {
            "reviewer": self.reviewer,
            "assigned": self.assigned,
            "decided": self.decided,
            "remaining": self.remaining,
        }


@dataclass(frozen=True)
class Final:
    status: str | None
    basis: str
    note: str
    reviewer: str | None
    updated_at: str


def on_decision(db: Database, claim_id: int) -> None:
    """Called inside the write of every verdict or note change, after its history row.

    Alone (no reviewers assigned to the claim) the change already is the final
    verdict and there is nothing to do.
    """
    settle(db, claim_id)


def assigned_reviewers(db: Database, claim_id: int) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT reviewer FROM assignments WHERE claim_id = ? ORDER BY reviewer", [claim_id]
        )
    ]


def team_rule(
    assigned: Sequence[str],
    decided: dict[str, tuple[str | None, str, str]],
    adjudication: tuple[str | None, str | None, str] | None,
) -> Final:
    """The final verdict of a claim assigned to ``assigned``, given each reviewer's
    (status, note, updated_at) and the newest adjudication (new, adjudicator, at) if any."""
    if adjudication is not None and adjudication[0] is not None:
        status, adjudicator, at = adjudication
        mine = decided.get(adjudicator or "")
        return Final(status, "adjudicated", mine[1] if mine else "", adjudicator, at)
    statuses = [decided[r][0] for r in assigned if r in decided and decided[r][0] is not None]
    times = [decided[r][2] for r in assigned if r in decided]
    updated_at = max(times) if times else now()
    if len(set(statuses)) > 1:
        return Final(None, "disagreed", "", None, updated_at)
    if statuses and len(statuses) == len(assigned):
        return Final(statuses[0], "agreed", "", None, updated_at)
    return Final(None, "pending", "", None, updated_at)


_LATEST_ADJUDICATION = (
    "SELECT new, reviewer, at FROM history WHERE claim_id = ? AND kind = 'adjudicate'"
    " ORDER BY at DESC, id DESC LIMIT 1"
)
_UPSERT_FINAL = (
    "INSERT INTO verdicts (claim_id, status, note, reviewer, updated_at, basis) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(claim_id) DO UPDATE SET status = excluded.status, note = excluded.note,"
    " reviewer = excluded.reviewer, updated_at = excluded.updated_at, basis = excluded.basis"
)


def final_of(db: Database, claim_id: int) -> Final | None:
    """The final verdict the team rule gives a claim with assignments (None: no assignments)."""
    assigned = assigned_reviewers(db, claim_id)
    if not assigned:
        return None
    decided = {
        reviewer: (status, note, updated_at)
        for reviewer, status, note, updated_at in db.execute(
            "SELECT reviewer, status, note, updated_at FROM decisions WHERE claim_id = ?", [claim_id]
        )
    }
    return team_rule(assigned, decided, db.execute(_LATEST_ADJUDICATION, [claim_id]).fetchone())


def settle(db: Database, claim_id: int) -> Final | None:
    """Write the team rule's final verdict of a claim with assignments (inside the caller's write)."""
    final = final_of(db, claim_id)
    if final is None:
        return None
    db.execute(
        _UPSERT_FINAL, [claim_id, final.status, final.note, final.reviewer, final.updated_at, final.basis]
    )
    return final


def settle_many(db: Database, claim_ids: Iterable[int]) -> int:
    """``settle`` for many claims at once (reads each table once); returns how many had assignments."""
    ids = json.dumps(sorted(set(claim_ids)))
    where = " WHERE claim_id IN (SELECT value FROM json_each(?))"
    assigned: dict[int, list[str]] = {}
    for claim_id, reviewer in db.execute(
        f"SELECT claim_id, reviewer FROM assignments{where} ORDER BY claim_id, reviewer", [ids]
    ):
        assigned.setdefault(claim_id, []).append(reviewer)
    decided: dict[int, dict[str, tuple[str | None, str, str]]] = {}
    for claim_id, reviewer, status, note, at in db.execute(
        f"SELECT claim_id, reviewer, status, note, updated_at FROM decisions{where}", [ids]
    ):
        decided.setdefault(claim_id, {})[reviewer] = (status, note, at)
    latest: dict[int, tuple[str | None, str | None, str]] = {}
    for claim_id, new, reviewer, at in db.execute(
        f"SELECT claim_id, new, reviewer, at FROM history{where} AND kind = 'adjudicate' ORDER BY at, id",
        [ids],
    ):
        latest[claim_id] = (new, reviewer, at)
    current = {
        r[0]: r
        for r in db.execute(
            f"SELECT claim_id, status, note, reviewer, updated_at, basis FROM verdicts{where}", [ids]
        )
    }
    rows = []
    for claim_id in sorted(assigned):
        f = team_rule(assigned[claim_id], decided.get(claim_id, {}), latest.get(claim_id))
        row = (claim_id, f.status, f.note, f.reviewer, f.updated_at, f.basis)
        if current.get(claim_id) != row:
            rows.append(row)
    db.conn.executemany(_UPSERT_FINAL, rows)
    return len(assigned)


def decisions_of(db: Database, claim_id: int) -> list[Decision]:
    """Every reviewer assigned to the claim or with a decision on it, by name.

    Assigned reviewers who have not decided appear with ``status`` None. An adjudicator's
    note appears as a decision with no status (the adjudication itself is the final verdict).
    """
    assigned = set(assigned_reviewers(db, claim_id))
    rows = {
        r[0]: r
        for r in db.execute(
            "SELECT reviewer, status, note, updated_at FROM decisions WHERE claim_id = ?", [claim_id]
        )
    }
    return [
        Decision(name, *(rows[name][1:] if name in rows else (None, "", None)), assigned=name in assigned)
        for name in sorted(assigned | set(rows))
    ]


def visible_decisions(db: Database, claim_id: int, reviewer: str, *, blind: bool) -> list[Decision]:
    """What ``reviewer`` may see: in blind review, only their own decision until they have
    given a verdict on the claim; then (or when not blind) everyone's."""
    everyone = decisions_of(db, claim_id)
    if not blind:
        return everyone
    mine = [d for d in everyone if d.reviewer == reviewer]
    if mine and mine[0].status is not None:
        return everyone
    return mine


def adjudicate(
    db: Database,
    claim_id: int,
    status: str | None,
    *,
    reviewer: str,
    note: str = "",
    session_id: int | None = None,
) -> Final:
    """Make ``status`` the claim's final verdict, recorded as an ``adjudicate`` history row
    (old/new: the final verdict before and after); ``note`` becomes the final note (kept as
    the adjudicator's note). ``status`` None withdraws the adjudication: the team rule applies
    again. A claim without assignments can be adjudicated when someone gave it a verdict: it
    becomes a team claim of the reviewers who did (ValueError when nobody did)."""
    if status is not None and status not in VERDICTS:
        raise ValueError(f"unknown verdict {status!r}; expected one of {', '.join(VERDICTS)}")
    if not reviewer or not reviewer.strip():
        raise ValueError("an adjudication needs the adjudicator's name")
    with write(db):
        if db.execute("SELECT 1 FROM claims WHERE id = ?", [claim_id]).fetchone() is None:
            raise KeyError(f"no claim with id {claim_id}")
        old = db.execute("SELECT status, basis FROM verdicts WHERE claim_id = ?", [claim_id]).fetchone()
        if status is None and (old is None or old[1] != "adjudicated"):
            raise ValueError(f"claim {claim_id} is not adjudicated: nothing to withdraw")
        if not assigned_reviewers(db, claim_id):
            db.execute(
                "INSERT OR IGNORE INTO assignments (claim_id, reviewer, assigned_at)"
                " SELECT claim_id, reviewer, ? FROM decisions WHERE claim_id = ? AND status IS NOT NULL",
                [now(), claim_id],
            )
        if (
            status is not None
            and not db.execute(
                "SELECT 1 FROM decisions d JOIN assignments a ON a.claim_id = d.claim_id AND a.reviewer = d.reviewer"
                " WHERE d.claim_id = ? AND d.status IS NOT NULL",
                [claim_id],
            ).fetchone()
        ):
            raise ValueError(f"claim {claim_id} has no reviewer's verdict to adjudicate")
        at = now()
        _history(db, claim_id, "adjudicate", old[0] if old else None, status, reviewer, session_id, at)
        current = db.execute(
            "SELECT note FROM decisions WHERE claim_id = ? AND reviewer = ?", [claim_id, reviewer]
        ).fetchone()
        if (current[0] if current else "") != note:
            _history(db, claim_id, "note", current[0] if current else "", note, reviewer, session_id, at)
        final = settle(db, claim_id)
        assert final is not None  # the claim has assignments by now
        return final


def _history(
    db: Database,
    claim_id: int,
    kind: str,
    old: str | None,
    new: str | None,
    reviewer: str,
    session_id: int | None,
    at: str,
) -> None:
    db.execute(
        "INSERT INTO history (claim_id, kind, old, new, reviewer, session_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [claim_id, kind, old, new, reviewer, session_id, at],
    )


def reviewer_progress(db: Database) -> list[ReviewerProgress]:
    """Per assigned reviewer (by name): claims assigned, and of those decided (a verdict given)."""
    rows = db.execute(
        "SELECT a.reviewer, count(*), count(d.status) FROM assignments a"
        " LEFT JOIN decisions d ON d.claim_id = a.claim_id AND d.reviewer = a.reviewer"
        " GROUP BY a.reviewer ORDER BY a.reviewer"
    )
    return [ReviewerProgress(name, assigned, decided) for name, assigned, decided in rows]


def queue(db: Database, reviewer: str, *, include_decided: bool = False) -> list[int]:
    """The claims assigned to ``reviewer`` that they have not given a verdict yet, in claim id
    order (the order ``n``/``p`` follow); ``include_decided`` keeps the decided ones in place.
    Dismissed claims are left out."""
    undecided = "" if include_decided else " AND d.status IS NULL"
    return [
        r[0]
        for r in db.execute(
            "SELECT a.claim_id FROM assignments a JOIN claims c ON c.id = a.claim_id"
            " LEFT JOIN decisions d ON d.claim_id = a.claim_id AND d.reviewer = a.reviewer"
            f" WHERE a.reviewer = ? AND c.dismissed_at IS NULL{undecided} ORDER BY a.claim_id",
            [reviewer],
        )
    ]


def disagreed(db: Database) -> list[int]:
    """Claims waiting for an adjudicator (reviewers disagree), in id order."""
    return [r[0] for r in db.execute(f"SELECT v.claim_id FROM verdicts v WHERE {DISAGREED_SQL} ORDER BY 1")]


def is_blind(db: Database) -> bool:
    row = db.execute("SELECT value FROM state WHERE key = ?", [BLIND_KEY]).fetchone()
    return row is not None and row[0] == "true"


def set_blind(db: Database, blind: bool) -> None:
    with write(db):
        db.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [BLIND_KEY, "true" if blind else "false"],
        )


# --- assignment ----------------------------------------------------------------------


@dataclass(frozen=True)
class AssignResult:
    claims: int  # claims chosen (already assigned ones included)
    added: int  # assignment rows added
    already: int  # chosen claims that already had enough of these reviewers


def _rank(seed: int, claim_id: int) -> bytes:
    return hashlib.blake2b(f"{seed}:{claim_id}".encode(), digest_size=8).digest()


def candidate_claims(
    db: Database, *, status: str | None = None, document_ids: Sequence[int] = ()
) -> list[int]:
    """Claim ids matching ``status`` (a verdict, 'unreviewed' or None for all) and documents;
    dismissed claims are never assigned."""
    where = ["c.dismissed_at IS NULL"]
    params: list = []
    if status == "unreviewed":
        where.append("v.status IS NULL")
    elif status not in (None, "all"):
        where.append("v.status = ?")
        params.append(status)
    if document_ids:
        where.append(f"c.document_id IN ({', '.join('?' * len(document_ids))})")
        params += list(document_ids)
    return [
        r[0]
        for r in db.execute(
            "SELECT c.id FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id"
            f" WHERE {' AND '.join(where)} ORDER BY c.id",
            params,
        )
    ]


def assign(
    db: Database,
    claim_ids: Iterable[int],
    reviewers: Sequence[str],
    *,
    overlap: int,
    sample: float = 1.0,
    seed: int = 0,
) -> AssignResult:
    """Give ``overlap`` distinct ``reviewers`` to a deterministic sample of ``claim_ids``.

    The sample: the candidates already assigned to any of these reviewers, then those
    ranked first by a hash of (seed, claim id), up to ``round(sample × candidates)``.
    Each chosen claim is topped up to ``overlap`` of these reviewers, the least loaded
    first (load counts every assignment they hold; ties in the given order), so the same
    command run again adds nothing.
    """
    names = list(reviewers)
    if not 1 <= overlap <= len(names):
        raise ValueError(f"overlap {overlap} needs between 1 and {len(names)} reviewers")
    candidates = list(claim_ids)
    team = set(names)
    on_claim: dict[int, set[str]] = {}
    load = dict.fromkeys(names, 0)
    for claim_id, name in db.execute("SELECT claim_id, reviewer FROM assignments"):
        if name in team:
            on_claim.setdefault(claim_id, set()).add(name)
            load[name] += 1
    target = round(sample * len(candidates))
    chosen = [c for c in candidates if c in on_claim]
    fresh = sorted((c for c in candidates if c not in on_claim), key=lambda c: _rank(seed, c))
    chosen += fresh[: max(0, target - len(chosen))]
    chosen.sort(key=lambda c: _rank(seed, c))
    order = {name: i for i, name in enumerate(names)}
    rows: list[tuple[int, str, str]] = []
    already = 0
    at = now()
    for claim_id in chosen:
        have = on_claim.get(claim_id, set())
        need = overlap - len(have)
        if need <= 0:
            already += 1
            continue
        for name in sorted((n for n in names if n not in have), key=lambda n: (load[n], order[n]))[:need]:
            rows.append((claim_id, name, at))
            load[name] += 1
    with write(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, ?)", rows
        )
        for claim_id in sorted({r[0] for r in rows}):
            if db.execute(
                "SELECT 1 FROM decisions WHERE claim_id = ? AND status IS NOT NULL", [claim_id]
            ).fetchone():
                settle(db, claim_id)
    return AssignResult(claims=len(chosen), added=len(rows), already=already)


def assignments(db: Database) -> list[tuple[int, str, str]]:
    """(claim id, reviewer, assigned at) of every assignment, by claim then reviewer."""
    return db.execute(
        "SELECT claim_id, reviewer, assigned_at FROM assignments ORDER BY claim_id, reviewer"
    ).fetchall()


def decision_rows(db: Database) -> Iterable[tuple[int, str, str]]:
    """(claim id, reviewer, verdict) of every decision that counts for agreement: a verdict
    given by a reviewer assigned to the claim, or by anyone on a claim without assignments."""
    return db.execute(
        "SELECT d.claim_id, d.reviewer, d.status FROM decisions d"
        " LEFT JOIN assignments a ON a.claim_id = d.claim_id AND a.reviewer = d.reviewer"
        " WHERE d.status IS NOT NULL AND (a.claim_id IS NOT NULL"
        "   OR NOT EXISTS (SELECT 1 FROM assignments x WHERE x.claim_id = d.claim_id))"
        " ORDER BY d.claim_id, d.reviewer"
    )
