"""Report commands: export (md, html, json, csv, claimreview, fever) and import."""

from __future__ import annotations

import contextlib
import io
import os
import sys

import click

from .. import reports
from ..errors import InputError
from ..reports.writer import database_side_files
from ..storage.export import STATUS_FILTERS
from ..textsafety import one_line
from . import cli
from .common import db_path, open_db


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(reports.FORMATS)),
    default="md",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Where to write ('-' for standard output). Default: next to the database.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUS_FILTERS),
    help="Only claims with this status (repeatable: any of them).",
)
@click.option(
    "--doc",
    "docs",
    multiple=True,
    metavar="NAME",
    help="Only claims of this document, by file name or title (repeatable; `workbench documents` lists them).",
)
@click.option("--reviewed-only", is_flag=True, help="Leave out claims without a verdict.")
@click.option(
    "--org",
    metavar="NAME",
    envvar="WORKBENCH_ORG",
    help="Reviewing organisation, the ClaimReview author (or WORKBENCH_ORG, or"
    ' org = "..." under [reports] in config.toml).',
)
@click.option(
    "--base-url",
    metavar="URL",
    help="ClaimReview: URL of the published checks; '{id}' in it is replaced by the"
    " claim id, otherwise /claim-<id> is appended.",
)
@click.option(
    "--group-by",
    type=click.Choice(reports.GROUPINGS),
    help="md/html: claims that state the same thing (`workbench clusters`) under one heading,"
    " the representative first, 'also in' the other documents.",
)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    fmt: str,
    output: str | None,
    statuses: tuple[str, ...],
    docs: tuple[str, ...],
    reviewed_only: bool,
    org: str | None,
    base_url: str | None,
    group_by: str | None,
) -> None:
    """Write the review as a report (summary, then every claim with its evidence).

    \b
    Formats:
      md, html     for editors (html: one self-contained file, prints well)
      json         the whole review; `workbench import` reads it back
      csv          one row per claim, for spreadsheets
      claimreview  schema.org ClaimReview JSON-LD, one per reviewed claim
      fever        FEVER-style JSONL (SUPPORTS / REFUTES / NOT ENOUGH INFO)

    \b
    Examples:
      workbench export --format html
      workbench export --format csv --status contested -o contested.csv
      workbench export --format md --group-by cluster
      workbench export --format claimreview --org "Daily Check" --base-url https://example.org/checks/
    """
    db = open_db(ctx, readonly=True)

    def warn(message: str) -> None:
        click.echo(f"warning: {one_line(message)}", err=True)

    options = {
        "statuses": statuses,
        "documents": docs,
        "reviewed_only": reviewed_only,
        "org": org,
        "base_url": base_url,
        "group_by": group_by,
    }
    if output == "-":
        chunks, warnings = reports.prepare(db, fmt, **options)
        _write_stdout(chunks)
        for message in warnings:
            warn(message)
        return
    path = output or reports.default_path(db_path(ctx), fmt)
    written = reports.export_to(db, fmt, path, on_warning=warn, **options)
    click.echo(f"wrote {fmt} report to {one_line(str(written))}")


def _write_stdout(chunks) -> None:
    """Stream the report to standard output; a closed pipe or a full disk is one line."""
    out = sys.stdout
    if out is None:  # started with standard output closed (`>&-`)
        raise InputError("standard output is closed; give -o FILE")
    try:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:  # `export -o - | head`: the reader has what it wanted
        _discard_stdout()
        sys.exit(141)
    except OSError as exc:
        _discard_stdout()
        raise InputError(f"standard output: cannot write ({exc.strerror or exc})") from None


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so the exit's final flush of what is still
    buffered does not fail a second time with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a real file descriptor (tests): nothing will be flushed to one


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def import_cmd(ctx: click.Context, file: str) -> None:
    """Read a JSON export (`workbench export --format json`) into the database.

    Documents already stored (same content) are matched, not duplicated; the
    import is one transaction, so a refused file changes nothing.

    \b
    Example:
      workbench --db fresh.db import review.json
    """
    loaded = reports.load(file)  # validated whole before a database is opened (or created)
    path = db_path(ctx)
    created = not path.exists()
    db = None
    try:
        db = open_db(ctx)
        stats = reports.import_review(db, loaded.documents, loaded.claims)
    except BaseException:
        if created:  # the import rolled back: leave no empty database where there was none
            _remove_new_database(db, path)
        raise
    click.echo(f"imported {one_line(file)}: {stats.summary()}")


def _remove_new_database(db, path) -> None:
    """Close and delete a database this command created, with SQLite's side files."""
    if db is not None:
        with contextlib.suppress(Exception):
            db.close()
    for side in database_side_files(path):
        with contextlib.suppress(OSError):
            if side.is_file():
                side.unlink()
