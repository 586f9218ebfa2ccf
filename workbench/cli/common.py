"""Helpers shared by the command modules."""

from __future__ import annotations

import click
from sqlite_utils import Database

from .. import locations
from ..storage import connect


def open_db(ctx: click.Context) -> Database:
    return connect(locations.database_path(ctx.obj.get("db_path")))


def db_path(ctx: click.Context):
    return locations.database_path(ctx.obj.get("db_path"))
