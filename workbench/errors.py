"""Errors the user is meant to read: one plain line, never a traceback."""

from __future__ import annotations


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
