"""The ``workbench`` command: a thin layer over the core modules.

A bare ``workbench`` opens the review TUI; subcommands live in one module per
concern (corpus, linking, review, reports, ...), each registering its commands on
``cli``. A module is imported only when one of its commands runs (``COMMAND_MODULES``):
``workbench review`` then loads neither clustering nor reports nor ingestion, and the
review screen starts sooner. ``workbench --help`` imports them all, for their short help.
"""

from __future__ import annotations

import importlib
import sys

import click
from click_default_group import DefaultGroup

from ..errors import WorkbenchError
from ..storage import StorageError
from ..textsafety import one_line

COMMAND_MODULES = {
    "adjudicate": "team",
    "agreement": "team",
    "assign": "team",
    "assignments": "team",
    "blind": "team",
    "claims": "corpus",
    "clusters": "clusters",
    "dismiss": "verdicts",
    "documents": "corpus",
    "edit-claim": "verdicts",
    "export": "reports",
    "history": "verdicts",
    "import": "reports",
    "ingest": "corpus",
    "join-clusters": "clusters",
    "link": "linking",
    "merge": "team",
    "redo": "verdicts",
    "restore": "verdicts",
    "review": "review",
    "seen-before": "clusters",
    "serve": "serve",
    "stale": "corpus",
    "stats": "corpus",
    "suggest": "linking",
    "take-out": "clusters",
    "undo": "verdicts",
    "verdict": "verdicts",
}
"""Command name -> the module of workbench.cli that registers it (tests check it is complete)."""


class WorkbenchGroup(DefaultGroup):
    """Loads a command's module when the command is asked for; turns our errors into
    one plain line and a non-zero exit."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # An unknown name runs the default command (DefaultGroup), so that one is loaded then.
        module = COMMAND_MODULES.get(cmd_name) or COMMAND_MODULES.get(self.default_cmd_name or "")
        if module:
            importlib.import_module(f"{__name__}.{module}")  # registers its commands on `cli`
        return super().get_command(ctx, cmd_name)

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
