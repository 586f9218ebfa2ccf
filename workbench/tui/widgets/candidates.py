"""Candidate evidence passages for the current claim.

Each shows its stance (symbol and word: never colour alone) and the reasons for
it ("states: …", "differs: …", "does not state: …"). On a short terminal the
passage text and the reasons are clipped harder, so that more candidates fit.

Drawn with Textual's line API, at a fixed height: showing another claim's
candidates repaints the list's lines and never asks for a layout pass, which
would repaint the whole screen on every move through the claims.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from ...models import Candidate
from .. import text as txt
from ..bindings import bindings_for
from .painting import ScrolledByLines, StylesPerPaint, status_row

#: Passage text shown around the matched span; longer passages are clipped with "…".
WINDOW = 360
#: The same on a short candidate list (fewer than ``SHORT_ROWS`` rows), with one line of reasons.
WINDOW_SHORT = 110
REASONS, REASONS_SHORT = 2, 1
SHORT_ROWS = 20

#: Stance of a candidate: mark, word, style.
STANCE_LABELS = {
    "supports": ("✓", "supports", "bold green"),
    "contradicts": ("✗", "contradicts", "bold red"),
    "related": ("~", "related", "dim"),
}

FLAG_LABELS = {"number-mismatch": "⚠ numbers differ"}
RELATION_LABELS = {
    "supports": ("✓ linked", "bold green"),
    "contradicts": ("✗ linked as contradicting", "bold red"),
}


def clip(text: str, span: tuple[int, int], window: int = WINDOW) -> tuple[str, tuple[int, int]]:
    """At most about ``window`` characters of ``text`` around ``span``, with the span re-based."""
    if len(text) <= window:
        return text, span
    start, end = span
    if not 0 <= start < end <= len(text):
        return text[:window] + "…", (0, 0)
    lo = max(0, min(start - window // 3, len(text) - window))
    hi = max(lo + window, end)
    head = "…" if lo else ""
    tail = "…" if hi < len(text) else ""
    return head + text[lo:hi] + tail, (start - lo + len(head), end - lo + len(head))


def whole_words(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` widened to the words it cuts (a fuzzy match may end mid-word: "positio")."""
    start, end = span
    if not 0 <= start < end <= len(text):
        return span
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def stance_text(stance: str) -> Text:
    mark, word, style = STANCE_LABELS.get(stance, ("·", stance, "bold"))
    return Text(f"{mark} {txt.one_line(word)}", style)


def candidate_prompt(
    rank: int, cand: Candidate, relation: str | None, *, window: int = WINDOW, reasons: int = REASONS
) -> Text:
    head = Text(no_wrap=False)
    head.append(f"{rank:>2}. ", "bold")
    head.append_text(stance_text(cand.stance))
    head.append("  ")
    head.append(f"{cand.score:.1f}  ", "bold")  # 0-100, as `workbench link` prints it
    head.append(txt.short(cand.title or cand.doc, 120), "italic")
    if cand.source:
        head.append(" — ")
        head.append(txt.short(cand.source, 40))
    head.append(f"  #{cand.passage_id}", "dim")
    for flag in cand.flags:
        head.append("  ")
        head.append(FLAG_LABELS.get(flag, f"⚑ {txt.one_line(flag)}"), "bold yellow reverse")
    if relation in RELATION_LABELS:
        label, style = RELATION_LABELS[relation]
        head.append("  ")
        head.append(label, style)
    for reason in cand.reasons[:reasons]:
        head.append("\n    ")
        head.append(txt.short(reason, 200), "italic")
    text, span = txt.clean_span(cand.text, cand.span)
    body, span = clip(text, whole_words(text, span), window)
    head.append("\n")
    head.append_text(txt.highlighted(body, span, "bold underline"))
    return head


class CandidateList(StylesPerPaint, ScrolledByLines, Widget, can_focus=True):
    """Ranked candidates; the highlighted one is what ``l``/``L``/``enter`` link.

    Focused (tab), ``j``/``k`` pick a candidate; a click highlights the one clicked.
    Longer than the list's height, it scrolls to keep the highlighted candidate in
    view, and its last row says how much is below.
    """

    BINDINGS = bindings_for("candidates")

    COMPONENT_CLASSES = {"candidate-list--highlight", "candidate-list--more"}

    DEFAULT_CSS = """
    CandidateList {
        height: 1fr;
        padding: 0 1;
        & > .candidate-list--highlight {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus > .candidate-list--highlight {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .candidate-list--more { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.candidates: tuple[Candidate, ...] = ()
        self.highlighted: int | None = None
        """Index of the highlighted candidate (None when there are none)."""
        self.claim_id: int | None = None
        """The claim whose candidates are listed."""
        self.more_hint = "] next"
        """Named on the "more below" row (the screen sets the keys in use)."""
        self._relations: dict[int, str] = {}
        self._short: bool | None = None
        """Whether the prompts were made for a short list (clipped harder)."""
        self._prompts: list[Text] = []
        self._lines: list[tuple[Strip, int | None]] = []
        """Wrapped lines for the current width, each with the candidate it belongs to
        (None: the blank line after each candidate)."""
        self._starts: list[int] = []
        """The first line of each candidate."""
        self._width = -1
        self._top = 0
        self._painted: dict[tuple[int, bool], Strip] = {}
        self._painted_for: tuple | None = None

    # --- what is shown -----------------------------------------------------------

    def show(
        self, candidates: tuple[Candidate, ...], relations: dict[int, str], claim_id: int | None = None
    ) -> None:
        """Replace the list with ``claim_id``'s candidates: shown again for the same claim (a link
        made, a judgement stored), the highlight stays on its passage; another claim's start at
        the top."""
        short = 0 < self.size.height < SHORT_ROWS
        same_claim = claim_id is not None and claim_id == self.claim_id
        if (
            same_claim
            and candidates == self.candidates
            and relations == self._relations
            and short == self._short
        ):
            return  # nothing to repaint
        keep = self.current if same_claim else None
        self.claim_id = claim_id
        self._relations = dict(relations)
        self._short = short
        self.candidates = candidates
        window, reasons = (WINDOW_SHORT, REASONS_SHORT) if short else (WINDOW, REASONS)
        self._prompts = [
            candidate_prompt(i, c, relations.get(c.passage_id), window=window, reasons=reasons)
            for i, c in enumerate(candidates, start=1)
        ]
        ids = [c.passage_id for c in candidates]
        self.highlighted = (
            (ids.index(keep.passage_id) if keep and keep.passage_id in ids else 0) if ids else None
        )
        self._top = 0
        self._width = -1  # wrapped on the next paint, at the width the list has then
        self.refresh()

    def prompt(self, index: int) -> Text:
        """The text of candidate ``index`` as listed (tests)."""
        return self._prompts[index]

    @property
    def current(self) -> Candidate | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.candidates):
            return None
        return self.candidates[self.highlighted]

    def move(self, delta: int) -> None:
        if self.candidates:
            start = self.highlighted if self.highlighted is not None else -1
            self._highlight(max(0, min(start + delta, len(self.candidates) - 1)))

    def action_cursor_down(self) -> None:
        self.move(1)

    def action_cursor_up(self) -> None:
        self.move(-1)

    def _highlight(self, index: int) -> None:
        if index == self.highlighted:
            return
        self.highlighted = index
        self._scroll_to_highlight()
        self.refresh()

    # --- lines ---------------------------------------------------------------------

    def _wrap(self) -> None:
        width = self.content_region.width or self.size.width
        if width == self._width:
            return
        self._width = width
        console = self.app.console
        lines: list[tuple[Strip, int | None]] = []
        self._starts = []
        for n, prompt in enumerate(self._prompts):
            self._starts.append(len(lines))
            for line in prompt.wrap(console, max(1, width), overflow="fold"):
                line.end = ""
                lines.append((Strip(line.render(console)), n))
            lines.append((Strip([]), None))
        self._lines = lines
        self._painted.clear()
        self._scroll_to_highlight()

    def _scroll_to_highlight(self) -> None:
        """Bring the highlighted candidate into view (its first lines, if it is taller than the list)."""
        if self.highlighted is None or not self._starts or self._width < 0:
            return
        height = max(1, self.content_region.height or self.size.height)
        start = self._starts[self.highlighted]
        end = (
            self._starts[self.highlighted + 1] - 1
            if self.highlighted + 1 < len(self._starts)
            else len(self._lines) - 1
        )
        if start < self._top:
            self._top = start
        elif end >= self._top + height - 1:  # the last row may be the "more below" line
            self._top = min(start, end - height + 2)
        self._top = max(0, min(self._top, len(self._lines) - height))

    def line_styles(self) -> tuple:
        return (
            self.rich_style,
            self.get_component_rich_style("candidate-list--highlight"),
            self.get_component_rich_style("candidate-list--more"),
            self.content_region.height or self.size.height,
        )

    def render_line(self, y: int) -> Strip:
        self._wrap()
        width = self._width
        base, highlight, more_style, height = self.paint_styles()
        hidden = len(self._lines) - self._top - height
        if hidden > 0 and y == height - 1:
            return self._more_line(width, base + more_style)
        index = self._top + y
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base)
        strip, owner = self._lines[index]
        lit = owner is not None and owner == self.highlighted
        return self.painted_line(
            (index, lit), (base, highlight), strip, base + highlight if lit else base, width
        )

    def _more_line(self, width: int, style: Style) -> Strip:
        """The last row, when more is below: how many candidates (or lines of this one)."""
        last = self._top + (self.content_region.height or self.size.height) - 1
        below = sum(1 for start in self._starts if start >= last)
        more = f"{below} more candidate(s)" if below else f"{len(self._lines) - last} more line(s)"
        return status_row(self.app.console, f"↓ {more}: {self.more_hint}", width, style)

    @property
    def visible_lines(self) -> list[str]:
        """The rows on screen now, as plain text (tests)."""
        height = self.content_region.height or self.size.height
        return [
            "".join(s.text for s in self.render_line(y) if isinstance(s, Segment)).rstrip()
            for y in range(height)
        ]

    # --- mouse and size ---------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """Highlight the candidate clicked (linking stays a key: a stray click links nothing)."""
        self._wrap()
        index = self._top + event.y
        if 0 <= index < len(self._lines) and self._lines[index][1] is not None:
            self._highlight(self._lines[index][1])

    def on_resize(self) -> None:
        if self._short is not None and (0 < self.size.height < SHORT_ROWS) != self._short:
            self.show(
                self.candidates, self._relations, self.claim_id
            )  # clip harder (or less) for the new height
        self._width = -1
        self.refresh()
