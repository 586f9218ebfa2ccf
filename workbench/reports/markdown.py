"""Markdown report for editors: summary first, then the claims, contested first.

Untrusted text (claims, notes, passages, names) is escaped so it shows
literally: Markdown punctuation gets a backslash, line breaks become spaces,
and ``<``/``&`` can't start HTML or entities. Control, bidi and invisible
characters are shown as ``\\x1b`` / ``⟨U+202E⟩`` (``textsafety.visible``), so
``cat report.md`` on a terminal runs no escape sequence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .common import (
    MEANING,
    NO_EVIDENCE,
    STATUSES,
    agreement_rows,
    also_in_line,
    decision_lines,
    dismissed_line,
    filters_line,
    final_line,
    passage_ref,
    period,
    progress_line,
    reviewer_name,
    same_claim_line,
    shown,
    when,
)
from .model import DISMISSED, LinkedPassage, Report, ReportClaim

# Inline specials; ``(`` ``!`` need no escape once ``[``/``]`` have one (no link can form).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
# Block markers matter only at the start: "- x" would turn a quote into a list.
_LEADING = re.compile(r"^([-+#=>]|\d+[.)])")


def md(text: str | None) -> str:
    """``text`` as literal Markdown inline content."""
    flat = _SPECIAL.sub(r"\\\1", " ".join(shown(text).split()))
    return _LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], flat)


def _table(header: list[str], rows: list[list[str]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |\n"
    yield "|" + "|".join(" --- " for _ in header) + "|\n"
    for r in rows:
        yield "| " + " | ".join(r) + " |\n"
    yield "\n"


def summary(report: Report) -> Iterator[str]:
    s = report.summary
    yield "## Summary\n\n"
    yield f"**{progress_line(s)}**\n\n"
    yield f"Covers {md(filters_line(report))}. Review period: {period(s)}.\n\n"
    yield from _table(
        ["Verdict", "Claims", "Meaning"], [[k, str(s.counts.get(k, 0)), MEANING[k]] for k in STATUSES]
    )
    if s.by_document:
        yield "### By document\n\n"
        yield from _table(
            ["Document", "Source", *STATUSES, "total"],
            [
                [
                    md(d.document.label),
                    md(d.document.source or "—"),
                    *(str(d.counts.get(k, 0)) for k in STATUSES),
                    str(d.total),
                ]
                for d in s.by_document
            ],
        )
    if s.by_source:
        yield "### By source\n\n"
        yield from _table(
            ["Source", *STATUSES],
            [[md(src), *(str(c.get(k, 0)) for k in STATUSES)] for src, c in s.by_source.items()],
        )
    line, pairs = agreement_rows(report)
    if line:
        yield f"### Agreement\n\n{md(line)}\n\n"
        yield from _table(["Reviewers", "Cohen's kappa", "Same verdict"], [[md(x) for x in r] for r in pairs])
    if s.reviewers:
        yield "### Reviewers\n\n"
        yield from _table(
            ["Reviewer", "Verdicts", "Changes"],
            [[md(reviewer_name(r.name)), str(r.verdicts), str(r.changes)] for r in s.reviewers],
        )


def highlighted(text: str, s0: int, s1: int) -> str:
    """``text`` with ``text[s0:s1]`` in bold. ``md`` trims each piece, so the spaces around the
    bold part are put back here ("invade **Ukraine**", not "invade**Ukraine**"), outside the
    ``**`` (Markdown does not embolden "** Ukraine **")."""
    before, part, after = text[:s0], text[s0:s1], text[s1:]
    bold = md(part)
    if not bold:
        return md(text)
    head, tail = md(before), md(after)
    if head and (before[-1:].isspace() or part[:1].isspace()):
        head += " "
    if tail and (after[:1].isspace() or part[-1:].isspace()):
        tail = " " + tail
    return f"{head}**{bold}**{tail}"


def _link(link: LinkedPassage) -> str:
    text = highlighted(link.text, *link.span)
    where = md(link.document.label) + (f" ({md(link.document.source)})" if link.document.source else "")
    flags = f" — flags: {md(', '.join(link.flags))}" if link.flags else ""
    place = passage_ref(link.passage_id, link.ordinal)
    return f"  - *{link.relation}* — {place} of {where}: “{text}”{flags}{_cite(link)}\n"


def _cite(link: LinkedPassage) -> str:
    """A fetched page's citation: live URL, fetch time, content hash and archived copy."""
    doc, c = link.document, link.document.capture
    if c is None:
        return ""
    copy = (
        f"archived copy {md(c.warc_file)} record {md(c.warc_record_id)}"
        if c.warc_file
        else "no archived copy"
    )
    live = f"{md(doc.url)}, " if doc.url else ""
    return f"\n    Source: {live}fetched {md(c.fetched_at)}, SHA-256 {md(c.content_hash)}; {copy}"


def claim(c: ReportClaim) -> Iterator[str]:
    yield f"### Claim {c.id} — {c.status}\n\n"
    yield f"> {md(c.text)}\n\n"
    doc = md(c.document.label) + (f" · {md(c.document.source)}" if c.document.source else "")
    own = f", passage {c.passage_id}" if c.passage_id is not None else ""
    yield f"- **Document:** {doc} ({md(c.document.name)}){own}\n"
    if c.decided_by_several:
        yield f"- **Final verdict:** {md(final_line(c))}, {when(c.updated_at)}\n"
        yield "- **Decisions:**\n" + "".join(f"  - {md(line)}\n" for line in decision_lines(c))
    elif c.verdict or c.note:
        yield f"- **Reviewed by:** {md(reviewer_name(c.reviewer))}, {when(c.updated_at)}\n"
    if c.note:
        yield f"- **Note:** {md(c.note)}\n"
    if c.original_text is not None:
        yield f"- **Edited:** extracted as “{md(c.original_text)}”\n"
    if c.flags:
        yield f"- **Flags:** {md(', '.join(c.flags))}\n"
    if c.context_before or c.context_after:
        yield f"- **In context:** {md(c.context_before)} **{md(c.text)}** {md(c.context_after)}\n"
    if c.same_claims:
        yield f"- **Also in:** {md(also_in_line(c))}\n"
        for other in c.same_claims:
            where = md(other.document.label)
            yield f"  - Claim {other.id} ({where}) — {other.status}: “{md(other.text)}”\n"
    elif c.cluster_size > 1:
        yield f"- **Same claim:** {same_claim_line(c)}\n"
    if c.evidence_check:
        yield f"- **Evidence check:** {md('; '.join(c.evidence_check.explanation()))}\n"
    if c.links:
        yield "- **Evidence:**\n"
        for link in c.links:
            yield _link(link)
    else:
        yield f"- **Evidence:** {NO_EVIDENCE[c.verdict == 'sourced']}\n"
    yield "\n"


def dismissed(c: ReportClaim) -> str:
    """A dismissed claim in the short list at the end: what it says, where, who dismissed it."""
    own = f", passage {c.passage_id}" if c.passage_id is not None else ""
    return f"- **Claim {c.id}** ({md(c.document.label)}{own}): “{md(c.text)}” — {md(dismissed_line(c))}\n"


def _heading(report: Report, status: str) -> str:
    s = report.summary
    n = s.dismissed if status == DISMISSED else s.counts.get(status, 0)
    return f"## {status.capitalize()} claims ({n})\n\n*{MEANING[status]}.*\n\n"


def render(report: Report) -> Iterator[str]:
    yield "# Verdict report\n\n"
    yield f"Exported {when(report.exported_at)}.\n\n"
    yield from summary(report)
    current = None
    for c in report.claims:
        if c.status != current:
            if current == DISMISSED:
                yield "\n"
            current = c.status
            yield _heading(report, current)
        if current == DISMISSED:
            yield dismissed(c)
        else:
            yield from claim(c)
    if current is None:
        yield "## Claims\n\nNo claims match this report.\n"
