"""`workbench review`: the review TUI (also what a bare `workbench` runs)."""

from __future__ import annotations

import os
import sys

import click

from .. import locations
from ..errors import InputError
from ..storage import reviewview
from ..textsafety import one_line
from . import cli
from .common import db_path, login_name, open_db


@cli.command()
@click.option(
    "--reviewer",
    default=None,
    metavar="NAME",
    help="Who is reviewing; recorded with every change (default: the login name). With claims"
    " assigned to NAME (`workbench assign`), the list is NAME's queue.",
)
@click.option(
    "--blind",
    is_flag=True,
    help="In your queue, hide the other reviewers' decisions on a claim until you have decided it"
    " (on for every session when the database is set to blind review).",
)
@click.option(
    "--adjudicate",
    is_flag=True,
    help="Decide the claims reviewers disagree on: the list starts on them, and your"
    " verdict becomes the final one (needs --reviewer).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Let `w` (link a web page) fetch addresses on this machine or a private network.",
)
@click.pass_context
def review(
    ctx: click.Context, reviewer: str | None, blind: bool, adjudicate: bool, allow_private: bool
) -> None:
    """Open the review screen: step through claims, mark verdicts, link evidence.

    Every change is saved the moment it is made; reopening the same database
    returns to the same claim, filter and search. The default database
    (db/workbench.db in the checkout, what `make run` opens) gets the built-in
    seed articles when it is empty; an empty --db database opens on a screen
    that says how to ingest. Keys: press ? on the screen;
    rebind them in the config file (`WORKBENCH_CONFIG`, default
    ~/.config/workbench/config.toml).

    Team review: `--reviewer ana` walks the claims assigned to ana (n/p follow
    her queue; the list shows her own verdicts), `--blind` keeps the others'
    decisions hidden until she has decided, and `--reviewer editor --adjudicate`
    settles the claims the reviewers disagree on (v shows every reviewer's
    decision side by side).

    \b
    Examples:
      workbench                          review db/workbench.db
      workbench --db case.db review --reviewer ana
      workbench --db case.db review --reviewer ana --blind
      workbench --db case.db review --reviewer editor --adjudicate
    """
    if adjudicate and not (reviewer or "").strip():
        raise InputError("--adjudicate needs --reviewer NAME: the adjudicator's name is recorded")
    if reviewer is not None and (not reviewer.strip() or not _is_utf8(reviewer)):
        raise InputError("--reviewer: give a name (valid UTF-8 text, not empty)")
    missing = missing_terminal()
    if missing:
        # Without a terminal Textual reads no keys and redraws forever (100% CPU, q ignored).
        click.echo(
            f"error: workbench review needs a terminal, but {missing} is not one; "
            "from a script use the other commands (claims, verdict, export)",
            err=True,
        )
        ctx.exit(2)
    db = open_db(ctx)
    # Only the default database is seeded: an empty --db case.db is the user's own
    # case, and the app opens it on a screen that says how to ingest.
    if ctx.obj.get("db_path") is None and not reviewview.has_documents(db):
        seeds = locations.seeds_dir()
        if seeds is not None:
            from .. import ingestion

            click.echo(f"Empty database: ingesting the seed articles from {seeds} …")
            report = ingestion.ingest_paths(
                db, [seeds], on_error=lambda m: click.echo(f"error: {m}", err=True)
            )
            click.echo(report.summary())
    db.conn.close()

    # Textual paints at most once per tick of a 1/FPS timer, and after a frame the
    # next may wait up to two ticks: at the default 60 a held key (auto-repeat every
    # ~33 ms) often waits 17-33 ms for its frame; at 120 the wait halves. Idle screens
    # paint nothing. Set here, before Textual is imported; the user's own value wins.
    os.environ.setdefault("TEXTUAL_FPS", "120")
    from .. import config as settings
    from ..tui.app import ReviewApp  # Textual is imported only when the TUI runs

    config = settings.current()
    app = ReviewApp(
        db_path(ctx),
        reviewer=reviewer or login_name(),
        config=config,
        blind=blind,
        adjudicate=adjudicate,
        allow_private=allow_private,
    )
    app.run()
    for problem in config.problems:  # the notifications are gone with the screen: repeat them
        click.echo(f"warning: {one_line(problem)}", err=True)
    for change in app.unsaved_on_exit:  # the database stayed locked: say what to redo
        click.echo(f"error: not saved (the database stayed locked): {change.describe()}", err=True)
    # A crash inside the app (return code 1) or quitting with unsaved changes must not look like success.
    if app.return_code:
        ctx.exit(app.return_code)


def missing_terminal() -> str | None:
    """Which standard stream is not a terminal (the screen reads stdin, draws on stdout/stderr), or None."""
    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        return None  # run by `workbench serve` (textual-serve): the browser is the terminal
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            if stream is None or not stream.isatty():
                return name
        except (AttributeError, ValueError):  # closed or replaced stream
            return name
    return None


def _is_utf8(text: str) -> bool:
    """False for a name carrying undecodable bytes (lone surrogates), which SQLite cannot store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
