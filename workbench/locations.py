"""Every path the workbench uses, decided in one place."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent
DEFAULT_DB = Path("db") / "workbench.db"


def database_path(option: str | None) -> Path:
    """The database chosen with ``--db``, else ``db/workbench.db`` under the current folder.

    ``WORKBENCH_DB`` is read once, by click, as the ``--db`` option's envvar: it
    arrives here as ``option``. The default database is created only in the
    checkout (what ``make run`` opens); anywhere else a missing one is refused
    (InputError) rather than silently created in whatever folder the user is in.
    """
    if option:
        return Path(option)
    path = DEFAULT_DB
    if not path.exists() and not in_checkout():
        raise InputError(
            f"no database at {Path.cwd() / path}: choose one with --db PATH or WORKBENCH_DB"
            " (a new file is created there), or run from the folder that holds db/workbench.db"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def in_checkout() -> bool:
    """Whether the current folder is the source checkout, with its seed articles (``make run``)."""
    try:
        return Path.cwd().resolve() == REPO_ROOT and (REPO_ROOT / "seeds").is_dir()
    except OSError:  # the current folder was deleted
        return False


def seeds_dir() -> Path | None:
    """The built-in seed articles: beside the package in a checkout, else ./seeds."""
    for candidate in (REPO_ROOT / "seeds", Path.cwd() / "seeds"):
        if candidate.is_dir():
            return candidate
    return None


def config_path() -> Path:
    """The key-binding config file (TOML); ``WORKBENCH_CONFIG`` overrides."""
    if env := os.environ.get("WORKBENCH_CONFIG"):
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "workbench" / "config.toml"
