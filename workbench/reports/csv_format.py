"""CSV export: one row per claim, for spreadsheets.

UTF-8 with a header row. Columns: ``id, document, title, source, verdict,
claim, note, reviewer, reviewed_at, flags, links, evidence, context_before,
context_after, score, origin, suggested, corroborated, contradicted, not_found, cluster,
passage, dismissed_at, dismissed_by, original_text``. ``verdict`` is ``unreviewed`` when there
is none and ``dismissed`` for a claim a reviewer dismissed as not check-worthy (who and when
in ``dismissed_by``/``dismissed_at``); ``original_text`` is the extracted text of a claim a
reviewer edited (``claim`` is the edited one). When some claim of the database was decided
by more than one reviewer two more columns follow: ``basis`` (how the final verdict came about: single,
agreed, adjudicated, pending, disagreed) and ``decisions`` (``reviewer: verdict — note: …``
per reviewer, separated by `` | ``); ``flags`` is ``;``-separated; ``evidence`` lists each linked passage as
``relation: passage ID, sentence N of document: "matched span"`` separated by `` | ``
(ID is the passage id ``link --json`` shows and ``verdict --link`` takes; N counts from 1).
``passage`` is the id of the claim's own sentence.

Formula injection is guarded: a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe, so spreadsheet
programs show it as text instead of evaluating it. Control, bidi and invisible
characters in cell text are shown as ``\\x1b`` / ``⟨U+202E⟩``
(``textsafety.visible``; line breaks and tabs stay), so the file is inert when
printed to a terminal.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from .common import decision_lines, passage_ref, shown
from .model import Report, ReportClaim

COLUMNS: tuple[str, ...] = (
    "id",
    "document",
    "title",
    "source",
    "verdict",
    "claim",
    "note",
    "reviewer",
    "reviewed_at",
    "flags",
    "links",
    "evidence",
    "context_before",
    "context_after",
    "score",
    "origin",
    "suggested",
    "corroborated",
    "contradicted",
    "not_found",
    "cluster",
    "passage",
    "dismissed_at",
    "dismissed_by",
    "original_text",
)

_RISKY = ("=", "+", "-", "@", "\t", "\r")


def guard(cell: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula or a terminal as a control."""
    cell = shown(cell, keep="\n\t\r")  # line breaks are CSV's own (quoted) business
    return "'" + cell if cell.startswith(_RISKY) else cell


def row(c: ReportClaim) -> list:
    evidence = " | ".join(
        f'{link.relation}: {passage_ref(link.passage_id, link.ordinal)} of {link.document.name}: "{link.matched}"'
        for link in c.links
    )
    texts = [
        c.document.name,
        c.document.title or "",
        c.document.source or "",
        c.status,
        c.text,
        c.note,
        c.reviewer or "",
        c.updated_at or "",
        ";".join(c.flags),
    ]
    check = c.evidence_check
    judged = (
        [
            check.suggested,
            *(
                " · ".join(facts)
                for facts in (
                    check.coverage.corroborated,
                    check.coverage.contradicted,
                    check.coverage.not_found,
                )
            ),
        ]
        if check
        else ["", "", "", ""]
    )
    return [
        c.id,
        *map(guard, texts),
        len(c.links),
        guard(evidence),
        guard(c.context_before),
        guard(c.context_after),
        round(c.score, 4),
        c.origin,
        *map(guard, judged),
        "" if c.cluster_id is None else c.cluster_id,
        "" if c.passage_id is None else c.passage_id,
        *(guard(v) if v else "" for v in (c.dismissed_at, c.dismissed_by, c.original_text)),
    ]


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text = s


#: Added when some claim was decided by more than one reviewer (team review).
TEAM_COLUMNS: tuple[str, ...] = ("basis", "decisions")


def team_cells(c: ReportClaim) -> list[str]:
    return [c.basis, guard(" | ".join(decision_lines(c)))]


def render(report: Report) -> Iterator[str]:
    sink = _Line()
    writer = csv.writer(sink)
    team = report.team_decisions
    writer.writerow((*COLUMNS, *TEAM_COLUMNS) if team else COLUMNS)
    yield sink.text
    for c in report.claims:
        writer.writerow([*row(c), *team_cells(c)] if team else row(c))
        yield sink.text
