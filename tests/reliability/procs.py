"""Child processes for the crash and concurrency tests.

``Forked`` runs a function in a forked copy of the test process: it starts
in a millisecond (nothing to import again), so a test can kill and restart a
writer dozens of times. The child talks back through a pipe, one line per
committed change; a line is written with a single ``os.write`` under
PIPE_BUF bytes, so the kernel delivers it whole or not at all.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable


class Forked:
    def __init__(self, fn: Callable[..., object], *args, **kwargs) -> None:
        read_fd, write_fd = os.pipe()
        err_read, err_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never return into pytest
            code = 0
            try:
                os.close(read_fd)
                os.close(err_read)

                def emit(line: str) -> None:
                    data = (line + "\n").encode("utf-8")
                    assert len(data) < select.PIPE_BUF, "a line must be written atomically"
                    os.write(write_fd, data)

                fn(emit, *args, **kwargs)
            except BaseException:
                os.write(err_write, traceback.format_exc().encode("utf-8", "replace")[-60000:])
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        os.close(err_write)
        self.pid, self._fd, self._err = pid, read_fd, err_read
        self._buf = b""
        self.lines: list[str] = []
        self.status: int | None = None
        self.error = ""

    def read(self, seconds: float) -> None:
        """Collect lines for up to ``seconds`` (less if the child exits)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self._fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._fd, 65536)
            if not chunk:
                return
            self._take(chunk)

    def _take(self, chunk: bytes) -> None:
        self._buf += chunk
        *complete, self._buf = self._buf.split(b"\n")
        self.lines += [c.decode("utf-8") for c in complete]

    def read_until(self, n_lines: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.lines) < n_lines and time.monotonic() < deadline:
            self.read(min(0.05, deadline - time.monotonic()))

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.wait()

    def wait(self, timeout: float = 120.0) -> int:
        """Drain the pipe to EOF and reap the child; returns its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self._fd], [], [], 0.1)
            if ready:
                chunk = os.read(self._fd, 65536)
                if not chunk:
                    break
                self._take(chunk)
        else:
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        self.status = os.waitstatus_to_exitcode(status)
        self.error = _drain(self._err)
        os.close(self._fd)
        os.close(self._err)
        if self.error:
            sys.stderr.write(self.error)
        return self.status


def _drain(fd: int) -> str:
    out = b""
    while chunk := os.read(fd, 65536):
        out += chunk
    return out.decode("utf-8", "replace")
