"""Judging stale claims' evidence in a process of its own.

The linker is pure-Python work that holds the interpreter lock for hundreds of
milliseconds per claim; in a thread of the review app it would delay every key and
frame. A child interpreter (a fresh one, never a fork: the app has threads) runs it
at a lower priority and reports on its stdout, one JSON list a line:

- ``["progress", done, total]`` after each stored chunk (first ``[0, total]``),
- ``["error", message]`` when it stops on a failure,
- ``["finished"]`` when every stale claim is judged.

The parent writes ``pause``/``go`` lines to its stdin; the child holds between claims
while paused and exits when its stdin closes (the parent is gone). It is only derived
data: a child terminated mid-chunk loses that chunk (SQLite rolls it back).

A plain subprocess rather than ``multiprocessing``: spawning through multiprocessing
starts its resource tracker with ``sys.stderr.fileno()``, which is -1 inside a
Textual app, and re-imports the parent's main script in the child.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

STOP_WAIT = 2.0  # seconds a terminated child gets to exit before it is killed
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
CHILD_START = "import sys; sys.path.append(sys.argv[1]); from workbench.judging_process import main; main()"


class Judge:
    """The parent's handle on one judging run in a child process."""

    def __init__(self, db_path: str | os.PathLike[str], chunk: int) -> None:
        self.process = subprocess.Popen(
            # -P: the reviewer's current directory never shadows the package; the package's own
            # directory comes last, for a checkout that is not installed
            [sys.executable, "-P", "-c", CHILD_START, PACKAGE_ROOT, os.fspath(db_path), str(chunk)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # nothing may draw on the reviewer's terminal
            close_fds=True,
        )
        self._buffer = b""
        self._paused = False
        self._ending = False  # it said it finished (or failed): it is closing its database

    @property
    def pid(self) -> int:
        return self.process.pid

    def receive(self, timeout: float) -> list | None:
        """The child's next report, or None when none came within ``timeout`` seconds.

        A child that ended without saying why reports ``["error", ...]``.
        """
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            if not ready:
                return None
            data = os.read(self.process.stdout.fileno(), 65536)
            if not data:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(STOP_WAIT)
                self._buffer = b""
                return ["error", f"the judging process stopped (exit code {self.process.returncode})"]
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            report = json.loads(line)
        except ValueError:
            report = None
        if not isinstance(report, list) or not report:
            return ["error", "the judging process sent something unreadable"]
        self._ending = report[0] != "progress"
        return report

    def pause(self, paused: bool) -> None:
        """Hold the child between claims (True) or let it go on (False)."""
        if paused != self._paused:
            self._paused = paused
            with contextlib.suppress(OSError):  # the child is gone: receive() says so
                self.process.stdin.write(b"pause\n" if paused else b"go\n")
                self.process.stdin.flush()

    def stop(self) -> None:
        """End the child now, whatever it is doing; never leaves it running."""
        if self._ending:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_WAIT)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_WAIT)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


def run(db_path: str, chunk: int, reports, commands) -> None:
    """Judge every stale claim, ``chunk`` claims per store, reporting to ``reports``."""
    paused = threading.Event()
    gone = threading.Event()

    def listen() -> None:  # the parent's pause/go lines; EOF: the parent is gone
        for line in commands:
            if line.strip() == b"pause":
                paused.set()
            elif line.strip() == b"go":
                paused.clear()
        gone.set()
        paused.clear()

    threading.Thread(target=listen, daemon=True).start()

    def held() -> bool:
        """Wait while the reviewer is busy; True (stop) once the parent is gone."""
        while paused.is_set() and not gone.is_set():
            gone.wait(0.05)
        return gone.is_set()

    def report(*fields) -> None:
        reports.write(json.dumps(fields) + "\n")
        reports.flush()

    db = None
    try:
        from . import suggesting
        from .storage import connect

        db = connect(db_path, migrate=False)
        stale = suggesting.stale_claims(db)
        total = len(stale)
        if total:
            report("progress", 0, total)
        for start in range(0, total, chunk):
            suggesting.refresh(db, stale[start : start + chunk], cancelled=held)
            if gone.is_set():
                return
            report("progress", min(total, start + chunk), total)
        report("finished")
    except BrokenPipeError:  # the parent is gone: nobody to tell
        pass
    except Exception as exc:  # a busy database, a linker failure: one line for the reviewer
        with contextlib.suppress(OSError):
            report("error", str(exc) or type(exc).__name__)
    finally:
        if db is not None:
            db.conn.close()


def main() -> None:
    """The child's entry point; ``sys.argv`` is ``[-c, package root, database, chunk]``."""
    # Ctrl-C reaches the whole process group: it is the parent's to handle (it terminates us).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.nice(10)
    # Reports keep the pipe; anything else printed (a library's warning) goes nowhere.
    reports = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    run(sys.argv[2], int(sys.argv[3]), reports, sys.stdin.buffer)
    with contextlib.suppress(OSError):
        reports.close()
    # Not a normal exit: its stdin reader is blocked in a read, which the interpreter's
    # shutdown would abort on; the database is closed and the reports are flushed.
    os._exit(0)
