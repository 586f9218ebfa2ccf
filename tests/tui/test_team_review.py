"""Team review on the screen (issue #13): a reviewer's queue, blind review, adjudication,
each reviewer's decision side by side, the agreement figures."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, review, team, teamview
from workbench.storage.claim_filter import ClaimFilter

from .conftest import SIZE, settle


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
