"""Read-only queries the review screen needs for team review (issue #13).

How a session reviews (``TeamMode``: its reviewer's queue, blind, adjudicating),
the reviewer's own decisions shown in the list, the next claim still to decide
in the queue, and each reviewer's verdict, note and links side by side. Writes
go through ``storage.review`` and ``storage.team`` on the writer thread.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, replace

from sqlite_utils import Database

from ..models import Claim, Verdict
from . import corpus, team
from .claim_filter import FROM, ClaimFilter
from .corpus import claim_from_row as _claim_from_row  # the one reader of a claim row
from .reviewview import step_through

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
        """The list is the reviewer's queue: rows, filters and the claim panel show their own
        decision, not the final verdict."""
        return self.queue and not self.adjudicate

    @property
    def hides(self) -> bool:
        """Blind review in the reviewer's own queue (an adjudicator, or someone with no claims
        assigned, is not one of the blind reviewers: they see every decision)."""
        return self.blind and self.queue and not self.adjudicate

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
    """Claims assigned to ``reviewer`` (dismissed ones left out) and how many they decided.

    Counted from the indexes (all assignments, the decisions with a verdict) less the few
    dismissed claims, rather than joining every assigned claim: the status line asks after
    each verdict (~0.2 s instead of ~0.9 s for a queue of 128k claims).
    """
    assigned = db.execute("SELECT count(*) FROM assignments WHERE reviewer = ?", [reviewer]).fetchone()[0]
    decided = db.execute(
        "SELECT count(*) FROM decisions d CROSS JOIN assignments a"
        " ON a.claim_id = d.claim_id AND a.reviewer = d.reviewer"
        " WHERE d.reviewer = ? AND d.status IS NOT NULL",
        [reviewer],
    ).fetchone()[0]
    dismissed, dismissed_decided = db.execute(
        "SELECT count(a.claim_id), count(d.status) FROM claims c CROSS JOIN assignments a"
        " ON a.claim_id = c.id AND a.reviewer = ?"
        " LEFT JOIN decisions d ON d.claim_id = c.id AND d.reviewer = a.reviewer"
        " WHERE c.dismissed_at IS NOT NULL",
        [reviewer],
    ).fetchone()
    return team.ReviewerProgress(reviewer, assigned - dismissed, decided - dismissed_decided)


def disagreed_count(db: Database) -> int:
    where, params = ClaimFilter(status="disagreed").where()
    return db.execute(f"SELECT count(*){FROM} WHERE {where}", params).fetchone()[0]


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


# --- one reviewer's queue ------------------------------------------------------------------
#
# In a reviewer's queue every claim is a team claim, and what the list shows and filters on
# is the reviewer's own decision: ``v`` below is their row of ``decisions`` instead of the
# final verdict, so "unreviewed" means "not decided by me" and no filter reveals what the
# others decided. (``disagreed`` reads the final verdict's basis: it is not offered there.)

#: Filters that read only the reviewer's own decision (``corpus.FILTERS`` and the dismissed).
OWN_FILTERS: tuple[str, ...] = (*corpus.FILTERS, "dismissed")

_OWN_JOIN = " LEFT JOIN decisions v ON v.claim_id = c.id AND v.reviewer = ?"
_OWN_FROM = " FROM claims c" + _OWN_JOIN
_OWN_SELECT = (
    'SELECT c.id, c.document_id, c.passage_id, c.text, c.start, c."end", c.score, c.reasons,'
    " c.origin, v.status, d.name, c.dismissed_at, c.dismissed_by, c.original_text FROM claims c"
    " JOIN documents d ON d.id = c.document_id" + _OWN_JOIN
)


#: A claim assigned to the reviewer, probed per row through the assignments' primary key: a
#: page of the list reads a few hundred rows instead of first listing every claim assigned
#: (a page of a 128k-claim queue: 2 ms instead of 280 ms).
_ASSIGNED = " AND EXISTS (SELECT 1 FROM assignments a WHERE a.claim_id = c.id AND a.reviewer = ?)"


def _own_where(claim_filter: ClaimFilter) -> tuple[str, list]:
    if "disagreed" in (claim_filter.status, *claim_filter.statuses):
        raise ValueError("a reviewer's own list has no 'disagreed' filter (it reads the final verdict)")
    reviewer = claim_filter.assigned_to
    if reviewer is None or claim_filter.collapsed:
        return claim_filter.where()
    where, params = replace(claim_filter, assigned_to=None).where()
    return where + _ASSIGNED, [*params, reviewer]


def list_own(
    db: Database,
    reviewer: str,
    claim_filter: ClaimFilter,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[Claim]:
    """``corpus.list_claims`` with each claim's status the reviewer's own decision."""
    where, params = _own_where(claim_filter)
    params = [reviewer, *params]
    if before_id is not None:
        sql = f"{_OWN_SELECT} WHERE {where} AND c.id < ? ORDER BY c.id DESC LIMIT ?"
        rows = db.execute(sql, [*params, before_id, limit]).fetchall()
        return [_claim_from_row(r) for r in reversed(rows)]
    if after_id is not None:
        where, params = where + " AND c.id > ?", [*params, after_id]
    rows = db.execute(f"{_OWN_SELECT} WHERE {where} ORDER BY c.id LIMIT ?", [*params, limit])
    return [_claim_from_row(r) for r in rows]


def count_own(db: Database, reviewer: str, claim_filter: ClaimFilter) -> int:
    where, params = _own_where(claim_filter)
    return db.execute(f"SELECT count(*){_OWN_FROM} WHERE {where}", [reviewer, *params]).fetchone()[0]


def own_position(db: Database, reviewer: str, claim_id: int, claim_filter: ClaimFilter) -> int:
    """How many claims of the reviewer's list come before ``claim_id``."""
    where, params = _own_where(claim_filter)
    return db.execute(
        f"SELECT count(*){_OWN_FROM} WHERE {where} AND c.id < ?", [reviewer, *params, claim_id]
    ).fetchone()[0]


def in_own_list(db: Database, reviewer: str, claim_id: int, claim_filter: ClaimFilter) -> bool:
    where, params = _own_where(claim_filter)
    sql = f"SELECT 1{_OWN_FROM} WHERE {where} AND c.id = ?"
    return db.execute(sql, [reviewer, *params, claim_id]).fetchone() is not None


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
    """The next (or previous) claim of the reviewer's list that they have not given a verdict,
    as ``reviewview.next_unreviewed`` does for the final verdicts. Claims in ``skip`` count
    as decided (verdicts still waiting to be written)."""
    where, params = _own_where(claim_filter)
    where += " AND v.status IS NULL"
    params = [reviewer, *params]
    if skip:
        where += " AND c.id NOT IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted({int(i) for i in skip})))
    return step_through(
        db, f"SELECT c.id{_OWN_FROM} WHERE {where}", params, claim_id, backwards=backwards, wrap=wrap
    )


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


def team_claim(db: Database, claim_id: int, mode: TeamMode, *, with_links: bool = True) -> TeamClaim | None:
    """Each reviewer's verdict, note and links on ``claim_id``, as ``mode``'s reviewer may see
    them (``with_links`` False: without the links, for the claim panel's one line)."""
    row = db.execute("SELECT text FROM claims WHERE id = ?", [claim_id]).fetchone()
    if row is None:
        return None
    everyone = team.decisions_of(db, claim_id)
    shown = team.visible_decisions(db, claim_id, mode.reviewer, blind=mode.hides)
    links = reviewer_links(db, claim_id) if with_links else {}
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
    shown_final = None if hidden else final(db, claim_id)
    return TeamClaim(claim_id, row[0], shown_final, tuple(sides), hidden)


def final(db: Database, claim_id: int) -> team.Final | None:
    row = db.execute(
        "SELECT status, basis, note, reviewer, updated_at FROM verdicts WHERE claim_id = ?", [claim_id]
    ).fetchone()
    if row is None:
        return None
    status, basis, note, reviewer, updated_at = row
    return team.Final(status, basis or "single", note or "", reviewer, updated_at)
