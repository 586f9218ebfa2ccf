"""Clusters from the keyboard (#14): z collapses the list to one row per cluster, - takes a
claim out of its cluster, + joins two clusters (remembered), and a claim seen before
shows the earlier decision as a suggestion."""

from __future__ import annotations

from workbench import clustering
from workbench.storage import clusters, review, reviewview
from workbench.storage.reviewview import ResumeState
from workbench.tui.widgets.claim_list import ClaimList
from workbench.tui.widgets.claim_view import ClaimView

from .conftest import SIZE, saved, settle

# The seeds hold one cluster: claims 26 and 30 are the same sentence of one document.
PAIR = (26, 30)


def start_at(db, claim_id: int) -> None:
    reviewview.save_resume(db, ResumeState(claim_id=claim_id))


def status_line(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_z_shows_one_row_per_cluster_with_its_size_and_cluster_progress(make_app, check_db):
    # Whether or not anybody ran `workbench clusters` (the seeds' ingest does not): z groups first.
    start_at(check_db, PAIR[1])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        assert claims.total == 94 and not claims.collapsed
        await pilot.press("z")
        await settle(pilot)
        assert claims.collapsed and claims.total == 93
        assert claims.current_id == PAIR[0]  # the cluster's row stands for the claim we were on
        assert sum("×2" in line for line in claims.render_lines_for_tests()) == 1
        assert "clusters: 0/93 decided" in status_line(app)
        await pilot.press("s")  # decides the head only: its cluster is not decided yet
        await settle(pilot)
        assert "clusters: 0/93 decided" in status_line(app)
        await pilot.press("k", "k")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "clusters: 1/93 decided" in status_line(app)
        await pilot.press("z")
        await settle(pilot)
        assert not claims.collapsed and claims.total == 94
        assert "clusters:" not in status_line(app)
    assert clusters.cluster_id(check_db, PAIR[1]) == PAIR[0]


async def test_minus_takes_the_claim_out_of_its_cluster_remembered(make_app, check_db):
    clustering.recluster(check_db)
    start_at(check_db, PAIR[1])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("minus")
        await saved(pilot)
        await settle(pilot)
        assert clusters.cluster_id(check_db, PAIR[1]) == PAIR[1]
        assert clusters.cluster_id(check_db, PAIR[0]) == PAIR[0]
        assert "cluster of" not in " ".join(app.screen.query_one(ClaimView).plain_lines)
        await pilot.press("minus")  # not in a cluster any more: said so, nothing written
        await settle(pilot)
        assert any("in no cluster" in n.message for n in app._notifications)
    clustering.recluster(check_db)  # remembered when clustering again
    assert clusters.cluster_id(check_db, PAIR[1]) == PAIR[1]


async def test_plus_marks_then_joins_and_escape_clears_the_mark(make_app, check_db):
    start_at(check_db, 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("plus", "escape", "j", "plus")  # the mark on 1 is cleared: 2 is marked
        await settle(pilot)
        assert clusters.cluster_id(check_db, 1) in (None, 1)  # nothing joined to it
        assert "joining: #2 marked" in status_line(app)
        await pilot.press("j", "plus")  # 3 joins 2
        await saved(pilot)
        await settle(pilot)
        assert clusters.cluster_id(check_db, 3) == clusters.cluster_id(check_db, 2) == 2
        assert "joining" not in status_line(app)
    clustering.recluster(check_db)  # remembered when clustering again
    assert clusters.cluster_id(check_db, 3) == clusters.cluster_id(check_db, 2)


async def test_a_claim_seen_before_shows_the_earlier_decision_never_applied(make_app, check_db):
    review.set_status(check_db, PAIR[0], "contested", reviewer="alice")
    start_at(check_db, PAIR[1])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = " ".join(app.screen.query_one(ClaimView).plain_lines)
        assert "seen before: contested on" in text and "by alice — 0 links" in text
        assert f"claim #{PAIR[0]}; a suggestion, not applied" in text
    assert review.get_verdict(check_db, PAIR[1]).status is None
