"""Dismiss, edit and look back (#11 items 4, 5): d dismisses (again: restores), i edits the
claim's text with the original kept, h shows its history, ctrl+y redoes, and ctrl+z after a
restart undoes the reviewer's own last change from the stored history."""

from __future__ import annotations

from workbench.config import Config
from workbench.storage import corpus, review, reviewview
from workbench.storage.reviewview import ResumeState
from workbench.tui.screens.edit_claim import EditClaimDialog
from workbench.tui.screens.history import HistoryScreen
from workbench.tui.screens.review import ReviewScreen
from workbench.tui.widgets.claim_list import ClaimList
from workbench.tui.widgets.claim_view import ClaimView

from .conftest import SIZE, settle

STAY = Config(advance_on_mark=False)


def status_line(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_d_dismisses_out_of_the_list_and_counts_undo_and_redo(make_app, check_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        assert claims.current_id == 1 and claims.total == 94
        await pilot.press("d")
        await settle(pilot)
        assert corpus.get_claim(check_db, 1).dismissed_at is not None
        assert claims.total == 93 and claims.current_id == 2  # the row is gone, the cursor on the next
        assert "0/93 reviewed" in status_line(app) and "1 dismissed" in status_line(app)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert corpus.get_claim(check_db, 1).dismissed_at is None
        assert claims.total == 94 and claims.current_id == 1  # back, and shown
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert corpus.get_claim(check_db, 1).dismissed_at is not None and claims.total == 93
    assert [h.kind for h in review.history(check_db, 1)] == ["dismiss"] * 3


async def test_d_on_the_dismissed_list_restores(make_app, check_db):
    review.dismiss(check_db, 3, reviewer="alice")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        while claims.status != "dismissed":
            await pilot.press("f")
        await settle(pilot)
        assert claims.total == 1 and claims.current_id == 3
        assert "dismissed as not check-worthy by alice" in " ".join(
            app.screen.query_one(ClaimView).plain_lines
        )
        await pilot.press("d")
        await settle(pilot)
        assert claims.total == 0
    assert corpus.get_claim(check_db, 3).dismissed_at is None


async def test_i_edits_the_claim_keeping_the_original(make_app, check_db):
    original = corpus.get_claim(check_db, 1).text
    cut = original.index(" such as")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, EditClaimDialog)
        await pilot.press(*["backspace"] * (len(original) - cut), "full_stop", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        claim = corpus.get_claim(check_db, 1)
        assert claim.text == original[:cut] + "." and claim.original_text == original
        lines = " ".join(app.screen.query_one(ClaimView).plain_lines)
        assert "edited" in lines and "extracted as: Russia and China affirm" in lines
        await pilot.press("i", "escape")  # cancelled: nothing written
        await settle(pilot)
    assert [h.kind for h in review.history(check_db, 1)] == ["edit"]


async def test_h_shows_who_when_old_and_new_then_escape_goes_back(make_app, check_db):
    review.set_status(check_db, 1, "unsupported", reviewer="alice")
    app = make_app(config=STAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "e", *"per Tass", "ctrl+s", "tab", "l", "shift+tab", "d")
        await settle(pilot)
        await pilot.press("ctrl+z")  # restores it: the undo is a change of its own
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        lines = history.lines
        assert len(lines) == 6
        assert "alice  verdict: (unreviewed) → unsupported" in lines[0]
        assert "tester  verdict: unsupported → sourced" in lines[1]
        assert "tester  note: (none) → “per Tass”" in lines[2]
        assert "tester  link passage #" in lines[3] and "(not linked) → supports" in lines[3]
        assert "tester  dismissed: (not dismissed) → not check-worthy" in lines[4]
        assert "tester  dismissed: not check-worthy → (not dismissed)  (reverses change #" in lines[5]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_ctrl_z_after_a_restart_undoes_my_last_change_never_someone_elses(
    make_app, check_db, seed_db_path
):
    app = make_app(config=STAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "q")
        await pilot.pause()
    assert review.get_verdict(check_db, 1).status == "contested"
    review.set_status(check_db, 5, "sourced", reviewer="alice")  # later, and someone else's
    reviewview.save_resume(check_db, ResumeState(claim_id=40))
    again = make_app(seed_db_path, config=STAY)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert again.screen.query_one(ClaimList).current_id == 1  # shows what it undid
        assert any("Undone: verdict on claim #1" in n.message for n in again._notifications)
        await pilot.press("ctrl+z")  # nothing more of mine
        await settle(pilot)
        assert any("Nothing to undo" in n.message for n in again._notifications)
    assert review.get_verdict(check_db, 1).status is None
    assert review.get_verdict(check_db, 5).status == "sourced"
