"""What keeps a move through the claims to one cheap frame, driven with Pilot.

A move paints the claim and leaves the rest for later: the claim panel keeps its
height until the cursor rests (a new height is a layout pass, a repaint of the
whole screen), the list scrolls half a page when the cursor leaves it (not a row
per key), and the candidate list is drawn line by line at a fixed height.
"""

from __future__ import annotations

import re

from workbench import linking
from workbench.storage import review
from workbench.tui import candidates_source
from workbench.tui.screens import review as review_screen
from workbench.tui.widgets.candidates import CandidateList, whole_words
from workbench.tui.widgets.claim_list import ClaimList
from workbench.tui.widgets.claim_view import ClaimView

from .conftest import saved, settle


def fitted_rows(view: ClaimView) -> int:
    """The height ``ClaimView.fit`` gives the panel for the claim shown."""
    available = view.parent.size.height
    share = 0.4 if available < 30 else 0.5
    return max(4, min(len(view.plain_lines), int(available * share)))


async def test_the_claim_panel_keeps_its_height_until_the_cursor_rests(make_app, monkeypatch):
    # The rest is made long enough (1 s, ~20x a Pilot key press) that the check
    # right after the key cannot race it on a slow machine.
    monkeypatch.setattr(review_screen, "COMPUTE_DELAY", 1.0)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.pause(1.2)
        view = app.screen.query_one(ClaimView)
        for _ in range(30):  # to a claim whose panel needs another height
            before = view.size.height
            await pilot.press("j")
            if fitted_rows(view) != before:
                break
        else:
            raise AssertionError("no two neighbouring seed claims need different panel heights")
        assert view.size.height == before  # moved: same height, the text scrolls to the sentence
        claim = app.screen.context.claim
        assert f"claim #{claim.id}" in " ".join(view.visible_lines)
        await pilot.pause(1.5)  # rested
        assert view.size.height == fitted_rows(view) != before


async def test_the_list_scrolls_half_a_page_when_the_cursor_leaves_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        height = claims.scrollable_content_region.height
        for _ in range(height - 1):  # to the last row in view: no scrolling yet
            await pilot.press("j")
        assert claims.scroll_offset.y == 0 and claims.cursor == height - 1
        await pilot.press("j")  # off the bottom
        row = claims.cursor - claims.scroll_offset.y
        assert abs(row - height // 2) <= 1, (row, height)
        for _ in range(row):  # back up to the top row in view: no scrolling
            await pilot.press("k")
        top = claims.scroll_offset.y
        assert claims.cursor == top
        await pilot.press("k")  # off the top
        assert claims.scroll_offset.y < top
        assert abs(claims.cursor - claims.scroll_offset.y - height // 2) <= 1


async def test_a_click_highlights_a_candidate_and_links_nothing(make_app, check_db):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        cands = app.screen.query_one(CandidateList)
        assert len(cands.candidates) >= 2
        claim_id = app.screen.claim_id
        second = cands.candidates[1]
        await pilot.click(CandidateList, offset=(4, cands._starts[1]))
        assert cands.current == second
        await saved(pilot)
        assert review.link_relation(check_db, claim_id, second.passage_id) is None
        await pilot.press("l")  # the key links the candidate the click picked
        await saved(pilot)
        assert review.link_relation(check_db, claim_id, second.passage_id) == "supports"


async def test_a_long_candidate_list_keeps_the_highlighted_one_in_view(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        cands = app.screen.query_one(CandidateList)
        assert len(cands.candidates) >= 3
        lines = cands.visible_lines
        assert re.search(r"↓ [1-9]\d* more candidate\(s\): \] next candidate", lines[-1]), lines[-1]
        assert not any(line.lstrip().startswith("3.") for line in lines)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert cands.highlighted == 2
        assert any(line.lstrip().startswith("3.") for line in cands.visible_lines)


def test_the_matched_span_is_widened_to_whole_words():
    text = "Russia and China agree on common position on Ukraine"
    start = text.index("Russia")
    cut = text.index("position") + len("positio")
    assert whole_words(text, (start, cut)) == (start, text.index("position") + len("position"))
    assert whole_words(text, (text.index("ssia"), text.index(" and"))) == (0, len("Russia"))
    assert whole_words(text, (3, 2)) == (3, 2)  # a bad span is left alone


async def test_another_claims_candidates_start_at_the_top_the_same_claims_keep_the_pick(
    make_app, monkeypatch
):
    # Every claim gets the same three candidates: the pick could only stay by passage.
    found = {}

    def same_three(db, claim_id):
        if "result" not in found:
            found["result"] = linking.link_claim(db, claim_id, top=3)
        return found["result"]

    monkeypatch.setattr(candidates_source, "stored", same_three)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        cands = app.screen.query_one(CandidateList)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert cands.highlighted == 2
        await pilot.press("j")  # the next claim: its best candidate first
        await settle(pilot)
        assert len(cands.candidates) >= 2 and cands.highlighted == 0
        await pilot.press("right_square_bracket")
        picked = cands.current.passage_id
        await pilot.press("l")  # linked: the same claim's candidates are shown again
        await settle(pilot)
        assert cands.current.passage_id == picked
