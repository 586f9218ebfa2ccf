"""Every binding of the review screen, driven with Pilot and checked in the database."""

from __future__ import annotations

from workbench.config import Config
from workbench.storage import corpus, review
from workbench.tui.screens.help import HelpScreen
from workbench.tui.widgets.candidates import CandidateList
from workbench.tui.widgets.claim_list import ClaimList

from .conftest import SIZE, saved, settle


def ids(db, **kw):
    return [c.id for c in corpus.list_claims(db, limit=1000, **kw)]


async def test_j_k_and_arrows_move_through_the_claims(make_app, check_db):
    order = ids(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.claim_id == order[0]
        await pilot.press("j", "j", "down")
        assert screen.claim_id == order[3]
        await pilot.press("k", "up")
        assert screen.claim_id == order[1]
        await pilot.press("up", "up")  # stops at the top
        assert screen.claim_id == order[0]
        await pilot.press("end")
        assert screen.claim_id == order[-1]
        await pilot.press("home")
        assert screen.claim_id == order[0]
        await pilot.pause()
        # The panels follow the cursor.
        assert screen.context.claim.id == order[0]


async def test_n_and_p_skip_reviewed_claims(make_app, check_db):
    order = ids(check_db)
    review.set_status(check_db, order[1], "sourced")
    review.set_status(check_db, order[2], "contested")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert app.screen.claim_id == order[3]
        await pilot.press("p")
        assert app.screen.claim_id == order[0]


async def test_s_c_u_mark_and_move_on_to_the_next_unreviewed(make_app, check_db):
    order = ids(check_db)
    review.set_status(check_db, order[1], "sourced")  # already reviewed: skipped when moving on
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await saved(pilot)
        assert review.get_verdict(check_db, order[0]).status == "sourced"
        assert review.get_verdict(check_db, order[0]).reviewer == "tester"
        assert app.screen.claim_id == order[2]
        await pilot.press("c")
        await saved(pilot)
        assert review.get_verdict(check_db, order[2]).status == "contested"
        assert app.screen.claim_id == order[3]
        await pilot.press("u")
        await saved(pilot)
        assert review.get_verdict(check_db, order[3]).status == "unsupported"
        await pilot.press("k", "x")
        await saved(pilot)
        assert review.get_verdict(check_db, order[3]).status is None
        assert app.screen.claim_id == order[3]  # clearing does not move on


async def test_marking_stays_put_when_configured(make_app, check_db):
    order = ids(check_db)
    app = make_app(config=Config(advance_on_mark=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await saved(pilot)
        assert review.get_verdict(check_db, order[0]).status == "unsupported"
        assert app.screen.claim_id == order[0]


async def test_a_key_right_after_a_move_acts_on_the_new_claim(make_app, check_db):
    order = ids(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "s")  # no pause: the move's message may still be queued
        await pilot.pause()
        await saved(pilot)
        assert review.get_verdict(check_db, order[2]).status == "sourced"
        assert review.get_verdict(check_db, order[0]).status is None


async def _with_candidates(pilot):
    await settle(pilot)
    cands = pilot.app.screen.query_one(CandidateList)
    assert cands.candidates, "the seeds should give the first claim candidates"
    return cands


async def test_l_links_and_unlinks_the_highlighted_candidate(make_app, check_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        cands = await _with_candidates(pilot)
        claim_id = app.screen.claim_id
        first = cands.current.passage_id
        await pilot.press("l")
        await saved(pilot)
        assert review.link_relation(check_db, claim_id, first) == "supports"
        await pilot.press("l")
        await saved(pilot)
        assert review.link_relation(check_db, claim_id, first) is None
        await pilot.press("L")
        await saved(pilot)
        assert review.link_relation(check_db, claim_id, first) == "contradicts"


async def test_brackets_pick_a_candidate_and_enter_links_it(make_app, check_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        cands = await _with_candidates(pilot)
        claim_id = app.screen.claim_id
        await pilot.press("right_square_bracket")
        second = cands.candidates[1].passage_id
        assert cands.current.passage_id == second
        await pilot.press("enter")
        await saved(pilot)
        assert review.link_relation(check_db, claim_id, second) == "supports"
        await pilot.press("left_square_bracket")
        assert cands.current.passage_id == cands.candidates[0].passage_id


async def test_tab_gives_the_keys_to_the_candidates(make_app, check_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        cands = await _with_candidates(pilot)
        claim_id = app.screen.claim_id
        await pilot.press("tab")
        assert app.focused is cands
        await pilot.press("j", "j")
        assert cands.highlighted == 2
        assert app.screen.claim_id == claim_id  # j moved the candidate, not the claim
        await pilot.press("k", "enter")
        await saved(pilot)
        assert review.link_relation(check_db, claim_id, cands.candidates[1].passage_id) == "supports"
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ClaimList)


async def test_e_edits_the_note(make_app, check_db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claim_id = app.screen.claim_id
        await pilot.press("e")
        await pilot.press(*"see [b]x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await saved(pilot)
        assert review.get_verdict(check_db, claim_id).note == "see [b]x"
        await pilot.press("e", "z", "escape")  # escape cancels
        await pilot.pause()
        await saved(pilot)
        assert review.get_verdict(check_db, claim_id).note == "see [b]x"


async def test_a_adds_a_claim_by_hand(make_app, check_db):
    before = corpus.count_claims(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        doc = app.screen.context.claim.document_id
        await pilot.press("a")
        await pilot.press(*"Moscow has 12 bridges")
        await pilot.press("enter")
        await pilot.pause()
        await saved(pilot)
        assert corpus.count_claims(check_db) == before + 1
        added = corpus.get_claim(check_db, app.screen.claim_id)
        assert (added.text, added.origin, added.document_id) == ("Moscow has 12 bridges", "manual", doc)


async def test_slash_narrows_as_you_type_and_enter_goes_to_the_first_match(make_app, check_db):
    matches = ids(check_db, search="Lavrov")
    assert 1 < len(matches) < corpus.count_claims(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "slash", *"Lavr")
        claims = app.screen.query_one(ClaimList)
        assert claims.total == len(ids(check_db, search="Lavr"))
        await pilot.press("o", "v")
        assert claims.total == len(matches)
        await pilot.press("enter")
        assert app.screen.claim_id == matches[0]
        assert app.focused is claims  # the keys are back on the list
        await pilot.press("j")
        assert app.screen.claim_id == matches[1]


async def test_escape_closes_the_search_and_keeps_the_claim(make_app, check_db):
    order = ids(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "slash", *"Lavrov", "escape")
        claims = app.screen.query_one(ClaimList)
        assert app.screen.claim_id == order[2]
        assert claims.search == "" and claims.total == len(order)
        assert app.focused is claims


async def test_f_cycles_the_status_filter(make_app, check_db):
    order = ids(check_db)
    review.set_status(check_db, order[4], "contested")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.query_one(ClaimList)
        seen = [claims.status]
        filters = app.screen.list_filters()
        assert filters[: len(corpus.FILTERS)] == corpus.FILTERS and "dismissed" in filters
        for _ in filters:
            await pilot.press("f")
            seen.append(claims.status)
            assert claims.total == corpus.count_claims(check_db, status=claims.status)
            if claims.status == "contested":
                assert app.screen.claim_id == order[4]
        assert seen == [*filters, "all"]


async def test_ctrl_z_undoes_repeatedly(make_app, check_db):
    order = ids(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        cands = await _with_candidates(pilot)
        passage = cands.current.passage_id
        await pilot.press("l", "s", "c")
        await saved(pilot)
        assert review.get_verdict(check_db, order[1]).status == "contested"
        await pilot.press("ctrl+z")
        await saved(pilot)
        assert review.get_verdict(check_db, order[1]).status is None
        assert app.screen.claim_id == order[1]  # shows the claim the undo touched
        await pilot.press("ctrl+z")
        await saved(pilot)
        assert review.get_verdict(check_db, order[0]).status is None
        assert review.link_relation(check_db, order[0], passage) == "supports"
        await pilot.press("ctrl+z")
        await saved(pilot)
        assert review.link_relation(check_db, order[0], passage) is None
        await pilot.press("ctrl+z")  # nothing left: no change, no crash
        await saved(pilot)
        undos = [h for h in review.history(check_db) if h.undoes is not None]
        assert len(undos) == 3


async def test_question_mark_lists_every_key(make_app):
    import io

    from rich.console import Console
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    from workbench.keymap import SPECS
    from workbench.tui.screens.evidence import EvidenceSearch

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=76, record=True, file=io.StringIO())
        console.print(app.screen.query_one(Static).content)
        shown = console.export_text()
        for spec in SPECS:
            assert spec.id in shown, spec.id
        for binding in EvidenceSearch.BINDINGS:  # other screens' keys, from their own bindings
            assert binding.id in shown, binding.id
        assert "Clear the search and close" in shown and "ctrl+q" in shown
        # At 80x24 it does not fit: it scrolls from the keyboard.
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0
        await pilot.press("pagedown", "j")
        assert scroll.scroll_y > 0
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_rebound_key_works_and_the_old_one_does_not(make_app, check_db):
    order = ids(check_db)
    app = make_app(config=Config(keymap={"claim.sourced": "S"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await saved(pilot)
        assert review.get_verdict(check_db, order[0]).status is None
        await pilot.press("S")
        await saved(pilot)
        assert review.get_verdict(check_db, order[0]).status == "sourced"


async def test_config_problems_are_reported_at_start(make_app):
    from workbench.config import parse_config

    config = parse_config('[keys]\n"claim.sourced" = "j"\n', "cfg.toml")
    assert config.problems
    app = make_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("claim.sourced" in m and "clashes" in m for m in messages)
        await pilot.press("j")  # j still moves: the clashing rebinding was not applied
        assert app.screen.query_one(ClaimList).cursor == 1


async def test_a_burst_after_slash_is_typed_into_the_search_box(make_app, check_db):
    """A terminal delivers "/lavrov<enter>" at once, before the box has focus."""
    from textual import events

    matches = ids(check_db, search="Lavrov")
    before = corpus.count_claims(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, char in [("slash", "/"), *((c, c) for c in "Lavrov"), ("enter", None)]:
            app._driver.send_message(events.Key(key, char))
        await pilot.pause(0.2)
        await pilot.pause()
        assert app.screen.query_one(ClaimList).search == "Lavrov"
        assert app.screen.claim_id == matches[0]
        assert not review.history(check_db)  # "L" did not link anything
        assert corpus.count_claims(check_db) == before  # "a" did not add a claim


async def test_config_problems_quoting_markup_are_shown_literally(make_app):
    """A key id like "[/]" in the user's TOML must not be read as Rich markup (it crashed)."""
    from workbench.config import parse_config

    config = parse_config('[keys]\n"[/]" = "x"\n"[bold]claim" = "y"\n', "cfg.toml")
    assert config.problems
    app = make_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        toasts = [n for n in app._notifications if n.title == "Settings"]
        assert any("[/]" in n.message for n in toasts)
        assert all(not n.markup for n in toasts)
        await pilot.press("j")
        assert app.screen.query_one(ClaimList).cursor == 1


async def test_a_burst_of_twenty_characters_keeps_its_last_one(make_app, check_db):
    """Twenty keys sent at once after `/`: the box and the list end on the full text."""
    from textual import events

    from workbench.tui.widgets.search_box import SearchBox

    text = "Russia and China aff"
    assert len(text) == 20
    expected = ids(check_db, search=text)
    assert expected and expected != ids(check_db, search=text[:-1])  # the last key matters
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._driver.send_message(events.Key("slash", "/"))
        for char in text:
            key = "space" if char == " " else char
            app._driver.send_message(events.Key(key, char))
        await pilot.pause(0.2)
        await pilot.pause()
        box = app.screen.query_one(SearchBox)
        claims = app.screen.query_one(ClaimList)
        assert box.value == text and app.focused is box
        assert claims.search == text and claims.total == len(expected)
        await pilot.press("enter")
        assert app.screen.claim_id == expected[0]


async def test_escape_clears_the_search_instead_of_restoring_the_last_one(make_app, check_db):
    order = ids(check_db)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Lavrov", "enter")
        claims = app.screen.query_one(ClaimList)
        assert claims.search == "Lavrov"
        await pilot.press("slash")
        shown = app.screen.claim_id
        await pilot.press("escape")
        assert claims.search == "" and claims.total == len(order)
        assert app.screen.claim_id == shown and app.focused is claims


async def test_slash_in_the_open_box_is_typed(make_app):
    from workbench.tui.widgets.search_box import SearchBox

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "a", "slash", "b", "ctrl+z")
        assert app.screen.query_one(SearchBox).value == "a/b"
        assert not app.writer.unsaved()  # ctrl+z in the box undid nothing


async def test_a_click_on_the_list_during_a_search_gives_the_keys_back(make_app):
    from workbench.tui.widgets.search_box import SearchBox

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Lav")
        claims = app.screen.query_one(ClaimList)
        await pilot.click(ClaimList)
        await pilot.pause()
        assert app.focused is claims and app.screen.query_one(SearchBox).is_open
        before = claims.cursor
        await pilot.press("j")  # the list's keys work again
        assert claims.cursor == before + 1
        await pilot.press("slash")  # / gives the keys back to the box, its search selected
        box = app.screen.query_one(SearchBox)
        assert app.focused is box and box.value == "Lav"
        await pilot.press("end", "r")
        assert box.value == "Lavr" and claims.search == "Lavr"
        await pilot.press("enter", "slash", "x")  # reopened, a new search replaces the old one
        assert box.value == "x" and claims.search == "x"
