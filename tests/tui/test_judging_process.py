"""Background judging runs in a child process (#11): it never holds the review app's interpreter
lock, reports its progress to the status line, ends with the app and fails in one line."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time

from workbench import judging_process, suggesting
from workbench.tui import candidates_source
from workbench.tui.screens.panel_workers import JudgingProgress

from .conftest import SIZE

WAIT = 60.0  # seconds: a busy 2-core CI box; the seed database judges in about 5


def fake_child(monkeypatch, body: str) -> None:
    """The child runs ``body`` (Python, a line of its own) instead of the judging."""
    monkeypatch.setattr(judging_process, "CHILD_START", body)


def spied_judges(monkeypatch) -> list[judging_process.Judge]:
    judges = []
    original = judging_process.Judge.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        judges.append(self)

    monkeypatch.setattr(judging_process.Judge, "__init__", init)
    return judges


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def until(pilot, condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"not after {WAIT}s: {what}"
        await pilot.pause(0.05)


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_stale_claims_are_judged_in_a_child_process_and_picked_up(make_app, check_db, monkeypatch):
    stale = suggesting.stale_claims(check_db)
    assert stale  # the seed database is not judged
    judges = spied_judges(monkeypatch)
    seen = []
    app = make_app(judge_stale=True)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await until(pilot, lambda: app.screen.judging is not None, "judging started")
        assert "judging evidence" in status(app)
        finished = lambda: any(isinstance(m, JudgingProgress) and m.finished for m in seen)
        await until(pilot, finished, "judging finished")
        await pilot.pause()
        ends = {id(m): m for m in seen if isinstance(m, JudgingProgress) and m.finished}  # it bubbles
        assert [m.error for m in ends.values()] == [None]
        progress = [m for m in seen if isinstance(m, JudgingProgress) and not m.finished]
        assert progress[-1].done == progress[-1].total == len(stale)
        assert len(judges) == 1 and judges[0].pid != os.getpid()
        assert app.screen.judging is None and "judging evidence" not in status(app)
        # the claim on screen shows what the child stored
        stored = candidates_source.stored(check_db, app.screen.claim_id)
        assert stored is not None and app.screen.suggestion == stored
    assert suggesting.stale_claims(check_db) == []
    assert gone(judges[0].pid)


async def test_quitting_while_a_slow_judge_runs_leaves_no_process(make_app, monkeypatch):
    fake_child(monkeypatch, "import time; print('[\"progress\", 0, 5]', flush=True); time.sleep(600)")
    judges = spied_judges(monkeypatch)
    app = make_app(judge_stale=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.judging == (0, 5), "the slow child's first report")
        assert "judging evidence 0/5" in status(app)
        pid = judges[0].pid
        assert not gone(pid)
        quit_at = time.monotonic()
        await pilot.press("q")
    deadline = time.monotonic() + WAIT
    while not gone(pid):
        assert time.monotonic() < deadline, "the judge process outlived the app"
        time.sleep(0.05)
    assert judges[0].process.returncode == -signal.SIGTERM  # terminated, not waited for
    assert time.monotonic() - quit_at < WAIT


async def test_an_error_in_the_child_is_one_notification(make_app, monkeypatch):
    fake_child(
        monkeypatch, 'print(\'["progress", 0, 3]\', flush=True); print(\'["error", "database is locked"]\')'
    )
    app = make_app(judge_stale=True)
    async with app.run_test(size=SIZE) as pilot:
        notified = lambda: any("database is locked" in n.message for n in app._notifications)
        await until(pilot, notified, "a notification")
        messages = [n.message for n in app._notifications if "Judging" in n.message]
        assert messages == ["Judging evidence stopped: database is locked"]
        assert app.screen.judging is None


async def test_a_child_that_dies_silently_is_reported(make_app, monkeypatch):
    fake_child(monkeypatch, "import os; os._exit(3)")
    app = make_app(judge_stale=True)
    async with app.run_test(size=SIZE) as pilot:
        notified = lambda: any("exit code 3" in n.message for n in app._notifications)
        await until(pilot, notified, "a notification")


# --- the child's side --------------------------------------------------------------------


def reports_of(judge, until_kind: str) -> list:
    got = []
    deadline = time.monotonic() + WAIT
    while not got or got[-1][0] != until_kind:
        assert time.monotonic() < deadline, f"no {until_kind!r} report after {WAIT}s: {got}"
        report = judge.receive(timeout=0.1)
        if report is not None:
            got.append(report)
    return got


def test_the_child_ignores_ctrl_c_and_ends_on_terminate(seed_db_path):
    judge = judging_process.Judge(seed_db_path, 5)
    try:
        assert reports_of(judge, "progress")[0][1] == 0  # it has started: SIGINT is ignored now
        os.kill(judge.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends the whole group
        assert reports_of(judge, "progress")[-1][1] > 0  # still judging
        assert judge.process.poll() is None
    finally:
        judge.stop()
    assert judge.process.returncode == -signal.SIGTERM and gone(judge.pid)


def test_a_child_that_ignores_terminate_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(judging_process, "STOP_WAIT", 0.5)
    fake_child(
        monkeypatch,
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        " print('[\"progress\", 0, 1]', flush=True); time.sleep(600)",
    )
    judge = judging_process.Judge(tmp_path / "x.db", 5)
    reports_of(judge, "progress")
    judge.stop()
    assert judge.process.returncode == -signal.SIGKILL and gone(judge.pid)


def test_the_child_reports_a_database_it_cannot_open(tmp_path):
    judge = judging_process.Judge(tmp_path, 5)  # a directory
    try:
        _kind, message = reports_of(judge, "error")[-1]
        assert message
    finally:
        judge.stop()


def test_the_child_holds_between_claims_while_paused_and_stops_when_the_parent_goes(seed_db_path):
    read_end, write_end = os.pipe()
    commands = os.fdopen(write_end, "wb", buffering=0)
    commands.write(b"pause\n")
    reports = io.StringIO()
    child = threading.Thread(
        target=judging_process.run, args=(str(seed_db_path), 5, reports, os.fdopen(read_end, "rb"))
    )
    child.start()
    try:
        time.sleep(1.0)  # unpaused, five claims take well under a second here
        lines = [json.loads(line) for line in reports.getvalue().splitlines()]
        assert [line[:2] for line in lines] == [["progress", 0]]
        commands.write(b"go\n")
        deadline = time.monotonic() + WAIT
        while '"progress", 5,' not in reports.getvalue():
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        commands.close()  # the parent is gone: the child stops after the claim it links
        child.join(WAIT)
    assert not child.is_alive()
    assert '"finished"' not in reports.getvalue()


def test_a_child_that_prints_something_else_is_an_error(tmp_path, monkeypatch):
    fake_child(monkeypatch, "print(5, flush=True); import time; time.sleep(600)")
    judge = judging_process.Judge(tmp_path / "x.db", 5)
    try:
        assert reports_of(judge, "error") == [["error", "the judging process sent something unreadable"]]
    finally:
        judge.stop()
    assert gone(judge.pid)
