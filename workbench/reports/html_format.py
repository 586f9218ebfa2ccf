"""HTML report: one self-contained file (inline CSS, no scripts, no external requests).

Reads well in a browser and prints well (claims never split across pages,
verdict colours kept in print). Every piece of text from the database goes
through ``html.escape``: a claim holding ``<script>`` shows as text. Control,
bidi and invisible characters are shown as ``\\x1b`` / ``⟨U+202E⟩``
(``textsafety.visible``): a right-to-left override cannot make ``txt.exe``
read as ``exe.txt``.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from ..models import UNREVIEWED, VERDICT_SPECS
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
from .model import DISMISSED, DocRef, LinkedPassage, Report, ReportClaim

COLOURS: dict[str, tuple[str, str]] = {  # status -> (accent, background), from the verdict registry
    **{v.name: v.colours for v in VERDICT_SPECS},
    UNREVIEWED: ("#5f6368", "#f1f3f4"),
    DISMISSED: ("#80868b", "#ffffff"),
}

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #dadce0; padding-bottom: .2rem; margin-top: 2rem; }
.meta, .muted { color: #5f6368; font-size: .9rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #dadce0; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: flex; height: .9rem; border-radius: .45rem; overflow: hidden; background: #f1f3f4; margin: .4rem 0 1rem; }
.bar span { display: block; height: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; padding: 0; list-style: none; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: .7rem; font-size: .8rem; font-weight: 600;
         color: #fff; text-transform: uppercase; letter-spacing: .03em; }
.claim { border: 1px solid #dadce0; border-left: .4rem solid; border-radius: .3rem; padding: .6rem .9rem;
         margin: .8rem 0; break-inside: avoid; page-break-inside: avoid; }
.claim h3 { margin: 0 0 .3rem; font-size: 1rem; display: flex; gap: .6rem; align-items: baseline; }
.claim blockquote { margin: .2rem 0 .5rem; font-size: 1.05rem; font-weight: 500; white-space: pre-wrap; }
.claim dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: 0; font-size: .9rem; }
.claim dt { color: #5f6368; } .claim dd { margin: 0; white-space: pre-wrap; }
.context .self { background: #fff8c5; }
.cite { color: #555; font-size: .9em; overflow-wrap: anywhere; }
.flag { display: inline-block; border: 1px solid #b3261e; color: #b3261e; border-radius: .3rem;
        padding: 0 .3rem; font-size: .8rem; margin-right: .3rem; }
ul.evidence { margin: .2rem 0 0; padding-left: 1.1rem; }
mark { background: #fff1a8; padding: 0 .1rem; }
.rel-supports { color: #1b7a3a; font-weight: 600; } .rel-contradicts { color: #b3261e; font-weight: 600; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
"""


def _css() -> str:
    rules = [
        f".v-{k} {{ border-left-color: {a}; background: {b}; }} .b-{k} {{ background: {a}; }}"
        for k, (a, b) in COLOURS.items()
    ]
    return _CSS + "\n".join(rules) + "\n"


def e(text: object) -> str:
    """Untrusted text as inert, visible HTML text."""
    return escape(shown(None if text is None else str(text)), quote=True)


def badge(status: str) -> str:
    return f'<span class="badge b-{status}">{e(status)}</span>'


def _table(header: list[str], rows: list[list[str]], numeric_from: int) -> str:
    """Cells are already escaped HTML."""
    th = "".join(
        f'<th class="n">{h}</th>' if i >= numeric_from else f"<th>{h}</th>" for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{c}</td>' if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>\n"


def summary(report: Report) -> Iterator[str]:
    s = report.summary
    yield "<section><h2>Summary</h2>\n"
    yield f"<p><strong>{e(progress_line(s))}</strong></p>\n"
    segments = "".join(
        f'<span class="b-{k}" style="width:{100 * s.counts.get(k, 0) / s.claims:.2f}%" title="{k}"></span>'
        for k in STATUSES
        if s.counts.get(k, 0)
    )
    yield f'<div class="bar" aria-hidden="true">{segments}</div>\n'
    yield (
        '<ul class="legend">'
        + "".join(f"<li>{badge(k)} {e(MEANING[k])} ({s.counts.get(k, 0)})</li>" for k in STATUSES)
        + "</ul>\n"
    )
    yield (f'<p class="meta">Covers {e(filters_line(report))}. Review period: {e(period(s))}.</p>\n')
    if s.by_document:
        yield "<h3>By document</h3>\n" + _table(
            ["Document", "Source", *map(e, STATUSES), "total"],
            [
                [
                    e(d.document.label),
                    e(d.document.source or "—"),
                    *(str(d.counts.get(k, 0)) for k in STATUSES),
                    str(d.total),
                ]
                for d in s.by_document
            ],
            numeric_from=2,
        )
    if s.by_source:
        yield "<h3>By source</h3>\n" + _table(
            ["Source", *map(e, STATUSES)],
            [[e(src), *(str(c.get(k, 0)) for k in STATUSES)] for src, c in s.by_source.items()],
            numeric_from=1,
        )
    line, pairs = agreement_rows(report)
    if line:
        yield f"<h3>Agreement</h3>\n<p>{e(line)}</p>\n" + _table(
            ["Reviewers", "Cohen's kappa", "Same verdict"], [[e(x) for x in r] for r in pairs], numeric_from=1
        )
    if s.reviewers:
        yield "<h3>Reviewers</h3>\n" + _table(
            ["Reviewer", "Verdicts", "Changes"],
            [[e(reviewer_name(r.name)), str(r.verdicts), str(r.changes)] for r in s.reviewers],
            numeric_from=1,
        )
    yield "</section>\n"


def _link(link: LinkedPassage) -> str:
    s0, s1 = link.span
    text = e(link.text[:s0]) + (f"<mark>{e(link.text[s0:s1])}</mark>" if s1 > s0 else "") + e(link.text[s1:])
    where = e(link.document.label) + (f" ({e(link.document.source)})" if link.document.source else "")
    flags = "".join(f'<span class="flag">{e(f)}</span>' for f in link.flags)
    return (
        f'<li><span class="rel-{e(link.relation)}">{e(link.relation)}</span> — '
        f"{e(passage_ref(link.passage_id, link.ordinal))} of {where}: “{text}” {flags}{_cite(link.document)}</li>"
    )


def _cite(doc: DocRef) -> str:
    """A fetched page's citation: the live URL (http(s) only, as DocRef holds it), when it was
    fetched, its content hash and the archived copy that holds the page as it was."""
    c = doc.capture
    if c is None:
        return ""
    live = f'<a href="{e(doc.url)}" rel="noopener noreferrer nofollow">{e(doc.url)}</a>, ' if doc.url else ""
    copy = (
        f"archived copy {e(c.warc_file)} record {e(c.warc_record_id)}" if c.warc_file else "no archived copy"
    )
    return (
        f'<br><span class="cite">Source: {live}fetched {e(c.fetched_at)}'
        f" (HTTP {e(c.http_status)}), SHA-256 {e(c.content_hash)}; {copy}</span>"
    )


def claim(c: ReportClaim) -> str:
    rows = []
    doc = e(c.document.label) + (f" · {e(c.document.source)}" if c.document.source else "")
    own = f", passage {c.passage_id}" if c.passage_id is not None else ""
    rows.append(("Document", f'{doc} <span class="muted">({e(c.document.name)}){own}</span>'))
    if c.decided_by_several:
        rows.append(("Final verdict", f"{e(final_line(c))}, {e(when(c.updated_at))}"))
        rows.append(("Decisions", "<br>".join(e(line) for line in decision_lines(c))))
    elif c.verdict or c.note:
        rows.append(("Reviewed by", f"{e(reviewer_name(c.reviewer))}, {e(when(c.updated_at))}"))
    if c.note:
        rows.append(("Note", e(c.note)))
    if c.original_text is not None:
        rows.append(("Edited", f"extracted as “{e(c.original_text)}”"))
    if c.flags:
        rows.append(("Flags", "".join(f'<span class="flag">{e(f)}</span>' for f in c.flags)))
    if c.context_before or c.context_after:
        context = (
            f'<span class="context">{e(c.context_before)} '
            f'<span class="self">{e(c.text)}</span> {e(c.context_after)}</span>'
        )
        rows.append(("In context", context))
    if c.same_claims:
        others = "".join(
            f"<li>Claim {o.id} ({e(o.document.label)}) — {badge(o.status)} “{e(o.text)}”</li>"
            for o in c.same_claims
        )
        rows.append(("Also in", f'{e(also_in_line(c))}<ul class="evidence">{others}</ul>'))
    elif c.cluster_size > 1:
        rows.append(("Same claim", e(same_claim_line(c))))
    if c.evidence_check:
        rows.append(("Evidence check", "<br>".join(e(p) for p in c.evidence_check.explanation())))
    evidence = (
        ('<ul class="evidence">' + "".join(_link(link) for link in c.links) + "</ul>")
        if c.links
        else f'<span class="muted">{e(NO_EVIDENCE[c.verdict == "sourced"])}</span>'
    )
    rows.append(("Evidence", evidence))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<article class="claim v-{c.status}" id="claim-{c.id}">'
        f"<h3>{badge(c.status)} Claim {c.id}</h3>"
        f"<blockquote>{e(c.text)}</blockquote><dl>{dl}</dl></article>\n"
    )


def dismissed(c: ReportClaim) -> str:
    """A dismissed claim in the short list at the end: what it says, where, who dismissed it."""
    own = f", passage {c.passage_id}" if c.passage_id is not None else ""
    return (
        f'<li id="claim-{c.id}"><strong>Claim {c.id}</strong> ({e(c.document.label)}{own}):'
        f' “{e(c.text)}” <span class="muted">— {e(dismissed_line(c))}</span></li>\n'
    )


def _heading(report: Report, status: str) -> str:
    s = report.summary
    n = s.dismissed if status == DISMISSED else s.counts.get(status, 0)
    head = f"<section><h2>{badge(status)} {e(status.capitalize())} claims ({n})</h2>\n"
    if status == DISMISSED:
        head += f'<p class="muted">{e(MEANING[status])}.</p><ul class="dismissed">\n'
    return head


def render(report: Report) -> Iterator[str]:
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No scripts, frames or remote loads: the report must open offline and stay inert.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>Verdict report</title>\n<style>{_css()}</style></head><body>\n"
    )
    yield f'<h1>Verdict report</h1>\n<p class="meta">Exported {e(when(report.exported_at))}</p>\n'
    yield from summary(report)
    current = None
    for c in report.claims:
        if c.status != current:
            if current is not None:
                yield "</ul></section>\n" if current == DISMISSED else "</section>\n"
            current = c.status
            yield _heading(report, current)
        yield dismissed(c) if current == DISMISSED else claim(c)
    if current is None:
        yield "<section><h2>Claims</h2><p>No claims match this report.</p></section>\n"
    else:
        yield "</ul></section>\n" if current == DISMISSED else "</section>\n"
    yield "</body></html>\n"
