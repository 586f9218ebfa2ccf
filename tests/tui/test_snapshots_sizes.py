"""Snapshots at the sizes a reviewer uses: the collapsed list (#14) and, at 80×24, 100×30 and
160×50, the main screen, the article view and the evidence search (#11).

Candidates come from the fixed stand-in of ``test_snapshots`` (not the live linker).
Update with ``pytest --snapshot-update`` and look at each SVG.
"""

from __future__ import annotations

import pytest

from workbench.storage import connect, reviewview
from workbench.storage.reviewview import ResumeState

from .test_snapshots import _app, _ready, fixed_candidates  # noqa: F401 (a fixture)

SIZES = [(80, 24), (100, 30), (160, 50)]


def _resume_at(path, claim_id: int) -> None:
    db = connect(path)
    reviewview.save_resume(db, ResumeState(claim_id=claim_id))
    db.close()


def test_collapsed_list(snap_compare, seed_db_path, fixed_candidates):  # noqa: F811
    _resume_at(seed_db_path, 30)  # the seeds' one cluster (claims 26 and 30) is in view

    async def collapsed(pilot):
        await _ready(pilot)
        await pilot.press("z")
        await _ready(pilot)

    assert snap_compare(_app(seed_db_path), terminal_size=(100, 30), run_before=collapsed)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, seed_db_path, fixed_candidates, size):  # noqa: F811
    async def linked(pilot):
        await _ready(pilot)
        await pilot.press("tab", "l", "shift+tab")  # a link shows in the claim panel
        await _ready(pilot)

    assert snap_compare(_app(seed_db_path), terminal_size=size, run_before=linked)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_article_view(snap_compare, seed_db_path, fixed_candidates, size):  # noqa: F811
    async def opened(pilot):
        await _ready(pilot)
        await pilot.press("o")
        await _ready(pilot)

    assert snap_compare(_app(seed_db_path), terminal_size=size, run_before=opened)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_evidence_search(snap_compare, seed_db_path, fixed_candidates, size):  # noqa: F811
    async def searched(pilot):
        await _ready(pilot)
        await pilot.press("E", *"summit")
        await _ready(pilot)

    assert snap_compare(_app(seed_db_path), terminal_size=size, run_before=searched)
