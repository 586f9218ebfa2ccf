"""A claim's history: who changed what, when, old → new (verdicts, notes, links, dismissals,
edits, adjudications; undos and redos are changes of their own). Read in a worker; escape
goes back to the review where it was."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...models import HistoryEntry
from ...storage import connect, review
from .. import text as txt
from .dialogs import DIALOG_CSS

#: How each kind is named, and what a missing value means for it.
KIND_NAMES = {
    "status": "verdict",
    "note": "note",
    "link": "link",
    "dismiss": "dismissed",
    "edit": "text",
    "adjudicate": "adjudicated",
}
EMPTY_VALUES = {"status": "unreviewed", "link": "not linked", "dismiss": "not dismissed"}


@dataclass
class HistoryRead(Message):
    entries: list[HistoryEntry]
    error: str | None = None


def value_text(kind: str, value: str | None) -> str:
    """A history value as a reader should see it, on one line."""
    if value is None or value == "":
        return f"({EMPTY_VALUES.get(kind, 'none')})"
    if kind == "edit":
        try:
            span = json.loads(value)
            where = f" [{span['start']}:{span['end']}]" if span.get("start") is not None else ""
            return f"“{txt.short(span['text'], 200)}”{where}"
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    if kind == "note":
        return f"“{txt.short(value, 200)}”"
    return txt.short(value, 200)


def entry_text(entry: HistoryEntry) -> Text:
    """One change: when, who, what, old → new (and which change an undo reverses)."""
    out = Text()
    out.append(txt.one_line(entry.at)[:19].replace("T", " "), "dim")
    out.append("  " + txt.short(entry.reviewer or "-", 30), "bold")
    out.append("  " + KIND_NAMES.get(entry.kind, txt.one_line(entry.kind)))
    if entry.passage_id is not None:
        out.append(f" passage #{entry.passage_id}")
    out.append(": ")
    out.append(value_text(entry.kind, entry.old), "dim")
    out.append(" → ")
    out.append(value_text(entry.kind, entry.new), "bold")
    if entry.undoes is not None:
        out.append(f"  (reverses change #{entry.undoes})", "italic")
    out.append(f"  #{entry.id}", "dim")
    return out


class HistoryScreen(ModalScreen[None]):
    """Every change to one claim, oldest first; escape goes back."""

    BINDINGS = [
        Binding("escape,q,h", "back", "Back", id="history.back"),
        Binding("j", "move(1)", "Next", show=False, id="history.down"),
        Binding("k", "move(-1)", "Previous", show=False, id="history.up"),
    ]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="HistoryScreen")
        + """
    HistoryScreen > Vertical { width: 96%; max-width: 160; height: 90%; }
    HistoryScreen OptionList { height: 1fr; border: none; }
    """
    )

    def __init__(self, db_path, claim_id: int, claim_text: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.claim_id = claim_id
        self.claim_text = claim_text
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"History of claim #{self.claim_id}"
            box.border_subtitle = "escape back"
            yield Label(Text(" ".join(self.claim_text.split())[:300]))
            yield Label(Text("reading the history…", "dim"), id="history-note")
            yield OptionList(id="history-entries")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.read_history()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def read_history(self) -> None:
        db = None
        try:
            db = connect(self.db_path, migrate=False)
            self.post_message(HistoryRead(review.history(db, self.claim_id)))
        except Exception as exc:  # shown in the view; the review goes on
            self.post_message(HistoryRead([], str(exc)))
        finally:
            if db is not None:
                db.conn.close()

    @on(HistoryRead)
    def _read(self, event: HistoryRead) -> None:
        note = self.query_one("#history-note", Label)
        if event.error:
            note.update(Text(f"Could not read the history: {txt.one_line(event.error)}"))
            return
        self.entries = event.entries
        count = len(self.entries)
        note.update(Text(f"{count} change(s), oldest first" if count else "No changes yet.", "dim"))
        entries = self.query_one(OptionList)
        entries.clear_options()
        entries.add_options([Option(entry_text(e)) for e in self.entries])
        if count:
            entries.highlighted = count - 1  # the newest change
            entries.scroll_to_highlight()

    @property
    def lines(self) -> list[str]:
        """The changes as plain text (tests)."""
        return [entry_text(e).plain for e in self.entries]

    def action_move(self, delta: int) -> None:
        entries = self.query_one(OptionList)
        if self.entries:
            start = entries.highlighted if entries.highlighted is not None else 0
            entries.highlighted = max(0, min(start + delta, len(self.entries) - 1))

    def action_back(self) -> None:
        self.dismiss(None)
