"""A verdict applied to the claim's whole cluster after one confirmation, undone as one (#14)."""

from __future__ import annotations

from workbench.storage import clusters, corpus, review
from workbench.tui.screens.dialogs import ConfirmDialog

from .conftest import SIZE, saved, settle


def clustered(db):
    first = corpus.list_claims(db, limit=1)[0]
    others = [c for c in corpus.list_claims(db, limit=1000) if c.document_id != first.document_id][:2]
    for other in others:
        clusters.join(db, first.id, other.id)
    return first, others


async def test_a_then_y_marks_every_claim_of_the_cluster_and_ctrl_z_undoes_it_whole(make_app, check_db):
    first, others = clustered(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "l", "s")  # link the top candidate, mark sourced (the cursor moves on)
        await saved(pilot)
        passage = review.links(check_db, first.id)[0].passage_id
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # asks first
        await pilot.press("y")
        await saved(pilot)
        for other in others:
            assert review.get_verdict(check_db, other.id).status == "sourced"
            assert review.link_relation(check_db, other.id, passage) == "supports"
        await pilot.press("ctrl+z")
        await saved(pilot)
        for other in others:
            assert review.get_verdict(check_db, other.id).status is None
            assert review.link_relation(check_db, other.id, passage) is None
        assert review.get_verdict(check_db, first.id).status == "sourced"  # its own verdict stays


async def test_n_applies_nothing_and_a_claim_in_no_cluster_is_told_so(make_app, check_db):
    _first, others = clustered(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "A")
        await pilot.pause()
        await pilot.press("n")
        await saved(pilot)
        assert all(review.get_verdict(check_db, o.id).status is None for o in others)
        await pilot.press("u", "A")  # the second claim is in no cluster
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("in no cluster" in n.message for n in app._notifications)
