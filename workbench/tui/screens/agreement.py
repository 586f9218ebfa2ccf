"""How far the reviewers agree (team review, #13): the figures of ``workbench agreement``.

Opened from the command palette. The figures are computed in a worker on its own
connection (numpy and the ``krippendorff`` package load only then); each says how
many claims it rests on, and one that cannot be computed says why. Escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from ...storage import connect, team
from .. import text as txt
from .dialogs import DIALOG_CSS


@dataclass
class AgreementComputed(Message):
    result: object | None  # an agreement.Agreement (not imported here: it loads numpy)
    error: str | None = None


def _figure(figure) -> str:
    return f"{figure.value:6.3f}" if figure.value is not None else "     -"


def _rests_on(figure) -> str:
    text = f"on {figure.claims} claim{'' if figure.claims == 1 else 's'}"
    return f"{text}  ({figure.undefined})" if figure.undefined else text


def agreement_text(result) -> Text:
    """The figures as lines of text (reviewer names shown literally)."""
    out = Text()
    if not result.decisions:
        out.append("No verdicts yet: nothing to compare.", "dim")
        return out
    out.append(
        f"{result.decisions} verdicts from {len(result.reviewers)} reviewer(s);"
        f" {result.claims} claim(s) decided by two or more\n\n"
    )
    out.append("Over all reviewers\n", "bold")
    out.append(f"  Krippendorff's α (nominal)  {_figure(result.alpha)}  ")
    out.append(_rests_on(result.alpha) + "\n", "dim")
    out.append(f"  Fleiss' κ                   {_figure(result.fleiss)}  ")
    out.append(_rests_on(result.fleiss) + "\n", "dim")
    if result.per_verdict:
        out.append("\nAgreement per verdict\n", "bold")
        for name, figure in result.per_verdict.items():
            out.append(f"  {name:<26}  {_figure(figure)}  ")
            out.append(_rests_on(figure) + "\n", "dim")
    if result.pairs:
        out.append("\nCohen's κ per pair\n", "bold")
    for pair in result.pairs:
        out.append("  " + txt.short(pair.first, 30) + " / " + txt.short(pair.second, 30))
        out.append(f"  {_figure(pair.kappa)}  ")
        observed = "" if pair.observed is None else f", same verdict on {pair.observed:.0%}"
        out.append(_rests_on(pair.kappa) + observed + "\n", "dim")
    return out


class AgreementScreen(ModalScreen[None]):
    """The agreement figures; escape goes back."""

    BINDINGS = [Binding("escape,q", "back", "Back", id="agreement.back")]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="AgreementScreen")
        + """
    AgreementScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 90%; }
    AgreementScreen VerticalScroll { height: auto; max-height: 40; }
    """
    )

    def __init__(self, db_path) -> None:
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Agreement between reviewers"
            box.border_subtitle = "escape back"
            with VerticalScroll():
                yield Static(Text("computing…", "dim"), id="agreement-figures")

    def on_mount(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False, description="agreement")
    def compute(self) -> None:
        from ... import agreement  # numpy: loaded only when the figures are asked for

        db = None
        try:
            db = connect(self.db_path, migrate=False)
            result = agreement.compute(team.decision_rows(db))
        except Exception as exc:  # shown in the view; the review goes on
            self.post_message(AgreementComputed(None, str(exc)))
            return
        finally:
            if db is not None:
                db.conn.close()
        self.post_message(AgreementComputed(result))

    @on(AgreementComputed)
    def _computed(self, event: AgreementComputed) -> None:
        figures = self.query_one("#agreement-figures", Static)
        if event.error is not None or event.result is None:
            figures.update(Text(f"Could not compute the agreement: {txt.one_line(event.error or '')}"))
            return
        figures.update(agreement_text(event.result))

    def action_back(self) -> None:
        self.dismiss(None)
