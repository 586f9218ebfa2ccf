"""The whole article: a claim's document (or a candidate's), every sentence listed.

Opens at once and reads the document's sentences in a worker thread on its own
connection; the view lands on the sentence it was opened for. Any sentence can
be linked to the claim as supporting or contradicting evidence; escape goes back
to the review exactly where it was. Returns ``(passage_id, relation)`` or None.

A full screen, not a dialog over the review: a dialog's first frame dims and
repaints the whole review screen under it, which costs more than listing the
article.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label

from ...models import Passage
from ...storage import connect, corpus
from .. import text as txt
from ..bindings import shown_key
from ..widgets.sentence_list import Sentence, SentenceList, sentences_of

#: Reads documents off the UI thread. The read starts when the view is made, not when a
#: worker would start (after the view's first frames): it overlaps the view's mounting.
_READER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="article")
#: Seconds the view waits for the sentences before its first paint (then it shows "reading…").
FIRST_PAINT_WAIT = 0.1


def read_sentences(db_path, document_id: int, passage_id: int | None, relations: dict[int, str]):
    """``(sentences, error)``: the document's sentences as listed, or why they could not be read."""
    db = None
    try:
        db = connect(db_path, migrate=False)
        passages = corpus.passages_of(db, document_id)
        return sentences_of(passages, target_id=passage_id, relations=relations), None
    except Exception as exc:  # shown in the view; the review goes on
        return [], str(exc)
    finally:
        if db is not None:
            db.conn.close()


class ArticleView(Screen[tuple[int, str] | None]):
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
        Binding("home", "jump('first')", "First sentence", show=False, id="article.first"),
        Binding("end", "jump('last')", "Last sentence", show=False, id="article.last"),
    ]
    DEFAULT_CSS = """
    ArticleView { align: center top; }
    ArticleView > Vertical {
        width: 100%; max-width: 140; height: 1fr;
        border: round $primary; background: $surface; padding: 0 0 0 1;
    }
    ArticleView #article-note { color: $text-muted; width: 100%; }
    ArticleView SentenceList { height: 1fr; }
    """

    def __init__(
        self, db_path, *, document_id: int, title: str, passage_id: int | None, relations: dict[int, str]
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.document_id = document_id
        self.title = title
        self.passage_id = passage_id
        self.relations = relations
        self._reading: Future = _READER.submit(read_sentences, db_path, document_id, passage_id, relations)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = txt.short(self.title, 100)
            box.border_subtitle = (
                f"{shown_key(self.app.config, 'candidate.link')} links supporting ·"
                f" {shown_key(self.app.config, 'candidate.contradicts')} contradicting ·"
                f" {self._key('article.back')} back"
            )
            yield Label(Text("reading the document…"), id="article-note")
            yield SentenceList(id="article-sentences")

    def _key(self, binding_id: str) -> str:
        """The first key of the binding, as the footer writes it ("esc", not "escape,q")."""
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        first = Binding(binding.key.split(",")[0], binding.action)
        return self.app.get_key_display(first)

    @property
    def sentence_list(self) -> SentenceList:
        return self.query_one(SentenceList)

    async def on_mount(self) -> None:
        # The first paint waits a moment for the sentences: a frame of "reading the document…"
        # and then one of sentences cost twice as much as one frame of sentences.
        reading = asyncio.shield(asyncio.wrap_future(self._reading))
        try:
            self._show(*await asyncio.wait_for(reading, FIRST_PAINT_WAIT))
        except TimeoutError:  # a slow read: show the view now and the sentences when they come
            self.wait_for_sentences()

    @work(exclusive=True, group="article", exit_on_error=False)
    async def wait_for_sentences(self) -> None:
        self._show(*await asyncio.wrap_future(self._reading))

    def _show(self, sentences: list[Sentence], error: str | None) -> None:
        note = self.query_one("#article-note", Label)
        if error:
            note.update(Text(f"Could not read the document: {txt.one_line(error)}"))
            return
        note.update(Text(f"{len(sentences)} sentence(s)"))
        at = next((i for i, s in enumerate(sentences) if s.target), 0)
        self.sentence_list.show(sentences, at=at)

    @property
    def passages(self) -> list[Passage]:
        """The document's sentences, in order (empty until they are read)."""
        return [s.passage for s in self.sentence_list.sentences]

    @property
    def current(self) -> Passage | None:
        sentence = self.sentence_list.current
        return sentence.passage if sentence else None

    @property
    def current_index(self) -> int | None:
        """The highlighted sentence's index in the whole article."""
        return self.sentence_list.cursor if self.sentence_list.sentences else None

    def action_move(self, delta: int) -> None:
        self.sentence_list.move_to(self.sentence_list.cursor + delta)

    def action_jump(self, where: str) -> None:
        self.sentence_list.action_first() if where == "first" else self.sentence_list.action_last()

    def action_link(self, relation: str) -> None:
        passage = self.current
        if passage is None:
            return
        self.dismiss((passage.id, relation))

    def action_back(self) -> None:
        self.dismiss(None)
