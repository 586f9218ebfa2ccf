"""Atomic file writing: an interrupted export never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError


def atomic_write(path: str | os.PathLike[str], chunks: Iterable[str]) -> Path:
    """Write ``chunks`` to a temporary file in ``path``'s folder, then rename it over ``path``.

    The rename (``os.replace``) is atomic on one file system, so readers see
    either the old file or the complete new one. The temporary file is
    removed if anything fails, including Ctrl-C.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: cannot write in {folder} ({exc.strerror or exc})") from None
    try:
        # newline="" keeps "\r\n" from the CSV writer as is, and "\n" everywhere else.
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            buffer: list[str] = []
            size = 0
            for chunk in chunks:
                buffer.append(chunk)
                size += len(chunk)
                if size > 1 << 20:  # join small chunks: one write call per MB
                    out.write("".join(buffer))
                    buffer, size = [], 0
            out.write("".join(buffer))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
