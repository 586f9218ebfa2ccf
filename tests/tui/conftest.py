"""Fixtures for the review TUI: an app on a copy of the seed database, helpers to drive it."""

from __future__ import annotations

import time

import pytest

from workbench.config import Config
from workbench.tui.app import ReviewApp

SIZE = (100, 30)


@pytest.fixture
def make_app(seed_db_path):
    """``make_app(**kwargs)`` -> a ReviewApp on the seed database (reviewer "tester")."""

    def make(path=None, *, config: Config | None = None, reviewer: str = "tester", **kwargs) -> ReviewApp:
        kwargs.setdefault("judge_stale", False)  # the seeds are unjudged: judging 94 claims slows every test
        return ReviewApp(path or seed_db_path, reviewer=reviewer, config=config or Config(), **kwargs)

    return make


@pytest.fixture
def check_db(seed_db):
    """A second connection (the app opens its own), as another process would see the database."""
    return seed_db


async def saved(pilot, timeout: float = 30.0) -> None:
    """Wait until the writer thread has written every change and the screen has heard of it."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while app.writer.unsaved() or getattr(app.screen, "unsaved", None):
        assert time.monotonic() < deadline, f"still unsaved after {timeout}s: {app.writer.unsaved()}"
        await pilot.pause(0.01)
    await pilot.pause()


async def settle(pilot) -> None:
    """Let queued messages, the writer and candidate workers finish."""
    await pilot.pause()
    await saved(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
