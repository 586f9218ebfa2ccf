"""Atomic file writing: an interrupted export never leaves a half-written file.

Before writing, ``atomic_write`` refuses a target it must not replace (the
database or one of its side files, a read-only file, a device or FIFO). It
writes a temporary file beside the target, named ``.<name>.wb<pid>.<random>.tmp``,
and renames it over the target, keeping the target's permission bits. The
temporary file is removed on any error, Ctrl-C, SIGTERM or SIGHUP; one left by
a process that was killed outright is removed by the next export to the same
target.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError

#: Signals that end an export cleanly (temp file removed) instead of killing it.
CLEANUP_SIGNALS: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
#: A temp file of the old naming (no pid in it) is stale after this long untouched.
LEGACY_STALE_S = 3600.0


class Interrupted(KeyboardInterrupt):
    """SIGTERM/SIGHUP during a write: handled like Ctrl-C, exit status 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum


def atomic_write(
    path: str | os.PathLike[str], chunks: Iterable[str], *, protected: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Write ``chunks`` to a temporary file in ``path``'s folder, then rename it over ``path``.

    The rename (``os.replace``) is atomic on one file system, so readers see
    either the old file or the complete new one. ``protected`` files (the
    database and its ``-wal``/``-shm``/``-journal``) are never a target.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    _refuse_protected(path, protected)
    mode = _target_mode(path)
    remove_stale_temp_files(path)
    tmp: str | None = None
    try:
        # Handlers first: a SIGTERM once the temp file exists always removes it.
        with _signals_interrupt():
            try:
                fd, tmp = tempfile.mkstemp(
                    prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".tmp", dir=folder
                )
            except OSError as exc:
                raise InputError(f"{path}: cannot write in {folder} ({exc.strerror or exc})") from None
            try:
                # newline="" keeps "\r\n" from the CSV writer as is, and "\n" everywhere else.
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    _write_all(out, chunks)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp, mode)
                os.replace(tmp, path)
            except OSError as exc:  # a full disk, a quota, an I/O error: one line, nothing left
                raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    return path


def _write_all(out, chunks: Iterable[str]) -> None:
    buffer: list[str] = []
    size = 0
    for chunk in chunks:
        buffer.append(chunk)
        size += len(chunk)
        if size > 1 << 20:  # join small chunks: one write call per MB
            out.write("".join(buffer))
            buffer, size = [], 0
    out.write("".join(buffer))


def database_side_files(db_file: str | os.PathLike[str]) -> list[Path]:
    """The database file and the files SQLite keeps beside it."""
    db_file = Path(db_file)
    return [db_file, *(db_file.with_name(db_file.name + s) for s in ("-wal", "-shm", "-journal"))]


def _refuse_protected(path: Path, protected: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse ``path`` when it is (by resolved name or by inode) one of ``protected``."""
    target = os.path.realpath(path)
    for other in protected:
        same = target == os.path.realpath(other)
        if not same:
            with contextlib.suppress(OSError):
                same = os.path.samefile(path, other)  # a hard link or another mount of it
        if same:
            what = (
                "the database"
                if not str(other).endswith(("-wal", "-shm", "-journal"))
                else f"the database's {str(other).rsplit('-', 1)[1]} file"
            )
            raise InputError(f"{path}: is {what}; choose another output file")


def _target_mode(path: Path) -> int:
    """Permission bits for the new file: the existing file's, else 0644 less the umask.

    A target that is not a regular file (a device, a FIFO) or that is read-only
    is refused: replacing it would change what the user set up.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return 0o644 & ~_umask()
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file; use -o - to write to standard output")
    if not (st.st_mode & 0o222) or not os.access(path, os.W_OK):
        raise InputError(f"{path}: file is read-only; not replacing it")
    return stat.S_IMODE(st.st_mode)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.wb"


def _stale_candidates(path: Path) -> Iterator[Path]:
    folder = path.parent if str(path.parent) else Path(".")
    ours = re.compile(rf"{re.escape(_temp_prefix(path))}(\d{{1,10}})\.[a-z0-9_]{{8}}\.tmp")
    legacy = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if match := ours.fullmatch(entry.name):
            if not _process_alive(int(match.group(1))):
                yield Path(entry.path)
        elif legacy.fullmatch(entry.name):
            with contextlib.suppress(OSError):
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > LEGACY_STALE_S:
                    yield Path(entry.path)


def remove_stale_temp_files(path: str | os.PathLike[str]) -> list[Path]:
    """Remove temp files of earlier exports to ``path`` whose process is gone; returns them.

    Only regular files of ours (by name, owned by this user) are touched; a temp
    file whose process still runs is another export in progress and is left alone.
    """
    removed = []
    for candidate in _stale_candidates(Path(path)):
        with contextlib.suppress(OSError):
            st = candidate.lstat()
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid():
                candidate.unlink()
                removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True  # someone else's process, or not a pid we can ask about: leave it
    return True


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """While writing, SIGTERM/SIGHUP raise ``Interrupted`` so the temp file is removed.

    Handlers can only be set from the main thread; an export in a worker thread
    (the review screen's) keeps the default behaviour.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, _frame):
        raise Interrupted(signum)

    previous = {}
    try:
        for signum in CLEANUP_SIGNALS:
            previous[signum] = signal.signal(signum, interrupt)
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
