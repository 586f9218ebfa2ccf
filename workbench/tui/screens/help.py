"""The `?` screen: every key, generated from the binding table (so it cannot drift)."""

from __future__ import annotations

import unicodedata

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...config import Config
from ...keymap import SPECS

#: Keys handled outside the binding table, listed for completeness.
EXTRA_KEYS: tuple[tuple[str, str, str], ...] = (
    ("tab / shift+tab", "Move the keys between the claims list and the candidates", ""),
    ("ctrl+p", "Command palette (every action, and export)", ""),
    ("enter (search box)", "Go to the first match and give the keys back to the list", ""),
    ("escape (search box)", "Close the search, keep the claim that was selected", ""),
    ("ctrl+s (note editor)", "Save the note; escape cancels", ""),
)

SCOPE_LABELS = {"screen": "", "list": "claims list", "candidates": "candidates"}


def key_label(key: str) -> str:
    """``question_mark`` → ``?``; names without a character stay as they are."""
    if key == "slash":
        return "/"
    if len(key) > 1 and "+" not in key:
        try:
            return unicodedata.lookup(key.replace("_", " "))
        except KeyError:
            pass
    return key


def key_table(config: Config) -> Table:
    table = Table(box=None, expand=True, padding=(0, 1), show_header=True, header_style="bold")
    table.add_column("Key", no_wrap=True, style="bold")
    table.add_column("Does")
    table.add_column("Where", style="dim", no_wrap=True)
    table.add_column("Binding id", style="dim", no_wrap=True)
    for spec in SPECS:
        keys = " ".join(key_label(k) for k in config.keys_for(spec.id))
        table.add_row(Text(keys), Text(spec.description), SCOPE_LABELS[spec.scope], spec.id)
    for keys, does, where in EXTRA_KEYS:
        table.add_row(Text(keys), Text(does), where, "")
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every key; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 96%; max-width: 110; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "escape closes · keys are rebound in config.toml [keys]"
            yield Static(key_table(self.config))

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one(VerticalScroll)
        if direction == "down":
            scroll.scroll_down(animate=False)
        else:
            scroll.scroll_up(animate=False)

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
