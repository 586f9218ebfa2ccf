"""What the line widgets that wrap their own text share (claim panel, candidates).

Styles are looked up once per paint, not once per line: Textual paints a widget
by calling ``render_line`` for each line in view, and a style lookup walks the
widget's ancestors, so a 40-line widget doing three per line spends milliseconds
of a frame on the same few styles. And they scroll by lines of their own.
"""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.strip import Strip


def status_row(console: Console, text: str, width: int, style: Style) -> Strip:
    """One row of the widget's own words ("↓ 3 more line(s): …"), cut with "…" to ``width``."""
    row = Text(text, no_wrap=True, overflow="ellipsis", end="")
    row.truncate(width, overflow="ellipsis")
    return Strip(row.render(console)).apply_style(style).adjust_cell_length(width, style)


class StylesPerPaint:
    """Mixin for a widget drawn with ``render_line``: ``paint_styles()`` is computed by
    ``line_styles()`` once per ``render_lines`` call (and on every call outside one)."""

    _paint_styles: tuple | None = None

    def line_styles(self) -> tuple:
        raise NotImplementedError

    def paint_styles(self) -> tuple:
        return self._paint_styles if self._paint_styles is not None else self.line_styles()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint_styles = self.line_styles()
        try:
            return super().render_lines(crop)  # type: ignore[misc]
        finally:
            self._paint_styles = None


class ScrolledByLines:
    """Mixin for a widget holding its wrapped ``_lines`` (made by ``_wrap()``) and showing them
    from ``_top``: keys and the mouse wheel scroll it by lines; painted lines are kept."""

    _lines: list
    _top: int
    _painted: dict
    _painted_for: tuple | None

    def painted_line(self, key, styles: tuple, strip: Strip, style: Style, width: int) -> Strip:
        """``strip`` in ``style`` at ``width``, kept under ``key`` until ``styles`` (the widget's
        styles: focus, theme) change or ``_painted`` is cleared on a new wrap."""
        if styles != self._painted_for:
            self._painted.clear()
            self._painted_for = styles
        painted = self._painted.get(key)
        if painted is None:
            painted = self._painted[key] = strip.apply_style(style).adjust_cell_length(width, style)
        return painted

    def scroll_lines(self, delta: int) -> None:
        """Scroll by ``delta`` lines (the screen's keys and the mouse wheel)."""
        self._wrap()  # type: ignore[attr-defined]
        height = self.content_region.height or self.size.height  # type: ignore[attr-defined]
        top = max(0, min(self._top + delta, len(self._lines) - height))
        if top != self._top:
            self._top = top
            self.refresh()  # type: ignore[attr-defined]

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_lines(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_lines(-3)
