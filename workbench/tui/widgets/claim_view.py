"""The current claim in its source context: document, paragraph, verdict and note.

Drawn with Textual's line API. The claim's facts are marked in its sentence as
the evidence bears them out (underlined, with a trailing ✓ corroborated, ✗
contradicted, ? not found, ~ only in related passages) and listed in words on
one line, so nothing depends on colour. The panel is as tall as its text up to
a share of the screen (the rest goes to the candidates); longer text scrolls
from the keyboard or the mouse wheel, and showing a claim scrolls its sentence
into view. Re-showing a claim of the same height repaints these lines only (no
layout pass).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from ...models import Coverage
from ...storage.corpus import Change as EvidenceChange
from ...storage.reviewview import ClaimContext
from .. import text as txt
from .painting import ScrolledByLines, StylesPerPaint, status_row

if TYPE_CHECKING:
    from ...clustering import SeenBefore

#: Paragraph text shown around the claim's sentence; beyond this it is clipped with "…".
CONTEXT_CHARS = 1200


SENTENCE_STYLE = Style(bold=True, reverse=True)
"""The claim's sentence; the panel finds its line by this style to keep it in view."""

#: How each coverage group is marked after a fact in the sentence, and named in words.
FACT_MARKS: tuple[tuple[str, str, str, str], ...] = (
    ("corroborated", "✓", "corroborated", "bold green"),
    ("contradicted", "✗", "contradicted", "bold red"),
    ("not_found", "?", "not found", "bold yellow"),
    ("related_only", "~", "only in related passages", "bold"),
)

_SPACES = re.compile(r"\s+")


def _flat(text: str) -> str:
    """``txt.one_line`` for a piece of a sentence: the pieces' edges keep their single spaces."""
    return _SPACES.sub(" ", txt.clean(text))


def marked_sentence(sentence: str, claim_text: str, coverage: Coverage | None) -> Text:
    """``sentence`` highlighted, with the claim's facts underlined and marked by coverage."""
    out = Text(style=SENTENCE_STYLE)
    groups = {}
    if coverage is not None:
        groups = {label: group for group, *_ in FACT_MARKS for label in getattr(coverage, group)}
    offset = sentence.find(claim_text) if claim_text else -1
    spans = []
    if groups and offset >= 0:
        # Imported when first needed (finding facts loads the stemmer): the first claim on
        # screen does not wait for it (the screen marks the facts a frame later).
        from ...facts import claim_facts

        spans = sorted(
            (f.start + offset, f.end + offset, groups[f.label])
            for f in claim_facts(claim_text)
            if f.label in groups
        )
    pos = 0
    for start, end, group in spans:
        if start < pos:
            continue  # overlapping facts: the first one keeps its mark
        mark, _, style = next((m, w, st) for g, m, w, st in FACT_MARKS if g == group)
        out.append(_flat(sentence[pos:start]))
        out.append(_flat(sentence[start:end]), "underline")
        out.append(mark, style)
        pos = end
    out.append(_flat(sentence[pos:]))
    out.rstrip()
    text = out.plain
    lead = len(text) - len(text.lstrip())
    return out[lead:] if lead else out


def coverage_line(coverage: Coverage | None) -> Text | None:
    """The facts in words on one line ("✓ corroborated: a · b   ? not found: c"); None when none."""
    if coverage is None:
        return None
    out = Text()
    for group, mark, words, style in FACT_MARKS:
        labels = getattr(coverage, group)
        if not labels:
            continue
        if out.plain:
            out.append("   ")
        out.append(mark, style)
        out.append(f" {words}: ", "bold")
        out.append(" · ".join(txt.one_line(label) for label in labels))
    return out if out.plain else None


def context_text(ctx: ClaimContext, coverage: Coverage | None = None) -> Text:
    """Document line, then the paragraph with the claim's sentence highlighted and its facts marked."""
    claim, doc = ctx.claim, ctx.document
    out = Text()
    out.append(txt.short(doc.title if doc and doc.title else claim.doc_name, 200), "bold")
    meta = [txt.short(v, 60) for v in (doc.source, doc.published) if v] if doc else []
    meta.append(txt.short(claim.doc_name, 60))
    out.append("\n" + " · ".join(meta), "dim")
    out.append(f" · claim #{claim.id}", "dim")
    if ctx.also_in:
        out.append(f" · also in {ctx.also_in} other document(s)", "bold")
        out.append(f" (cluster of {ctx.cluster_size} claims)", "dim")
    elif ctx.cluster_size > 1:
        out.append(f" · cluster of {ctx.cluster_size} claims in this document", "bold")
    if claim.origin != "extracted":
        out.append(f" ({claim.origin})", "dim")
    if claim.original_text:
        out.append(" · edited", "bold")
    out.append("\n")
    if ctx.paragraph and any(p.id == claim.passage_id for p in ctx.paragraph):
        before, after = [], []
        target = ""
        for p in ctx.paragraph:
            if p.id == claim.passage_id:
                target = p.text
            elif target:
                after.append(p.text)
            else:
                before.append(p.text)
        # Keep the highlighted sentence whole and trim the context around it.
        pre = txt.one_line(" ".join(before))
        post = txt.one_line(" ".join(after))
        room = max(0, CONTEXT_CHARS - len(target)) // 2
        if len(pre) > room:
            pre = "…" + pre[len(pre) - room :]
        if len(post) > room:
            post = post[:room] + "…"
        out.append(pre + (" " if pre else ""))
        out.append_text(marked_sentence(target, claim.text, coverage))
        out.append((" " if post else "") + post)
    else:
        out.append_text(marked_sentence(claim.text, claim.text, coverage))
    if (line := coverage_line(coverage)) is not None:
        out.append("\nfacts: ", "bold")
        out.append_text(line)
    if claim.original_text:
        out.append("\nextracted as: " + txt.short(claim.original_text, 500), "dim")
    if claim.reasons:
        out.append("\nwhy check-worthy: " + ", ".join(txt.one_line(r) for r in claim.reasons), "dim")
    return out


#: Changed evidence listed in the panel; the rest are counted ("… and 2 more").
MAX_CHANGES = 3


def seen_before_text(seen: SeenBefore) -> Text:
    """An earlier decision on the same claim, as a suggestion (never applied)."""
    out = Text()
    out.append("seen before: ", "bold")
    out.append(txt.short(seen.summary(), 160))
    out.append(f" (claim #{seen.matched_claim_id}; a suggestion, not applied)", "dim")
    return out


def changes_text(changes: tuple[EvidenceChange, ...], ack_hint: str = "") -> Text:
    """Evidence (or the claim's own sentence) that changed or went in a newer version of its page."""
    out = Text()
    for n, change in enumerate(changes[:MAX_CHANGES]):
        if n:
            out.append("\n")
        where = f"v{change.old_version} → v{change.new_version}"
        if change.kind == "claim":
            out.append("⚠ the claim's sentence changed", "bold yellow")
        else:
            out.append("⚠ evidence changed since you linked it", "bold yellow")
        out.append(f" ({where}", "dim")
        if change.url:
            out.append(" of " + txt.short(change.url, 80), "dim")
        out.append("): ", "dim")
        out.append(txt.short(change.old_text, 300))
        if change.state == "gone" or change.new_text is None:
            out.append(" → gone", "bold")
        else:
            out.append(" → ", "bold")
            out.append(txt.short(change.new_text, 300))
    if len(changes) > MAX_CHANGES:
        out.append(f"\n… and {len(changes) - MAX_CHANGES} more (workbench stale)", "dim")
    if ack_hint:
        out.append("\n" + ack_hint, "dim italic")
    return out


def verdict_text(
    ctx: ClaimContext,
    *,
    unsaved: bool = False,
    seen: SeenBefore | None = None,
    changes: tuple[EvidenceChange, ...] = (),
    ack_hint: str = "",
    team: Text | None = None,
) -> Text:
    verdict = ctx.verdict
    out = Text()
    out.append_text(txt.status_mark(verdict.status))
    out.append(" " + txt.status_label(verdict.status), "bold")
    if ctx.claim.dismissed_at:
        out.append(" · ")
        out.append("dismissed as not check-worthy", "bold reverse")
        if ctx.claim.dismissed_by:
            out.append(" by " + txt.short(ctx.claim.dismissed_by, 40), "dim")
    if verdict.reviewer and verdict.status:
        out.append(" by " + txt.short(verdict.reviewer, 40), "dim")
    if unsaved:
        out.append(" · ")
        out.append("* unsaved", "bold black on yellow")
    supports = sum(1 for link in ctx.links if link.relation == "supports")
    contradicts = len(ctx.links) - supports
    if ctx.links:
        out.append(f" · {supports} supporting, {contradicts} contradicting link(s)", "dim")
    if team is not None:
        out.append("\n")
        out.append_text(team)
    if changes:
        out.append("\n")
        out.append_text(changes_text(changes, ack_hint))
    if seen is not None and not verdict.status:
        out.append("\n")
        out.append_text(seen_before_text(seen))
    if verdict.note:
        out.append("\nnote: ", "bold")
        out.append(txt.clean(verdict.note[:2000], keep_newlines=True))
    return out


def empty_text(filter_key: str = "f", search_key: str = "/") -> Text:
    return Text(f"No claims match. Press {filter_key} to change the filter or {search_key} to search.", "dim")


#: The panel's height: as tall as its text, at most this share of the detail column (the
#: candidates get the rest), and never fewer rows than ``MIN_ROWS``.
MAX_SHARE_SMALL = 0.4  # below ``SMALL_ROWS`` rows of detail column: candidates need the room
MAX_SHARE = 0.5
SMALL_ROWS = 30
MIN_ROWS = 4


class ClaimView(StylesPerPaint, ScrolledByLines, Widget, can_focus=False):
    """Verdict block (shaded) over the claim's context."""

    COMPONENT_CLASSES = {"claim-view--verdict", "claim-view--more"}

    DEFAULT_CSS = """
    ClaimView {
        height: 10;
        padding: 0 1;
        & > .claim-view--verdict { background: $boost; }
        & > .claim-view--more { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._blocks: tuple[Text, ...] = (empty_text(),)
        """What is shown: the verdict block, then the context (or the empty-list message)."""
        self._lines: list[tuple[Strip, bool]] = []
        """Wrapped lines for the current width, each with whether it belongs to the verdict block."""
        self._sentence_line = 0
        """The first wrapped line of the claim's sentence (kept in view)."""
        self._width = -1
        self._top = 0
        """First line shown (scrolled by keys or the mouse wheel)."""
        self._painted: dict[int, Strip] = {}
        self._painted_for: tuple | None = None
        self._ctx: ClaimContext | None = None
        self._unsaved = False
        self._coverage: Coverage | None = None
        self.empty = empty_text()
        """Shown when no claim matches (the screen words it with the keys in use)."""
        self.scroll_hint = "J/K"
        """Keys named on the "more lines" row (the screen sets the ones in use)."""
        self.ack_hint = ""
        """Says which keys mark changed evidence seen (the screen sets it)."""
        self.team: Text | None = None
        """Team review: the other reviewers' decisions and the final verdict, one line (the
        screen sets it before ``show``)."""
        self._extras: tuple[int | None, SeenBefore | None, tuple[EvidenceChange, ...]] = (None, None, ())
        """(claim id, seen before, changed evidence), read by a worker after the claim is shown."""

    def show(
        self,
        ctx: ClaimContext | None,
        *,
        unsaved: bool = False,
        coverage: Coverage | None = None,
        fit: bool = True,
    ) -> None:
        """Show ``ctx`` (or the empty-list message), scrolled to the claim's sentence.

        ``unsaved``: the verdict, note or links shown include changes not yet written.
        ``coverage``: how the evidence bears out the claim's facts (marked in the sentence).
        ``fit``: resize the panel to the text now; moving through the claims, the screen
        fits it once the cursor rests (a new height is a layout pass, a repaint of the
        whole screen: too slow for every key of a held ``j``).
        """
        self._ctx, self._unsaved, self._coverage = ctx, unsaved, coverage
        if ctx is None or ctx.claim.id != self._extras[0]:
            self._extras = (None, None, ())
        self._build()
        self._top = -1  # on the next wrap: scroll the sentence into view
        if fit:
            self.fit()

    def set_coverage(self, coverage: Coverage | None, *, fit: bool = True) -> None:
        """Mark the facts once the evidence is judged, keeping the scroll position."""
        if coverage == self._coverage:
            return
        self._coverage = coverage
        self._build()
        if fit:
            self.fit()

    def set_extras(self, claim_id: int, seen: SeenBefore | None, changes: tuple[EvidenceChange, ...]) -> None:
        """Show the earlier decision on the same claim and the changed evidence of ``claim_id``."""
        if self._ctx is None or self._ctx.claim.id != claim_id or self._extras == (claim_id, seen, changes):
            return
        shown_nothing = self._extras[1] is None and not self._extras[2]
        self._extras = (claim_id, seen, changes)
        if shown_nothing and seen is None and not changes:
            return  # nothing to add: no repaint (the usual case, once per move)
        self._build()
        self.fit()

    @property
    def changes(self) -> tuple[EvidenceChange, ...]:
        """The changed evidence shown for the current claim."""
        return self._extras[2]

    def _build(self) -> None:
        ctx = self._ctx
        _, seen, changes = self._extras
        self._blocks = (
            (self.empty,)
            if ctx is None
            else (
                verdict_text(
                    ctx,
                    unsaved=self._unsaved,
                    seen=seen,
                    changes=changes,
                    ack_hint=self.ack_hint,
                    team=self.team,
                ),
                context_text(ctx, self._coverage),
            )
        )
        self._width = -1  # re-wrap on the next paint, at the width the panel has then
        self.refresh()

    def fit(self) -> None:
        """Make the panel as tall as its lines, up to its share of the detail column."""
        parent = self.parent
        if parent is None or not self.content_region.width:
            return  # not laid out yet: on_resize or the screen fits it
        self._wrap()
        available = parent.size.height
        share = MAX_SHARE_SMALL if available < SMALL_ROWS else MAX_SHARE
        rows = max(MIN_ROWS, min(len(self._lines), int(available * share)))
        if self.styles.height is None or self.styles.height.value != rows:
            self.styles.height = rows  # a layout pass only when the height really changes

    @property
    def plain_lines(self) -> list[str]:
        """Every wrapped line as plain text, scrolled out of view or not (tests)."""
        self._wrap()
        return ["".join(s.text for s in strip if isinstance(s, Segment)).rstrip() for strip, _ in self._lines]

    @property
    def visible_lines(self) -> list[str]:
        """The lines on screen now, as plain text (tests)."""
        self._wrap()
        height = self.content_region.height or self.size.height
        return self.plain_lines[max(self._top, 0) : max(self._top, 0) + height]

    def _wrap(self) -> None:
        width = self.content_region.width or self.size.width
        if width == self._width:
            return
        self._width = width
        console = self.app.console
        shaded = len(self._blocks) == 2
        lines: list[tuple[Strip, bool]] = []
        self._sentence_line = 0
        found = False
        for n, block in enumerate(self._blocks):
            for line in block.wrap(console, max(1, width), overflow="fold"):
                line.rstrip()  # a highlighted sentence must not carry a shaded space past its end
                line.end = ""
                if not found and any(span.style == SENTENCE_STYLE for span in line.spans):
                    self._sentence_line, found = len(lines), True
                lines.append((Strip(line.render(console)), shaded and n == 0))
        self._lines = lines
        self._painted.clear()
        height = self.content_region.height or self.size.height
        if self._top < 0 or not self._top <= self._sentence_line < self._top + max(1, height - 1):
            # Keep the sentence in view: from the top if it fits there, else a line of context above it.
            self._top = 0 if self._sentence_line < height - 1 else self._sentence_line - 1
        self._top = max(0, min(self._top, len(lines) - height))

    def line_styles(self) -> tuple:
        return (
            self.rich_style,
            self.get_component_rich_style("claim-view--verdict"),
            self.get_component_rich_style("claim-view--more"),
            self.content_region.height or self.size.height,
        )

    def render_line(self, y: int) -> Strip:
        self._wrap()
        width = self._width
        base, shade, more_style, height = self.paint_styles()
        hidden = len(self._lines) - self._top - height
        if hidden > 0 and y == height - 1:
            above = f"↑ {self._top} above · " if self._top else ""
            more = f"{above}↓ {hidden + 1} more line(s): {self.scroll_hint} scroll"
            return status_row(self.app.console, more, width, base + more_style)
        index = self._top + y
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        strip, shaded = self._lines[index]
        return self.painted_line(index, (base, shade), strip, base + shade if shaded else base, width)

    def on_resize(self) -> None:
        self._width = -1
        self.fit()
