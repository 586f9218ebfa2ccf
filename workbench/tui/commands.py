"""The command palette's review commands, built from the key registry and the export formats.

Every action of the review screen that has a key (``keymap.SPECS``) is offered
under its description, with the key bound now (a rebinding shows here); the
report formats come from ``reports.FORMATS``. A new key spec or format appears
in the palette without an edit here; the agreement figures (team review) have an
entry of their own. Keys that only move a cursor are left out:
pressing them is quicker than finding them.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..keymap import SPECS, KeySpec
from ..models import VERDICT
from .bindings import shown_key

#: Scopes whose keys move a cursor in one list: not worth a palette entry.
CURSOR_SCOPES = frozenset({"list", "candidates"})
#: Screen keys that only move or scroll.
CURSOR_KEYS = frozenset({"candidate.next", "candidate.prev", "claim.scroll_down", "claim.scroll_up"})


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    run: Callable[[], object]


def palette_specs() -> list[KeySpec]:
    """The key specs the palette offers, in the help screen's order."""
    return [s for s in SPECS if s.scope not in CURSOR_SCOPES and s.id not in CURSOR_KEYS]


def _help(spec: KeySpec, key: str) -> str:
    verdict = VERDICT.get(spec.id.removeprefix("claim."))
    return f"{key} · {verdict.meaning}" if verdict is not None else f"key {key}"


class ReviewCommands(Provider):
    """The review screen's actions and the exports; nothing on other screens."""

    async def startup(self) -> None:
        # The export formats come from workbench.reports, which the review screen does not
        # load at start (keeps its start under 1 s): imported here off the UI thread.
        await asyncio.to_thread(importlib.import_module, "workbench.reports")

    def commands(self) -> Iterator[Command]:
        from ..reports import FORMATS  # imported by startup(), off the UI thread
        from .screens.review import ReviewScreen

        screen = self.screen
        if not isinstance(screen, ReviewScreen):
            return
        app = self.app
        config = app.config  # type: ignore[attr-defined]
        for spec in palette_specs():
            key = shown_key(config, spec.id)
            yield Command(spec.description, _help(spec, key), partial(app.run_action, spec.action, screen))
        yield Command(
            "Agreement between reviewers",
            "Cohen's κ per pair, Fleiss' κ, Krippendorff's α, each with the claims it rests on",
            partial(app.run_action, "agreement"),
        )
        for fmt, ext in FORMATS.items():
            yield Command(
                f"Export report as {fmt}",
                f"The whole review, written next to the database (.{ext})",
                partial(app.run_action, f"export('{fmt}')"),
            )

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            if (score := matcher.match(command.title)) > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
