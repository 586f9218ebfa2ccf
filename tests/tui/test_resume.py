"""Closing and reopening the app on one database returns to the same place."""

from __future__ import annotations

from workbench.storage import corpus, review
from workbench.tui.widgets.claim_list import ClaimList

from .conftest import SIZE, settle


async def test_reopening_returns_to_the_same_claim_filter_and_search(make_app, check_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "f")  # mark one, then show the unreviewed claims
        await pilot.press("slash", *"Russia", "enter")
        await pilot.press("j", "j")
        await pilot.pause()
        expected = app.screen.claim_id
        await pilot.press("q")
    assert expected is not None

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = again.screen.query_one(ClaimList)
        assert (claims.status, claims.search) == ("unreviewed", "Russia")
        assert again.screen.claim_id == expected
        assert claims.total == corpus.count_claims(check_db, status="unreviewed", search="Russia")
        messages = [n.message for n in again._notifications]
        assert any(review.progress(check_db).summary() in m for m in messages)
        assert any(f"#{expected}" in m for m in messages)


async def test_a_resumed_claim_that_is_gone_falls_back_to_its_neighbour(make_app, check_db):
    from workbench.storage import reviewview

    order = [c.id for c in corpus.list_claims(check_db, limit=1000)]
    reviewview.save_resume(check_db, reviewview.ResumeState(claim_id=order[5], filter="contested"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        assert claims.status == "contested" and claims.total == 0
        assert app.screen.claim_id is None  # empty list: no crash, an explanation instead
        await pilot.press("f", "f", "f", "f")  # contested -> unsupported -> flagged -> dismissed -> all
        assert claims.status == "all" and claims.total == len(order)


async def test_every_change_is_committed_at_once(make_app, check_db):
    """No save key: another connection sees a verdict while the app is still open."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim_id = app.screen.claim_id
        await pilot.press("u")
        assert review.get_verdict(check_db, claim_id).status == "unsupported"
        assert review.history(check_db, claim_id)[-1].new == "unsupported"


async def test_each_reviewer_resumes_where_they_stopped(make_app):
    positions = {}
    for reviewer, moves in (("ana", 3), ("ben", 7)):
        app = make_app(reviewer=reviewer)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(*["j"] * moves)
            await pilot.pause()
            positions[reviewer] = app.screen.claim_id
            await pilot.press("q")
    assert positions["ana"] != positions["ben"]
    for reviewer in ("ana", "ben"):
        again = make_app(reviewer=reviewer)
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert again.screen.claim_id == positions[reviewer], reviewer


async def test_the_list_reopens_collapsed_to_clusters(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("z")  # clusters the claims first, then one row per cluster
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        assert claims.collapsed
        collapsed_total = claims.total
        await pilot.press("q")

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = again.screen.query_one(ClaimList)
        assert claims.collapsed and claims.total == collapsed_total
        await pilot.press("z")  # and back to one row per claim, remembered too
        await settle(pilot)
        assert not claims.collapsed
        await pilot.press("q")

    third = make_app()
    async with third.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not third.screen.query_one(ClaimList).collapsed
