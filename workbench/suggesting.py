"""Keeping stored suggestions fresh: candidates, stances and a suggested verdict per claim.

The ``flagged`` filter and an instant review screen need every claim's judged
candidates in the database. ``refresh`` computes them for the claims that have
none for the current corpus (new or stale after an ingest), in batches so the
write lock is held briefly. ``workbench ingest``, ``workbench suggest`` and the
review screen's background worker all call it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from . import linking
from .storage import suggestions

if TYPE_CHECKING:  # type hints only: storage/ is the one package that speaks SQL
    from sqlite_utils import Database

BATCH = 200  # claims per write transaction: short locks, few commits


def stale_claims(db: Database, *, everything: bool = False) -> list[int]:
    """Claim ids whose stored suggestions are missing or older than the corpus."""
    return suggestions.all_claim_ids(db) if everything else suggestions.missing_or_stale(db)


def refresh(
    db: Database,
    claim_ids: Iterable[int],
    *,
    top: int = 10,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Counter:
    """Link, judge and store ``claim_ids``; returns how many got each suggested verdict.

    ``progress(n)`` is called after each stored batch with the number stored; a
    ``cancelled()`` that turns true stops after the current batch (what is stored stays).
    """
    counts: Counter = Counter()
    batch: list = []

    def flush() -> None:
        if batch:
            suggestions.store_many(db, batch)
            if progress is not None:
                progress(len(batch))
            batch.clear()

    for claim_id in claim_ids:
        if cancelled is not None and cancelled():
            break
        result = linking.link_claim(db, claim_id, top=top)
        counts[result.suggested] += 1
        batch.append((claim_id, result))
        if len(batch) >= BATCH:
            flush()
    flush()
    return counts
