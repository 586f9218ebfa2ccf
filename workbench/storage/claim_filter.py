"""Which claims a list, a count, an export or a command covers: one ``ClaimFilter``.

Every reader of "the claims matching …" (the review list and its counts, the
CLI, the reports) builds its SQL from ``ClaimFilter.where()`` over the one
``FROM`` clause below, so "unreviewed", "flagged" or a search mean the same
everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..models import UNREVIEWED, VERDICTS

#: The claims and their final verdicts; ``where()`` speaks of ``c`` and ``v``.
FROM = " FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id"

#: Status values a filter understands: every claim, the unreviewed, one verdict, or these.
STATUS_VALUES: tuple[str, ...] = ("all", UNREVIEWED, *VERDICTS, "flagged", "dismissed", "disagreed")

#: A claim is "flagged" when a stored linker candidate carries a disagreement flag, or
#: when its sentence or a linked passage changed or went in a newer version of its page.
FLAGGED_SQL = (
    "(EXISTS (SELECT 1 FROM suggestions s WHERE s.claim_id = c.id AND s.flags != '[]')"
    " OR EXISTS (SELECT 1 FROM evidence_changes e WHERE e.claim_id = c.id AND e.seen_at IS NULL))"
)

#: Reviewers disagree: the team rule (``storage/team.py``) found two assigned reviewers'
#: verdicts differ, or an import brought another reviewer's differing decision, and no
#: adjudicator has settled it (over ``verdicts v``).
DISAGREED_SQL = "v.basis = 'disagreed'"

#: An extracted claim's words are its passage's (``passages_fts``); claims added by hand,
#: imported or edited have an entry of their own in ``claims_fts``.
_SEARCH_SQL = (
    "((c.origin = 'extracted' AND c.passage_id IN"
    " (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?))"
    " OR c.id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?))"
)


def fts_prefix_query(text: str) -> str:
    """Turn user text into a safe FTS5 query: every word quoted, the last also a prefix.

    Quoting each token means FTS5 syntax (``AND``, ``NEAR(``, ``*``, ``"``) is
    matched as plain text and never parsed as an operator. The last word is
    matched whole (stemmed: "soldiers" finds "soldier") or as a prefix of a
    stored stem (typing "soldi" finds it too).
    """
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]
    if not words:
        return '""'
    quoted = [f'"{w}"' for w in words]
    quoted[-1] = f"({quoted[-1]} OR {quoted[-1]}*)"
    return " AND ".join(quoted)


def _status_sql(status: str, params: list) -> str:
    if status == UNREVIEWED:
        return "v.status IS NULL"
    if status == "flagged":
        return FLAGGED_SQL
    if status == "disagreed":
        return DISAGREED_SQL
    params.append(status)
    return "v.status = ?"


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims to cover. The default is the review list: every claim not dismissed."""

    status: str = "all"  # one of STATUS_VALUES
    statuses: tuple[str, ...] = ()  # several statuses OR-ed (exports); used instead of ``status``
    search: str = ""  # words as typed (full-text, the last one a prefix)
    document_ids: tuple[int, ...] = ()
    reviewed_only: bool = False  # only claims with a final verdict
    assigned_to: str | None = None  # only claims assigned to this reviewer (team review)
    collapsed: bool = False  # one row per claim cluster: its smallest id, listed when any member matches
    include_dismissed: bool = False  # dismissed claims too (status "dismissed" lists only them)

    def __post_init__(self) -> None:
        if self.status is None:
            object.__setattr__(self, "status", "all")
        for status in (self.status, *self.statuses):
            if status not in STATUS_VALUES:
                raise ValueError(
                    f"unknown status filter {status!r}; expected one of {', '.join(STATUS_VALUES)}"
                )
        object.__setattr__(self, "statuses", tuple(self.statuses))
        object.__setattr__(self, "document_ids", tuple(int(i) for i in self.document_ids))

    def where(self) -> tuple[str, list]:
        """SQL condition over ``FROM`` (always a valid WHERE body) and its parameters."""
        where, params = self._matching()
        if not self.collapsed:
            return where, params
        # A cluster's row is its head (cluster_id: the member with the smallest id); the inner
        # query's c and v hide the outer ones.
        heads = (
            f"SELECT coalesce(k.cluster_id, c.id){FROM} LEFT JOIN claim_clusters k ON k.claim_id = c.id"
            f" WHERE {where}"
        )
        return f"c.id IN ({heads})", params

    def _matching(self) -> tuple[str, list]:
        where: list[str] = []
        params: list = []
        wanted = self.statuses or (() if self.status == "all" else (self.status,))
        parts: list[str] = []
        for status in wanted:
            if status == "dismissed":
                parts.append("c.dismissed_at IS NOT NULL")
            elif status != "all":
                part = _status_sql(status, params)
                parts.append(part if self.include_dismissed else f"({part} AND c.dismissed_at IS NULL)")
            elif not self.include_dismissed:
                parts.append("c.dismissed_at IS NULL")
            else:
                parts.append("1")
        if parts:
            where.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
        elif not self.include_dismissed:
            where.append("c.dismissed_at IS NULL")
        if self.search:
            query = fts_prefix_query(self.search)
            where.append(_SEARCH_SQL)
            params += [query, query]
        if len(self.document_ids) == 1:
            where.append("c.document_id = ?")
            params.append(self.document_ids[0])
        elif self.document_ids:
            where.append("c.document_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.document_ids)))
        if self.reviewed_only:
            where.append("v.status IS NOT NULL")
        if self.assigned_to is not None:
            where.append("EXISTS (SELECT 1 FROM assignments a WHERE a.claim_id = c.id AND a.reviewer = ?)")
            params.append(self.assigned_to)
        return " AND ".join(where) or "1", params

    def is_empty(self) -> bool:
        """Whether it covers every claim, dismissed included (an export of everything)."""
        return self.include_dismissed and self == ClaimFilter(include_dismissed=True)
