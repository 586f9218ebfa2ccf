"""The whole article: a claim's document (or a candidate's), one sentence per row.

Opens at once and reads the document's sentences in a worker thread on its own
connection; the view lands on the sentence it was opened for. Any sentence can
be linked to the claim as supporting or contradicting evidence; escape goes back
to the review exactly where it was. Returns ``(passage_id, relation)`` or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...models import Passage
from ...storage import connect, corpus
from .. import text as txt
from ..bindings import shown_key
from .dialogs import DIALOG_CSS

#: Sentences listed at a time (a third of them before the one opened).
WINDOW = 150


@dataclass
class SentencesRead(Message):
    passages: list[Passage]
    error: str | None = None


def sentence_prompt(passage: Passage, *, new_paragraph: bool, relation: str | None, target: bool) -> Text:
    out = Text()
    if new_paragraph:
        out.append("¶ ", "dim")
    out.append(txt.one_line(passage.text), "bold" if target else "")
    if target:
        out.append("  ◀ opened here", "dim italic")
    if relation:
        out.append(f"  [linked: {relation}]", "bold")
    return out


class ArticleView(ModalScreen[tuple[int, str] | None]):
    """Read the document; l links the highlighted sentence, L as contradicting, escape goes back.

    The link keys carry the review screen's binding ids (``candidate.link``,
    ``candidate.contradicts``): a rebinding in the config moves them here too.
    """

    BINDINGS = [
        Binding("l,enter", "link('supports')", "Link supporting", id="candidate.link", priority=True),
        Binding("L", "link('contradicts')", "Link contradicting", id="candidate.contradicts"),
        Binding("j", "move(1)", "Next sentence", show=False, id="article.down"),
        Binding("k", "move(-1)", "Previous sentence", show=False, id="article.up"),
        Binding("escape,q", "back", "Back", id="article.back"),
        Binding("home", "jump('first')", "First sentence", show=False, id="article.first", priority=True),
        Binding("end", "jump('last')", "Last sentence", show=False, id="article.last", priority=True),
    ]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ArticleView")
        + """
    ArticleView > Vertical { width: 96%; max-width: 140; height: 94%; }
    ArticleView OptionList { height: 1fr; border: none; }
    """
    )

    def __init__(
        self, db_path, *, document_id: int, title: str, passage_id: int | None, relations: dict[int, str]
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.document_id = document_id
        self.title = title
        self.passage_id = passage_id
        self.relations = relations
        self.passages: list[Passage] = []
        self._window = (0, 0)
        """The sentences listed now: ``passages[lo:hi]``."""
        self._moving_window = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = txt.one_line(self.title)[:100]
            box.border_subtitle = (
                f"{shown_key(self.app.config, 'candidate.link')} links supporting ·"
                f" {shown_key(self.app.config, 'candidate.contradicts')} contradicting ·"
                f" {self._key('article.back')} back"
            )
            yield Label(Text("reading the document…"), id="article-note")
            yield OptionList(id="article-sentences")

    def _key(self, binding_id: str) -> str:
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        return self.app.get_key_display(binding)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.read_sentences()

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def read_sentences(self) -> None:
        db = None
        try:
            db = connect(self.db_path, migrate=False)
            self.post_message(SentencesRead(corpus.passages_of(db, self.document_id)))
        except Exception as exc:  # shown in the view; the review goes on
            self.post_message(SentencesRead([], str(exc)))
        finally:
            if db is not None:
                db.conn.close()

    @on(SentencesRead)
    def _read(self, event: SentencesRead) -> None:
        note = self.query_one("#article-note", Label)
        if event.error:
            note.update(Text(f"Could not read the document: {txt.one_line(event.error)}"))
            return
        self.passages = event.passages
        note.update(Text(f"{len(self.passages)} sentence(s)", "dim"))
        ids = [p.id for p in self.passages]
        if ids:
            self._show_window(ids.index(self.passage_id) if self.passage_id in ids else 0)

    def _show_window(self, at: int) -> None:
        """List the sentences around sentence ``at`` (an index into ``passages``) and highlight it.

        An option list measures every option it holds, a few milliseconds per hundred, so a
        1,000-sentence article is listed a window at a time; the window moves when the
        highlight reaches its edge.
        """
        lo = max(0, at - WINDOW // 3)
        hi = min(len(self.passages), lo + WINDOW)
        lo = max(0, hi - WINDOW)
        self._window = (lo, hi)
        options = []
        for i in range(lo, hi):
            p = self.passages[i]
            options.append(
                Option(
                    sentence_prompt(
                        p,
                        new_paragraph=i > 0 and p.paragraph != self.passages[i - 1].paragraph,
                        relation=self.relations.get(p.id),
                        target=p.id == self.passage_id,
                    ),
                    id=str(p.id),
                )
            )
        sentences = self.query_one(OptionList)
        self._moving_window = True
        try:
            sentences.clear_options()
            sentences.add_options(options)
            sentences.highlighted = at - lo
        finally:
            self._moving_window = False
        sentences.scroll_to_highlight(top=False)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # At the window's first or last sentence with more beyond: move the window there.
        if self._moving_window or event.option_index is None:
            return
        lo, hi = self._window
        at = lo + event.option_index
        if (at == hi - 1 and hi < len(self.passages)) or (at == lo and lo > 0):
            self._show_window(at)

    @property
    def current(self) -> Passage | None:
        index = self.query_one(OptionList).highlighted
        if index is None:
            return None
        at = self._window[0] + index
        return self.passages[at] if 0 <= at < len(self.passages) else None

    @property
    def current_index(self) -> int | None:
        """The highlighted sentence's index in the whole article."""
        index = self.query_one(OptionList).highlighted
        return None if index is None else self._window[0] + index

    def action_move(self, delta: int) -> None:
        if not self.passages:
            return
        current = self.current_index
        start = current if current is not None else -1
        self._go(max(0, min(start + delta, len(self.passages) - 1)))

    def action_jump(self, where: str) -> None:
        if self.passages:
            self._go(0 if where == "first" else len(self.passages) - 1)

    def _go(self, at: int) -> None:
        lo, hi = self._window
        if lo <= at < hi:
            self.query_one(OptionList).highlighted = at - lo
        else:
            self._show_window(at)

    def action_link(self, relation: str) -> None:
        passage = self.current
        if passage is None:
            return
        self.dismiss((passage.id, relation))

    def action_back(self) -> None:
        self.dismiss(None)
