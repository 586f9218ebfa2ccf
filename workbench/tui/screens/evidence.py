"""Evidence search over every passage: type, pick one, link it as supporting or contradicting.

The linker ranks ten candidates; a passage it did not rank can still be found
here. Each keystroke starts a search in a worker thread on its own connection
(``exclusive``: a newer keystroke cancels a stale search), so typing never waits
for SQLite. The screen returns ``(passage_id, relation)`` or ``None``.

A full screen, not a dialog over the review: a dialog's first frame dims and
repaints the whole review screen under it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...storage import connect, reviewview
from ...storage.reviewview import PassageHit
from .. import text as txt

#: Passage text shown per hit.
HIT_CHARS = 240

#: Shown above the hits when too many passages match to rank them.
BROAD_NOTE = "many matches: the newest shown, type more"


@dataclass
class HitsFound(Message):
    query: str
    hits: list[PassageHit]
    broad: bool = False
    """Too many matches to rank: the newest are shown."""


def hit_prompt(hit: PassageHit, relation: str | None) -> Text:
    out = Text()
    out.append(f"#{hit.passage_id} ", "dim")
    out.append(txt.short(hit.title or hit.doc, 80), "italic")
    if hit.source:
        out.append(" — " + txt.short(hit.source, 40))
    if relation:
        out.append(f"  [linked: {relation}]", "bold")
    body = txt.one_line(hit.text)
    out.append("\n" + (body[:HIT_CHARS] + "…" if len(body) > HIT_CHARS else body))
    return out


class EvidenceSearch(Screen[tuple[int, str] | None]):
    """Search every passage as you type; enter links the highlighted one as supporting."""

    BINDINGS = [
        Binding("enter", "link('supports')", "Link supporting", id="evidence.link", priority=True),
        Binding("ctrl+r", "link('contradicts')", "Link contradicting", id="evidence.contradicts"),
        Binding("down", "move(1)", "Next", show=False, id="evidence.down", priority=True),
        Binding("up", "move(-1)", "Previous", show=False, id="evidence.up", priority=True),
        Binding("escape", "cancel", "Back", id="evidence.cancel"),
    ]
    DEFAULT_CSS = """
    EvidenceSearch { align: center top; }
    EvidenceSearch > Vertical {
        width: 100%; max-width: 140; height: 1fr;
        border: round $primary; background: $surface; padding: 0 1;
    }
    EvidenceSearch Label { color: $text-muted; width: 100%; }
    EvidenceSearch OptionList { height: 1fr; border: none; }
    EvidenceSearch OptionList > .option-list--option { padding: 0 0 1 0; }
    """

    def __init__(self, db_path, claim_text: str, relations: dict[int, str]) -> None:
        super().__init__()
        self.db_path = db_path
        self.claim_text = claim_text
        self.relations = relations
        self.hits: list[PassageHit] = []
        self.query_text = ""
        """The text the shown hits were found for."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Find evidence in every passage"
            box.border_subtitle = (
                f"{self._key('evidence.link')} links supporting ·"
                f" {self._key('evidence.contradicts')} contradicting ·"
                f" {self._key('evidence.cancel')} back"
            )
            yield Label(Text("claim: " + txt.short(self.claim_text, 300)))
            yield Input(placeholder="words in the passage (as you type)", id="evidence-query")
            note = Label(BROAD_NOTE, id="evidence-broad")
            note.display = False
            yield note
            yield OptionList(id="evidence-hits")

    def _key(self, binding_id: str) -> str:
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        return self.app.get_key_display(binding)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="evidence-search", exit_on_error=False)
    def search(self, query: str) -> None:
        worker = get_current_worker()
        db = connect(self.db_path, migrate=False)
        try:
            found = reviewview.find_passages(db, query)
        finally:
            db.conn.close()
        if not worker.is_cancelled:
            self.post_message(HitsFound(query, found.hits, found.broad))

    @on(HitsFound)
    def _found(self, event: HitsFound) -> None:
        if event.query != self.query_one(Input).value:
            return  # typed on since: a newer search is coming
        self.query_text, self.hits = event.query, event.hits
        self.query_one("#evidence-broad", Label).display = event.broad
        hits = self.query_one(OptionList)
        hits.clear_options()
        hits.add_options(
            Option(hit_prompt(h, self.relations.get(h.passage_id)), id=str(h.passage_id)) for h in event.hits
        )
        if event.hits:
            hits.highlighted = 0

    @property
    def current(self) -> PassageHit | None:
        index = self.query_one(OptionList).highlighted
        return self.hits[index] if index is not None and 0 <= index < len(self.hits) else None

    def action_move(self, delta: int) -> None:
        hits = self.query_one(OptionList)
        if self.hits:
            start = hits.highlighted if hits.highlighted is not None else -1
            hits.highlighted = max(0, min(start + delta, len(self.hits) - 1))

    def action_link(self, relation: str) -> None:
        hit = self.current
        if hit is None:
            self.notify("No passage to link: type words it contains.", timeout=2)
            return
        self.dismiss((hit.passage_id, relation))

    def action_cancel(self) -> None:
        self.dismiss(None)
