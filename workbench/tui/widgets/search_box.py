"""The `/` box over the claims list: narrows as you type, enter keeps the match, escape clears.

The box only talks upward (attributes down, messages up): ``QueryChanged`` on
every edit while it is open, ``Accepted`` on enter, ``Cleared`` on escape. The
screen decides what a query does to the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """Open it with ``open(query)``; it closes itself on enter or escape."""

    BINDINGS = [
        Binding(
            "escape",
            "clear_search",
            "Clear and close",
            id="search.cancel",
            tooltip="Clear the search and close the box, back at the claim shown when it opened",
        )
    ]

    @dataclass
    class QueryChanged(Message):
        """The text in the open box changed; a burst of keys collapses into its newest text."""

        query: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SearchBox.QueryChanged)

    @dataclass
    class Accepted(Message):
        """Enter: keep ``query`` and go to its first match."""

        query: str

    class Cleared(Message):
        """Escape: the search is cleared and the box closed."""

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, query: str) -> None:
        """Show the box holding ``query``, with the keys in it from the very next one."""
        self.add_class("-open")
        with self.prevent(Input.Changed):
            self.value = query
        self.cursor_position = len(query)
        # Focus now: ``focus()`` waits for the next message, and the app routes each
        # key to whatever has focus when it reads it, so the keys of a burst typed
        # right after `/` ("/lavrov") would reach the list instead of the box.
        self.screen.set_focus(self)

    def close(self) -> None:
        self.remove_class("-open")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.is_open:
            self.post_message(self.QueryChanged(event.value.strip()))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
        self.post_message(self.Accepted(event.value.strip()))

    def action_clear_search(self) -> None:
        self.close()
        with self.prevent(Input.Changed):
            self.value = ""
        self.post_message(self.Cleared())
