"""Review screen at scale (#11): a move paints the claim first and its candidates right after;
nothing acts on the previous claim's candidates in between; judging waits for a resting cursor."""

from __future__ import annotations

import time

from workbench.storage import review
from workbench.tui.screens import panel_workers
from workbench.tui.widgets.candidates import CandidateList
from workbench.tui.widgets.claim_view import ClaimView

from .conftest import SIZE, saved
from .test_judgement_view import judged


async def test_link_right_after_a_move_links_the_new_claims_candidate(make_app, monkeypatch, check_db):
    judged(monkeypatch)  # each claim's one candidate is its own passage
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        first = screen.claim_id
        screen.action_cursor_down()  # same tick: the candidates are not shown yet
        second = screen.claim_id
        assert second != first
        assert screen.candidate_list.current.passage_id != screen.context.claim.passage_id
        screen.action_link("supports")  # flushes the new claim's candidates first
        await saved(pilot)
        links = review.links(check_db, second)
        assert [link.passage_id for link in links] == [screen.context.claim.passage_id]
        assert review.links(check_db, first) == []
        assert screen.query_one(CandidateList).current.passage_id == screen.context.claim.passage_id


async def test_a_move_with_nothing_to_add_does_not_rebuild_the_claim_panel(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ClaimView)
        built = []
        original = view._build
        view._build = lambda: (built.append(1), original())[1]
        view.set_extras(app.screen.claim_id, None, ())
        assert built == []


def test_judging_waits_while_the_reviewer_moves(monkeypatch):
    class Worker:
        is_cancelled = False

    clock = iter([0.0, 0.1, 0.2, 0.7])
    monkeypatch.setattr(panel_workers.time, "monotonic", lambda: next(clock))
    slept = []
    monkeypatch.setattr(panel_workers.time, "sleep", slept.append)
    screen = panel_workers.PanelWorkers()
    screen.last_move = 0.0
    assert screen._judging_waits(Worker()) is False
    assert len(slept) == 3  # waited until REVIEWER_BUSY had passed since the last move


def test_the_judge_process_is_held_while_the_reviewer_moves():
    class Worker:
        is_cancelled = False

    screen = panel_workers.PanelWorkers()
    posted, paused = [], []
    reports = iter([["progress", 0, 40], None, ["progress", 20, 40], ["progress", 40, 40], ["finished"]])

    class Judge:
        def pause(self, held: bool) -> None:
            paused.append(held)

        def receive(self, timeout: float):
            report = next(reports)
            # the reviewer moves after the first report and rests again after the second
            screen.last_move = time.monotonic() if report == ["progress", 0, 40] else 0.0
            return report

    screen.post_message = posted.append
    screen.last_move = 0.0
    screen._relay_judging(Worker(), Judge())
    assert paused == [False, True, False, False, False]
    assert [(m.done, m.total, m.finished) for m in posted] == [
        (0, 40, False),
        (20, 40, False),
        (40, 40, False),
        (0, 0, True),
    ]
