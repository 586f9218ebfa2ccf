"""A document's sentences, one block of wrapped lines each (Textual's line API).

Nothing here is a widget per sentence: the list keeps each sentence's text and
where its lines break at the current width, and paints only the lines in view,
so a 1,000-sentence article lists in a few milliseconds. Each sentence starts
a line (``¶`` at a new paragraph) and its following lines are indented, so the
sentences stay apart when every one of them wraps.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...models import Passage
from .. import text as txt

#: Cells before each line: the paragraph mark or the hanging indent.
INDENT = 2
PARAGRAPH_MARK = "¶ "
OPENED_MARK = "  ◀ opened here"
BOLD = Style(bold=True)
DIM_ITALIC = Style(dim=True, italic=True)

#: Characters one cell wide: Latin, Greek, Cyrillic, general punctuation (curly quotes, dashes,
#: ellipsis, which news text is full of) and the marks shown. Lines of text with any other
#: character are broken by rich, which measures each character.
_ONE_CELL = frozenset(
    ch
    for lo, hi in ((0x20, 0x7E), (0xA0, 0x482), (0x2010, 0x205F), (0x20A0, 0x20C0), (0x2500, 0x25FF))
    for ch in map(chr, range(lo, hi + 1))
    if get_character_cell_size(ch) == 1
)


def one_line(text: str) -> str:
    """``txt.one_line(text)``, quicker for the common printable sentence.

    A no-break space is printable to the terminal but not to ``str.isprintable``, and both
    ways turn it into a plain space, so it does not need the character-by-character path.
    Printable text has no whitespace but the plain space, so a sentence without doubled,
    leading or trailing spaces is its own one-line form.
    """
    plain = text.replace("\xa0", " ")
    if not plain.isprintable():
        return txt.one_line(text)
    if "  " in plain or plain[:1] == " " or plain[-1:] == " ":
        return " ".join(plain.split())
    return plain


def line_starts(text: str, width: int) -> list[int]:
    """Where each line of ``text`` starts when wrapped at word boundaries to ``width`` cells."""
    if text.isascii():
        if len(text) <= width:
            return [0]
    elif not _ONE_CELL.issuperset(text):  # wide or combining characters: measure cells
        return _cell_line_starts(text, width)
    starts = [0]
    pos, end = 0, len(text)
    while end - pos > width:
        cut = text.rfind(" ", pos + 1, pos + width + 1)
        pos = pos + width if cut == -1 else cut + 1  # a word longer than a line is folded
        while pos < end and text[pos] == " ":
            pos += 1
        starts.append(pos)
    return starts


_WORDS = re.compile(r"[^ ]+ *| +")


def _cell_line_starts(text: str, width: int) -> list[int]:
    """``line_starts`` for text with wide or combining characters: widths in terminal cells.

    Spaces after a word stay on its line (cut when painted); a word wider than a line is
    folded where it no longer fits.
    """
    starts, used = [0], 0
    for token in _WORDS.finditer(text):
        word = token.group().rstrip(" ")
        cells, spaces = cell_len(word), len(token.group()) - len(word)
        if used + cells <= width:
            used += cells + spaces
            continue
        at = token.start()
        if used and at > starts[-1]:
            starts.append(at)
            used = 0
        for i, ch in enumerate(word, start=at):  # fold a word wider than what is left
            size = get_character_cell_size(ch)
            if used + size > width and used:
                starts.append(i)
                used = 0
            used += size
        used += spaces
    return starts


@dataclass(slots=True)
class Sentence:
    """One sentence as listed: its passage and the marks after its text."""

    passage: Passage
    text: str
    """The passage's text made safe and put on one line (``one_line``)."""
    new_paragraph: bool
    target: bool
    """The sentence the view was opened for (shown in bold, with ``OPENED_MARK``)."""
    relation: str | None
    """How the sentence is linked to the claim already, if it is."""

    @property
    def shown(self) -> str:
        """The text wrapped into lines: the sentence and its marks."""
        out = self.text
        if self.target:
            out += OPENED_MARK
        if self.relation:
            out += f"  [linked: {self.relation}]"
        return out

    def spans(self, base: Style) -> list[tuple[int, int, Style]]:
        """Where each style applies in ``shown``, over ``base``."""
        end = len(self.text)
        out = [(0, end, base + BOLD if self.target else base)]
        if self.target:
            out.append((end, end + len(OPENED_MARK), base + DIM_ITALIC))
            end += len(OPENED_MARK)
        if self.relation:
            out.append((end, len(self.shown), base + BOLD))
        return out


def sentences_of(
    passages: list[Passage], *, target_id: int | None, relations: dict[int, str]
) -> list[Sentence]:
    """The sentences to list for ``passages`` (safe to call off the UI thread)."""
    out = []
    paragraph = None
    for i, p in enumerate(passages):
        out.append(
            Sentence(
                p,
                one_line(p.text),
                new_paragraph=i > 0 and p.paragraph != paragraph,
                target=p.id == target_id,
                relation=relations.get(p.id),
            )
        )
        paragraph = p.paragraph
    return out


class SentenceList(ScrollView, can_focus=True, inherit_bindings=False):
    """The sentences of one document with a cursor; a click moves the cursor to a sentence."""

    BINDINGS = [
        Binding("down", "cursor_down", "Next sentence", show=False),
        Binding("up", "cursor_up", "Previous sentence", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home", "first", "First sentence", show=False),
        Binding("end", "last", "Last sentence", show=False),
    ]

    COMPONENT_CLASSES = {"sentence-list--cursor", "sentence-list--mark"}

    DEFAULT_CSS = """
    SentenceList {
        background: $surface;
        overflow-x: hidden;  /* sentences wrap to the width: never scroll sideways */
        overflow-y: scroll;  /* a scrollbar that came and went would change where lines break */
        & > .sentence-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .sentence-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .sentence-list--mark { color: $text-muted; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sentences: list[Sentence] = []
        self.cursor = 0
        """Index of the current sentence."""
        self._tops: list[int] = [0]
        """First line of each sentence, and the line count last."""
        self._starts: list[list[int]] = []
        """Where each sentence's lines start in its ``shown`` text."""
        self._laid_out_for = 0
        """The width the lines were broken for (0: not yet)."""
        self._strips: dict[tuple[int, bool], list[Strip]] = {}
        """Painted lines by (sentence, under the cursor)."""
        self._strips_for: tuple | None = None
        self._center_pending = False
        """Just listed: the next scroll to the cursor puts it in the middle (once the list has a width)."""

    # --- what is listed ----------------------------------------------------------

    def show(self, sentences: list[Sentence], *, at: int = 0) -> None:
        """List ``sentences`` with the cursor on sentence ``at``, in the middle of the view."""
        self.sentences = sentences
        self.cursor = max(0, min(at, len(sentences) - 1))
        self._laid_out_for = 0
        self._strips.clear()
        self._center_pending = True
        self._lay_out()
        self._scroll_to_cursor()
        self.refresh()

    @property
    def current(self) -> Sentence | None:
        return self.sentences[self.cursor] if self.sentences else None

    def _lay_out(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._laid_out_for:
            return
        self._laid_out_for = width
        wrap = max(1, width - INDENT)
        self._starts = [line_starts(s.shown, wrap) for s in self.sentences]
        tops = [0]
        for starts in self._starts:
            tops.append(tops[-1] + len(starts))
        self._tops = tops
        self._strips.clear()
        self.virtual_size = Size(width, tops[-1])

    def on_resize(self) -> None:
        # The lines break anew for the new width; the cursor's sentence stays in view.
        self._lay_out()
        self._scroll_to_cursor()

    def sentence_at_line(self, line: int) -> int | None:
        """The sentence that line ``line`` of the list belongs to."""
        if not self.sentences or not 0 <= line < self._tops[-1]:
            return None
        return bisect_right(self._tops, line) - 1

    # --- moving ------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.sentences:
            return
        old = self.cursor
        self.cursor = max(0, min(index, len(self.sentences) - 1))
        self._refresh_sentence(old)
        self._refresh_sentence(self.cursor)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if not self.sentences or not self._laid_out_for:
            return
        center, self._center_pending = self._center_pending, False
        top = self._tops[self.cursor]
        height = self._tops[self.cursor + 1] - top
        self.scroll_to_region(
            Region(0, top, 1, min(height, max(1, self.scrollable_content_region.height))),
            animate=False,
            center=center,
            force=True,
            immediate=True,
        )

    def _refresh_sentence(self, index: int) -> None:
        if not self._laid_out_for or not 0 <= index < len(self.sentences):
            return
        top = self._tops[index] - self.scroll_offset.y
        self.refresh(Region(0, top, self.size.width, self._tops[index + 1] - self._tops[index]))

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        """Move the cursor about a screenful of lines, at least one sentence."""
        if not self.sentences:
            return
        page = max(1, self.scrollable_content_region.height - 1)
        line = self._tops[self.cursor] + direction * page
        at = self.sentence_at_line(max(0, min(line, self._tops[-1] - 1)))
        if at is None or at == self.cursor:
            at = self.cursor + direction
        self.move_to(at)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.sentences) - 1)

    def on_click(self, event) -> None:
        at = self.sentence_at_line(self.scroll_offset.y + event.y)
        if at is not None:
            self.move_to(at)

    # --- painting ----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint_styles()  # once per paint, not once per line
        return super().render_lines(crop)

    def _paint_styles(self) -> tuple[int, Style, Style, Style]:
        """The width and the styles lines are painted with; a change forgets the painted lines."""
        styles = (
            self.scrollable_content_region.width,
            self.rich_style,
            self.get_component_rich_style("sentence-list--cursor"),
            self.get_component_rich_style("sentence-list--mark"),
        )
        if styles != self._strips_for:  # resized, focus moved or the theme changed
            self._strips.clear()
            self._strips_for = styles
        if self._laid_out_for != styles[0]:
            # Listed before the list had a width (the first paint comes before the Resize
            # event): break the lines and scroll to the cursor now, so this paint shows it.
            self._lay_out()
            self._scroll_to_cursor()
        return styles

    def render_line(self, y: int) -> Strip:
        width, base, cursor, mark = self._strips_for or self._paint_styles()
        line = self.scroll_offset.y + y
        index = self.sentence_at_line(line)
        if index is None:
            return Strip.blank(width, base)
        at_cursor = index == self.cursor
        strips = self._strips.get((index, at_cursor))
        if strips is None:
            strips = self._paint(index, width, base + cursor if at_cursor else base, mark)
            self._strips[index, at_cursor] = strips
        return strips[line - self._tops[index]]

    def _paint(self, index: int, width: int, base: Style, mark: Style) -> list[Strip]:
        """The lines of sentence ``index``, as segments cut straight from its text (no Rich layout)."""
        sentence = self.sentences[index]
        shown = sentence.shown
        spans = sentence.spans(base)
        starts = self._starts[index]
        mark = base + Style(color=mark.color)  # its colour only: the cursor's background shows
        strips = []
        for k, start in enumerate(starts):
            end = len(shown) if k + 1 == len(starts) else starts[k + 1]
            while end > start and shown[end - 1] == " ":
                end -= 1
            lead = PARAGRAPH_MARK if k == 0 and sentence.new_paragraph else " " * INDENT
            segments = [Segment(lead, mark)]
            for lo, hi, style in spans:
                lo, hi = max(lo, start), min(hi, end)
                if lo < hi:
                    segments.append(Segment(shown[lo:hi], style))
            strips.append(Strip(segments).adjust_cell_length(width, base))
        return strips

    def render_lines_for_tests(self) -> list[str]:
        """The visible lines as plain text (tests and benchmarks)."""
        self._paint_styles()
        return [
            "".join(seg.text for seg in self.render_line(y) if isinstance(seg, Segment))
            for y in range(self.scrollable_content_region.height)
        ]
