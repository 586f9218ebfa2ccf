"""Where candidates come from: stored suggestions first, else the evidence linker.

Both modules are optional at import time (they are built alongside the TUI);
when one is missing the screen says "no candidates" instead of failing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Candidate, Coverage, LinkResult

if TYPE_CHECKING:  # the TUI speaks no SQL: the connection only passes through
    from sqlite_utils import Database


@dataclass(frozen=True)
class Suggestion:
    """What the screen shows for a claim: ranked candidates and a suggested verdict."""

    candidates: tuple[Candidate, ...]
    sources: int
    suggested: str | None
    coverage: Coverage = field(default_factory=Coverage)
    """Which of the claim's facts the evidence corroborates, contradicts or lacks."""
    related_only: bool = False
    """Unsupported, but related passages exist."""

    @property
    def label(self) -> str | None:
        """The suggestion as the reader sees it ("unsupported (related passages only)"): the core's wording."""
        if not self.suggested:
            return None
        return LinkResult((), self.sources, self.suggested, self.coverage, self.related_only).suggestion_label

    @classmethod
    def from_result(cls, result) -> Suggestion:
        return cls(
            tuple(result.candidates),
            int(result.sources),
            result.suggested or None,
            getattr(result, "coverage", Coverage()),
            bool(getattr(result, "related_only", False)),
        )


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None  # not built yet
        raise


def available() -> bool:
    """Whether the evidence linker can compute candidates."""
    module = _module("workbench.linking")
    return module is not None and hasattr(module, "link_claim")


def stored(db: Database, claim_id: int) -> Suggestion | None:
    """Candidates stored by ``workbench suggest``, or None when there are none (or no module)."""
    module = _module("workbench.storage.suggestions")
    if module is None or not hasattr(module, "load"):
        return None
    result = module.load(db, claim_id)
    return Suggestion.from_result(result) if result is not None else None


def compute(db: Database, claim_id: int, top: int = 10) -> Suggestion | None:
    """Run the linker (slow: call it from a worker thread with its own connection)."""
    module = _module("workbench.linking")
    if module is None or not hasattr(module, "link_claim"):
        return None
    return Suggestion.from_result(module.link_claim(db, claim_id, top=top))
