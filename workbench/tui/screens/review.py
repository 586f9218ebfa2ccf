"""The review screen: claims list, the current claim in context, candidate evidence.

The screen coordinates its widgets (attributes down, messages up): the list
posts ``ClaimList.Highlighted``, the screen reads the claim's context and
candidates and hands them to the other panels. The screen reads on the UI
thread (WAL: another program's write lock never blocks a read) but never
writes there: each change goes to the ``Writer`` thread, in order, and shows
at once, marked unsaved (``*``) until it is written. While the database is
locked the status line says so and the keys keep working.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from ...models import Candidate, LinkResult
from ...storage import corpus, review, reviewview
from ...storage.reviewview import ClaimContext, ResumeState
from ...storage.teamview import OWN_FILTERS, TeamMode
from .. import candidates_source as source
from .. import text as txt
from .. import unsaved as pending
from ..bindings import bindings_for, shown_key
from ..widgets.candidates import CandidateList
from ..widgets.claim_list import ClaimList
from ..widgets.claim_view import ClaimView, empty_text
from ..writer import Change, Writer
from .article import ArticleView
from .claim_keys import ClaimKeys, describe
from .cluster_keys import ClusterKeys
from .decisions import TeamKeys
from .dialogs import AddClaimDialog, NoteDialog
from .evidence import EvidenceSearch
from .help import HelpScreen
from .link_url import LinkUrlKeys
from .panel_workers import JudgingProgress, PanelWorkers  # noqa: F401 (JudgingProgress: tests post it)
from .saving import SavingScreen
from .search import SearchBox

SAVE_DELAY = 0.3  # resume state is written this long after the last move (holding j writes once)
# Once the cursor rests this long, the panel fits the claim, its extras are read and candidates
# not stored are computed. Longer than the gap between keys tapped in a row (5-10 a second):
# that work between two taps would slow the second one.
COMPUTE_DELAY = 0.2


class ReviewScreen(TeamKeys, PanelWorkers, ClaimKeys, ClusterKeys, LinkUrlKeys, SavingScreen):
    # The list's movement keys live here, not on ClaimList: the screen moves
    # the cursor and shows the claim in one step, so a keypress paints one
    # frame. (Through ClaimList.Highlighted the list would paint first and the
    # claim panel a frame later, 16-33 ms on, at the next tick of Textual's
    # screen update timer.)
    BINDINGS = [
        *bindings_for("screen"),
        *bindings_for("list"),
        Binding("escape", "clear_join_mark", show=False),
    ]

    def __init__(
        self,
        db,
        db_path,
        writer: Writer,
        *,
        reviewer: str,
        advance_on_mark: bool = True,
        resume: ResumeState | None = None,
        judge_stale: bool = True,
        team: TeamMode | None = None,
    ) -> None:
        super().__init__(writer, reviewer=reviewer)
        self.team = team or TeamMode(reviewer)
        """Team review: this reviewer's queue, blind review, adjudication (all off when alone)."""
        self.judge_stale_claims = judge_stale
        self.db = db
        self.db_path = db_path
        self.advance_on_mark = advance_on_mark
        self.resume = resume or ResumeState()
        self.context: ClaimContext | None = None
        """The current claim with its document, paragraph, verdict and links."""
        self.suggestion: LinkResult | None = None
        """Candidates and suggested verdict shown for the current claim."""
        self._save_timer = None
        self._compute_timer = None
        self._extras_timer = None
        self._pending: ResumeState | None = None
        self._progress: str | None = None  # cached summary for the status line
        self.last_marked: int | None = None
        """The claim this session last gave a verdict (what the cluster key applies when the
        claim under the cursor has none: marking moves the cursor on)."""
        self.offer: tuple[int, Candidate] | None = None
        """After marking a claim sourced with nothing linked: (claim, its top supporting candidate)."""
        self._candidates_due: tuple[int, str | None] | None = None
        """(claim id, header message) of candidates a move left to show after its frame."""
        self._candidates_queued = False
        self.judging: tuple[int, int] | None = None
        """(done, total) while the background worker judges stale claims' evidence."""

    # --- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="main"):
            yield ClaimList(
                self.db,
                status=self._first_filter(),
                search=self.resume.search,
                queue_of=self.team.reviewer if self.team.own_rows else None,
                id="claims",
            )
            with Vertical(id="detail"):
                yield ClaimView(id="claim")
                yield Static(id="candidates-header")
                yield CandidateList(id="candidates")
        yield SearchBox(placeholder="search claims (enter: go · escape: close)", id="search")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        claims = self.query_one(ClaimList)
        claim_view = self.query_one(ClaimView)
        config = self.app.config
        claim_view.empty = empty_text(shown_key(config, "list.filter"), shown_key(config, "list.search"))
        claim_view.scroll_hint = (
            f"{shown_key(config, 'claim.scroll_down')}/{shown_key(config, 'claim.scroll_up')}"
        )
        verdict_keys = "/".join(
            shown_key(config, f"claim.{v}") for v in ("sourced", "contested", "unsupported")
        )
        claim_view.ack_hint = f"(a verdict, {verdict_keys}, marks it seen)"
        self.candidate_list.more_hint = f"{shown_key(config, 'candidate.next')} next candidate"
        claims.reload(self.resume.claim_id)
        claims.focus()
        self.update_status()
        if self.resume.collapsed and not self.team.adjudicate:
            self._collapse_wanted = True  # one row per cluster, as when the review stopped
            self._group_first()
        if self.judge_stale_claims:
            self.last_move = time.monotonic()  # judging starts once the first screen is up
            self.judge_stale(self.db_path)

    def on_resize(self) -> None:
        # A narrow column wraps the header's suggestion and key hints onto a third line.
        header = self.query_one("#candidates-header", Static)
        header.styles.height = 3 if self.query_one("#detail").size.width < 90 else 2
        self.query_one(ClaimView).fit()

    @property
    def candidate_list(self) -> CandidateList:
        return self.query_one(CandidateList)

    @property
    def claim_id(self) -> int | None:
        """The claim under the list's cursor: the list is the source of truth.

        A key pressed right after a move can arrive before the list's
        ``Highlighted`` message; actions call ``sync`` so that they always act
        on the claim the cursor is on.
        """
        return self.claims.current_id

    def sync(self) -> None:
        """Bring the panels up to the list's cursor if a ``Highlighted`` message is still queued."""
        current = self.claims.current_id
        shown = self.context.claim.id if self.context else None
        if current != shown:
            self.show_claim(current)
        self.flush_candidates()

    # --- showing a claim ---------------------------------------------------------

    @on(ClaimList.Highlighted)
    def _claim_highlighted(self, event: ClaimList.Highlighted) -> None:
        # Moves made by the screen's own keys are shown already; this catches
        # the others (mouse clicks, reloads after a filter, search or verdict).
        if self.context is None or self.context.claim.id != self.claims.current_id:
            self.sync()
            self.schedule_save()

    def show_claim(
        self, claim_id: int | None, *, keep_candidates: bool = False, moving: bool = False
    ) -> None:
        """Show the claim and its stored candidates (or start computing them).

        ``moving``: the cursor moved onto it; the claim panel keeps its height until the
        cursor rests (see ``ClaimView.show``).
        """
        previous = self.context.claim.id if self.context else None
        ctx = reviewview.claim_context(self.db, claim_id) if claim_id is not None else None
        unsaved = False
        if ctx is not None:
            ctx, unsaved = self.overlay(self.team_context(ctx))
        self.context = ctx
        claim_view = self.query_one(ClaimView)
        claim_view.team = self.team_line(claim_id)
        if keep_candidates and previous == claim_id:
            claim_view.show(self.context, unsaved=unsaved, coverage=self._coverage())
            self.show_candidates()
            return
        self.suggestion = None
        if self._compute_timer is not None:
            self._compute_timer.stop()
            self._compute_timer = None
        if self._extras_timer is not None:
            self._extras_timer.stop()
            self._extras_timer = None
        if claim_id is None:
            claim_view.show(None)
            self.show_candidates()
            return
        self._extras_timer = self.set_timer(COMPUTE_DELAY, lambda: self._cursor_rested(claim_id))
        stored = source.stored(self.db, claim_id)
        self.suggestion = stored
        # Moving, the facts are marked with the candidates, a frame later (finding them costs
        # a third of a move); so is the first claim shown (its first marks load the stemmer).
        coverage = None if moving or previous is None else self._coverage()
        claim_view.show(self.context, unsaved=unsaved, coverage=coverage, fit=not moving)
        self._defer_candidates(None if stored is not None else "finding candidates…")
        if stored is None:
            self._compute_timer = self.set_timer(
                COMPUTE_DELAY, lambda: self.compute_candidates(self.db_path, claim_id)
            )

    def _cursor_rested(self, claim_id: int) -> None:
        """The cursor has rested on ``claim_id``: fit the claim panel to it, read its extras."""
        self.query_one(ClaimView).fit()
        self.read_extras(self.db_path, claim_id)

    def _defer_candidates(self, message: str | None) -> None:
        """Show the candidates right after the frame that shows the claim.

        Building and measuring ten candidates costs more than a frame's budget, so a key
        paints the claim first and the candidates on the next frame; actions flush them
        first (``sync``), so a link never goes to the previous claim's candidate.
        """
        self._candidates_due = (self.context.claim.id, message) if self.context else None
        if not self._candidates_queued:
            self._candidates_queued = True
            self.call_after_refresh(self._show_due_candidates)

    def _show_due_candidates(self) -> None:
        self._candidates_queued = False
        self.flush_candidates()

    def flush_candidates(self) -> None:
        """Show the candidates a move deferred, if they are still for the claim shown."""
        due, self._candidates_due = self._candidates_due, None
        if due is not None and self.context is not None and self.context.claim.id == due[0]:
            self.query_one(ClaimView).set_coverage(self._coverage(), fit=False)
            self.show_candidates(due[1])

    def _coverage(self):
        return self.suggestion.coverage if self.suggestion is not None else None

    def show_candidates(self, message: str | None = None) -> None:
        self._candidates_due = None  # shown now: a deferred show must not repaint older news
        header = Text()
        header.append("Candidates", "bold")
        suggestion = self.suggestion
        cands: tuple[Candidate, ...] = suggestion.candidates if suggestion else ()
        if message:
            header.append(" · " + message, "dim")
        elif self.context is None:
            header.append(" · none", "dim")
        elif suggestion is None or not cands:
            header.append(" · no candidates found", "dim")
        else:
            header.append(f" {len(cands)} · {suggestion.sources} source(s)", "dim")
            if suggestion.suggested:
                header.append(" · suggests ")
                header.append_text(txt.status_mark(suggestion.suggested))
                header.append(" " + txt.one_line(suggestion.suggestion_label), "bold")
                header.append(" (not applied)", "dim")
            header.append("  " + self.candidate_hint(), "dim italic")
        # Fixed height (2 lines): no layout pass needed, which keeps a keypress to one cheap frame.
        self.query_one("#candidates-header", Static).update(header, layout=False)
        relations = {link.passage_id: link.relation for link in self.context.links} if self.context else {}
        self.candidate_list.show(cands, relations, self.context.claim.id if self.context else None)

    def candidate_hint(self) -> str:
        """What the keys do to candidates, named by the keys bound now (a rebinding shows here)."""
        config = self.app.config
        key = lambda binding_id: shown_key(config, binding_id)
        return (
            f"{key('candidate.link')} link · {key('candidate.contradicts')} contradicting"
            f" · tab/{key('candidate.prev')} {key('candidate.next')} pick"
        )

    # --- status line and resume --------------------------------------------------

    def update_status(self, *, progress_changed: bool = False) -> None:
        claims = self.claims
        # Two aggregate queries: only when a verdict or a claim changed, not per cursor move.
        if progress_changed or self._progress is None:
            self._progress = self.team_status(review.progress(self.db).summary())
            self.cluster_progress_changed()
        line = Text(no_wrap=True, overflow="ellipsis")
        saving = self.saving_status()
        if saving is not None:  # first: a narrow terminal cuts the end of the line
            line.append_text(saving)
            line.append("  ·  ")
        if self.judging is not None:
            done, total = self.judging
            line.append(f"judging evidence {done}/{total}", "bold")
            line.append("  ·  ")
        for extra in (self.join_status(), self.cluster_status()):
            if extra is not None:  # before the claim counts: a narrow terminal cuts the end
                line.append_text(extra)
                line.append("  ·  ")
        line.append(self._progress, "bold")
        line.append(f"  ·  {claims.status} ({shown_key(self.app.config, 'list.filter')})", "italic")
        if claims.search:
            line.append("  ·  /")
            line.append(txt.short(claims.search, 40))
        line.append(f"  ·  {claims.cursor + 1 if claims.total else 0}/{claims.total}", "dim")
        self.query_one("#status", Static).update(line, layout=False)

    def schedule_save(self) -> None:
        """Note where the review is; written to the database once the cursor rests."""
        self.update_status()
        claims = self.claims
        self._pending = ResumeState(
            claim_id=claims.current_id, filter=claims.status, search=claims.search, collapsed=claims.collapsed
        )
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_state)

    def save_state(self) -> None:
        state = self._pending
        if state is not None and state != self.resume:
            self.writer.submit(Change("resume", value=state))
            self.resume = state

    # --- moving --------------------------------------------------------------------

    def _list_moved(self) -> None:
        """Show the claim the list's cursor moved to, in the same step as the move (its
        candidates follow on the next frame)."""
        self.last_move = time.monotonic()
        current = self.claims.current_id
        if current != (self.context.claim.id if self.context else None):
            self.show_claim(current, moving=True)
        self.schedule_save()

    def action_cursor_down(self) -> None:
        self.claims.action_cursor_down()
        self._list_moved()

    def action_cursor_up(self) -> None:
        self.claims.action_cursor_up()
        self._list_moved()

    def action_page_down(self) -> None:
        self.claims.action_page_down()
        self._list_moved()

    def action_page_up(self) -> None:
        self.claims.action_page_up()
        self._list_moved()

    def action_first(self) -> None:
        self.claims.action_first()
        self._list_moved()

    def action_last(self) -> None:
        self.claims.action_last()
        self._list_moved()

    def action_next_unreviewed(self) -> None:
        self._unreviewed(backwards=False)

    def action_prev_unreviewed(self) -> None:
        self._unreviewed(backwards=True)

    def _unreviewed(self, *, backwards: bool) -> None:
        self.sync()
        claims = self.claims
        target = self.next_to_review(self.claim_id, backwards=backwards)
        if target is None:
            self.notify("No other unreviewed claim in this list.", timeout=3)
            return
        if self.claim_id is not None and (target < self.claim_id) != backwards:
            self.notify("Wrapped around the list.", timeout=2)
        claims.select_id(target) or claims.reload(target)
        self._list_moved()

    def action_scroll_claim(self, delta: int) -> None:
        self.query_one(ClaimView).scroll_lines(delta)

    def action_candidate(self, delta: int) -> None:
        self.sync()
        self.candidate_list.move(delta)

    # --- changing things ---------------------------------------------------------

    def action_verdict(self, status: str) -> None:
        self.sync()
        claim_id = self.claim_id
        if claim_id is None or self.context is None:
            return
        new = status or None
        if self.team.adjudicate:
            if not self.adjudicate(claim_id, new):
                return
        elif self.context.verdict.status != new:
            self.submit(Change("status", claim_id, new))
        if new and self.query_one(ClaimView).changes:  # the reviewer has seen what changed
            self.submit(Change("changes_seen", claim_id))
        self.last_marked = claim_id if new else None
        if new == "sourced":
            self._offer_top_support(claim_id)
        claims = self.claims
        if status and self.advance_on_mark:
            target = self.next_to_review(claim_id)
            if target is None:
                self.notify("Every claim in this list is reviewed.", timeout=4)
            elif not claims.select_id(target):
                claims.reload(target)
            self.sync()
        self.schedule_save()

    def _offer_top_support(self, claim_id: int) -> None:
        """Sourced with no supporting link: say so, and offer to link the top supporting candidate."""
        if self.context is None or any(link.relation == "supports" for link in self.context.links):
            return
        cands = self.suggestion.candidates if self.suggestion else ()
        top = next((c for c in cands if c.stance == "supports"), None)
        self.offer = (claim_id, top) if top is not None else None
        if top is None:
            self.notify(
                f"Claim #{claim_id} is marked sourced with no evidence linked, and no candidate"
                f" supports it: link a passage with {shown_key(self.app.config, 'candidate.link')}.",
                title="Nothing linked",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        self.notify(
            f"Claim #{claim_id} is marked sourced with no evidence linked. Press"
            f" {shown_key(self.app.config, 'claim.link_top')} to link its top supporting candidate,"
            f" passage #{top.passage_id} ({txt.short(top.title or top.doc, 60)}).",
            title="Nothing linked",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def action_link_top(self) -> None:
        """Link the candidate offered when a claim was marked sourced with nothing linked."""
        if self.offer is None:
            self.notify(
                "No supporting candidate is on offer: it is offered when a claim is marked"
                " sourced with nothing linked.",
                timeout=3,
                markup=False,
            )
            return
        claim_id, cand = self.offer
        self.offer = None
        self.submit(Change("link", claim_id, "supports", passage_id=cand.passage_id))
        self.notify(f"Passage #{cand.passage_id} linked (supports) to claim #{claim_id}.", timeout=3)

    def action_link(self, relation: str) -> None:
        self.sync()
        cand = self.candidate_list.current
        if self.claim_id is None or cand is None or self.context is None:
            self.notify("No candidate to link.", timeout=2)
            return
        current = next(
            (link.relation for link in self.context.links if link.passage_id == cand.passage_id), None
        )
        new = None if current == relation else relation
        self.submit(Change("link", self.claim_id, new, passage_id=cand.passage_id))
        done = "unlinked" if new is None else f"linked ({new})"
        self.notify(f"Passage #{cand.passage_id} {done}.", timeout=2)

    def action_find_evidence(self) -> None:
        """Search every passage; the one picked is linked to the claim shown now."""
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        claim_id = ctx.claim.id
        relations = {link.passage_id: link.relation for link in ctx.links}
        self.app.push_screen(
            EvidenceSearch(self.db_path, txt.clean(ctx.claim.text), relations),
            lambda picked: self.link_picked(claim_id, relations, picked),
        )

    def link_picked(self, claim_id: int, relations: dict[int, str], picked: tuple[int, str] | None) -> None:
        """Link the passage picked in the evidence search or an article to ``claim_id``."""
        if picked is None:
            return
        passage_id, relation = picked
        if relations.get(passage_id) != relation:
            self.submit(Change("link", claim_id, relation, passage_id=passage_id))
        self.notify(f"Passage #{passage_id} linked ({relation}) to claim #{claim_id}.", timeout=3)

    def action_open_article(self, which: str) -> None:
        """The claim's document (or the highlighted candidate's) at its sentence; escape comes back."""
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        if which == "candidate":
            cand = self.candidate_list.current
            if cand is None:
                self.notify("No candidate to open.", timeout=2)
                return
            document_id, passage_id, title = cand.document_id, cand.passage_id, cand.title or cand.doc
        else:
            doc = ctx.document
            document_id, passage_id = ctx.claim.document_id, ctx.claim.passage_id
            title = (doc.title or doc.name) if doc else ctx.claim.doc_name
        claim_id = ctx.claim.id
        relations = {link.passage_id: link.relation for link in ctx.links}
        self.app.push_screen(
            ArticleView(
                self.db_path, document_id=document_id, title=title, passage_id=passage_id, relations=relations
            ),
            lambda picked: self.link_picked(claim_id, relations, picked),
        )

    def action_edit_note(self) -> None:
        self.sync()
        ctx = self.context
        if ctx is None:
            return
        claim_id = ctx.claim.id

        def save(note: str | None) -> None:
            if note is None or note == ctx.verdict.note:
                return
            self.submit(Change("note", claim_id, note))

        self.app.push_screen(NoteDialog(txt.clean(ctx.claim.text), ctx.verdict.note), save)

    def action_add_claim(self) -> None:
        self.sync()
        document_id = self.context.claim.document_id if self.context else None
        if document_id is None:
            docs = corpus.documents(self.db)
            if not docs:
                self.notify("No documents: ingest some first.", severity="warning")
                return
            document_id = docs[0].id
        doc = corpus.get_document(self.db, document_id)
        title = (doc.title or doc.name) if doc else ""

        def add(text: str | None) -> None:
            if text:
                self.submit(Change("claim", value=text, document_id=document_id))

        self.app.push_screen(AddClaimDialog(txt.clean(title)), add)

    def _claim_added(self, change: Change, new_id: int) -> None:
        claims = self.claims
        if self.claim_id != change.at_claim:  # the reviewer moved on meanwhile: stay there
            claims.reload(self.claim_id)
        elif not reviewview.in_list(self.db, new_id, status=claims.status, search=claims.search or None):
            claims.reload(new_id, status="all", search="")
        else:
            claims.reload(new_id)
        self.update_status(progress_changed=True)
        self.notify(f"Added claim #{new_id}.", timeout=2)

    def action_undo(self) -> None:
        target = pending.undo_target(self.unsaved)
        self.submit(Change("undo"))
        if target is not None and target.claim_id is not None:  # cancels a queued change: show it now
            self.claims.select_id(target.claim_id) or self.claims.reload(target.claim_id)
            self.sync()
            self.schedule_save()

    def written(self, change: Change, result) -> None:
        """``change`` is in the database: bring the list and the progress up to date."""
        if change.kind == "status":
            self._progress = None
            self.claims.reload(self.claim_id)  # its list (a filter) or mark may change
        elif change.kind == "claim":
            self._claim_added(change, result)
        elif change.kind == "cluster":
            self._progress = None
            self.claims.reload(self.claim_id)
            self.show_claim(self.claim_id, keep_candidates=True)
            changed = len({e.claim_id for e in result.entries})
            self.notify(f"Cluster of claim #{change.claim_id}: {changed} claim(s) changed.", timeout=3)
        elif change.kind == "undo":
            self._progress = None
            self._undone(change, result)
        elif change.kind in ("group", "take_out", "join"):
            self.clusters_written(change, result)
        elif change.kind in ("dismiss", "restore", "edit", "redo"):
            self.claim_written(change, result)
        elif change.kind == "page":
            self.page_stored(change, result)
        elif change.kind == "adjudicate":
            self._progress = None
            self.team_written(change, result)
        elif change.kind == "changes_seen":
            self._progress = None
            self.claims.reload(self.claim_id)  # it may leave the flagged list

    def _undone(self, change: Change, entry) -> None:
        if entry is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        from ... import clustering  # loaded by the writer already, which made the entry

        if isinstance(entry, clustering.GroupAction):
            self.notify(f"Undone: the cluster verdict on {len(entry.claim_ids)} claims.", timeout=2)
            self.claims.reload(self.claim_id)
            self.show_claim(self.claims.current_id, keep_candidates=True)
            return
        self.notify(f"Undone: {describe(entry)}.", timeout=2, markup=False)
        claims = self.claims
        # Show the claim the undo touched, unless the reviewer has moved on since pressing it.
        claims.reload(entry.claim_id if self.claim_id == change.at_claim else self.claim_id)
        self.show_claim(claims.current_id, keep_candidates=True)
        self.schedule_save()  # undo may move to another claim: resume there

    # --- filter ---------------------------------------------------------

    def list_filters(self) -> tuple[str, ...]:
        """The lists f cycles through, in order (dismissed claims last; disagreed ones for a team).

        In a reviewer's queue the filters read their own decisions: no "disagreed" there."""
        if self.team.own_rows:
            return OWN_FILTERS
        return corpus.review_filters(self.db)

    def _first_filter(self) -> str:
        """The list the screen opens on: an adjudicator's starts on the disagreed claims."""
        if self.team.adjudicate:
            return "disagreed"
        status = self.resume.filter
        return status if status in self.list_filters() else "all"

    def action_cycle_filter(self) -> None:
        claims = self.claims
        filters = self.list_filters()
        at = filters.index(claims.status) if claims.status in filters else -1
        status = filters[(at + 1) % len(filters)]
        claims.reload(self.claim_id, status=status)
        self.sync()
        self.notify(f"Showing {status} claims ({claims.total}).", timeout=2)
        self.schedule_save()

    # --- the rest ------------------------------------------------------------------

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.app.config))

    def action_quit(self) -> None:
        self.app.action_quit()  # saves the position; waits for (or warns about) unsaved changes

    def on_unmount(self) -> None:
        self.save_state()
