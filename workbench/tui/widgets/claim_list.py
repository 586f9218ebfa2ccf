"""The claims list: a virtual list over SQLite (Textual's line API).

Nothing here is a widget per claim. The list knows how many claims match
(``count_claims``) and keeps a small cache of rows by list index; rows that
scroll into view are read page by page with keyset paging from the nearest
cached row (``list_claims(after_id=...)`` / ``before_id``), never with
``OFFSET``. Painting a line costs a dict lookup once its page is loaded, so
100k claims paint as fast as 100.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...models import Claim
from ...storage import clusters, corpus, teamview
from ...storage.claim_filter import ClaimFilter
from .. import text as txt
from .painting import StylesPerPaint

if TYPE_CHECKING:  # the TUI speaks no SQL: the connection only passes through
    from sqlite_utils import Database

PAGE = 200  # rows read per query: a few screens' worth
STEP = 2000  # rows skipped per query when jumping far (scrollbar drag)
CACHE_MAX = 3000  # rows kept; beyond this the cache shrinks to the cursor's neighbourhood


class ClaimList(StylesPerPaint, ScrollView, can_focus=True, inherit_bindings=False):
    """Claims matching a status filter and a search, one line each.

    The keys that move the cursor (``list.*`` in ``workbench.keymap``) are bound
    by the review screen, which calls the ``action_*`` methods below and shows
    the new claim in the same step (one frame per key). A click moves the
    cursor here and posts ``Highlighted``.
    """

    COMPONENT_CLASSES = {"claim-list--cursor", "claim-list--score", "claim-list--origin"}

    DEFAULT_CSS = """
    ClaimList {
        background: $surface;
        overflow-x: hidden;  /* rows are truncated to the width: never scroll sideways */
        & > .claim-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .claim-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .claim-list--score { color: $text-muted; }
        & > .claim-list--origin { color: $accent; }
    }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor moved onto another claim (``None``: the list is empty)."""

        claim_list: ClaimList
        claim_id: int | None

        @property
        def control(self) -> ClaimList:
            return self.claim_list

        def can_replace(self, message: Message) -> bool:
            # Holding j sends a burst: only the last position matters.
            return isinstance(message, ClaimList.Highlighted)

    def __init__(
        self,
        db: Database,
        *,
        status: str = "all",
        search: str = "",
        collapsed: bool = False,
        queue_of: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.db = db
        self.queue_of = queue_of
        """Team review: only the claims assigned to this reviewer, each row (and the status
        filter) showing their own decision instead of the final verdict."""
        self.collapsed = collapsed
        """One row per claim cluster (its first claim, with the cluster's size) instead of per claim."""
        self._sizes: dict[int, int] = {}
        """Cluster size by claim id, for the rows loaded while collapsed."""
        self.status = status
        """The status filter (one of ``corpus.FILTERS``)."""
        self.search = search
        """Text the claims must match (FTS prefix search); empty for no search."""
        self.total = 0
        """How many claims match."""
        self.cursor = 0
        """List index of the current claim."""
        self._rows: dict[int, Claim] = {}
        self._strips: dict[tuple[int, bool], Strip] = {}
        """Painted rows by (list index, under the cursor): a scroll by one row
        repaints every visible line, and building a row from its Text costs
        ~0.3 ms, so 40 rows would not fit in a frame's budget."""
        self._strips_for: tuple | None = None
        """Width and styles the painted rows were made for."""
        self._posted: int | None = -1
        self._pending: dict[int, str | None] = {}
        """Verdicts made on the screen and not yet written, by claim id (shown instead of the stored ones)."""
        self._unsaved: set[int] = set()
        """Claims with any change not yet written: marked with ``*``."""

    # --- reading rows ----------------------------------------------------------

    @property
    def current(self) -> Claim | None:
        return self.row(self.cursor)

    @property
    def current_id(self) -> int | None:
        claim = self.current
        return claim.id if claim else None

    def row(self, index: int) -> Claim | None:
        if not 0 <= index < self.total:
            return None
        claim = self._rows.get(index)
        if claim is None:
            self._load(index)
            claim = self._rows.get(index)
        return claim

    @property
    def claim_filter(self) -> ClaimFilter:
        """The claims listed: the status filter, the search, one row per cluster or not."""
        return ClaimFilter(
            status=self.status, search=self.search, collapsed=self.collapsed, assigned_to=self.queue_of
        )

    def _query(self, **kwargs) -> list[Claim]:
        if self.queue_of is not None:
            rows = teamview.list_own(self.db, self.queue_of, self.claim_filter, **kwargs)
        else:
            rows = corpus.list_claims(self.db, claim_filter=self.claim_filter, **kwargs)
        if self.collapsed:
            self._sizes.update(clusters.cluster_sizes(self.db, [c.id for c in rows]))
        return rows

    def _count(self) -> int:
        if self.queue_of is not None:
            return teamview.count_own(self.db, self.queue_of, self.claim_filter)
        return corpus.count_claims(self.db, claim_filter=self.claim_filter)

    def position(self, claim_id: int) -> int:
        """The list index ``claim_id`` has (or would have): its cluster's row when collapsed."""
        row_id = clusters.head_of(self.db, claim_id) if self.collapsed else claim_id
        if self.queue_of is not None:
            return teamview.own_position(self.db, self.queue_of, row_id, self.claim_filter)
        return corpus.claim_position(self.db, row_id, claim_filter=self.claim_filter)

    def size_of(self, claim_id: int) -> int:
        """The cluster size shown on ``claim_id``'s row (1 when not collapsed)."""
        return self._sizes.get(claim_id, 1) if self.collapsed else 1

    def _load(self, index: int) -> None:
        """Read the page around ``index``, walking from the nearest row already known."""
        if len(self._rows) > CACHE_MAX:
            keep = range(self.cursor - PAGE, self.cursor + PAGE)
            self._rows = {i: c for i, c in self._rows.items() if i in keep}
            self._strips.clear()
        keys = sorted(self._rows)
        at = bisect_left(keys, index)
        below = keys[at - 1] if at > 0 else None
        above = keys[at] if at < len(keys) else None
        # Distance from the start / end of the list count as anchors too.
        options = [(index + 1, "start", None), (self.total - index, "end", None)]
        if below is not None:
            options.append((index - below, "after", below))
        if above is not None:
            options.append((above - index, "before", above))
        _, kind, anchor = min(options, key=lambda o: o[0])
        if kind in ("start", "after"):
            pos = -1 if anchor is None else anchor
            after = None if anchor is None else self._rows[anchor].id
            # Skip far-away rows in large steps, keeping only the target page.
            while index - pos > PAGE:
                rows = self._query(after_id=after, limit=min(STEP, index - pos - PAGE // 2))
                if not rows:
                    return
                pos += len(rows)
                after = rows[-1].id
            rows = self._query(after_id=after, limit=PAGE)
            for offset, claim in enumerate(rows, start=pos + 1):
                self._rows[offset] = claim
        else:
            pos = self.total if anchor is None else anchor
            before = 2**62 if anchor is None else self._rows[anchor].id
            while pos - index > PAGE:
                rows = self._query(before_id=before, limit=min(STEP, pos - index - PAGE // 2))
                if not rows:
                    return
                pos -= len(rows)
                before = rows[0].id
            rows = self._query(before_id=before, limit=PAGE)
            for offset, claim in enumerate(rows, start=pos - len(rows)):
                self._rows[offset] = claim

    # --- changing what is listed -------------------------------------------------

    def reload(
        self,
        claim_id: int | None = None,
        *,
        status: str | None = None,
        search: str | None = None,
        collapsed: bool | None = None,
    ) -> None:
        """Re-read the list (after a filter, search or data change), keeping ``claim_id`` current.

        When ``claim_id`` is no longer in the list the cursor lands on the claim
        that now sits where it was.
        """
        if status is not None:
            self.status = status
        if search is not None:
            self.search = search
        if collapsed is not None:
            self.collapsed = collapsed
        self._rows.clear()
        self._strips.clear()
        self._sizes.clear()
        self.total = self._count()
        self.virtual_size = Size(self.size.width, self.total)
        index = 0 if claim_id is None else self.position(claim_id)
        self._move(min(index, max(self.total - 1, 0)), center=True)
        self.refresh()

    def show_pending(self, statuses: dict[int, str | None], unsaved: set[int]) -> None:
        """Show ``statuses`` over the stored verdicts and mark ``unsaved`` claims until they are written."""
        if statuses == self._pending and unsaved == self._unsaved:
            return
        self._pending = dict(statuses)
        self._unsaved = set(unsaved)
        self._strips.clear()
        self.refresh()

    def select_id(self, claim_id: int) -> bool:
        """Put the cursor on ``claim_id``; False when it is not in the list."""
        index = self.position(claim_id)
        claim = self.row(index)
        if claim is None or claim.id != claim_id:
            return False
        self._move(index, center=True)
        return True

    def _move(self, index: int, *, center: bool = False) -> None:
        old = self.cursor
        self.cursor = max(0, min(index, self.total - 1)) if self.total else 0
        self.refresh_line(old)
        self.refresh_line(self.cursor)
        # Off the edge of the view, the list scrolls half a page (the cursor lands mid-list):
        # the claims ahead are in view, and held j repaints the whole list once per half
        # page instead of on every key (a scroll repaints the screen: ~3x a move's frame).
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        off_view = not top <= self.cursor < top + height
        self.scroll_to_region(
            Region(0, self.cursor, 1, 1),
            animate=False,
            center=center or off_view,
            force=True,
            immediate=True,
        )
        claim_id = self.current_id
        if claim_id != self._posted:
            self._posted = claim_id
            self.post_message(self.Highlighted(self, claim_id))

    def refresh_line(self, index: int) -> None:
        self.refresh(Region(0, index - self.scroll_offset.y, self.size.width, 1))

    # --- actions ---------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._move(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self.total - 1)

    def on_click(self, event) -> None:
        self._move(self.scroll_offset.y + event.y)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)

    # --- painting --------------------------------------------------------------

    def line_styles(self) -> tuple:
        return (
            self.scrollable_content_region.width,
            self.rich_style,
            self.get_component_rich_style("claim-list--cursor"),
            self.get_component_rich_style("claim-list--score"),
            self.get_component_rich_style("claim-list--origin"),
        )

    def render_line(self, y: int) -> Strip:
        key = self.paint_styles()
        width, base, cursor, *_ = key
        index = self.scroll_offset.y + y
        if key != self._strips_for:  # resized, focus moved or the theme changed
            self._strips.clear()
            self._strips_for = key
        at_cursor = index == self.cursor
        strip = self._strips.get((index, at_cursor))
        if strip is None:
            strip = self._render_row(index, width, base + cursor if at_cursor else base)
            self._strips[index, at_cursor] = strip
        return strip

    def _render_row(self, index: int, width: int, base) -> Strip:
        claim = self.row(index)
        if claim is None:
            return Strip.blank(width, base)
        line = Text(style=base, no_wrap=True, overflow="ellipsis", end="")
        status = self._pending.get(claim.id, claim.status)
        line.append_text(txt.status_mark(status))
        score = f"{claim.score:.2f}".lstrip("0") if claim.score < 1 else "1.0"
        *_, score_style, origin_style = self.paint_styles()
        if claim.id in self._unsaved:
            line.append("*", "bold")  # shown, not yet written
            line.append(f"{score:>3} ", score_style)
        else:
            line.append(f" {score:>3} ", score_style)
        if claim.origin == "manual":
            line.append("+ ", origin_style)
        if self.collapsed:
            size = self.size_of(claim.id)
            line.append(f"×{size} " if size > 1 else "   ", origin_style)
        line.append(txt.one_line(claim.text[:500]))
        line.truncate(width, overflow="ellipsis", pad=True)
        segments = list(line.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, base).simplify()

    def render_lines_for_tests(self) -> list[str]:
        """The visible rows as plain text (tests and benchmarks)."""
        return [
            "".join(seg.text for seg in self.render_line(y) if isinstance(seg, Segment))
            for y in range(self.scrollable_content_region.height)
        ]
