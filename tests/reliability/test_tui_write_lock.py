"""End to end: another process holds the write lock while a reviewer works in a real terminal.

The installed `workbench` runs in tmux (80x24); a second Python process holds
`BEGIN EXCLUSIVE` plus one write. Keys keep working, the screen says it is
waiting, and the verdict is written once the lock goes. Before the writer
thread the screen froze and, after a minute, died with a traceback and exit 0.
"""

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
    reason="needs tmux and the installed workbench command",
)

HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO state (key, value) VALUES ('other.program', '1')"
             " ON CONFLICT(key) DO UPDATE SET value = excluded.value")
print("holding", flush=True)
sys.stdin.readline()  # hold until told to let go
conn.execute("COMMIT")
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for(session: str, needle: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-pt", session)
        if needle in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared; screen was:\n{screen}")


def test_a_locked_database_does_not_freeze_the_review_in_a_real_terminal(seed_db_path, tmp_path):
    session = f"wb-lock-{os.getpid()}"
    out = tmp_path / "exit.txt"
    command = (
        f"env WORKBENCH_CONFIG={tmp_path / 'none.toml'} {WORKBENCH} --db {seed_db_path}"
        f" review --reviewer e2e; echo $? > {out}"
    )
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    holder = None
    try:
        wait_for(session, "Sourced")  # footer painted: the app takes keys
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(seed_db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout.readline().strip() == "holding"
        tmux("send-keys", "-t", session, "s")
        screen = wait_for(session, "waiting for the database")
        assert "✓*" in screen  # shown at once, marked unsaved
        tmux("send-keys", "-t", session, "j", "c")  # keys keep working while the first waits
        screen = wait_for(session, "2 unsaved")
        assert "!*" in screen
        holder.communicate("go\n", timeout=10)
        wait_for(session, "1 sourced · 1 contested")
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not out.exists():
            time.sleep(0.1)
    finally:
        if holder is not None and holder.poll() is None:
            holder.kill()
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert out.read_text().strip() == "0"
    db = connect(seed_db_path)
    order = [c.id for c in corpus.list_claims(db, limit=4)]
    assert review.get_verdict(db, order[0]).status == "sourced"
    assert review.get_verdict(db, order[2]).status == "contested"  # s moved to order[1], j to order[2]
    db.close()
