"""Export from the command palette: the whole review, next to the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import reports

if TYPE_CHECKING:  # the TUI speaks no SQL: the connection only passes through
    from sqlite_utils import Database


def export_report(
    db: Database, db_path: Path, fmt: str = "html", *, on_warning: Callable[[str], None] | None = None
) -> Path:
    """Write the whole review as ``fmt`` (any of ``reports.FORMATS``) next to the database;
    returns the file written. ``on_warning`` hears what the export had to leave out."""
    path = reports.default_path(db_path, fmt)
    return Path(reports.export_to(db, fmt, path, on_warning=on_warning))
