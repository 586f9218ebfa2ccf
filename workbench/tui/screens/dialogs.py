"""Small modal dialogs: editing a note, adding a claim by hand."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90%; max-width: 100; height: auto; max-height: 90%;
    border: round $primary; background: $surface; padding: 0 1;
}}
{name} Label {{ color: $text-muted; width: 100%; }}
"""


class NoteDialog(ModalScreen[str | None]):
    """Edit the note (rationale) of a claim; returns the new text, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="NoteDialog") + "NoteDialog TextArea { height: 8; }"

    def __init__(self, claim_text: str, note: str) -> None:
        super().__init__()
        self.claim_text = claim_text
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Note"
            box.border_subtitle = "ctrl+s saves · escape cancels"
            yield Label(Text(" ".join(self.claim_text.split())[:300]))
            yield TextArea(self.note, soft_wrap=True, id="note")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AddClaimDialog(ModalScreen[str | None]):
    """Type a claim by hand; returns its text, or None when cancelled or empty."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="add.cancel")]
    DEFAULT_CSS = DIALOG_CSS.format(name="AddClaimDialog")

    def __init__(self, document_title: str) -> None:
        super().__init__()
        self.document_title = document_title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Add a claim"
            box.border_subtitle = "enter adds · escape cancels"
            yield Label(Text("to: " + " ".join(self.document_title.split())[:200]))
            yield Input(placeholder="The claim, as a sentence", id="claim-text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; y or enter answers yes, n or escape no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")

    def __init__(self, title: str, question: Text) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = "y yes · n no"
            yield Label(self.question)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
