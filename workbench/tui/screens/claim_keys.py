"""The review screen's keys that change the claim itself or look back at it: dismiss and
restore (d), edit its text (i), its history (h), redo (ctrl+y).

A mixin of ``ReviewScreen`` (which provides ``claims``, ``context``, ``sync``, ``submit``,
``show_claim`` and ``schedule_save``). Every change goes through the writer and is a
history row, so undo (ctrl+z) and redo reach it, after a restart too.
"""

from __future__ import annotations

from ...models import HistoryEntry
from .. import text as txt
from ..writer import Change
from .edit_claim import EditClaimDialog
from .history import KIND_NAMES, HistoryScreen


class ClaimKeys:
    def action_dismiss(self) -> None:
        """Dismiss the claim as not check-worthy; on a dismissed claim, restore it."""
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        kind = "restore" if ctx.claim.dismissed_at else "dismiss"
        self.submit(Change(kind, ctx.claim.id))
        if kind == "dismiss":
            self.notify(f"Claim #{ctx.claim.id} dismissed as not check-worthy.", timeout=2, markup=False)
        else:
            self.notify(f"Claim #{ctx.claim.id} restored.", timeout=2, markup=False)

    def action_edit_claim(self) -> None:
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        claim = ctx.claim
        sentence = next((p.text for p in ctx.paragraph if p.id == claim.passage_id), "")
        claim_id = claim.id

        def save(text: str | None) -> None:
            if text:
                self.submit(Change("edit", claim_id, text))

        self.app.push_screen(
            EditClaimDialog(
                txt.clean(claim.text),
                txt.clean(sentence),
                claim.original_text and txt.clean(claim.original_text),
            ),
            save,
        )

    def action_claim_history(self) -> None:
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        self.app.push_screen(HistoryScreen(self.db_path, ctx.claim.id, txt.clean(ctx.claim.text)))

    def action_redo(self) -> None:
        self.submit(Change("redo"))

    def claim_written(self, change: Change, result) -> None:
        """A dismissal, restore, edit or redo is in the database: bring the list and panel up to date."""
        self._progress = None
        if change.kind == "redo":
            if result is None:
                self.notify("Nothing to redo.", timeout=2)
                return
            self.notify(f"Redone: {describe(result)}.", timeout=2, markup=False)
            target = result.claim_id if self.claim_id == change.at_claim else self.claim_id
        else:
            target = self.claim_id
        self.claims.reload(target)  # a dismissed claim leaves the list: the cursor lands on the next
        self.show_claim(self.claims.current_id, keep_candidates=True)
        self.schedule_save()


def describe(entry: HistoryEntry) -> str:
    """'verdict on claim #3' for an undo or redo notification."""
    return f"{KIND_NAMES.get(entry.kind, entry.kind)} on claim #{entry.claim_id}"
