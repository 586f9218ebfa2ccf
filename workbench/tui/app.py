"""The review application: opens the database, starts a review session, shows the review screen."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..config import Config
from ..storage import connect, review, reviewview, teamview
from ..textsafety import one_line
from .commands import ReviewCommands
from .screens.agreement import AgreementScreen  # at import: the help screen lists its keys
from .writer import RETRY_BUDGET_S, Change, Event, Writer

CLOSE_WAIT_S = 1.0
"""At exit, how long the writer may take to record the resume position and the session's end."""
CRASH_WAIT_S = 5.0
"""At an exit with decisions still queued (a crash), how long they may take to be written."""


@dataclass
class WriterReport(Message):
    """An event from the writer thread (saved, waiting, stalled, failed), delivered on the UI thread."""

    event: Event


class ReviewApp(App, inherit_bindings=False):
    """Step through claims with the keyboard, mark verdicts, link evidence.

    ``inherit_bindings=False``: Textual's own ctrl+q (a priority binding) would
    quit past the review's saving and take a key the user bound to something
    else. Quitting is the screen's ``review.quit``; ctrl+q (reserved: no
    rebinding may take it) quits the same way, once queued decisions are
    written; ctrl+c only says which key quits.
    """

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
    ]

    COMMANDS = App.COMMANDS | {ReviewCommands}
    CSS_PATH = "review.tcss"
    TITLE = "workbench"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        db_path: str | Path,
        *,
        reviewer: str,
        config: Config | None = None,
        retry_budget_s: float = RETRY_BUDGET_S,
        judge_stale: bool = True,
        blind: bool = False,
        adjudicate: bool = False,
        allow_private: bool = False,
    ) -> None:
        super().__init__()
        self.allow_private = allow_private
        """`w` may fetch pages on this machine or a private network (`review --allow-private`)."""
        self.blind = blind
        """Other reviewers' decisions hidden until this reviewer decides (also a database setting)."""
        self.adjudicate = adjudicate
        """This reviewer adjudicates: the list starts on the disagreed claims, verdicts become final."""
        self.judge_stale = judge_stale
        """Judge stale claims' evidence in the background (tests of other things turn it off)."""
        self.db_path = Path(db_path)
        self.sub_title = str(self.db_path)
        """Which database is open (a Header, the palette and the empty-state screen show it)."""
        self.reviewer = reviewer
        self.config = config or Config()
        # The UI thread's connection, for reads only (WAL: a writer elsewhere never blocks
        # them). Every write goes through the writer thread; workers open their own.
        self.db = connect(self.db_path)
        self.writer = Writer(
            self.db_path, reviewer=reviewer, report=self._writer_report, retry_budget_s=retry_budget_s
        )
        self.unsaved_on_exit: list[Change] = []
        """Decisions the writer could not write before the app closed (the CLI lists them)."""
        self._quitting = False
        """q was pressed while changes were waiting: close once they are written."""
        self._forced = False

    last_key = 0.0
    """time.monotonic() of the last key pressed anywhere (background judging waits for a rest)."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key = time.monotonic()
        await super().on_event(event)

    def on_mount(self) -> None:
        from .screens.review import ReviewScreen

        self.set_keymap(self.config.keymap)
        self.writer.start()  # its first change opens the review session
        self._notify_config_problems()
        if not reviewview.has_documents(self.db):
            from .screens.empty import EmptyScreen

            self.push_screen(EmptyScreen(self.db_path))
            return
        resume = reviewview.load_resume(self.db, self.reviewer)
        team = teamview.team_mode(self.db, self.reviewer, blind=self.blind, adjudicate=self.adjudicate)
        self.push_screen(
            ReviewScreen(
                self.db,
                self.db_path,
                self.writer,
                reviewer=self.reviewer,
                advance_on_mark=self.config.advance_on_mark,
                resume=resume,
                judge_stale=self.judge_stale,
                team=team,
            )
        )
        progress = review.progress(self.db).summary()
        if team.own_rows:  # their queue, not everyone's verdicts (blind review hides those)
            mine = teamview.progress(self.db, self.reviewer)
            progress = f"your queue: {mine.decided} of {mine.assigned} claims decided"
        elif team.adjudicate:
            progress = f"{teamview.disagreed_count(self.db)} claim(s) disagreed, waiting for you"
        if self.blind and not team.queue and not team.adjudicate:
            self.notify(
                f"Blind review keeps the others' decisions hidden in a reviewer's queue, and"
                f" {one_line(self.reviewer)} has no claims assigned: the list shows the final verdicts."
                " (`workbench assign` gives out claims.)",
                title="Blind review",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if resume.claim_id is not None:
            self.notify(
                f"Resumed at claim #{resume.claim_id} · {progress}",
                title=f"Welcome back to {one_line(self.db_path.name)}",
                timeout=5,
                markup=False,
            )
        else:
            self.notify(
                progress,
                title=f"Reviewing {one_line(self.db_path.name)} as {one_line(self.reviewer)}",
                timeout=5,
                markup=False,
            )

    def _notify_config_problems(self) -> None:
        # Config lines quote the user's TOML and paths may hold [brackets]: never markup.
        for problem in self.config.problems:
            self.notify(one_line(problem), title="Settings", severity="error", timeout=30, markup=False)

    # --- the writer ---------------------------------------------------------------

    def _writer_report(self, event: Event) -> None:
        """Called on the writer thread: hand the event to the UI thread (post_message is thread-safe)."""
        self.post_message(WriterReport(event))

    @on(WriterReport)
    def _on_writer_report(self, message: WriterReport) -> None:
        from .screens.review import ReviewScreen

        if not self.is_running:
            return  # closing: the screen's widgets are going; on_unmount collects what is left
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.writer_event(message.event)
        if self._quitting and not self.writer.unsaved():
            self.exit()

    def action_quit(self) -> None:
        """Quit once every decision is written; a second q quits anyway, listing what is lost."""
        from .screens.review import ReviewScreen

        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.save_state()
        unsaved = self.writer.unsaved()
        if not unsaved:
            self.exit()
            return
        if self._quitting:
            self._forced = True
            self.exit(return_code=1)  # the CLI prints what was not saved
            return
        self._quitting = True
        self.notify(
            f"{len(unsaved)} change(s) not saved yet: waiting for the database. The review closes as"
            " soon as they are written. Press q again to quit without them.",
            title="Saving before quitting",
            severity="warning",
            timeout=60,
            markup=False,
        )

    def on_ready(self) -> None:
        # Everything made so far (modules, styles, widgets) lives as long as
        # the app: move it out of the collector's view. Otherwise each full
        # collection walks ~80k objects, a 40-90 ms pause in the middle of
        # somebody's keypress.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()  # hand them back: a process may outlive its app (tests, embedding)
        self.writer.submit(Change("end"))
        if self._forced:
            wait = 0.5  # the reviewer chose to leave; the CLI lists what was not written
        elif self.writer.unsaved():
            wait = CRASH_WAIT_S  # closing without q (a crash): give the decisions a chance
        else:
            wait = CLOSE_WAIT_S
        self.unsaved_on_exit = self.writer.close(wait)
        if self.unsaved_on_exit and not self.return_code:
            self._return_code = 1  # something the reviewer did was not saved: never a success

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel and "Quit" would sit beside the review's own help
        # (every key) and quit (ReviewCommands, from the key registry): one of each.
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Quit"):
                yield command

    # --- team review -----------------------------------------------------------------

    def action_agreement(self) -> None:
        """How far the reviewers agree: the figures, computed in the screen's worker."""
        self.push_screen(AgreementScreen(self.db_path))

    # --- export ---------------------------------------------------------------------

    def action_export(self, fmt: str = "html") -> None:
        self.notify(f"Exporting the review as {fmt}…", title="Export", timeout=3, markup=False)
        self.export_report(fmt)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False, description="export")
    def export_report(self, fmt: str) -> Path:
        """Write the report off the UI thread, on a connection of this thread's own."""
        # Imported when used (in this worker): keeps the review screen's start under 1 s.
        from . import export

        db = connect(self.db_path, migrate=False)
        try:
            return export.export_report(db, self.db_path, fmt, on_warning=self._export_warning)
        finally:
            db.conn.close()

    def _export_warning(self, message: str) -> None:
        """Advice that did not stop the export (e.g. a ClaimReview file without a base URL)."""
        self.call_from_thread(
            self.notify, one_line(message), title="Export", severity="warning", timeout=10, markup=False
        )

    @on(Worker.StateChanged)
    def _export_finished(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export":
            return
        if event.state == WorkerState.SUCCESS:
            self.notify(
                f"Report written to {one_line(str(worker.result))}", title="Export", timeout=8, markup=False
            )
        elif event.state == WorkerState.ERROR:  # a report problem must not end the review
            self.notify(
                f"Export failed: {one_line(str(worker.error))}", severity="error", timeout=8, markup=False
            )
