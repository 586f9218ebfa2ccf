"""The screen of a database with no documents: which file it is and how to fill it."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...keymap import SPEC_BY_ID
from ..bindings import shown_key

QUIT = SPEC_BY_ID["review.quit"]


def ingest_command(db_path: Path) -> str:
    """The command that fills this database, ready to paste (the path quoted for a shell)."""
    return f"workbench --db {shlex.quote(str(db_path))} ingest FILES…"


def empty_text(db_path: Path, quit_key: str = "q") -> Text:
    # The path is the user's own text: plain Text, never markup.
    text = Text()
    text.append("No documents in ", "bold")
    text.append(str(db_path), "bold")
    text.append(" yet.\n\n", "bold")
    text.append("Add documents (.txt, .md, .html, .jsonl files, folders of them, or URLs),")
    text.append(" then open it again:\n\n")
    text.append("    " + ingest_command(db_path) + "\n\n", "bold")
    text.append(f"Quit with {quit_key}.", "dim")
    return text


class EmptyScreen(Screen[None]):
    """Shown instead of the review screen when the database holds no documents."""

    # The quit binding keeps the review's id: a rebinding of review.quit applies here too.
    BINDINGS = [Binding(QUIT.keys, "app.quit", QUIT.description, id=QUIT.id)]

    DEFAULT_CSS = """
    EmptyScreen { align: center middle; }
    EmptyScreen > Vertical {
        width: 90%; max-width: 90; height: auto;
        border: round $primary; background: $surface; padding: 1 2;
    }
    """

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Empty database"
            yield Static(empty_text(self.db_path, shown_key(self.app.config, QUIT.id)), id="empty-message")
        yield Footer(compact=True, show_command_palette=False)
