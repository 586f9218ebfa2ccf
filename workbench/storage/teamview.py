"""Read-only queries the review screen needs for team review (issue #13).

How a session reviews (``TeamMode``: its reviewer's queue, blind, adjudicating),
the reviewer's own decisions shown in the list, the next claim still to decide
in the queue, and each reviewer's verdict, note and links side by side. Writes
go through ``storage.review`` and ``storage.team`` on the writer thread.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from ..models import Verdict
from . import team
from .claim_filter import FROM, ClaimFilter

#: Longest passage text kept for a link in the side-by-side view.
LINK_TEXT_MAX = 300


@dataclass(frozen=True)
class TeamMode:
    """How one review session treats team claims (claims with reviewers assigned)."""

    reviewer: str
    queue: bool = False
    """The reviewer has claims assigned: the list is their queue, rows show their own decisions."""
    blind: bool = False
    """Other reviewers' decisions stay hidden on a claim until this reviewer has decided it."""
    adjudicate: bool = False
    """The reviewer adjudicates: verdicts become final (never blind: an adjudicator sees everyone)."""

    @property
    def own_rows(self) -> bool:
        """Rows and the claim panel show this reviewer's own decision on team claims, not the final."""
        return (self.queue or self.blind) and not self.adjudicate

    @property
    def hides(self) -> bool:
        return self.blind and not self.adjudicate

    @property
    def active(self) -> bool:
        """Anything differs from single-reviewer use."""
        return self.queue or self.blind or self.adjudicate

    def base_filter(self) -> ClaimFilter:
        """The claims the list walks through before any status filter or search."""
        return ClaimFilter(assigned_to=self.reviewer if self.queue and not self.adjudicate else None)


def team_mode(db: Database, reviewer: str, *, blind: bool = False, adjudicate: bool = False) -> TeamMode:
    """The session's mode: a queue when ``reviewer`` has claims assigned; blind when asked
    or when the database says so (``team.is_blind``)."""
    return TeamMode(
        reviewer=reviewer,
        queue=has_assignments(db, reviewer),
        blind=blind or team.is_blind(db),
        adjudicate=adjudicate,
    )


def has_assignments(db: Database, reviewer: str) -> bool:
    return (
        db.execute("SELECT 1 FROM assignments WHERE reviewer = ? LIMIT 1", [reviewer]).fetchone() is not None
    )


def progress(db: Database, reviewer: str) -> team.ReviewerProgress:
    """Claims assigned to ``reviewer`` (dismissed ones left out) and how many they decided."""
    assigned, decided = db.execute(
        "SELECT count(*), count(d.status) FROM assignments a JOIN claims c ON c.id = a.claim_id"
        " LEFT JOIN decisions d ON d.claim_id = a.claim_id AND d.reviewer = a.reviewer"
        " WHERE a.reviewer = ? AND c.dismissed_at IS NULL",
        [reviewer],
    ).fetchone()
    return team.ReviewerProgress(reviewer, assigned, decided)


def disagreed_count(db: Database) -> int:
    where, params = ClaimFilter(status="disagreed").where()
    return db.execute(f"SELECT count(*){FROM} WHERE {where}", params).fetchone()[0]


def own_statuses(db: Database, reviewer: str, claim_ids: Iterable[int]) -> dict[int, str | None]:
    """``reviewer``'s own verdict on each team claim among ``claim_ids`` (None: not decided).

    Claims without assignments are left out: their row shows the final verdict, as alone.
    """
    ids = json.dumps(sorted({int(i) for i in claim_ids}))
    rows = db.execute(
        "SELECT a.claim_id, d.status FROM (SELECT DISTINCT claim_id FROM assignments"
        " WHERE claim_id IN (SELECT value FROM json_each(?))) a"
        " LEFT JOIN decisions d ON d.claim_id = a.claim_id AND d.reviewer = ?",
        [ids, reviewer],
    )
    return {claim_id: status for claim_id, status in rows}


def own_verdict(db: Database, claim_id: int, reviewer: str) -> Verdict | None:
    """``reviewer``'s own decision on a team claim as a ``Verdict`` (None: not a team claim)."""
    if not team.assigned_reviewers(db, claim_id):
        return None
    row = db.execute(
        "SELECT status, note, updated_at FROM decisions WHERE claim_id = ? AND reviewer = ?",
        [claim_id, reviewer],
    ).fetchone()
    status, note, updated_at = row if row else (None, "", None)
    return Verdict(claim_id, status, note or "", reviewer if row else None, updated_at)


def next_undecided(
    db: Database,
    reviewer: str,
    claim_id: int | None,
    *,
    claim_filter: ClaimFilter,
    backwards: bool = False,
    wrap: bool = True,
    skip: Collection[int] = (),
) -> int | None:
    """The next (or previous) claim of the list ``claim_filter`` describes that ``reviewer``
    has not given a verdict (a team claim) or that has no verdict (any other claim), as
    ``reviewview.next_unreviewed`` for one reviewer's queue. Claims in ``skip`` count as decided."""
    where, params = claim_filter.where()
    where += (
        " AND CASE WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.claim_id = c.id)"
        " THEN NOT EXISTS (SELECT 1 FROM decisions d WHERE d.claim_id = c.id AND d.reviewer = ?"
        " AND d.status IS NOT NULL) ELSE v.status IS NULL END"
    )
    params = [*params, reviewer]
    if skip:
        where += " AND c.id NOT IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted({int(i) for i in skip})))
    base = f"SELECT c.id{FROM} WHERE {where}"
    op, order = ("<", "DESC") if backwards else (">", "ASC")
    if claim_id is not None:
        row = db.execute(
            f"{base} AND c.id {op} ? ORDER BY c.id {order} LIMIT 1", [*params, claim_id]
        ).fetchone()
        if row is not None:
            return int(row[0])
        if not wrap:
            return None
    row = db.execute(f"{base} ORDER BY c.id {order} LIMIT 1", params).fetchone()
    if row is None or row[0] == claim_id:
        return None
    return int(row[0])


# --- side by side ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerLink:
    passage_id: int
    relation: str
    doc: str
    text: str


@dataclass(frozen=True)
class Side:
    """One reviewer's column: their verdict, note and the links they made."""

    reviewer: str
    status: str | None
    note: str
    updated_at: str | None
    assigned: bool
    links: tuple[ReviewerLink, ...] = ()


@dataclass(frozen=True)
class TeamClaim:
    """What the side-by-side view shows of one claim."""

    claim_id: int
    text: str
    final: team.Final | None
    """The final verdict (None: hidden from a blind reviewer who has not decided, or none stored)."""
    sides: tuple[Side, ...]
    hidden: int = 0
    """Reviewers whose decisions are hidden (blind review, this reviewer has not decided)."""


def reviewer_links(db: Database, claim_id: int) -> dict[str, list[ReviewerLink]]:
    """The passages each reviewer has linked to the claim (their newest link change per
    passage, from the history: ``evidence_links`` keeps only the last linker)."""
    latest: dict[tuple[str, int], str | None] = {}
    for reviewer, passage_id, new in db.execute(
        "SELECT coalesce(reviewer, ''), passage_id, new FROM history"
        " WHERE claim_id = ? AND kind = 'link' AND passage_id IS NOT NULL ORDER BY at, id",
        [claim_id],
    ):
        latest[(reviewer, passage_id)] = new
    wanted = sorted({p for (_, p), rel in latest.items() if rel})
    if not wanted:
        return {}
    about = {
        pid: (doc, text)
        for pid, doc, text in db.execute(
            "SELECT p.id, coalesce(d.title, d.name), p.text FROM passages p JOIN documents d ON d.id = p.document_id"
            " WHERE p.id IN (SELECT value FROM json_each(?))",
            [json.dumps(wanted)],
        )
    }
    out: dict[str, list[ReviewerLink]] = {}
    for (reviewer, passage_id), relation in sorted(latest.items()):
        if relation and passage_id in about:
            doc, text = about[passage_id]
            out.setdefault(reviewer, []).append(
                ReviewerLink(passage_id, relation, doc or "", (text or "")[:LINK_TEXT_MAX])
            )
    return out


def team_claim(db: Database, claim_id: int, mode: TeamMode) -> TeamClaim | None:
    """Each reviewer's verdict, note and links on ``claim_id``, as ``mode``'s reviewer may see them."""
    row = db.execute("SELECT text FROM claims WHERE id = ?", [claim_id]).fetchone()
    if row is None:
        return None
    everyone = team.decisions_of(db, claim_id)
    shown = team.visible_decisions(db, claim_id, mode.reviewer, blind=mode.hides)
    links = reviewer_links(db, claim_id)
    names = {d.reviewer for d in shown}
    sides = [
        Side(d.reviewer, d.status, d.note or "", d.updated_at, d.assigned, tuple(links.get(d.reviewer, ())))
        for d in shown
    ]
    hidden = len(everyone) - len(shown)
    # Links by someone with no decision row (a link alone writes none) count as theirs too;
    # in blind review only the reviewer's own, until they have decided.
    for reviewer in sorted(set(links) - names):
        if not hidden or reviewer == mode.reviewer:
            sides.append(Side(reviewer, None, "", None, False, tuple(links[reviewer])))
        else:
            hidden += 1
    final = None if hidden else _final(db, claim_id)
    return TeamClaim(claim_id, row[0], final, tuple(sides), hidden)


def _final(db: Database, claim_id: int) -> team.Final | None:
    row = db.execute(
        "SELECT status, basis, note, reviewer, updated_at FROM verdicts WHERE claim_id = ?", [claim_id]
    ).fetchone()
    if row is None:
        return None
    status, basis, note, reviewer, updated_at = row
    return team.Final(status, basis or "single", note or "", reviewer, updated_at)
