"""The review screen's part of the `/` search: the box's messages, applied to the claims list.

The box (``widgets.search_box.SearchBox``) owns typing; this mixin turns what
it reports into list reloads: narrow as you type, enter keeps the match,
escape clears the search and goes back to the claim shown before the box
opened. ``SavingScreen`` (so ``ReviewScreen``) builds on it.
"""

from __future__ import annotations

from textual import on
from textual.screen import Screen

from ..widgets.claim_list import ClaimList
from ..widgets.search_box import SearchBox

__all__ = ["ClaimSearchScreen", "SearchBox"]  # SearchBox: the review screen imports it from here


class ClaimSearchScreen(Screen):
    """A screen with a ``ClaimList`` and a ``SearchBox``.

    Subclasses provide ``claim_id``, ``update_status`` and ``schedule_save``.
    """

    _claim_before: int | None = None
    """The claim shown when the box opened (escape goes back to it)."""

    @property
    def claims(self) -> ClaimList:
        return self.query_one(ClaimList)

    @property
    def searching(self) -> bool:
        """Whether the search box is open and has the keys (the screen's keys are off meanwhile).

        A click on the list takes the keys back while the box stays open: they work there again.
        """
        box = self.query_one(SearchBox)
        return box.is_open and self.focused is box

    def action_search(self) -> None:
        self._claim_before = self.claim_id
        self.query_one(SearchBox).open(self.claims.search)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the box is open every key is the box's: `/` is typed rather than
        # reopening it, and keys the box does not use (up, ctrl+z…) do nothing.
        return not self.searching

    @on(SearchBox.QueryChanged)
    def _search_changed(self, event: SearchBox.QueryChanged) -> None:
        if self.query_one(SearchBox).is_open:
            self.claims.reload(None, search=event.query)
            self.update_status()

    @on(SearchBox.Accepted)
    def _search_accepted(self, event: SearchBox.Accepted) -> None:
        claims = self.claims
        claims.focus()
        claims.reload(None, search=event.query)
        if not claims.total and event.query:
            self.notify("No claim matches.", severity="warning", timeout=3)
        self.schedule_save()

    @on(SearchBox.Cleared)
    def _search_cleared(self) -> None:
        claims = self.claims
        claims.focus()
        claims.reload(self._claim_before, search="")
        self.schedule_save()
