"""Report reads for the review workflow: dismissed claims (issue #11) and each reviewer's
decision beside the final verdict (issue #13).

Companions of ``storage.export``: the same filter (``ExportFilter``), the same
paging by claim ids (one ``json_each`` parameter per page).
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlite_utils import Database

from .claim_filter import FROM
from .export import ExportFilter


def dismissed_counts(db: Database, f: ExportFilter) -> list[tuple[int, str | None, int]]:
    """(document_id, verdict or None, claims) of the filtered claims dismissed as not
    check-worthy: the report counts them apart from the verdicts and the unreviewed."""
    where, params = f.claim_filter.where()
    return db.execute(
        f"SELECT c.document_id, v.status, count(*){FROM} WHERE {where} AND c.dismissed_at IS NOT NULL"
        " GROUP BY c.document_id, v.status",
        params,
    ).fetchall()


def has_team_decisions(db: Database) -> bool:
    """True when some claim was decided by more than one reviewer, or its final verdict came
    from a team rule (agreed, adjudicated, pending, disagreed): reports then say who decided what."""
    if db.execute("SELECT 1 FROM verdicts WHERE basis != 'single' LIMIT 1").fetchone():
        return True
    return (
        db.execute("SELECT 1 FROM decisions GROUP BY claim_id HAVING count(*) > 1 LIMIT 1").fetchone()
        is not None
    )


def page_decisions(db: Database, ids: list[int]) -> dict[int, list[tuple]]:
    """claim id -> [(reviewer or None, status, note, updated_at)] by reviewer: each reviewer's
    current decision ('' in the table, the unnamed reviewer, comes back as None)."""
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for claim_id, reviewer, *rest in db.execute(
        "SELECT claim_id, reviewer, status, note, updated_at FROM decisions"
        " WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, reviewer",
        [json.dumps(ids)],
    ):
        grouped[claim_id].append((reviewer or None, *rest))
    return grouped


def page_assignments(db: Database, ids: list[int]) -> dict[int, tuple[str, ...]]:
    """claim id -> the reviewers it is assigned to, by name (claims with none are left out)."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for claim_id, reviewer in db.execute(
        "SELECT claim_id, reviewer FROM assignments"
        " WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, reviewer",
        [json.dumps(ids)],
    ):
        grouped[claim_id].append(reviewer)
    return {claim_id: tuple(names) for claim_id, names in grouped.items()}


def page_bases(db: Database, ids: list[int]) -> dict[int, str]:
    """claim id -> how its final verdict came about, for claims whose basis is not 'single'."""
    return dict(
        db.execute(
            "SELECT claim_id, basis FROM verdicts WHERE claim_id IN (SELECT value FROM json_each(?))"
            " AND basis != 'single'",
            [json.dumps(ids)],
        ).fetchall()
    )
