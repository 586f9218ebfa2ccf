"""The review screen's background reads: candidates for the claim shown, what the claim
panel adds about it (seen before, changed evidence), and judging stale claims' evidence.

A mixin of ``ReviewScreen`` (which provides ``db``, ``context``, ``suggestion``,
``show_candidates``, ``update_status`` and ``_coverage``). Each worker opens a connection
of its own and hands its result back as a message; the handlers are found by name
(``on_candidates_ready``…), as Textual collects ``@on`` handlers only from its own classes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from ...models import LinkResult
from ...storage import connect, corpus, review
from .. import candidates_source as source
from .. import text as txt
from ..widgets.claim_view import ClaimView

if TYPE_CHECKING:
    from ...clustering import SeenBefore

REVIEWER_BUSY = 0.6  # judging waits until the reviewer's keys have rested this long (seconds)
JUDGE_CHUNK = 20  # stale claims judged per store in the background: progress moves
JUDGE_POLL = 0.05  # seconds the relaying thread waits for a report before it looks at cancel and keys


@dataclass
class CandidatesReady(Message):
    """A worker finished computing candidates for ``claim_id``."""

    claim_id: int
    result: LinkResult | None
    error: str | None = None


@dataclass
class ClaimExtras(Message):
    """A worker read what the claim panel adds about ``claim_id``: an earlier decision on the
    same claim (seen before) and evidence that changed in a newer version of its page."""

    claim_id: int
    seen: SeenBefore | None
    changes: tuple[corpus.Change, ...]


@dataclass
class JudgingProgress(Message):
    """The background worker stored judged suggestions for ``done`` of ``total`` stale claims."""

    done: int
    total: int
    finished: bool = False
    error: str | None = None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JudgingProgress) and not message.finished


class PanelWorkers:
    last_move = 0.0
    """time.monotonic() of the reviewer's last cursor move (the screen sets it)."""

    def _last_input(self) -> float:
        """The reviewer's last move or key, in any screen (an article open, a search typed)."""
        try:
            last_key = self.app.last_key
        except Exception:  # no app (a test's bare mixin)
            last_key = 0.0
        return max(self.last_move, last_key)

    def _judging_waits(self, worker) -> bool:
        """Hold the start of judging until the reviewer's keys rest (the first screens must not
        share the machine with a starting judge); True once the worker is cancelled."""
        while not worker.is_cancelled and time.monotonic() - self._last_input() < REVIEWER_BUSY:
            time.sleep(0.05)
        return worker.is_cancelled

    @work(thread=True, exclusive=True, group="candidates", exit_on_error=False)
    def compute_candidates(self, db_path, claim_id: int) -> None:
        """Run the linker off the UI thread, on a connection of this thread's own."""
        worker = get_current_worker()
        db = None
        try:
            db = connect(db_path, migrate=False)
            result = source.compute(db, claim_id)
        except Exception as exc:  # shown in the header; the review goes on without candidates
            self.post_message(CandidatesReady(claim_id, None, f"linker failed: {exc}"))
            return
        finally:
            if db is not None:
                db.conn.close()
        if not worker.is_cancelled:
            self.post_message(CandidatesReady(claim_id, result))

    @work(thread=True, exclusive=True, group="extras", exit_on_error=False)
    def read_extras(self, db_path, claim_id: int) -> None:
        """Seen before (an FTS search and pair checks) and changed evidence, off the UI thread."""
        worker = get_current_worker()
        db = None
        try:
            db = connect(db_path, migrate=False)
            changes = tuple(corpus.changes(db, claim_id=claim_id))
            decided = review.get_verdict(db, claim_id).status is not None
            # Blind review: an earlier decision on the same claim may be another reviewer's.
            seen = None
            if not decided and not self.team.hides:
                from ... import clustering  # imported in the worker: not on the way to the first claim

                seen = clustering.seen_before(db, claim_id)
        except Exception:  # a busy or odd database: the panel goes without these lines
            return
        finally:
            if db is not None:
                db.conn.close()
        if not worker.is_cancelled:
            self.post_message(ClaimExtras(claim_id, seen, changes))

    def on_claim_extras(self, event: ClaimExtras) -> None:
        self.query_one(ClaimView).set_extras(event.claim_id, event.seen, event.changes)

    def on_candidates_ready(self, event: CandidatesReady) -> None:
        if self.context is None or event.claim_id != self.context.claim.id:
            return  # the reviewer has moved on: never show another claim's candidates
        self.suggestion = event.result
        self.query_one(ClaimView).set_coverage(self._coverage())
        self.show_candidates(event.error)

    # --- judging stale evidence in the background ---------------------------------

    @work(thread=True, exclusive=True, group="judging", exit_on_error=False, description="judge evidence")
    def judge_stale(self, db_path) -> None:
        """Judge the evidence of every claim whose stored suggestions are missing or stale.

        The judging runs in a child process (``workbench.judging_process``): it never holds
        this process's interpreter lock, so keys and frames do not wait on it. This thread
        starts it once the reviewer rests, relays its progress, holds it while the reviewer
        moves, and terminates it when the worker is cancelled (the screen closes, the app
        quits); what is stored stays stored.
        """
        worker = get_current_worker()
        if self._judging_waits(worker):
            return
        from ...judging_process import Judge  # no linker here: the child imports it

        try:
            judge = Judge(db_path, JUDGE_CHUNK)
        except Exception as exc:  # no process could be started: the review goes on without it
            self.post_message(JudgingProgress(0, 0, finished=True, error=str(exc)))
            return
        try:
            self._relay_judging(worker, judge)
        finally:
            judge.stop()

    def _relay_judging(self, worker, judge) -> None:
        """Post the child's reports as ``JudgingProgress`` until it finishes or the worker is cancelled."""
        started = False
        while not worker.is_cancelled:
            judge.pause(time.monotonic() - self._last_input() < REVIEWER_BUSY)
            report = judge.receive(timeout=JUDGE_POLL)
            if report is None or worker.is_cancelled:
                continue
            kind = report[0]
            if kind == "progress":
                started = True
                self.post_message(JudgingProgress(report[1], report[2]))
            elif kind == "error":
                self.post_message(JudgingProgress(0, 0, finished=True, error=report[1]))
                return
            else:  # finished
                if started:
                    self.post_message(JudgingProgress(0, 0, finished=True))
                return

    def on_judging_progress(self, event: JudgingProgress) -> None:
        self.judging = None if event.finished else (event.done, event.total)
        self.update_status()
        if event.error:
            self.notify(
                f"Judging evidence stopped: {txt.one_line(event.error)}",
                severity="warning",
                timeout=8,
                markup=False,
            )
        if event.finished or (self.context is not None and self.suggestion is None):
            self._pick_up_judged()

    def _pick_up_judged(self) -> None:
        """Show the stored judgement of the current claim once the worker has stored it."""
        if self.context is None:
            return
        stored = source.stored(self.db, self.context.claim.id)
        if stored is not None and stored != self.suggestion:
            self.suggestion = stored
            if self._compute_timer is not None:
                self._compute_timer.stop()
                self._compute_timer = None
            self.query_one(ClaimView).set_coverage(self._coverage())
            self.show_candidates()
