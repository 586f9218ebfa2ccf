"""Each reviewer's verdict, note and links on one claim, side by side (team review, #13).

Opens at once and reads the decisions in a worker on its own connection. In blind
review a reviewer who has not decided the claim sees only their own column (and how
many are hidden). An adjudicator's verdict keys (the review screen's, rebindings
included) close the view with that verdict, which the review screen records as the
final one; escape goes back. Returns the verdict ('' withdraws an adjudication) or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from ...keymap import SPEC_BY_ID
from ...models import VERDICTS
from ...storage import connect, teamview
from ...storage.teamview import Side, TeamClaim, TeamMode
from .. import text as txt
from .dialogs import DIALOG_CSS

#: What each basis of a final verdict means, for the line above the columns.
BASIS_TEXT = {
    "single": "one reviewer's verdict",
    "agreed": "every assigned reviewer agreed",
    "adjudicated": "adjudicated",
    "pending": "waiting for the assigned reviewers",
    "disagreed": "the reviewers disagree: waiting for an adjudicator",
}

#: The review screen's verdict keys, active here only for an adjudicator.
VERDICT_IDS = (*(f"claim.{v}" for v in VERDICTS), "claim.clear")


def _verdict_binding(binding_id: str) -> Binding:
    spec = SPEC_BY_ID[binding_id]
    description = "Withdraw" if binding_id == "claim.clear" else spec.description
    return Binding(spec.keys, spec.action, description, id=spec.id, key_display=spec.key_display)


@dataclass
class TeamClaimRead(Message):
    claim: TeamClaim | None
    error: str | None = None


def final_text(claim: TeamClaim) -> Text:
    """The line above the columns: the final verdict and what it rests on."""
    out = Text()
    final = claim.final
    if claim.hidden:
        out.append(
            f"{claim.hidden} other reviewer(s)' decisions and the final verdict stay hidden"
            " until you give this claim a verdict (blind review).",
            "italic",
        )
        return out
    out.append("Final: ", "bold")
    if final is None:
        out.append("none yet", "dim")
        return out
    if final.status is None:
        out.append("none yet", "bold")
    else:
        out.append_text(txt.status_mark(final.status))
        out.append(" " + final.status, "bold")
    out.append(" · " + BASIS_TEXT.get(final.basis, txt.one_line(final.basis)), "dim")
    if final.basis == "adjudicated" and final.reviewer:
        out.append(" by " + txt.one_line(final.reviewer)[:40], "dim")
    return out


def side_text(side: Side) -> Text:
    """One reviewer's column: verdict, when, note, links (all stored text shown literally)."""
    out = Text()
    out.append_text(txt.status_mark(side.status))
    out.append(" " + (side.status or "not decided"), "bold")
    if side.updated_at and side.status:
        out.append("\n" + txt.one_line(side.updated_at)[:16].replace("T", " "), "dim")
    if not side.assigned:
        out.append("\n(not assigned this claim)", "dim italic")
    if side.note:
        out.append("\nnote: ", "bold")
        out.append(txt.clean(side.note[:2000], keep_newlines=True))
    out.append("\n")
    if not side.links:
        out.append("\nno links", "dim")
    for link in side.links:
        out.append(f"\n{link.relation} #{link.passage_id}", "bold")
        out.append(" " + txt.one_line(link.doc)[:60], "dim")
        out.append("\n  " + _cut(txt.one_line(link.text), 200))
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def side_title(side: Side, *, me: str) -> str:
    name = txt.one_line(side.reviewer or "(unnamed)")[:30]
    return f"{name} (you)" if side.reviewer == me else name


class DecisionsScreen(ModalScreen[str | None]):
    """One column per reviewer; escape (or v again) goes back."""

    BINDINGS = [
        Binding("escape,v,q", "back", "Back", id="decisions.back"),
        *(_verdict_binding(i) for i in VERDICT_IDS),
    ]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="DecisionsScreen")
        + """
    DecisionsScreen > Vertical { width: 98%; max-width: 160; height: 96%; max-height: 96%; }
    DecisionsScreen #decisions-claim { height: auto; max-height: 4; color: $text; }
    DecisionsScreen #decisions-final { height: auto; margin: 1 0 0 0; }
    DecisionsScreen #decisions-sides { height: 1fr; overflow-x: auto; }
    DecisionsScreen .decisions-side {
        width: 1fr; min-width: 28; height: 1fr;
        border: round $panel-lighten-2; padding: 0 1;
    }
    DecisionsScreen .decisions-side.-me { border: round $accent; }
    DecisionsScreen Footer { dock: none; }
    """
    )

    def __init__(self, db_path, claim_id: int, mode: TeamMode) -> None:
        super().__init__()
        self.db_path = db_path
        self.claim_id = claim_id
        self.mode = mode
        self.claim: TeamClaim | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Claim #{self.claim_id} · each reviewer's decision"
            if self.mode.adjudicate:
                box.border_subtitle = "a verdict key makes it final · escape back"
            else:
                box.border_subtitle = "escape back"
            yield Label(Text("reading the decisions…", "dim"), id="decisions-claim")
            yield Label(id="decisions-final")
            yield Horizontal(id="decisions-sides")
            yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.read_decisions()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "verdict":
            return self.mode.adjudicate
        return True

    @work(thread=True, exclusive=True, group="decisions", exit_on_error=False)
    def read_decisions(self) -> None:
        db = None
        try:
            db = connect(self.db_path, migrate=False)
            self.post_message(TeamClaimRead(teamview.team_claim(db, self.claim_id, self.mode)))
        except Exception as exc:  # shown in the view; the review goes on
            self.post_message(TeamClaimRead(None, str(exc)))
        finally:
            if db is not None:
                db.conn.close()

    @on(TeamClaimRead)
    async def _read(self, event: TeamClaimRead) -> None:
        head = self.query_one("#decisions-claim", Label)
        if event.error or event.claim is None:
            head.update(Text(f"Could not read the decisions: {txt.one_line(event.error or 'no such claim')}"))
            return
        self.claim = claim = event.claim
        head.update(txt.literal(txt.one_line(claim.text)[:400]))
        self.query_one("#decisions-final", Label).update(final_text(claim))
        sides = self.query_one("#decisions-sides", Horizontal)
        await sides.remove_children()
        columns = []
        me = self.mode.reviewer
        for side in claim.sides:
            column = VerticalScroll(
                Static(side_text(side)),
                classes="decisions-side -me" if side.reviewer == me else "decisions-side",
            )
            column.border_title = side_title(side, me=me)
            columns.append(column)
        if not columns:
            columns.append(VerticalScroll(Static(Text("No reviewer has decided this claim yet.", "dim"))))
        await sides.mount_all(columns)

    def action_verdict(self, status: str) -> None:
        if self.mode.adjudicate:
            self.dismiss(status)

    def action_back(self) -> None:
        self.dismiss(None)
