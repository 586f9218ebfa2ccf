"""Helpers shared by the command modules."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from .. import locations
from ..storage import connect

if TYPE_CHECKING:  # type hints only: storage/ is the one package that speaks SQL
    from sqlite_utils import Database


def open_db(ctx: click.Context, *, readonly: bool = False) -> Database:
    """The database of ``--db``. Commands that only read pass ``readonly=True``: a file
    the user cannot write (mode 0444, a read-only folder) is then opened read-only."""
    return connect(locations.database_path(ctx.obj.get("db_path")), readonly=readonly)


def db_path(ctx: click.Context):
    return locations.database_path(ctx.obj.get("db_path"))


def login_name() -> str:
    """Who is reviewing when ``--reviewer`` is not given."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "reviewer"


def echo_json_array(items: Iterable[object]) -> None:
    """Stream a JSON array, one item a line, as exact and terminal-inert JSON
    (``reports.safe_json``): nothing is held in memory beyond one item."""
    # Imported when used: importing workbench.reports here would slow every command's start.
    from ..reports.safe_json import dumps

    out = sys.stdout
    out.write("[")
    first = True
    for item in items:
        out.write(("" if first else ",") + "\n  " + dumps(item))
        first = False
    out.write("\n]\n" if not first else "]\n")
