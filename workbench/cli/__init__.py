"""The ``workbench`` command: a thin layer over the core modules.

A bare ``workbench`` opens the review TUI; subcommands live in one module per
concern (corpus, linking, review, reports, ...), each registering its commands on
``cli``; all of them are imported at the bottom of this module.
"""

from __future__ import annotations

import sys

import click
from click_default_group import DefaultGroup

from ..errors import WorkbenchError
from ..storage import StorageError
from ..textsafety import one_line


class WorkbenchGroup(DefaultGroup):
    """Turns our errors into one plain line and a non-zero exit."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        # Messages quote file names, ids and stored text: one_line shows any control
        # or bidi character in them instead of sending it to the terminal.
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            click.echo(f"error: {one_line(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except StorageError as exc:
            click.echo(f"error: database problem: {one_line(str(exc))}", err=True)
            ctx.exit(2)
        except click.UsageError as exc:  # click quotes the bad argument as given
            exc.message = one_line(exc.message)
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP during an export
            click.echo("interrupted", err=True)
            ctx.exit(getattr(exc, "exit_code", 130))


@click.group(cls=WorkbenchGroup, default="review", default_if_no_args=True, invoke_without_command=True)
@click.option(
    "--db",
    "db_path",
    metavar="PATH",
    envvar="WORKBENCH_DB",
    help="Database file (default: db/workbench.db; or set WORKBENCH_DB).",
)
@click.version_option(package_name="workbench")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """A keyboard-driven fact-check workbench.

    \b
    Examples:
      workbench                      open the review screen (the default database gets seeds/ on first start)
      workbench ingest articles/     add documents
      workbench claims --json        list extracted claims
    """
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    if ctx.invoked_subcommand is None:
        # Only options (`workbench --db case.db`): the default command, as with no arguments.
        ctx.invoke(cli.get_command(ctx, "review"))


def main() -> None:
    try:
        cli(prog_name="workbench")
    except KeyboardInterrupt as exc:
        click.echo("interrupted", err=True)
        sys.exit(getattr(exc, "exit_code", 130))


# The command modules register their commands on `cli` (they import it, so they come last).
from . import clusters, corpus, linking, reports, review, serve, team, verdicts  # noqa: E402, F401
