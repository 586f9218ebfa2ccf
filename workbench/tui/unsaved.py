"""What the screen shows for changes the writer has not written yet.

The review screen shows a decision the moment it is made: these functions lay
the queued changes over what the database says (verdict, note, links), in the
order they were made. A queued undo cancels the newest queued change before
it (the writer will undo that one first, as ``review.undo_last`` takes the
newest change of the session); an undo with nothing queued before it acts on
something already written, so its effect shows once it is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..models import EvidenceLink
from ..storage.reviewview import ClaimContext
from .writer import Change

#: Changes that are laid over what the database says.
SHOWN = ("status", "note", "link")
#: Also queued and cancelled by a queued undo (each is a history row), but shown only once written.
QUEUED = (*SHOWN, "adjudicate", "cluster", "dismiss", "restore", "edit")


def effects(unsaved: Iterable[Change]) -> list[Change]:
    """The queued verdict, note and link changes that will still hold once everything is written."""
    out: list[Change] = []
    undone: list[Change] = []  # cancelled by queued undos, newest last: a queued redo brings one back
    for change in unsaved:
        if change.kind in QUEUED:
            out.append(change)
            undone.clear()  # a new change: nothing left to redo
        elif change.kind == "undo" and out:
            undone.append(out.pop())
        elif change.kind == "redo" and undone:
            out.append(undone.pop())
    return out


def undo_target(unsaved: Iterable[Change]) -> Change | None:
    """The queued change a new undo would cancel, or None when it would act on a written one."""
    pending = effects(unsaved)
    return pending[-1] if pending else None


def statuses(pending: Iterable[Change]) -> dict[int, str | None]:
    """The verdict each claim will have, for claims with a queued verdict change."""
    return {
        c.claim_id: c.value for c in pending if c.kind in ("status", "adjudicate") and c.claim_id is not None
    }


def claims_touched(pending: Iterable[Change]) -> set[int]:
    return {c.claim_id for c in pending if c.claim_id is not None}


def overlay(ctx: ClaimContext, pending: Iterable[Change], reviewer: str) -> tuple[ClaimContext, bool]:
    """``ctx`` as it will be once ``pending`` is written; and whether anything was laid over it."""
    mine = [c for c in pending if c.claim_id == ctx.claim.id]
    if not mine:
        return ctx, False
    verdict = ctx.verdict
    links = {link.passage_id: link for link in ctx.links}
    for change in mine:
        if change.kind == "status":
            verdict = replace(verdict, status=change.value, reviewer=reviewer)
        elif change.kind == "note":
            verdict = replace(verdict, note=change.value, reviewer=reviewer)
        elif change.kind == "link" and change.passage_id is not None:
            if change.value is None:
                links.pop(change.passage_id, None)
            else:
                links[change.passage_id] = EvidenceLink(
                    ctx.claim.id, change.passage_id, change.value, reviewer, None
                )
    return replace(ctx, verdict=verdict, links=tuple(links.values())), True
