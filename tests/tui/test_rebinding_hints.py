"""Hints name the keys bound now (#11 item 9): after a rebinding in the config, the candidates
header, the empty-list message, the article view (whose link keys move with the rebinding),
the changed-evidence line and the join hint say the new keys, never the defaults."""

from __future__ import annotations

from workbench.config import parse_config
from workbench.storage import review
from workbench.tui.screens.article import ArticleView
from workbench.tui.widgets.claim_view import ClaimView

from .conftest import SIZE, saved, settle

REBOUND = parse_config(
    "[keys]\n"
    '"candidate.link" = "y"\n'
    '"candidate.contradicts" = "Y"\n'
    '"list.filter" = "F"\n'
    '"list.search" = "ctrl+f"\n'
    '"claim.join" = "P"\n'
)


def test_the_config_is_accepted():
    assert not REBOUND.problems and REBOUND.keymap["candidate.link"] == "y"


async def test_hints_follow_a_rebinding(make_app, check_db):
    review.set_status(check_db, 1, "contested")  # the contested list is then one claim long
    app = make_app(config=REBOUND)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = str(app.screen.query_one("#candidates-header").render())
        assert "y link · Y contradicting" in header and "l link" not in header
        await pilot.press("P")
        await pilot.pause()
        assert "joining: #1 marked (P on another claim)" in str(app.screen.query_one("#status").render())
        await pilot.press("P")  # clears the mark
        for _ in range(3):  # all -> unreviewed -> sourced (empty) -> contested
            await pilot.press("F")
        await settle(pilot)
        await pilot.press("F", "F")  # unsupported: empty
        await settle(pilot)
        empty = " ".join(app.screen.query_one(ClaimView).plain_lines)
        assert "Press F to change the filter or ctrl+f to search" in empty


async def test_the_article_view_links_with_the_rebound_key(make_app, check_db):
    app = make_app(config=REBOUND)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, ArticleView)
        assert "y links supporting · Y contradicting" in str(view.query_one("Vertical").border_subtitle)
        await pilot.press("j", "l")  # l is no longer a link key here
        await pilot.pause()
        assert app.screen is view
        passage = view.current.id
        await pilot.press("Y")
        await saved(pilot)
    assert review.link_relation(check_db, 1, passage) == "contradicts"
