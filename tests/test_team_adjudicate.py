"""`workbench adjudicate` (issue #13 item 4)."""

from __future__ import annotations

import json

import pytest
from cli_run import one_error, run

from workbench.storage import connect, review, team


@pytest.fixture
def disagreement(seed_db_path):
    db = connect(seed_db_path)
    a, b = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT 2")]
    team.assign(db, [a, b], ["ana", "ben"], overlap=2)
    review.set_status(db, a, "sourced", reviewer="ana")
    review.set_status(db, a, "contested", reviewer="ben")
    db.close()
    return seed_db_path, a, b


def final(path, claim_id):
    db = connect(path)
    try:
        return db.execute(
            "SELECT status, basis, note, reviewer FROM verdicts WHERE claim_id = ?", [claim_id]
        ).fetchone()
    finally:
        db.close()


def test_adjudication_becomes_final(disagreement):
    path, a, _ = disagreement
    result = run(path, "adjudicate", a, "contested", "--reviewer", "editor", "--note", "newer figure")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"claim {a}: final verdict contested (adjudicated); reviewers: ana: sourced, ben: contested"
    )
    assert final(path, a) == ("contested", "adjudicated", "newer figure", "editor")
    withdrawn = run(path, "adjudicate", a, "withdraw", "--reviewer", "editor")
    assert withdrawn.exit_code == 0 and "final verdict none yet (disagreed)" in withdrawn.output
    assert final(path, a)[:2] == (None, "disagreed")


def test_adjudication_is_undone_by_the_history_undo(disagreement):
    path, a, _ = disagreement
    assert run(path, "adjudicate", a, "unsupported", "--reviewer", "editor").exit_code == 0
    db = connect(path)
    review.undo_last(db, reviewer="editor")
    assert db.execute("SELECT status, basis FROM verdicts WHERE claim_id = ?", [a]).fetchone() == (
        None,
        "disagreed",
    )
    db.close()


@pytest.mark.parametrize(
    "args, problem",
    [
        (("999999", "sourced", "--reviewer", "ed"), "no claim with id 999999"),
        (("99999999999999999999999", "sourced", "--reviewer", "ed"), "no claim with id"),
        (("{b}", "sourced", "--reviewer", " "), "adjudicator's name"),
        (("{b}", "sourced", "--reviewer", "ed"), "no reviewer's verdict to adjudicate"),
        (("{b}", "withdraw", "--reviewer", "ed"), "not adjudicated: nothing to withdraw"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(disagreement, args, problem):
    path, _, b = disagreement
    args = [x.replace("{b}", str(b)) for x in args]
    assert problem in one_error(run(path, "adjudicate", *args))
    assert final(path, b) is None


def test_unknown_verdict_is_a_usage_error(disagreement):
    path, a, _ = disagreement
    result = run(path, "adjudicate", a, "maybe", "--reviewer", "ed")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_claims_filter_lists_disagreed(disagreement):
    path, a, _ = disagreement
    result = run(path, "claims", "--status", "disagreed", "--json")
    assert result.exit_code == 0, result.output
    assert [c["id"] for c in json.loads(result.output)] == [a]
    assert run(path, "adjudicate", a, "sourced", "--reviewer", "ed").exit_code == 0
    assert json.loads(run(path, "claims", "--status", "disagreed", "--json").output) == []
