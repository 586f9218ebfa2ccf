"""Line widgets look up their styles once per paint, not once per line.

Textual paints a widget by calling ``render_line`` for each line in view; a
style lookup walks the widget's ancestors, so a 40-line widget doing three per
line spends milliseconds of a frame on the same few styles.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip


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
