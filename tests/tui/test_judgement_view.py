"""The review screen shows the judgement (#10) and fits the terminal (#11 items 1, 9)."""

from __future__ import annotations

from workbench import suggesting
from workbench.config import Config, parse_config
from workbench.models import Candidate, Coverage, LinkResult
from workbench.storage import corpus, review
from workbench.tui import candidates_source
from workbench.tui.screens.review import JudgingProgress
from workbench.tui.widgets.candidates import CandidateList
from workbench.tui.widgets.claim_view import ClaimView

from .conftest import SIZE, saved, settle


def judged(monkeypatch, *, stance="related", suggested="unsupported", related_only=True):
    """Stored suggestions replaced by a fixed judgement whose facts are the claim's own words."""

    def stored(db, claim_id):
        claim = corpus.get_claim(db, claim_id)
        cand = Candidate(
            passage_id=claim.passage_id,
            doc="d",
            title="T",
            source="S",
            text=claim.text,
            score=0.8,
            span=(0, 5),
            stance=stance,
            reasons=("states: Russia", "does not state: Thursday", "third reason not shown"),
        )
        from workbench.facts import claim_facts

        labels = [f.label for f in claim_facts(claim.text)]
        coverage = Coverage(
            corroborated=tuple(labels[:1]), contradicted=tuple(labels[1:2]), not_found=tuple(labels[2:3])
        )
        return LinkResult((cand,), 0, suggested, coverage, related_only)

    monkeypatch.setattr(candidates_source, "stored", stored)


def header(app) -> str:
    return str(app.screen.query_one("#candidates-header").render())


async def test_candidates_show_stance_in_words_and_reasons(make_app, monkeypatch):
    judged(monkeypatch, stance="contradicts")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:  # a short terminal shows one line of reasons
        await settle(pilot)
        prompt = app.screen.query_one(CandidateList).prompt(0).plain
        assert "✗ contradicts" in prompt
        assert "states: Russia" in prompt and "does not state: Thursday" in prompt
        assert "third reason" not in prompt  # two lines of reasons at most
        assert "suggests ✗ unsupported (related passages only)" in header(app)


async def test_claim_facts_are_marked_in_the_sentence_and_listed_in_words(make_app, monkeypatch, check_db):
    judged(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the next claim gets its marks too
        await pilot.pause()
        claim = corpus.get_claim(check_db, app.screen.claim_id)
        from workbench.facts import claim_facts

        first, second, third = (f.label for f in claim_facts(claim.text)[:3])
        text = " ".join(app.screen.query_one(ClaimView).plain_lines)
        assert f"{first}✓" in text and f"{second}✗" in text and f"{third}?" in text
        assert f"✓ corroborated: {first}" in text
        assert f"✗ contradicted: {second}" in text and f"? not found: {third}" in text


async def test_stale_claims_are_judged_in_the_background_with_progress(make_app, check_db):
    stale = suggesting.stale_claims(check_db)
    assert stale  # the seed database is not judged
    seen = []
    app = make_app(judge_stale=True)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await pilot.press("j")  # the screen answers while the worker judges
        assert app.screen.claim_id is not None
        await app.workers.wait_for_complete()
        await settle(pilot)
        progress = [m for m in seen if isinstance(m, JudgingProgress) and not m.finished]
        assert progress and progress[-1].done == progress[-1].total == len(stale)
        assert app.screen.judging is None  # the status line no longer says "judging evidence"
        assert "Candidates" in header(app) and "suggests" in header(app)
    assert suggesting.stale_claims(check_db) == []


async def test_status_line_says_judging_evidence(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.post_message(JudgingProgress(120, 940))
        await pilot.pause()
        assert "judging evidence 120/940" in str(app.screen.query_one("#status").render())


async def test_hints_follow_rebindings(make_app, monkeypatch):
    judged(monkeypatch)
    config = parse_config('[keys]\n"candidate.contradicts" = "C"\n"list.filter" = "F"\n')
    assert not config.problems
    app = make_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "C contradicting" in header(app) and "L contradicting" not in header(app)
        assert "all (F)" in str(app.screen.query_one("#status").render())


def test_a_rebinding_to_ctrl_q_is_refused_so_it_cannot_quit_past_a_verdict():
    config = parse_config('[keys]\n"claim.sourced" = "ctrl+q"\n')
    (problem,) = config.problems
    assert "ctrl+q is reserved" in problem and config.keys_for("claim.sourced") == ["s"]


async def test_at_80x24_the_sentence_stays_visible_and_j_k_scroll_the_panel(make_app, check_db):
    first = corpus.list_claims(check_db, limit=1)[0]
    review.set_note(check_db, first.id, "\n".join(f"note line {i}" for i in range(12)))
    app = make_app(config=Config(advance_on_mark=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ClaimView)
        assert view.size.height < len(view.plain_lines)  # it does not all fit
        assert first.text.split()[0] in " ".join(view.visible_lines)  # yet the sentence is in view
        top = view.visible_lines
        await pilot.press("K", "K", "K", "K", "K", "K", "K", "K")
        assert view.visible_lines != top and view.visible_lines[0].startswith("·")  # back at the verdict
        await pilot.press("J")
        assert view.visible_lines[0] != "· unreviewed"
        cands = app.screen.query_one(CandidateList)
        assert cands.size.height >= 10  # the candidates get the rest


async def test_at_160x50_the_claim_panel_is_as_tall_as_its_text(make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ClaimView)
        assert view.size.height == max(4, len(view.plain_lines))
        assert app.screen.query_one(CandidateList).size.height > 48 - 2 - 15


async def test_sourced_with_nothing_linked_offers_the_top_supporting_candidate(
    make_app, monkeypatch, check_db
):
    judged(monkeypatch, stance="supports", suggested="sourced", related_only=False)
    first = corpus.list_claims(check_db, limit=1)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await saved(pilot)
        assert any("no evidence linked" in n.message and "Press t" in n.message for n in app._notifications)
        assert app.screen.claim_id != first.id  # moved on; the offer is for the claim just marked
        await pilot.press("t")
        await saved(pilot)
        assert [(lk.passage_id, lk.relation) for lk in review.links(check_db, first.id)] == [
            (first.passage_id, "supports")
        ]
        await pilot.press("t")  # used once
        await pilot.pause()
        assert len(review.links(check_db, first.id)) == 1


async def test_sourced_with_nothing_to_offer_says_so(make_app, monkeypatch):
    judged(monkeypatch, stance="related")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await saved(pilot)
        assert any("no candidate supports it" in n.message for n in app._notifications)
        assert app.screen.offer is None


async def test_sourced_with_a_link_offers_nothing(make_app, monkeypatch):
    judged(monkeypatch, stance="supports", suggested="sourced", related_only=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "l")  # link the candidate, then mark sourced
        await saved(pilot)
        await pilot.press("s")
        await saved(pilot)
        assert not any("no evidence linked" in n.message for n in app._notifications)


async def test_a_claim_in_a_cluster_says_in_how_many_other_documents(make_app, check_db):
    from workbench.storage import clusters

    first = corpus.list_claims(check_db, limit=1)[0]
    elsewhere = next(
        c for c in corpus.list_claims(check_db, limit=1000) if c.document_id != first.document_id
    )
    clusters.join(check_db, first.id, elsewhere.id)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        text = " ".join(app.screen.query_one(ClaimView).plain_lines)
        assert "also in 1 other document(s) (cluster of 2 claims)" in text
        await pilot.press("j")  # a claim in no cluster says nothing
        await pilot.pause()
        assert "also in" not in " ".join(app.screen.query_one(ClaimView).plain_lines)
