"""Errors the user is meant to read: one plain line, never a traceback."""

from __future__ import annotations

import os
import stat
from typing import BinaryIO


class WorkbenchError(Exception):
    """A problem with the user's input or files, shown as one line."""

    exit_code = 2


class InputError(WorkbenchError):
    """A file or argument we cannot use (missing, binary, malformed...)."""


class DatabaseError(WorkbenchError):
    """The database file cannot be opened or used."""


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer workbench than this one."""


def unreadable(path: object, exc: OSError) -> InputError:
    """The one-line error for a file that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: permission denied")
    return InputError(f"{path}: cannot read ({exc.strerror or exc})")


# --- reading untrusted files -------------------------------------------------
# Documents, imports and the config file are untrusted: a name may point at a
# device (/dev/zero never ends), a FIFO (opening it waits for a writer forever)
# or a file far larger than anything the workbench is meant to hold in memory.

MB = 1_000_000

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading, refused with one line unless it is a regular file.

    Opened non-blocking, so a FIFO is refused instead of waiting for a writer;
    the check runs on the opened file (``fstat``), so a swap between the check
    and the read cannot slip a device in.
    """
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISSOCK(mode):  # open() on a socket fails with a confusing ENXIO
            raise InputError(f"{path}: is a socket, not a regular file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise unreadable(path, exc) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: is {_kind(mode)}, not a regular file")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def amount(size: int) -> str:
    """A byte count for people: ``104.9 MB``, ``512 MB``, ``900 bytes``."""
    if size < MB:
        return f"{size:,} bytes"
    return f"{size / MB:,.1f}".removesuffix(".0") + " MB"


def too_large(path: object, size: int, limit: int, what: str) -> InputError:
    return InputError(f"{path}: {amount(size)} is over the {amount(limit)} limit for {what}")


def read_regular(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is one-line refused.

    ``what`` names the kind of file in the message ("an import", "the config file").
    At most ``limit + 1`` bytes are read even if the file grows or lies about its size.
    """
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise too_large(path, size, limit, what)
            data = handle.read(limit + 1)
        except OSError as exc:
            raise unreadable(path, exc) from None
    if len(data) > limit:
        raise too_large(path, len(data), limit, what)
    return data
