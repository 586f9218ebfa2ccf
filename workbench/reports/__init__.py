"""Verdict reports: export a review as md, html, json, csv, ClaimReview or FEVER; import JSON back.

Entry points for the CLI and the TUI's command palette::

    from workbench.reports import export_to, default_path
    path = export_to(db, "html", default_path(db_path, "html"), statuses=("contested",))

``model`` gathers the review into plain records; each format module is a pure
function from those records to text chunks; ``writer.atomic_write`` puts the
chunks in place atomically. The formats are documented in their modules
(``json_format`` holds the JSON field reference; ``claimreview`` and ``fever``
the verdict mappings).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config as settings
from ..errors import InputError
from ..storage import export as q
from ..storage.connection import database_file
from ..storage.importer import ImportStats, import_review
from . import claimreview, csv_format, fever, html_format, json_format, markdown
from .load import load
from .model import Report, gather
from .writer import atomic_write, database_side_files

if TYPE_CHECKING:  # type hints only: storage/ is the one package that speaks SQL
    from sqlite_utils import Database

#: Format name -> file extension.
FORMATS: dict[str, str] = {
    "md": "md",
    "html": "html",
    "json": "json",
    "csv": "csv",
    "claimreview": "jsonld",
    "fever": "jsonl",
}

#: Formats a reader goes through top to bottom: contested claims come first.
_READING_ORDER = {"md", "html"}
#: Formats that carry document URLs (the others never show them).
_URL_FORMATS = {"json", "claimreview"}


def default_path(db_path: str | os.PathLike[str], fmt: str, *, at: datetime | None = None) -> Path:
    """``<db folder>/<db name>-report-YYYYmmdd-HHMMSS.<ext>``: next to the database, never
    overwriting an earlier export."""
    db_path = Path(db_path)
    stamp = (at or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return db_path.parent / f"{db_path.stem}-report-{stamp}.{FORMATS[fmt]}"


def make_filter(
    db: Database, *, statuses: Iterable[str] = (), documents: Iterable[str] = (), reviewed_only: bool = False
) -> q.ExportFilter:
    """The filter for the given status values and document names (unknown names are an error)."""
    statuses = tuple(dict.fromkeys(statuses))
    for s in statuses:
        if s not in q.STATUS_FILTERS:
            raise InputError(f"unknown status {s!r}; expected one of {', '.join(q.STATUS_FILTERS)}")
    names = list(dict.fromkeys(documents))
    found = q.document_ids_named(db, names) if names else {}
    missing = [n for n, ids in found.items() if not ids]
    if missing:
        raise InputError(f"no document named or titled {missing[0]!r} (see `workbench documents`)")
    ids = tuple(sorted(i for group in found.values() for i in group))
    return q.ExportFilter(statuses=statuses, document_ids=ids, reviewed_only=reviewed_only)


def render(report: Report, fmt: str, *, org: str | None = None, base_url: str | None = None) -> Iterator[str]:
    """The report as text chunks in format ``fmt``."""
    if fmt == "md":
        return markdown.render(report)
    if fmt == "html":
        return html_format.render(report)
    if fmt == "json":
        return json_format.render(report)
    if fmt == "csv":
        return csv_format.render(report)
    if fmt == "claimreview":
        return claimreview.render(report, org=org, base_url=base_url)
    if fmt == "fever":
        return fever.render(report)
    raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def configured_org() -> str | None:
    """``org`` under ``[reports]`` in the settings file (the ClaimReview author), if set."""
    return settings.current().org


#: What ``group_by`` accepts: claims stating the same thing under one heading (md, html).
GROUPINGS = ("cluster",)


def check_group_by(group_by: str | None, fmt: str) -> None:
    if group_by is None:
        return
    if group_by not in GROUPINGS:
        raise InputError(f"unknown grouping {group_by!r}; expected one of {', '.join(GROUPINGS)}")
    if fmt not in _READING_ORDER:
        raise InputError(f"--group-by {group_by} is for the md and html reports, not {fmt}")


def check_base_url(base_url: str | None) -> None:
    if base_url and not base_url.startswith(("http://", "https://")):
        raise InputError(f"--base-url {base_url!r} must start with http:// or https://")


def prepare(
    db: Database,
    fmt: str,
    *,
    statuses: Iterable[str] = (),
    documents: Iterable[str] = (),
    reviewed_only: bool = False,
    org: str | None = None,
    base_url: str | None = None,
    group_by: str | None = None,
) -> tuple[Iterator[str], list[str]]:
    """Check the options and start the export: (text chunks, warnings for the user).

    Bad options raise ``InputError`` here, before anything is written. ``org``
    defaults to ``[reports] org`` in config.toml.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    check_base_url(base_url)
    check_group_by(group_by, fmt)
    warnings: list[str] = []
    if fmt == "claimreview":
        # A [reports] value that is wrong is reported, never silently dropped.
        warnings = [] if org else settings.current().problems_in("reports")
        org = org or configured_org()
        warnings += claimreview.warnings(org=org, base_url=base_url)
    f = make_filter(db, statuses=statuses, documents=documents, reviewed_only=reviewed_only)

    def chunks() -> Iterator[str]:
        with q.snapshot(db):
            report = gather(db, f, reading_order=fmt in _READING_ORDER, by_cluster=group_by == "cluster")
            if report.dropped_urls and fmt in _URL_FORMATS:
                # Appended while streaming: callers print warnings after the last chunk.
                n = report.dropped_urls
                warnings.append(
                    f"left out {n} document URL{'' if n == 1 else 's'} that"
                    f" {'is' if n == 1 else 'are'} not an http(s) link"
                )
            if report.summary.dismissed and fmt in ("fever", "claimreview"):
                n = report.summary.dismissed
                warnings.append(f"left out {n} claim{'' if n == 1 else 's'} dismissed as not check-worthy")
            if fmt == "fever":
                left_out: list[int] = []
                yield from fever.render(report, left_out)
                if left_out:
                    n = len(left_out)
                    warnings.append(
                        f"left out {n} claim{'' if n == 1 else 's'} marked sourced or contested"
                        f" with no evidence linked (FEVER needs evidence): "
                        + ", ".join(map(str, left_out[:10]))
                        + (" …" if n > 10 else "")
                    )
                return
            yield from render(report, fmt, org=org, base_url=base_url)

    return chunks(), warnings


def export_to(
    db: Database,
    fmt: str,
    path: str | os.PathLike[str],
    *,
    statuses: Iterable[str] = (),
    documents: Iterable[str] = (),
    reviewed_only: bool = False,
    org: str | None = None,
    base_url: str | None = None,
    group_by: str | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> Path:
    """Write the (filtered) review to ``path`` atomically; returns the path.

    ``on_warning`` receives advice that does not stop the export (e.g. a
    ClaimReview file without ``--base-url``). ``path`` is refused when it is the
    database or one of its side files, read-only, or not a regular file.
    """
    chunks, warnings = prepare(
        db,
        fmt,
        statuses=statuses,
        documents=documents,
        reviewed_only=reviewed_only,
        org=org,
        base_url=base_url,
        group_by=group_by,
    )
    db_file = database_file(db)
    written = atomic_write(path, chunks, protected=database_side_files(db_file) if db_file else ())
    for message in warnings if on_warning is not None else ():
        on_warning(message)
    return written


def import_file(db: Database, path: str | os.PathLike[str]) -> ImportStats:
    """Read a JSON export into ``db`` (one transaction); returns the import's counts."""
    loaded = load(path)  # validates everything before the database is touched
    return import_review(db, loaded.documents, loaded.claims)


__all__ = [
    "FORMATS",
    "default_path",
    "export_to",
    "gather",
    "import_file",
    "import_review",
    "load",
    "make_filter",
    "prepare",
    "render",
]
