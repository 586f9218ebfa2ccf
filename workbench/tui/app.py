"""The review application: opens the database, starts a review session, shows the review screen."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from ..keymap import Config
from ..storage import connect, review, reviewview
from . import export


class ReviewApp(App):
    """Step through claims with the keyboard, mark verdicts, link evidence."""

    CSS_PATH = "review.tcss"
    TITLE = "workbench"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, db_path: str | Path, *, reviewer: str, config: Config | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.reviewer = reviewer
        self.config = config or Config()
        # The UI thread's connection; candidate workers open their own.
        self.db = connect(self.db_path)
        self.session_id = review.start_session(self.db, reviewer)

    def on_mount(self) -> None:
        from .screens.review import ReviewScreen

        self.set_keymap(self.config.keymap)
        resume = reviewview.load_resume(self.db)
        self.push_screen(
            ReviewScreen(self.db, self.db_path, reviewer=self.reviewer, session_id=self.session_id,
                         advance_on_mark=self.config.advance_on_mark, resume=resume)
        )
        progress = review.progress(self.db).summary()
        if resume.claim_id is not None:
            self.notify(f"Resumed at claim #{resume.claim_id} · {progress}", title="Welcome back",
                        timeout=5, markup=False)
        else:
            self.notify(progress, title=f"Reviewing as {self.reviewer}", timeout=5, markup=False)
        # Config lines quote the user's TOML and paths may hold [brackets]: never markup.
        for problem in self.config.problems:
            self.notify(problem, title="Key config", severity="error", timeout=30, markup=False)

    def on_ready(self) -> None:
        # Everything made so far (modules, styles, widgets) lives as long as
        # the app: move it out of the collector's view. Otherwise each full
        # collection walks ~80k objects, a 40-90 ms pause in the middle of
        # somebody's keypress.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()  # hand them back: a process may outlive its app (tests, embedding)
        review.end_session(self.db, self.session_id)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from .screens.review import ReviewScreen

        yield from super().get_system_commands(screen)
        if not isinstance(screen, ReviewScreen):
            return
        commands = [
            ("Mark sourced", "Verdict: the claim is supported by a source", "verdict('sourced')"),
            ("Mark contested", "Verdict: sources disagree with the claim", "verdict('contested')"),
            ("Mark unsupported", "Verdict: no source supports the claim", "verdict('unsupported')"),
            ("Clear verdict", "Back to unreviewed", "verdict('')"),
            ("Link candidate", "Link the highlighted passage as supporting evidence", "link('supports')"),
            ("Link as contradicting", "Link the highlighted passage as contradicting", "link('contradicts')"),
            ("Edit note", "The rationale kept with the verdict", "edit_note"),
            ("Add claim", "Type a claim by hand into the current document", "add_claim"),
            ("Search claims", "Narrow the list as you type", "search"),
            ("Cycle filter", "all, unreviewed, sourced, contested, unsupported, flagged", "cycle_filter"),
            ("Next unreviewed", "Jump to the next unreviewed claim", "next_unreviewed"),
            ("Previous unreviewed", "Jump to the previous unreviewed claim", "prev_unreviewed"),
            ("Undo", "Undo the last change of this session (repeatable)", "undo"),
            ("Keys", "Every key binding", "help"),
        ]
        for title, help_text, action in commands:
            yield SystemCommand(title, help_text, lambda a=action: self.run_action(a, screen))
        for fmt, label in export.PALETTE_FORMATS:
            yield SystemCommand(f"Export report ({label})",
                                "Write the whole review next to the database",
                                lambda f=fmt: self.action_export(f))

    def action_export(self, fmt: str = "html") -> None:
        try:
            path = export.export_report(self.db, self.db_path, fmt)
        except export.ExportUnavailable as exc:
            self.notify(str(exc), severity="warning", timeout=5, markup=False)
            return
        except Exception as exc:  # a report problem must not end the review
            self.notify(f"Export failed: {exc}", severity="error", timeout=8, markup=False)
            return
        self.notify(f"Report written to {path}", title="Export", timeout=8, markup=False)
