"""The whole article (#11 item 3): open at the sentence, link any sentence, escape back;
a 1,000-sentence article listed whole, moved through with keys and the mouse."""

from __future__ import annotations

import hashlib
import threading

from workbench.models import ClaimDraft, PassageDraft, RawDocument
from workbench.storage import corpus, review, reviewview
from workbench.storage.reviewview import ResumeState
from workbench.tui.screens import article
from workbench.tui.screens.article import ArticleView
from workbench.tui.widgets.sentence_list import SentenceList

from .conftest import SIZE, saved, settle


async def opened(pilot, key: str) -> ArticleView:
    await pilot.press(key)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, ArticleView)
    return pilot.app.screen


def shown(view: ArticleView) -> str:
    """The sentence list's visible lines, one string."""
    return "\n".join(view.query_one(SentenceList).render_lines_for_tests())


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
        assert "◀ opened here" in shown(view)
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


def long_article(db, sentences: int = 1000, claim_at: int = 500) -> int:
    """Store a document of ``sentences`` numbered sentences, five to a paragraph, with one
    claim (on sentence ``claim_at``); the review resumes at that claim. Returns its id."""
    drafts, offset = [], 0
    for i in range(sentences):
        text = f"Sentence number {i} of the long article says something about grain exports."
        claim = ClaimDraft(0.9, ("number or quantity",)) if i == claim_at else None
        drafts.append(PassageDraft(i, i // 5, offset, offset + len(text), text, claim))
        offset += len(text) + 1
    body = "\n".join(p.text for p in drafts)
    raw = RawDocument(name="long.txt", text=body, title="A long article")
    corpus.add_document(db, raw, hashlib.sha256(body.encode()).hexdigest(), drafts)
    claim_id = db.execute("SELECT max(id) FROM claims").fetchone()[0]
    reviewview.save_resume(db, ResumeState(claim_id=claim_id))
    return claim_id


async def test_a_long_article_is_listed_whole_and_end_links_its_last_sentence(make_app, check_db):
    claim_id = long_article(check_db)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.claim_id == claim_id
        view = await opened(pilot, "o")
        assert len(view.passages) == 1000
        assert view.current.text.startswith("Sentence number 500 ")
        assert "Sentence number 500 " in shown(view) and "◀ opened here" in shown(view)
        await pilot.press("end")
        assert view.current_index == 999
        assert "Sentence number 999 " in shown(view)  # scrolled to it
        await pilot.press("pageup")
        assert 980 < view.current_index < 999
        await pilot.press("home")
        assert view.current_index == 0 and "Sentence number 0 " in shown(view)
        await pilot.press("pagedown", "down", "up", "j")
        assert 0 < view.current_index < 20
        await pilot.press("end", "l")
        await saved(pilot)
        assert not isinstance(app.screen, ArticleView) and app.screen.claim_id == claim_id
    last = corpus.passages_of(check_db, corpus.get_claim(check_db, claim_id).document_id)[-1]
    assert review.link_relation(check_db, claim_id, last.id) == "supports"


async def test_clicking_a_sentence_highlights_it(make_app, check_db):
    claim_id = long_article(check_db)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = await opened(pilot, "o")
        sentences = view.query_one(SentenceList)
        lines = sentences.render_lines_for_tests()
        row = next(y for y, line in enumerate(lines) if "Sentence number 503 " in line)
        await pilot.click(SentenceList, offset=(10, row))
        assert view.current.text.startswith("Sentence number 503 ")
        await pilot.press("L")
        await saved(pilot)
    passages = corpus.passages_of(check_db, corpus.get_claim(check_db, claim_id).document_id)
    assert review.link_relation(check_db, claim_id, passages[503].id) == "contradicts"


async def test_the_opened_sentence_wraps_whole_at_80_columns(make_app, check_db):
    claim = corpus.list_claims(check_db, limit=3)[2]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        view = await opened(pilot, "o")
        lines = view.query_one(SentenceList).render_lines_for_tests()
        width = view.query_one(SentenceList).scrollable_content_region.width
        assert all(len(line) == width for line in lines)
        words = " ".join(line.strip() for line in lines).split()
        text = " ".join(claim.text.split())
        assert text in " ".join(words)  # every word of it on screen, none cut off
        assert len(text) > width  # (it does wrap)


async def test_a_slow_read_shows_reading_then_the_sentences(make_app, monkeypatch):
    release = threading.Event()
    read = article.read_sentences

    def slow(*args):
        assert release.wait(30)
        return read(*args)

    monkeypatch.setattr(article, "read_sentences", slow)
    monkeypatch.setattr(article, "FIRST_PAINT_WAIT", 0.01)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, ArticleView)
        assert "reading the document" in str(view.query_one("#article-note").render())
        assert view.passages == [] and view.current is None
        await pilot.press("j", "l")  # nothing to move or link yet: nothing happens
        assert app.screen is view
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.current is not None and "◀ opened here" in shown(view)


async def test_an_unreadable_document_is_one_line_and_escape_goes_back(make_app, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(article.corpus, "passages_of", broken)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = await opened(pilot, "o")
        note = str(view.query_one("#article-note").render())
        assert "Could not read the document: disk on fire" in note and "\n" not in note
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ArticleView)


async def test_q_goes_back_and_enter_links_supporting(make_app, check_db):
    claim = corpus.list_claims(check_db, limit=1)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await opened(pilot, "o")
        await pilot.press("q")  # back, not quit
        await saved(pilot)
        assert app.is_running and not isinstance(app.screen, ArticleView)
        assert review.links(check_db, claim.id) == []
        await opened(pilot, "o")
        await pilot.press("enter")
        await saved(pilot)
        assert not isinstance(app.screen, ArticleView)
    assert review.link_relation(check_db, claim.id, claim.passage_id) == "supports"
