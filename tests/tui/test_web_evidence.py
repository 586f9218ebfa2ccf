"""Evidence from the web in the review screen (#15): changed evidence is shown old → new until
a verdict marks it seen; `w` fetches a URL (a local server, never the internet), stores it
and opens the article to pick the sentence to link."""

from __future__ import annotations

import pytest
from webserver import Reply, Site, article, loopback_only

from workbench import ingestion
from workbench.storage import corpus, review, reviewview
from workbench.storage.reviewview import ResumeState
from workbench.tui.screens.article import ArticleView
from workbench.tui.screens.link_url import LinkUrlDialog
from workbench.tui.widgets.claim_view import ClaimView
from workbench.web import fetch

from .conftest import SIZE, saved, settle

BEFORE = "Officials in the capital denied that any fighting took place during the night of the attack."
AFTER = "Officials in the capital denied that any heavy fighting took place during the night of the attack."
OTHER = "The ministry said 30 soldiers crossed the border on Monday morning near the town of Kesh."
GRAIN = "Wheat futures rose 12 percent in Chicago on Tuesday after the export ban was announced."
LOCAL = fetch.Limits(allow_private=True, timeout=5.0, total=10.0)


@pytest.fixture
def site(monkeypatch):
    loopback_only(monkeypatch)
    with Site() as s:
        s.pages["/news"] = Reply(body=article("Troops move north", [OTHER, BEFORE]))
        s.pages["/grain"] = Reply(body=article("Grain prices rise", [GRAIN]))
        yield s


def passage_with(db, text: str) -> int:
    return next(p.id for d in corpus.documents(db) for p in corpus.passages_of(db, d.id) if p.text == text)


async def test_changed_evidence_shows_old_and_new_until_a_verdict_marks_it_seen(make_app, check_db, site):
    ingestion.ingest_urls(check_db, [site.url("/news")], limits=LOCAL)
    review.set_link(check_db, 1, passage_with(check_db, BEFORE), "supports", reviewer="alice")
    site.pages["/news"] = Reply(body=article("Troops move north", [OTHER, AFTER]))
    ingestion.ingest_urls(check_db, [site.url("/news")], limits=LOCAL)  # a new version: the link follows
    assert [c.state for c in corpus.changes(check_db, claim_id=1)] == ["changed"]
    reviewview.save_resume(check_db, ResumeState(claim_id=1))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = " ".join(app.screen.query_one(ClaimView).plain_lines)
        assert "evidence changed since you linked it (v1 → v2" in text
        assert "denied that any fighting took place" in text and "denied that any heavy fighting" in text
        await pilot.press("c")
        await saved(pilot)
    assert corpus.changes(check_db, claim_id=1) == []  # seen: out of `stale` and the flagged filter
    assert len(corpus.changes(check_db, claim_id=1, seen=True)) == 1


async def test_w_fetches_a_page_opens_it_and_links_the_sentence_picked(make_app, check_db, site, monkeypatch):
    reviewview.save_resume(check_db, ResumeState(claim_id=2))
    app = make_app(allow_private=True)  # as `review --allow-private`: the test server is on loopback
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reviewing = app.screen
        listed = reviewing.claims.total
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, LinkUrlDialog)
        await pilot.press(*site.url("/grain"), "enter")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        view = app.screen
        assert isinstance(view, ArticleView)
        assert reviewing.claims.total > listed  # the page's own claims are listed at once
        for _ in range(len(view.passages)):
            if view.current.text == GRAIN:
                break
            await pilot.press("j")
        await pilot.press("l")
        await saved(pilot)
    grain = corpus.current_version(check_db, site.url("/grain"))
    assert grain is not None and corpus.web_source(check_db, grain.id)["warc_file"]
    assert review.link_relation(check_db, 2, passage_with(check_db, GRAIN)) == "supports"


async def test_a_refused_address_is_one_line_and_nothing_is_stored(make_app, check_db, site):
    documents = len(corpus.documents(check_db))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w", *site.url("/grain"), "enter")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "refused: 127.0.0.1 is a loopback address" in errors[0]
        assert "\n" not in errors[0] and not isinstance(app.screen, ArticleView)
    assert len(corpus.documents(check_db)) == documents
