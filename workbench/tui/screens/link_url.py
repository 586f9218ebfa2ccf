"""Link a web page as evidence (#15): `w` asks for a URL, a worker fetches it, the writer
stores it (archived, as `workbench ingest URL` does), and the article view opens on the
new document so the reviewer picks the sentence to link.

``LinkUrlKeys`` is a mixin of ``ReviewScreen`` (which provides ``claims``, ``context``,
``sync``, ``submit`` and ``link_picked``). The fetch runs in a worker thread with no database;
only the store goes through the writer, so a slow server never holds up other changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ...errors import InputError
from .. import text as txt
from ..writer import Change
from .article import ArticleView
from .dialogs import DIALOG_CSS

if TYPE_CHECKING:
    from ...web import fetch


class LinkUrlDialog(ModalScreen[str | None]):
    """Type a URL; returns it, or None when cancelled or empty."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="url.cancel")]
    DEFAULT_CSS = DIALOG_CSS.format(name="LinkUrlDialog")

    def __init__(self, claim_text: str) -> None:
        super().__init__()
        self.claim_text = claim_text

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Link a web page as evidence"
            box.border_subtitle = "enter fetches · escape cancels"
            yield Label(Text("for: " + " ".join(self.claim_text.split())[:300]))
            yield Input(placeholder="https://…", id="url")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class PageFetched(Message):
    """The worker fetched ``url`` for ``claim_id``: the page and its article, or one line of error."""

    claim_id: int
    url: str
    page: object = None
    document: object = None
    error: str | None = None


class LinkUrlKeys:
    @property
    def url_limits(self) -> fetch.Limits:
        """Fetch limits of the `w` key: private addresses refused unless `review --allow-private`."""
        from ...web import fetch  # imported when used: keeps the review screen's start under 1 s

        return fetch.Limits(allow_private=getattr(self.app, "allow_private", False))

    def action_link_url(self) -> None:
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        claim_id = ctx.claim.id

        def fetch_it(url: str | None) -> None:
            if url:
                self.notify(f"Fetching {txt.one_line(url)[:100]}…", timeout=3, markup=False)
                self.fetch_page(claim_id, url)

        self.app.push_screen(LinkUrlDialog(txt.clean(ctx.claim.text)), fetch_it)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def fetch_page(self, claim_id: int, url: str) -> None:
        """Fetch and extract off the UI thread (no database: the writer stores the page)."""
        # Imported when used (in this worker): keeps the review screen's start under 1 s.
        from ... import ingestion
        from ...web import fetch

        try:
            if not ingestion.is_url(url):
                raise InputError(f"{url}: not a web address (http:// or https://)")
            page = fetch.fetch(url, self.url_limits)
            document = ingestion.page_document(page)
        except InputError as exc:  # refused, unreachable, too large, not an article: one line
            self.post_message(PageFetched(claim_id, url, error=str(exc)))
        except Exception as exc:  # an odd library error: this URL only, the review goes on
            self.post_message(PageFetched(claim_id, url, error=f"{url}: fetch failed ({exc})"))
        else:
            self.post_message(PageFetched(claim_id, url, page, document))

    def on_page_fetched(self, event: PageFetched) -> None:
        # By name, not @on: Textual collects @on handlers from its own classes only, not mixins.
        if event.error:
            self.notify(
                txt.one_line(event.error), title="Not linked", severity="error", timeout=10, markup=False
            )
            return
        self.submit(Change("page", event.claim_id, (event.url, event.page, event.document)))

    def page_stored(self, change: Change, document_id: int) -> None:
        """The page is in the database: open it so the reviewer picks the sentence to link."""
        claim_id = change.claim_id
        _, _, document = change.value
        self._progress = None  # the page's own sentences may be claims: the list and counts grow
        self.claims.reload(self.claim_id)
        relations = {}
        if self.context is not None and self.context.claim.id == claim_id:
            relations = {link.passage_id: link.relation for link in self.context.links}
        self.app.push_screen(
            ArticleView(
                self.db_path,
                document_id=document_id,
                title=document.title or document.name,
                passage_id=None,
                relations=relations,
            ),
            lambda picked: self.link_picked(claim_id, relations, picked),
        )
