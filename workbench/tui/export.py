"""Export from the command palette, through ``workbench.reports`` when it is installed."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the TUI speaks no SQL: the connection only passes through
    from sqlite_utils import Database


#: Formats the palette offers (the CLI `workbench export` has them all).
PALETTE_FORMATS: tuple[tuple[str, str], ...] = (("html", "HTML"), ("md", "Markdown"), ("json", "JSON"))


class ExportUnavailable(Exception):
    """The reports package is not there (yet)."""


def _reports():
    try:
        return importlib.import_module("workbench.reports")
    except ModuleNotFoundError as exc:
        if exc.name in ("workbench.reports", "workbench"):
            raise ExportUnavailable("Export is not available: workbench.reports is not installed") from None
        raise


def export_report(db: Database, db_path: Path, fmt: str = "html") -> Path:
    """Write the whole review as ``fmt`` next to the database; returns the file written."""
    reports = _reports()
    return Path(reports.export_to(db, fmt, reports.default_path(db_path, fmt)))
