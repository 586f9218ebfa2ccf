"""Storage: the only package that speaks SQL.

``connect`` opens and migrates a database; ``corpus`` holds documents,
passages and claims; ``review`` holds verdicts, links, notes, history and the
resume state; ``suggestions`` holds stored linker output.
"""

import sqlite3

from .connection import connect, write

#: Any error the database raises (locked, disk full, corrupt...): what callers above
#: storage catch, so that only this package imports sqlite3.
StorageError = sqlite3.Error
#: The database is busy or locked (a subclass of StorageError).
BusyError = sqlite3.OperationalError

__all__ = ["BusyError", "StorageError", "connect", "write"]
