"""Helpers shared by the command modules."""

from __future__ import annotations

import getpass
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
