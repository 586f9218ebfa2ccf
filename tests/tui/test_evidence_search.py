"""Evidence search over every passage (#11 item 2): type, pick, link; escape goes back."""

from __future__ import annotations

from workbench.storage import corpus, review, reviewview
from workbench.tui.screens.evidence import EvidenceSearch

from .conftest import SIZE, saved, settle


async def search_for(pilot, text: str) -> None:
    await pilot.press("E")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EvidenceSearch)
    await pilot.press(*text)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_passage_the_linker_did_not_rank_is_found_and_linked(make_app, check_db):
    first = corpus.list_claims(check_db, limit=1)[0]
    target = reviewview.search_passages(check_db, "Taipei")[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "Taip")  # as typed: the last word is a prefix
        assert app.screen.current.passage_id == target.passage_id
        await pilot.press("enter")
        await saved(pilot)
        assert app.screen.claim_id == first.id  # back where it was
    assert review.link_relation(check_db, first.id, target.passage_id) == "supports"


async def test_ctrl_r_links_as_contradicting_and_escape_links_nothing(make_app, check_db):
    first = corpus.list_claims(check_db, limit=1)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "sanctions")
        hits = app.screen.hits
        assert len(hits) >= 2
        await pilot.press("down", "ctrl+r")
        await saved(pilot)
        assert review.link_relation(check_db, first.id, hits[1].passage_id) == "contradicts"
        await search_for(pilot, "Moscow")
        await pilot.press("escape")
        await saved(pilot)
        assert not isinstance(app.screen, EvidenceSearch)
    assert len(review.links(check_db, first.id)) == 1


async def test_fts_syntax_typed_is_plain_text(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, '" NEAR( AND *')
        assert app.screen.hits == []  # no error, no hits
        await pilot.press("enter")  # nothing to link: says so and stays
        assert isinstance(app.screen, EvidenceSearch)


async def test_too_many_matches_to_rank_says_the_newest_are_shown(make_app, monkeypatch):
    from workbench.storage import search

    monkeypatch.setattr(search, "RANKED_AT_MOST", 3)  # the seeds have more than 3 passages with "the"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "the")
        note = app.screen.query_one("#evidence-broad")
        assert note.display and "newest shown, type more" in str(note.render())
        assert app.screen.hits
        app.screen.query_one("#evidence-query").value = ""
        await pilot.press(*"Taipei")  # few matches: ranked, the note goes
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_text == "Taipei" and app.screen.hits
        assert not app.screen.query_one("#evidence-broad").display
