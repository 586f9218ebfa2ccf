"""End to end: the installed `workbench` command in a real terminal (tmux)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.storage import connect, corpus, review

WORKBENCH = Path(sys.executable).with_name("workbench")

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None or not WORKBENCH.exists(),
    reason="needs tmux and the installed workbench command (.ci/run may install tmux)",
)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for(session: str, needle: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-pt", session)
        if needle in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared; screen was:\n{screen}")


def test_review_in_a_real_terminal(tmp_path, seed_db_path):
    db_path = seed_db_path  # a named database is never seeded: this one holds the seeds already
    session = f"wb-e2e-{os.getpid()}"
    env = f"WORKBENCH_CONFIG={tmp_path / 'none.toml'}"
    command = f"env {env} {WORKBENCH} --db {db_path} review --reviewer e2e"
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    try:
        wait_for(session, "0/")  # progress line painted
        wait_for(session, "Sourced")  # footer painted: the app takes keys
        tmux("send-keys", "-t", session, "j", "s")
        wait_for(session, "1 sourced")
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while (
            time.monotonic() < deadline
            and subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0
        ):
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    db = connect(db_path)
    second = corpus.list_claims(db, limit=2)[1]
    verdict = review.get_verdict(db, second.id)
    assert (verdict.status, verdict.reviewer) == ("sourced", "e2e")
    db.close()
