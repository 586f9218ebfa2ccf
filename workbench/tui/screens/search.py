"""The `/` search over claim text: the box, and the screen behaviour around it.

``ClaimSearchScreen`` is the part of the review screen that opens, follows and
closes the search box; ``ReviewScreen`` builds on it. Typing narrows the claims
list as you type, enter goes to the first match and gives the keys back to the
list, escape restores the search and claim from before the box opened.
"""

from __future__ import annotations

from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from ..widgets.claim_list import ClaimList


class SearchBox(Input):
    """The `/` box. Escape cancels (posts ``Cancelled``); enter is ``Input.Submitted``."""

    BINDINGS = [Binding("escape", "cancel", "Close search", id="search.cancel")]

    class Cancelled(Message):
        pass

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())


class ClaimSearchScreen(Screen):
    """A screen with a ``ClaimList`` (``#claims``) and a ``SearchBox`` (``#search``).

    Subclasses provide ``claim_id``, ``update_status`` and ``schedule_save``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._search_before: tuple[str, int | None] | None = None
        """Search and claim when the box opened (None: the box is closed)."""
        self._typed: list[str] | None = None
        """Keys typed after `/` before the search box opened (a terminal sends bursts)."""

    @property
    def claims(self) -> ClaimList:
        return self.query_one(ClaimList)

    @property
    def claim_id(self) -> int | None:
        raise NotImplementedError

    def update_status(self) -> None:
        raise NotImplementedError

    def schedule_save(self) -> None:
        raise NotImplementedError

    @property
    def searching(self) -> bool:
        """Whether the search box is open (list keys are off meanwhile)."""
        return self._search_before is not None

    def action_search(self) -> None:
        box = self.query_one(SearchBox)
        typed, self._typed = self._typed or [], None
        self._search_before = (self.claims.search, self.claim_id)
        box.value = self.claims.search + "".join(t for t in typed if len(t) == 1)
        box.cursor_position = len(box.value)
        box.add_class("-open")
        box.focus()
        if "escape" in typed:
            box.action_cancel()
        elif "enter" in typed:
            self.call_later(box.action_submit)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_before is not None:
            self.claims.reload(None, search=event.value.strip())
            self.update_status()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        claims = self.claims
        self._close_search()
        claims.reload(None, search=event.value.strip())
        if not claims.total and event.value.strip():
            self.notify("No claim matches.", severity="warning", timeout=3)
        self.schedule_save()

    @on(SearchBox.Cancelled)
    def _search_cancelled(self) -> None:
        before = self._search_before
        self._close_search()
        if before is not None:
            search, claim_id = before
            self.claims.reload(claim_id, search=search)
            self.schedule_save()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys typed right after `/` can arrive before the box has focus (a
        # terminal sends "/lavrov" in one burst): while the box is open they
        # must not mark, link or add anything; on_key types them into the box.
        return self._search_before is None or action == "search"

    def on_key(self, event: events.Key) -> None:
        box = self.query_one(SearchBox)
        if self.focused is box:
            return
        if self._search_before is None and self._typed is None:
            if event.key in self.app.config.keys_for("list.search"):
                self._typed = []  # the box is opening: what follows is search text
            return
        # Between `/` and the box taking focus: the keys belong to the box.
        event.stop()
        event.prevent_default()
        if self._search_before is None:  # the search action has not run yet
            if event.is_printable and event.character:
                self._typed.append(event.character)
            elif event.key in ("enter", "escape"):
                self._typed.append(event.key)
            return
        if event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
        elif event.key == "enter":
            self.call_later(box.action_submit)
        elif event.key == "escape":
            box.action_cancel()

    def _close_search(self) -> None:
        self._search_before = None
        box = self.query_one(SearchBox)
        box.remove_class("-open")
        self.claims.focus()
