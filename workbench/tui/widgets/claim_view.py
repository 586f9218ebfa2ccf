"""The current claim in its source context: document, paragraph, verdict and note.

Drawn with Textual's line API in a region of fixed height (set by the
screen's CSS). Showing another claim re-wraps the text and repaints these
lines only: the panel's size never depends on its text, so a keypress causes
no layout pass (a layout would cost a full-screen reflow and an extra frame).
Text longer than the panel scrolls with the mouse wheel; the last line says
how much is hidden.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from ...storage.reviewview import ClaimContext
from .. import text as txt

#: Paragraph text shown around the claim's sentence; beyond this it is clipped with "…".
CONTEXT_CHARS = 1200


def context_text(ctx: ClaimContext) -> Text:
    """Document line, then the paragraph with the claim's sentence highlighted."""
    claim, doc = ctx.claim, ctx.document
    out = Text()
    out.append(txt.one_line(doc.title if doc and doc.title else claim.doc_name)[:200], "bold")
    meta = [txt.one_line(v)[:60] for v in (doc.source, doc.published) if v] if doc else []
    meta.append(txt.one_line(claim.doc_name)[:60])
    out.append("\n" + " · ".join(meta), "dim")
    out.append(f" · claim #{claim.id}", "dim")
    if claim.origin != "extracted":
        out.append(f" ({claim.origin})", "dim")
    out.append("\n")
    sentence_style = "bold reverse"
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
            pre = "…" + pre[len(pre) - room:]
        if len(post) > room:
            post = post[:room] + "…"
        out.append(pre + (" " if pre else ""))
        out.append(txt.one_line(target), sentence_style)
        out.append((" " if post else "") + post)
    else:
        out.append(txt.one_line(claim.text), sentence_style)
    if claim.reasons:
        out.append("\nwhy check-worthy: " + ", ".join(txt.one_line(r) for r in claim.reasons), "dim")
    return out


def verdict_text(ctx: ClaimContext, *, unsaved: bool = False) -> Text:
    verdict = ctx.verdict
    out = Text()
    out.append_text(txt.status_mark(verdict.status))
    out.append(" " + txt.status_label(verdict.status), "bold")
    if verdict.reviewer and verdict.status:
        out.append(" by " + txt.one_line(verdict.reviewer)[:40], "dim")
    if unsaved:
        out.append(" · ")
        out.append("* unsaved", "bold black on yellow")
    supports = sum(1 for link in ctx.links if link.relation == "supports")
    contradicts = len(ctx.links) - supports
    if ctx.links:
        out.append(f" · {supports} supporting, {contradicts} contradicting link(s)", "dim")
    if verdict.note:
        out.append("\nnote: ", "bold")
        out.append(txt.clean(verdict.note[:2000], keep_newlines=True))
    return out


EMPTY = Text("No claims match. Press f to change the filter or / to search.", "dim")


class ClaimView(Widget, can_focus=False):
    """Verdict block (shaded) over the claim's context; a fixed-height region."""

    COMPONENT_CLASSES = {"claim-view--verdict", "claim-view--more"}

    DEFAULT_CSS = """
    ClaimView {
        height: 45%;
        max-height: 15;  /* tall terminals: the rest goes to the candidates */
        padding: 0 1;
        & > .claim-view--verdict { background: $boost; }
        & > .claim-view--more { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._blocks: tuple[Text, ...] = (EMPTY,)
        """What is shown: the verdict block, then the context (or the empty-list message)."""
        self._lines: list[tuple[Strip, bool]] = []
        """Wrapped lines for the current width, each with whether it belongs to the verdict block."""
        self._width = -1
        self._top = 0
        """First line shown (mouse-wheel scrolling)."""
        self._painted: dict[int, Strip] = {}
        self._painted_for: tuple | None = None

    def show(self, ctx: ClaimContext | None, *, unsaved: bool = False) -> None:
        """Show ``ctx`` (or the empty-list message): repaints this region, never a layout.

        ``unsaved``: the verdict, note or links shown include changes not yet written.
        """
        self._blocks = (EMPTY,) if ctx is None else (verdict_text(ctx, unsaved=unsaved), context_text(ctx))
        self._width = -1  # re-wrap on the next paint, at the width the panel has then
        self._top = 0
        self.refresh()

    @property
    def plain_lines(self) -> list[str]:
        """Every wrapped line as plain text, scrolled out of view or not (tests)."""
        self._wrap()
        return ["".join(s.text for s in strip if isinstance(s, Segment)).rstrip() for strip, _ in self._lines]

    def _wrap(self) -> None:
        width = self.content_region.width or self.size.width
        if width == self._width:
            return
        self._width = width
        console = self.app.console
        shaded = len(self._blocks) == 2
        lines: list[tuple[Strip, bool]] = []
        for n, block in enumerate(self._blocks):
            for line in block.wrap(console, max(1, width), overflow="fold"):
                line.rstrip()  # a highlighted sentence must not carry a shaded space past its end
                line.end = ""
                lines.append((Strip(line.render(console)), shaded and n == 0))
        self._lines = lines
        self._painted.clear()

    def render_line(self, y: int) -> Strip:
        self._wrap()
        width = self._width
        base = self.rich_style
        height = self.content_region.height or self.size.height
        hidden = len(self._lines) - self._top - height
        if hidden > 0 and y == height - 1:
            more = Text(f"↓ {hidden + 1} more line(s): scroll with the mouse wheel", no_wrap=True,
                        overflow="ellipsis", end="")
            more.truncate(width, overflow="ellipsis")
            style = base + self.get_component_rich_style("claim-view--more")
            return Strip(more.render(self.app.console)).apply_style(style).adjust_cell_length(width, style)
        index = self._top + y
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        shade = self.get_component_rich_style("claim-view--verdict")
        if (base, shade) != self._painted_for:  # the theme changed
            self._painted.clear()
            self._painted_for = (base, shade)
        painted = self._painted.get(index)
        if painted is None:
            strip, shaded = self._lines[index]
            style: Style = base + shade if shaded else base
            painted = self._painted[index] = strip.apply_style(style).adjust_cell_length(width, style)
        return painted

    def _scroll(self, delta: int) -> None:
        self._wrap()
        height = self.content_region.height or self.size.height
        top = max(0, min(self._top + delta, len(self._lines) - height))
        if top != self._top:
            self._top = top
            self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll(-3)

    def on_resize(self) -> None:
        self._width = -1
