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
        options = []
        previous = None
        for p in self.passages:
            options.append(
                Option(
                    sentence_prompt(
                        p,
                        new_paragraph=previous is not None and p.paragraph != previous,
                        relation=self.relations.get(p.id),
                        target=p.id == self.passage_id,
                    ),
                    id=str(p.id),
                )
            )
            previous = p.paragraph
        sentences = self.query_one(OptionList)
        sentences.clear_options()
        sentences.add_options(options)
        ids = [p.id for p in self.passages]
        if ids:
            sentences.highlighted = ids.index(self.passage_id) if self.passage_id in ids else 0
            sentences.scroll_to_highlight(top=False)

    @property
    def current(self) -> Passage | None:
        index = self.query_one(OptionList).highlighted
        return self.passages[index] if index is not None and 0 <= index < len(self.passages) else None

    def action_move(self, delta: int) -> None:
        sentences = self.query_one(OptionList)
        if self.passages:
            start = sentences.highlighted if sentences.highlighted is not None else -1
            sentences.highlighted = max(0, min(start + delta, len(self.passages) - 1))

    def action_link(self, relation: str) -> None:
        passage = self.current
        if passage is None:
            return
        self.dismiss((passage.id, relation))

    def action_back(self) -> None:
        self.dismiss(None)
