"""The `?` screen: every key, generated from the bindings themselves (so it cannot drift).

The review screen's keys come from ``keymap.SPECS`` (with the user's
rebindings), grouped by where they act; the keys of the other screens and
dialogs come from their own ``BINDINGS``. It scrolls, so it reads at 80×24.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ...config import Config
from ...keymap import SPEC_BY_ID, SPECS
from ..widgets.search_box import SearchBox

SCOPE_TITLES = {
    "screen": "Review screen",
    "list": "Claims list (when it has the keys; tab moves them)",
    "candidates": "Candidates (when they have the keys)",
}

#: Keys handled outside the binding table, listed for completeness.
APP_KEYS: tuple[tuple[str, str], ...] = (
    ("tab shift+tab", "Move the keys between the claims list and the candidates"),
    ("ctrl+p", "Command palette: every action by name, and export"),
    ("ctrl+q", "Quit, like q (reserved: no rebinding may take it)"),
    ("ctrl+c", "Says which key quits"),
)

#: The search box: its own bindings, and the keys the text box itself handles.
SEARCH_KEYS: tuple[tuple[str, str], ...] = (
    ("(type)", "Narrow the claims list as you type; / is typed too"),
    ("(reopen)", "The search shown is selected: typing replaces it, end or → edits it"),
    ("enter", "Keep the search and go to its first match; the keys go back to the list"),
)


def key_label(key: str) -> str:
    """``question_mark`` → ``?``, ``minus`` → ``-``; names without a character stay as they are."""
    if len(key) > 1 and "+" not in key:
        name = REPLACED_KEYS.get(key, key)  # Textual's short names: slash, minus, plus…
        try:
            char = unicodedata.lookup(KEY_TO_UNICODE_NAME.get(name, name.replace("_", " ")))
        except KeyError:
            return key
        # "escape", "delete", "space" name control or blank characters: keep the name.
        if char.isprintable() and not char.isspace():
            return char
    return key


def _keys(keys: Iterable[str]) -> str:
    return " ".join(key_label(k.strip()) for k in keys if k.strip())


def _table(rows: Iterable[tuple[str, str, str]]) -> Table:
    table = Table(box=None, expand=True, padding=(0, 1), show_header=False)
    table.add_column("Key", no_wrap=True, style="bold", width=13)  # the same in every table
    table.add_column("Does", ratio=1)
    table.add_column("Binding id", style="dim", no_wrap=True)
    for keys, does, binding_id in rows:
        table.add_row(Text(keys), Text(does), Text(binding_id))
    return table


def _heading(title: str) -> Text:
    return Text("\n" + title, style="bold underline")


def _title_of(screen: type) -> str:
    """``EvidenceSearch`` → ``Evidence search``."""
    words = re.findall(r"[A-Z][a-z]*", screen.__name__)
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else screen.__name__


def _screens(base: type = Screen) -> Iterator[type]:
    for cls in base.__subclasses__():
        yield cls
        yield from _screens(cls)


def other_screens() -> list[tuple[str, list[Binding]]]:
    """The workbench's other screens and dialogs with their own described bindings, by title."""
    found: dict[str, list[Binding]] = {}
    for cls in _screens():
        if not cls.__module__.startswith("workbench.tui.") or cls in (HelpScreen,):
            continue
        own = [
            b
            for b in cls.__dict__.get("BINDINGS", ())
            if isinstance(b, Binding) and b.description and b.id not in SPEC_BY_ID
        ]
        if own:
            found.setdefault(_title_of(cls), own)
    return sorted(found.items())


def key_tables(config: Config) -> Group:
    parts: list[Text | Table] = [
        Text("Rebind a key by its binding id in the config file's [keys] section.", style="dim")
    ]
    for scope, title in SCOPE_TITLES.items():
        parts.append(_heading(title))
        parts.append(
            _table(
                (_keys(config.keys_for(spec.id)), spec.description, spec.id)
                for spec in SPECS
                if spec.scope == scope
            )
        )
    parts.append(_heading("Everywhere"))
    parts.append(_table((keys, does, "") for keys, does in APP_KEYS))
    parts.append(_heading("Search box (/)"))
    search = [(_keys(b.key.split(",")), b.tooltip or b.description, b.id or "") for b in SearchBox.BINDINGS]
    search_rows = [(keys, does, "") for keys, does in SEARCH_KEYS]
    parts.append(_table([*search_rows, *search]))
    for title, bindings in other_screens():
        parts.append(_heading(title))
        rows = ((_keys(b.key.split(",")), b.tooltip or b.description, b.id or "") for b in bindings)
        parts.append(_table(rows))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Lists every key; any of escape, q or ? closes it; j/k, arrows and page keys scroll."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 96%; max-width: 110; height: 94%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "escape closes · j k pgup pgdn scroll"
            yield Static(key_tables(self.config))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # arrows, page up/down, home/end scroll it

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one(VerticalScroll)
        if direction == "down":
            scroll.scroll_down(animate=False)
        else:
            scroll.scroll_up(animate=False)

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
