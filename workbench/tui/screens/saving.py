"""The part of the review screen that hands changes to the writer and shows them until written.

``SavingScreen`` keeps the decisions the writer has not written yet, lays them
over the list and the claim panel (``unsaved``), and turns the writer's events
into the status line's "waiting for the database…" and notifications.
``ReviewScreen`` builds on it, as it does on ``ClaimSearchScreen``.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text

from .. import text as txt
from .. import unsaved as pending
from ..writer import Change, Event, Failed, Saved, Stalled, Waiting, Writer
from .search import ClaimSearchScreen


class SavingScreen(ClaimSearchScreen):
    """Subclasses provide ``show_claim``, ``update_status`` and ``written`` (a change is in the database)."""

    def __init__(self, writer: Writer, *, reviewer: str) -> None:
        super().__init__()
        self.writer = writer
        self.reviewer = reviewer
        self.unsaved: list[Change] = []
        """Decisions handed to the writer and not yet written, oldest first."""
        self.waiting = False
        """The writer found the database locked and is trying again."""
        self.stalled = False
        """A change is still unsaved after the writer's retry budget."""

    def show_claim(self, claim_id: int | None, *, keep_candidates: bool = False) -> None:
        raise NotImplementedError

    def written(self, change: Change, result) -> None:
        raise NotImplementedError

    def submit(self, change: Change) -> Change:
        """Hand ``change`` to the writer and show it at once, marked unsaved."""
        change = self.writer.submit(replace(change, at_claim=self.claim_id))
        if change.decision:
            self.unsaved.append(change)
            self._show_unsaved()
        return change

    def pending_reviewed(self) -> set[int]:
        """Claims that will have a verdict once the queued changes are written."""
        return {cid for cid, status in pending.statuses(pending.effects(self.unsaved)).items() if status}

    def overlay(self, ctx):
        """``ctx`` with the queued changes laid over it, and whether there were any."""
        return pending.overlay(ctx, pending.effects(self.unsaved), self.reviewer)

    def _show_unsaved(self) -> None:
        """Lay the queued changes over the list, the claim panel and the status line."""
        effects = pending.effects(self.unsaved)
        self.claims.show_pending(pending.statuses(effects), pending.claims_touched(effects))
        if self.claim_id is not None:
            self.show_claim(self.claim_id, keep_candidates=True)
        self.update_status()

    def saving_status(self) -> Text | None:
        """The status line's note while the database keeps a change waiting (None: nothing to say)."""
        count = f" · {len(self.unsaved)} unsaved" if self.unsaved else ""
        if self.stalled:
            return Text(f"⚠ database locked, still retrying{count}", "bold white on red")
        if self.waiting:
            return Text(f"⏳ waiting for the database…{count}", "bold black on yellow")
        return None

    def writer_event(self, event: Event) -> None:
        """Called by the app, on the UI thread, for each event of the writer thread."""
        change = event.change
        composed = bool(self.query("#claims"))  # the writer starts before the screen is composed
        if isinstance(event, Waiting):
            self.waiting = True
            if composed:
                self.update_status()
            return
        if isinstance(event, Stalled):
            self.stalled = True
            if composed:
                self.update_status()
            count = len(self.unsaved)
            kept = (
                (
                    f" {count} unsaved change(s) are kept (marked *) and retried until it is free;"
                    " quitting now would lose them."
                )
                if count
                else " Retrying until it is free."
            )
            self.notify(
                f"Could not save {change.describe()}: {txt.one_line(event.reason)}.{kept}",
                title="Not saved yet",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        self.unsaved = [c for c in self.unsaved if c.seq != change.seq]
        if not self.unsaved or isinstance(event, Saved):
            self.waiting = self.stalled = False
        if isinstance(event, Failed):
            self.notify(
                f"Not saved: {change.describe()} ({txt.one_line(event.reason)})",
                severity="error",
                timeout=15,
                markup=False,
            )
        if not composed:
            return  # only the writer's own bookkeeping can be written this early
        if not isinstance(event, Failed):
            self.written(change, event.result)
        if change.decision:
            self._show_unsaved()
        self.update_status()
