"""Fixtures for the review TUI: an app on a copy of the seed database, helpers to drive it."""

from __future__ import annotations

import pytest

from workbench.keymap import Config
from workbench.tui.app import ReviewApp

SIZE = (100, 30)


@pytest.fixture
def make_app(seed_db_path):
    """``make_app(**kwargs)`` -> a ReviewApp on the seed database (reviewer "tester")."""

    def make(path=None, *, config: Config | None = None, reviewer: str = "tester") -> ReviewApp:
        return ReviewApp(path or seed_db_path, reviewer=reviewer, config=config or Config())

    return make


@pytest.fixture
def check_db(seed_db):
    """A second connection (the app opens its own), as another process would see the database."""
    return seed_db


async def settle(pilot) -> None:
    """Let queued messages and candidate workers finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
