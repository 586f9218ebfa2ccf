"""Report reads for the review workflow: dismissed claims (issue #11) and each reviewer's
decision beside the final verdict (issue #13).

Companions of ``storage.export``: the same filter (``ExportFilter``), the same
paging by claim ids (one ``json_each`` parameter per page).
"""

from __future__ import annotations

from sqlite_utils import Database

from .export import _FROM, ExportFilter, _where


def dismissed_counts(db: Database, f: ExportFilter) -> list[tuple[int, str | None, int]]:
    """(document_id, verdict or None, claims) of the filtered claims dismissed as not
    check-worthy: the report counts them apart from the verdicts and the unreviewed."""
    where, params = _where(f)
    return db.execute(
        f"SELECT c.document_id, v.status, count(*){_FROM} WHERE {where} AND c.dismissed_at IS NOT NULL"
        " GROUP BY c.document_id, v.status",
        params,
    ).fetchall()
