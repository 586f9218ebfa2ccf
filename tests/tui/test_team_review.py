"""Team review on the screen (issue #13): a reviewer's queue, blind review, adjudication,
each reviewer's decision side by side, the agreement figures."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, review, team, teamview
from workbench.storage.claim_filter import ClaimFilter

from .conftest import SIZE, settle
from .test_snapshots import fixed_candidates  # noqa: F401  (a fixture: candidates that never change)


@pytest.fixture
def team_db(seed_db_path):
    """The seeds with claims 1-6 given to ana and ben (the CLI, as a desk would) and:
    claim 1 ana sourced / ben contested (disagreed), claim 2 both sourced (agreed),
    claim 3 ben unsupported with a note (ana has not decided)."""
    result = CliRunner().invoke(
        cli,
        ["--db", str(seed_db_path), "assign", "--reviewers", "ana,ben", "--doc", _first_doc(seed_db_path)],
    )
    assert result.exit_code == 0, result.output
    db = connect(seed_db_path)
    ids = team.queue(db, "ana")
    review.set_status(db, ids[0], "sourced", reviewer="ana")
    review.set_status(db, ids[0], "contested", reviewer="ben")
    review.set_status(db, ids[1], "sourced", reviewer="ana")
    review.set_status(db, ids[1], "sourced", reviewer="ben")
    review.set_status(db, ids[2], "unsupported", reviewer="ben")
    review.set_note(db, ids[2], "ben's [b]secret[/b] reason", reviewer="ben")
    db.close()
    return seed_db_path, ids


def _first_doc(path) -> str:
    db = connect(path)
    try:
        return db.execute("SELECT name FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        db.close()


def test_adjudicate_needs_a_reviewer_name(seed_db_path):
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "review", "--adjudicate"])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--reviewer" in lines[0], result.output


def test_own_list_reads_the_reviewers_own_decisions(team_db):
    path, ids = team_db
    db = connect(path)
    try:
        queue = ClaimFilter(assigned_to="ana")
        rows = teamview.list_own(db, "ana", queue, limit=500)
        assert [c.id for c in rows] == ids
        shown = {c.id: c.status for c in rows}
        assert shown[ids[0]] == "sourced"  # ana's, not the (empty, disagreed) final verdict
        assert shown[ids[2]] is None  # ben's unsupported is not ana's
        undecided = ClaimFilter(status="unreviewed", assigned_to="ana")
        assert teamview.count_own(db, "ana", undecided) == len(ids) - 2
        assert teamview.next_undecided(db, "ana", ids[0], claim_filter=queue) == ids[2]
        assert teamview.next_undecided(db, "ben", ids[1], claim_filter=queue) == ids[3]
        assert teamview.progress(db, "ana") == team.ReviewerProgress("ana", len(ids), 2)
        review.dismiss(db, ids[0], reviewer="ana")  # a dismissed claim leaves the queue and its count
        assert teamview.progress(db, "ana") == team.ReviewerProgress("ana", len(ids) - 1, 1)
    finally:
        db.close()


def test_blind_side_by_side_hides_the_others_until_decided(team_db):
    path, ids = team_db
    db = connect(path)
    try:
        blind = teamview.TeamMode("ana", queue=True, blind=True)
        hidden = teamview.team_claim(db, ids[2], blind)
        assert [s.reviewer for s in hidden.sides] == ["ana"] and hidden.hidden == 1
        assert hidden.final is None
        seen = teamview.team_claim(db, ids[2], teamview.TeamMode("ana", queue=True))
        assert {s.reviewer: s.status for s in seen.sides} == {"ana": None, "ben": "unsupported"}
        outsider = teamview.team_claim(db, ids[2], teamview.TeamMode("zoe", blind=True))
        assert outsider.hidden == 0  # not one of the blind reviewers: sees every decision
        decided = teamview.team_claim(db, ids[0], blind)  # ana decided claim 1: she sees ben's
        assert {s.reviewer: s.status for s in decided.sides} == {"ana": "sourced", "ben": "contested"}
        assert decided.final.basis == "disagreed"
    finally:
        db.close()


async def test_agreement_opens_from_the_palette(team_db, make_app):
    from textual.widgets import Static

    from workbench.tui.screens.agreement import AgreementScreen

    path, _ = team_db
    app = make_app(path, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"agreement between")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AgreementScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.screen.query_one("#agreement-figures", Static).content)
        assert "Krippendorff" in shown and "Fleiss" in shown and "ana / ben" in shown
        assert "on 2 claims" in shown  # claims 1 and 2: both decided
        await pilot.press("escape")
        assert not isinstance(app.screen, AgreementScreen)


def _status_line(app) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one("#status", Static).content)


def _panel(app) -> str:
    from workbench.tui.widgets.claim_view import ClaimView

    return "\n".join(app.screen.query_one(ClaimView).plain_lines)


def _decision(path, claim_id, reviewer):
    db = connect(path)
    try:
        return review.own_decision(db, claim_id, reviewer)[0]
    finally:
        db.close()


async def test_a_reviewer_walks_their_own_queue(team_db, make_app):
    from .conftest import saved

    path, ids = team_db
    app = make_app(path, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.claims
        assert claims.total == len(ids)  # only ana's claims
        assert "you: 2/6 decided" in _status_line(app).replace(f"/{len(ids)}", "/6")
        await pilot.press("g", "n")  # the first claim ana has not decided: the third
        assert claims.current_id == ids[2]
        await pilot.press("u")  # her verdict; the cursor moves to her next undecided claim
        await saved(pilot)
        assert _decision(path, ids[2], "ana") == "unsupported"
        assert claims.current_id == ids[3]
        assert f"you: 3/{len(ids)} decided" in _status_line(app)
        await pilot.press("p")  # back: ids[2] is decided now, so p wraps to her last undecided
        assert claims.current_id == ids[-1]
    db = connect(path)
    try:  # ana and ben both said unsupported only now; ben's verdict did not count as hers
        assert db.execute("SELECT basis FROM verdicts WHERE claim_id = ?", [ids[2]]).fetchone()[0] == "agreed"
    finally:
        db.close()


async def test_alone_nothing_changes(seed_db_path, make_app):
    app = make_app(seed_db_path, reviewer="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "you:" not in _status_line(app) and "reviewed" in _status_line(app)
        assert app.screen.claims.queue_of is None
        assert "team:" not in _panel(app)


async def test_blind_review_hides_the_others_until_decided(team_db, make_app):
    from workbench.tui.screens.decisions import DecisionsScreen

    from .conftest import saved

    path, ids = team_db
    app = make_app(path, reviewer="ana", blind=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.claims
        claims.select_id(ids[2])  # ben: unsupported with a note; ana has not decided
        await settle(pilot)
        panel = _panel(app)
        assert "unsupported" not in panel and "secret" not in panel and "hidden until you decide" in panel
        assert claims.render_lines_for_tests()[claims.cursor - claims.scroll_offset.y].startswith("·")
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, DecisionsScreen)
        assert [s.reviewer for s in app.screen.claim.sides] == ["ana"] and app.screen.claim.hidden == 1
        await pilot.press("s")  # not an adjudicator: a verdict key does nothing here
        assert isinstance(app.screen, DecisionsScreen)
        await pilot.press("escape")
        await pilot.press("c")  # ana decides: now she may see ben's
        await saved(pilot)
        claims.select_id(ids[2])
        await settle(pilot)
        panel = " ".join(_panel(app).split())
        assert "ben ✗ unsupported" in panel and "contested" in panel
        assert "the reviewers disagree" in panel
    assert _decision(path, ids[2], "ana") == "contested"


async def test_the_adjudicator_makes_the_final_verdict(team_db, make_app):
    from workbench.tui.screens.decisions import DecisionsScreen

    from .conftest import saved

    path, ids = team_db
    app = make_app(path, reviewer="editor", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        claims = app.screen.claims
        assert claims.status == "disagreed" and claims.total == 1 and claims.current_id == ids[0]
        assert "adjudicating: 1 disagreed" in _status_line(app)
        await pilot.press("v")  # every reviewer side by side
        await settle(pilot)
        assert isinstance(app.screen, DecisionsScreen)
        assert {s.reviewer: s.status for s in app.screen.claim.sides} == {
            "ana": "sourced",
            "ben": "contested",
        }
        await pilot.press("c")  # the verdict key decides, from the side-by-side view
        await saved(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, DecisionsScreen)
        assert claims.total == 0  # the claim left the disagreed list
        assert "adjudicating: 0 disagreed" in _status_line(app)
    db = connect(path)
    try:
        final = teamview.final(db, ids[0])
        assert (final.status, final.basis, final.reviewer) == ("contested", "adjudicated", "editor")
        assert review.own_decision(db, ids[0], "ana")[0] == "sourced"  # the reviewers' stay theirs
        assert team.disagreed(db) == []
    finally:
        db.close()


@pytest.mark.usefixtures("fixed_candidates")
def test_decisions_side_by_side_snapshot(snap_compare, team_db):
    """The adjudicator's view of the disagreed claim (times fixed: the picture must not age)."""
    from workbench.tui.app import ReviewApp

    path, ids = team_db
    db = connect(path)
    passage = db.execute("SELECT id FROM passages ORDER BY id LIMIT 1 OFFSET 40").fetchone()[0]
    review.set_link(db, ids[0], passage, "supports", reviewer="ana")
    review.set_note(db, ids[0], "The ministry's statement of 3 May says so.", reviewer="ana")
    review.set_note(db, ids[0], "Contradicted by the [b]summit[/b] communiqué.", reviewer="ben")
    with db.conn:
        db.execute("UPDATE decisions SET updated_at = '2026-05-04T09:30:00.000+00:00'")
    db.close()

    async def opened(pilot):
        from workbench.tui.screens.decisions import DecisionsScreen

        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.press("v")
        await settle(pilot)
        for _ in range(300):  # a busy machine: wait for the columns, not for a fixed time
            screen = pilot.app.screen
            if isinstance(screen, DecisionsScreen) and len(screen.query(".decisions-side")) == 2:
                break
            await pilot.pause(0.05)
        await pilot.pause()

    app = ReviewApp(path, reviewer="editor", adjudicate=True, judge_stale=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=opened)


async def test_an_adjudication_is_undone_by_ctrl_z(team_db, make_app):
    from .conftest import saved

    path, ids = team_db
    app = make_app(path, reviewer="editor", adjudicate=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await saved(pilot)
        await settle(pilot)
        assert app.screen.claims.total == 0
        await pilot.press("ctrl+z")  # the adjudication is a change like any other
        await saved(pilot)
        await settle(pilot)
        assert app.screen.claims.total == 1 and app.screen.claims.current_id == ids[0]
    db = connect(path)
    try:
        assert teamview.final(db, ids[0]).basis == "disagreed"
    finally:
        db.close()
