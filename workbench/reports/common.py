"""Small helpers the text formats share (labels, dates, filter descriptions)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..models import STATUSES, UNREVIEWED, VERDICT_SPECS
from ..textsafety import BIDI, INVISIBLE, visible
from .model import DISMISSED, Report, ReportClaim, Summary

#: What each status means, for the legends (from the verdict registry).
MEANING: dict[str, str] = {
    **{v.name: v.meaning for v in VERDICT_SPECS},
    UNREVIEWED: "no verdict yet",
    DISMISSED: "dismissed by a reviewer as not check-worthy; kept, counted apart",
}


#: What a claim without linked evidence says, by whether it was marked sourced anyway.
NO_EVIDENCE = {False: "none linked", True: "sourced — no evidence linked"}


@lru_cache(maxsize=8)
def _maybe_unsafe(keep: str) -> re.Pattern[str]:
    """Every character ``visible`` may rewrite (C0/C1 controls, DEL, surrogates, line and
    paragraph separators, bidi, invisibles), less ``keep``: a quick test that most text
    (news text is full of no-break spaces, which defeat ``str.isprintable``) passes."""
    chars = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} | {"\u2028", "\u2029"} | BIDI | INVISIBLE
    body = "".join(re.escape(ch) for ch in sorted(chars - set(keep)))
    return re.compile(f"[{body}\ud800-\udfff]")


def shown(text: str | None, *, keep: str = "\n\t") -> str:
    """``textsafety.visible(text, keep=keep)``, without the per-character pass over text
    that has nothing to show."""
    if not text:
        return ""
    if _maybe_unsafe(keep).search(text) is None:
        return text
    return visible(text, keep=keep)


def when(iso: str | None) -> str:
    """``2026-11-26T00:05:22.123+00:00`` -> ``2026-11-26 00:05 UTC`` (``—`` when unknown)."""
    if not iso:
        return "—"
    iso = shown(iso, keep="")  # an imported file may hold anything here
    day, _, rest = iso.partition("T")
    clock = rest[:5]
    zone = " UTC" if rest.endswith(("+00:00", "Z")) else ""
    return f"{day} {clock}{zone}".strip()


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def progress_line(s: Summary) -> str:
    parts = [f"{s.reviewed} of {s.claims} claims reviewed ({percent(s.reviewed, s.claims)})"]
    parts += [f"{s.counts.get(k, 0)} {k}" for k in STATUSES]
    if s.flagged:
        parts.append(f"{s.flagged} flagged by the linker")
    if s.dismissed:
        parts.append(f"{s.dismissed} dismissed as not check-worthy")
    return " · ".join(parts)


#: How a final verdict came about (``verdicts.basis``), in words.
BASIS = {
    "single": "the latest decision (no reviewers assigned)",
    "agreed": "the reviewers agreed",
    "adjudicated": "adjudicated",
    "pending": "not every assigned reviewer has decided yet",
    "disagreed": "the reviewers disagree; waiting for an adjudicator",
}


def final_line(c: ReportClaim) -> str:
    """The final verdict beside its basis: "contested — adjudicated by carol"."""
    basis = BASIS.get(c.basis, c.basis)
    if c.basis == "adjudicated":
        basis += f" by {reviewer_name(c.reviewer)}"
    return f"{c.verdict or 'none'} — {basis}"


def decision_lines(c: ReportClaim) -> list[str]:
    """Who decided what: "alice: sourced — note: checked the date"."""
    lines = []
    for d in c.decisions:
        note = f" — note: {d.note}" if d.note else ""
        lines.append(f"{reviewer_name(d.reviewer)}: {d.status or 'no verdict'}{note}")
    return lines


def dismissed_line(c: ReportClaim) -> str:
    """Who dismissed the claim and when (and the verdict it had, if any)."""
    had = f"; its verdict was {c.verdict}" if c.verdict else ""
    return f"dismissed by {reviewer_name(c.dismissed_by)}, {when(c.dismissed_at)}{had}"


def filters_line(report: Report) -> str:
    f = report.filters
    parts = []
    if f.get("status"):
        parts.append("status " + " or ".join(f["status"]))
    if f.get("documents"):
        parts.append("document " + " or ".join(f["documents"]))
    if f.get("reviewed_only"):
        parts.append("reviewed claims only")
    scope = "all claims" if not parts else ", ".join(parts)
    total = report.summary.claims_in_database
    return f"{scope} ({report.summary.claims} of {total} claims in the database)"


def passage_ref(passage_id: int, ordinal: int) -> str:
    """A passage as every command names it: its database id (the one ``link --json`` shows and
    ``verdict --link`` takes), with its place in the document beside it (1-based sentence)."""
    return f"passage {passage_id}, sentence {ordinal + 1}"


def also_in_line(c: ReportClaim) -> str:
    """The documents the claim's cluster also appears in, each once, in the order met."""
    names = dict.fromkeys(s.document.label for s in c.same_claims if s.document.id != c.document.id)
    return ", ".join(names) if names else "no other document (the same document says it again)"


def same_claim_line(c: ReportClaim) -> str:
    others = c.cluster_size - 1
    return f"stated by {others} other claim{'' if others == 1 else 's'} too (cluster {c.cluster_id})"


def reviewer_name(name: str | None) -> str:
    return name if name else "(unnamed)"


def period(s: Summary) -> str:
    if not s.first_change:
        return "no verdicts recorded yet"
    return f"{when(s.first_change)} – {when(s.last_change)}"


def figure(f) -> str:
    """An agreement figure (``agreement.Figure``): "0.613 (42 claims)", or why it is undefined."""
    claims = f"{f.claims} claim{'' if f.claims == 1 else 's'}"
    if f.value is None:
        return f"undefined ({f.undefined or 'too few decisions'}; {claims})"
    return f"{f.value:.3f} ({claims})"


def agreement_rows(report: Report) -> tuple[str, list[list[str]]]:
    """The agreement summary line and one row per pair of reviewers (plain text)."""
    a = report.agreement
    if a is None:
        return "", []
    line = (
        f"Krippendorff's alpha {figure(a.alpha)} · Fleiss' kappa {figure(a.fleiss)}"
        f" · over the whole database, {a.decisions} verdicts of {len(a.reviewers)} reviewers"
    )
    rows = [
        [
            f"{reviewer_name(p.first)} / {reviewer_name(p.second)}",
            figure(p.kappa),
            "—" if p.observed is None else percent(round(p.observed * 1000), 1000),
        ]
        for p in a.pairs
    ]
    return line, rows
