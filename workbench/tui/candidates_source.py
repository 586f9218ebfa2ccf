"""Where the screen's candidates come from: stored (judged) suggestions first, else the linker.

Both return the core's ``LinkResult``: candidates with stance and reasons, the
claim's coverage and the suggested verdict, exactly as ``link`` and the reports
see them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import LinkResult
from ..storage import suggestions

if TYPE_CHECKING:  # the TUI speaks no SQL: the connection only passes through
    from sqlite_utils import Database


def stored(db: Database, claim_id: int) -> LinkResult | None:
    """Candidates stored by ``ingest``/``suggest``, or None when there are none for the current corpus."""
    return suggestions.load(db, claim_id)


def compute(db: Database, claim_id: int, top: int = 10) -> LinkResult:
    """Run the linker and the judgement (slow: call it from a worker thread with its own connection)."""
    from .. import linking  # imported in the worker: the first claim does not wait for the linker

    return linking.link_claim(db, claim_id, top=top)
