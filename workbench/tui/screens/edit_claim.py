"""Edit a claim that extraction cut wrongly: its wording or its boundaries in the sentence.

The sentence the claim came from is shown above the text box, so the reviewer can widen or
narrow the claim to a part of it; storage finds the new text in the document and keeps the
original text (history, exports). Returns the new text, or None when cancelled or unchanged.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from .dialogs import DIALOG_CSS


class EditClaimDialog(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit.save"),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="EditClaimDialog") + "EditClaimDialog TextArea { height: 6; }"

    def __init__(self, text: str, sentence: str, original: str | None) -> None:
        super().__init__()
        self.text = text
        self.sentence = sentence
        self.original = original

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Edit the claim"
            box.border_subtitle = "ctrl+s saves · escape cancels"
            if self.sentence:
                yield Label(Text("sentence: " + " ".join(self.sentence.split())[:600]))
            if self.original:
                yield Label(Text("extracted as: " + " ".join(self.original.split())[:300]))
            yield TextArea(self.text, soft_wrap=True, id="claim-text")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = " ".join(self.query_one(TextArea).text.split())
        self.dismiss(text if text and text != " ".join(self.text.split()) else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
