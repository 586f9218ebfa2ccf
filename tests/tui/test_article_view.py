"""The whole article (#11 item 3): open at the sentence, link any sentence, escape back."""

from __future__ import annotations

from workbench.storage import corpus, review
from workbench.tui.screens.article import ArticleView

from .conftest import SIZE, saved, settle


async def opened(pilot, key: str) -> ArticleView:
    await pilot.press(key)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, ArticleView)
    return pilot.app.screen


async def test_o_opens_the_claims_article_at_its_sentence_and_links_another(make_app, check_db):
    claim = corpus.list_claims(check_db, limit=3)[2]
    sentences = corpus.passages_of(check_db, claim.document_id)
    at = [p.id for p in sentences].index(claim.passage_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        view = await opened(pilot, "o")
        assert len(view.passages) == len(sentences)
        assert view.current.id == claim.passage_id  # landed on the claim's sentence
        await pilot.press("j", "l")  # the next sentence, as supporting
        await saved(pilot)
        assert not isinstance(app.screen, ArticleView)
        assert app.screen.claim_id == claim.id  # back where it was
        view = await opened(pilot, "o")
        await pilot.press("k", "L")
        await saved(pilot)
    assert review.link_relation(check_db, claim.id, sentences[at + 1].id) == "supports"
    assert review.link_relation(check_db, claim.id, sentences[at - 1].id) == "contradicts"


async def test_shift_o_opens_the_candidates_article_and_escape_links_nothing(make_app, check_db):
    first = corpus.list_claims(check_db, limit=1)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cand = app.screen.candidate_list.current
        assert cand is not None
        view = await opened(pilot, "O")
        assert view.current.id == cand.passage_id
        assert all(p.document_id == cand.document_id for p in view.passages)
        await pilot.press("escape")
        await saved(pilot)
        assert not isinstance(app.screen, ArticleView)
    assert review.links(check_db, first.id) == []


async def test_a_long_article_is_listed_a_window_at_a_time(make_app, check_db, monkeypatch):
    from textual.widgets import OptionList

    from workbench.tui.screens import article

    monkeypatch.setattr(article, "WINDOW", 6)  # the seed articles are short: list 6 sentences at a time
    claim = corpus.list_claims(check_db, limit=3)[2]
    sentences = corpus.passages_of(check_db, claim.document_id)
    assert len(sentences) > 12
    at = [p.id for p in sentences].index(claim.passage_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        view = await opened(pilot, "o")
        assert view.query_one(OptionList).option_count <= 6
        assert view.current.id == claim.passage_id
        steps = min(8, len(sentences) - 1 - at)
        await pilot.press(*["j"] * steps)  # past the window's end: it moves along
        assert view.current.id == sentences[at + steps].id
        await pilot.press("end")
        assert view.current.id == sentences[-1].id
        await pilot.press("home")
        assert view.current.id == sentences[0].id
        await pilot.press(*["down"] * 7, "l")  # the list's own keys move the window too
        await saved(pilot)
    assert review.link_relation(check_db, claim.id, sentences[7].id) == "supports"
