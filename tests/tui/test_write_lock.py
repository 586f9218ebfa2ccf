"""Another program holds the database's write lock: the screen keeps working and loses nothing.

Before the writer thread, pressing ``s`` under a held lock froze the screen
until the lock went, and after a minute ended the app with a ``DatabaseError``
traceback, the verdict lost and exit status 0.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from textual.widgets import Static

from workbench.storage import corpus, review
from workbench.tui.widgets.claim_list import ClaimList
from workbench.tui.widgets.claim_view import ClaimView

from .conftest import SIZE, saved, settle

#: Far above anything the UI needs (a key takes milliseconds), far below the old freeze (60 s).
RESPONSIVE_S = 10.0


class LockHolder:
    """Another connection, on a thread of its own, holding ``BEGIN EXCLUSIVE`` plus one write."""

    def __init__(self, path) -> None:
        self.path = path
        self._held = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        conn = sqlite3.connect(str(self.path), isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute(
            "INSERT INTO state (key, value) VALUES ('other.program', '1')"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        )
        self._held.set()
        self._release.wait(120)
        conn.execute("COMMIT")
        conn.close()

    def __enter__(self) -> LockHolder:
        self._thread.start()
        assert self._held.wait(10), "the other connection never took the lock"
        return self

    def release(self) -> None:
        self._release.set()
        self._thread.join(10)

    def __exit__(self, *exc) -> None:
        self.release()


def ids(db):
    return [c.id for c in corpus.list_claims(db, limit=1000)]


def status_line(app) -> str:
    return str(app.screen.query_one("#status", Static).content)


async def until(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        await pilot.pause(0.02)


async def test_keys_keep_working_while_the_database_is_locked_and_the_verdicts_land_in_order(
    make_app, check_db, seed_db_path
):
    order = ids(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        claims = screen.query_one(ClaimList)
        with LockHolder(seed_db_path) as lock:
            started = time.monotonic()
            await pilot.press("s")  # queued; the cursor moves on to the next unreviewed claim
            await pilot.press("j")
            assert time.monotonic() - started < RESPONSIVE_S
            assert screen.claim_id == order[2]  # the UI answered: s moved to order[1], j to order[2]
            await pilot.press("c")  # a second decision, queued behind the first
            assert screen.claim_id == order[3]
            await until(pilot, lambda: "waiting for the database" in status_line(app))
            assert "2 unsaved" in status_line(app)
            # Shown at once, marked unsaved; not in the database yet.
            assert review.get_verdict(check_db, order[0]).status is None
            rows = claims.render_lines_for_tests()
            assert rows[0].startswith("✓*") and rows[2].startswith("!*"), rows[:3]
            await pilot.press("k")
            assert screen.claim_id == order[2]
            assert "* unsaved" in " ".join(screen.query_one(ClaimView).plain_lines)
            assert screen.context.verdict.status == "contested"
            lock.release()
            await saved(pilot)
        assert review.get_verdict(check_db, order[0]).status == "sourced"
        assert review.get_verdict(check_db, order[2]).status == "contested"
        assert review.get_verdict(check_db, order[1]).status is None
        written = [(h.claim_id, h.new) for h in review.history(check_db)]
        assert written == [(order[0], "sourced"), (order[2], "contested")]  # the order they were made
        assert "waiting" not in status_line(app) and "unsaved" not in status_line(app)
        assert not claims.render_lines_for_tests()[0].startswith("✓*")
        assert "unsaved" not in " ".join(screen.query_one(ClaimView).plain_lines)
    assert not app.return_code  # no crash


async def test_a_lock_that_never_goes_is_reported_and_the_decision_is_kept(make_app, check_db, seed_db_path):
    order = ids(check_db)
    app = make_app(retry_budget_s=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        with LockHolder(seed_db_path) as lock:
            await pilot.press("u")
            await until(pilot, lambda: any(n.severity == "error" for n in app._notifications))
            error = next(n for n in app._notifications if n.severity == "error")
            assert "Could not save verdict unsupported on claim" in error.message
            assert "database is locked" in error.message
            assert "database locked, still retrying" in status_line(app)
            # Kept, visibly: queued in the writer, marked in the list, shown on the claim.
            assert [c.kind for c in app.writer.unsaved()] == ["status"]
            assert screen.query_one(ClaimList).render_lines_for_tests()[0].startswith("✗*")
            assert review.get_verdict(check_db, order[0]).status is None
            # q does not drop it: it warns and waits.
            await pilot.press("q")
            await pilot.pause()
            assert any("Press q again" in n.message for n in app._notifications)
            assert app.is_running
            lock.release()
            # Written as soon as the lock goes; then the app closes as asked.
            await until(pilot, lambda: not app.is_running)
    assert app.return_code == 0
    assert review.get_verdict(check_db, order[0]).status == "unsupported"


async def test_quitting_anyway_leaves_a_non_zero_status_and_names_what_was_not_saved(
    make_app, check_db, seed_db_path
):
    app = make_app(retry_budget_s=0.2)
    with LockHolder(seed_db_path):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await until(pilot, lambda: app.screen.stalled)
            await pilot.press("q", "q")
            await until(pilot, lambda: not app.is_running)
        assert app.return_code == 1
        assert [c.describe() for c in app.unsaved_on_exit] == [
            f"verdict sourced on claim #{ids(check_db)[0]}"
        ]


async def test_export_from_the_palette_runs_off_the_ui_thread(make_app, check_db, monkeypatch):
    from workbench.tui import export

    order = ids(check_db)
    release = threading.Event()
    threads = []

    def slow_export(db, db_path, fmt, *, on_warning=None):
        threads.append(threading.current_thread())
        release.wait(30)
        return db_path.with_suffix("." + fmt)

    monkeypatch.setattr(export, "export_report", slow_export)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_export("md")
        await until(pilot, lambda: threads)
        assert threads[0] is not threading.main_thread()
        await pilot.press("j")  # the screen answers while the report is being written
        assert app.screen.claim_id == order[1]
        release.set()
        await until(pilot, lambda: any("Report written to" in n.message for n in app._notifications))

        def broken(db, db_path, fmt, *, on_warning=None):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(export, "export_report", broken)
        app.action_export("html")
        await until(pilot, lambda: any("Export failed" in n.message for n in app._notifications))
        assert app.is_running  # a failed report does not end the review
