"""Each reviewer's verdict, note and links on one claim, side by side (team review, #13).

Opens at once and reads the decisions in a worker on its own connection. In blind
review a reviewer who has not decided the claim sees only their own column (and how
many are hidden). An adjudicator's verdict keys (the review screen's, rebindings
included) close the view with that verdict, which the review screen records as the
final one; escape goes back. Returns the verdict ('' withdraws an adjudication) or None.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
from ...storage import connect, reviewview, teamview
from ...storage.teamview import Side, TeamClaim, TeamMode
from .. import text as txt
from ..bindings import shown_key
from ..writer import Change
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
        out.append(" by " + txt.short(final.reviewer, 40), "dim")
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
        out.append(" " + _cut(txt.one_line(link.doc), 80), "dim")
        out.append("\n  " + _cut(txt.one_line(link.text), 200))
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def side_title(side: Side, *, me: str) -> str:
    name = txt.short(side.reviewer or "(unnamed)", 30)
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
        head.update(txt.literal(txt.short(claim.text, 400)))
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


class TeamKeys:
    """The review screen's team review: a mixin of ``ReviewScreen`` (which provides ``db``,
    ``db_path``, ``claims``, ``context``, ``sync``, ``submit``, ``unsaved``, ``show_claim``
    and ``schedule_save``; ``team`` is the session's ``TeamMode``).

    v opens the decisions side by side; in an adjudicator's session a verdict is an
    adjudication (the writer's ``adjudicate`` change); in a reviewer's queue n/p and the
    move after a verdict follow what this reviewer has not decided yet.
    """

    team: TeamMode

    def action_decisions(self) -> None:
        """Each reviewer's verdict, note and links side by side; an adjudicator decides there too."""
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        claim_id = ctx.claim.id

        def decided(status: str | None) -> None:
            if status is not None and self.claim_id == claim_id:
                self.action_verdict(status)

        self.app.push_screen(DecisionsScreen(self.db_path, claim_id, self.team), decided)

    def team_context(self, ctx):
        """``ctx`` as this session shows it: a queue reviewer sees their own decision (and, blind
        and undecided, only their own links); an adjudicator sees the final verdict with the
        adjudications still queued laid over it."""
        mode = self.team
        claim_id = ctx.claim.id
        if mode.adjudicate:
            queued = [c for c in self.unsaved if c.kind == "adjudicate" and c.claim_id == claim_id]
            if queued and queued[-1].value is not None:
                ctx = replace(
                    ctx, verdict=replace(ctx.verdict, status=queued[-1].value, reviewer=mode.reviewer)
                )
            return ctx
        if not (mode.own_rows or mode.hides):
            return ctx
        own = teamview.own_verdict(self.db, claim_id, mode.reviewer)
        if own is None:
            return ctx  # not a team claim: its verdict is the final one, as alone
        ctx = replace(ctx, verdict=own)
        if mode.hides and own.status is None:
            ctx = replace(ctx, links=tuple(link for link in ctx.links if link.reviewer == mode.reviewer))
        return ctx

    def team_line(self, claim_id: int | None) -> Text | None:
        """The claim panel's line about the other reviewers (None: nothing to say)."""
        mode = self.team
        if claim_id is None or not mode.active:
            return None
        claim = teamview.team_claim(self.db, claim_id, mode, with_links=False)
        if claim is None:
            return None
        others = [s for s in claim.sides if s.reviewer != mode.reviewer]
        if not others and not claim.hidden:
            return None
        out = Text()
        out.append("team: ", "bold")
        if claim.hidden:
            out.append(f"{claim.hidden} other reviewer(s), hidden until you decide (blind review)", "italic")
        else:
            for side in others:
                out.append(txt.short(side.reviewer or "(unnamed)", 20) + " ")
                out.append_text(txt.status_mark(side.status))
                out.append(" " + (side.status or "not decided") + " · ")
            out.append_text(final_text(claim))
        out.append(f"  ({shown_key(self.app.config, 'claim.decisions')}: side by side)", "dim")
        return out

    def next_to_review(self, claim_id: int | None, *, backwards: bool = False) -> int | None:
        """The next claim to decide in the list: in a queue, one this reviewer has not decided."""
        claims = self.claims
        skip = self.pending_reviewed()
        if self.team.own_rows:
            return teamview.next_undecided(
                self.db,
                self.team.reviewer,
                claim_id,
                claim_filter=claims.claim_filter,
                backwards=backwards,
                skip=skip,
            )
        return reviewview.next_unreviewed(
            self.db,
            claim_id,
            status=claims.status,
            search=claims.search or None,
            backwards=backwards,
            skip=skip,
        )

    def pending_reviewed(self) -> set[int]:
        """Claims that will have a verdict once the queued changes (adjudications too) are written."""
        queued = {c.claim_id for c in self.unsaved if c.kind == "adjudicate" and c.value and c.claim_id}
        return super().pending_reviewed() | queued

    def adjudicate(self, claim_id: int, status: str | None) -> bool:
        """Queue the adjudicator's verdict (None withdraws an adjudication); False when there is
        nothing to do."""
        final = teamview.final(self.db, claim_id)
        adjudicated = final is not None and final.basis == "adjudicated"
        if status is None and not adjudicated:
            self.notify(
                f"Claim #{claim_id} is not adjudicated: nothing to withdraw.", timeout=3, markup=False
            )
            return False
        if status is not None and adjudicated and final.status == status:
            return True
        self.submit(Change("adjudicate", claim_id, status))
        return True

    def team_written(self, change: Change, result) -> None:
        """An adjudication is in the database: the claim leaves the disagreed list."""
        self.claims.reload(self.claim_id)
        self.show_claim(self.claims.current_id, keep_candidates=True)
        verdict = result.status or "none yet"
        self.notify(
            f"Claim #{change.claim_id}: final verdict {verdict} ({result.basis}).", timeout=3, markup=False
        )

    def team_status(self, summary: str) -> str:
        """The status line's progress: in a queue, this reviewer's own; adjudicating, what waits."""
        mode = self.team
        if mode.own_rows:
            mine = teamview.progress(self.db, mode.reviewer)
            blind = " · blind" if mode.hides else ""
            return f"you: {mine.decided}/{mine.assigned} decided{blind}"
        if mode.adjudicate:
            return f"adjudicating: {teamview.disagreed_count(self.db)} disagreed  ·  {summary}"
        return summary
