"""Helpers shared by the command modules."""

from __future__ import annotations

import getpass

import click
from sqlite_utils import Database

from .. import locations
from ..storage import connect


def open_db(ctx: click.Context) -> Database:
    return connect(locations.database_path(ctx.obj.get("db_path")))


def db_path(ctx: click.Context):
    return locations.database_path(ctx.obj.get("db_path"))


def login_name() -> str:
    """Who is reviewing when ``--reviewer`` is not given."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "reviewer"

