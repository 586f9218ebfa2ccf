"""Decisions per reviewer and the final verdict (issue #13 item 1): storage/team.py."""

from __future__ import annotations

import pytest

from workbench.storage import review, team


def claim_ids(db, n=6):
    return [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT ?", [n])]


def final(db, claim_id):
    row = db.execute(
        "SELECT status, basis, note, reviewer FROM verdicts WHERE claim_id = ?", [claim_id]
    ).fetchone()
    return tuple(row) if row else None


def test_claim_without_assignments_is_single_reviewer_as_before(seed_db):
    c = claim_ids(seed_db)[0]
    review.set_status(seed_db, c, "sourced", reviewer="alice")
    review.set_note(seed_db, c, "ok", reviewer="alice")
    review.set_status(seed_db, c, "contested", reviewer="bob")  # no team: the last word is final
    assert final(seed_db, c) == ("contested", "single", "ok", "bob")
    assert [(d.reviewer, d.status, d.note) for d in team.decisions_of(seed_db, c)] == [
        ("alice", "sourced", "ok"),
        ("bob", "contested", ""),
    ]


def test_assigned_claim_is_pending_then_agreed(seed_db):
    c = claim_ids(seed_db)[0]
    team.assign(seed_db, [c], ["alice", "bob"], overlap=2)
    review.set_status(seed_db, c, "sourced", reviewer="alice")
    assert final(seed_db, c) == (None, "pending", "", None)
    review.set_status(seed_db, c, "sourced", reviewer="bob")
    assert final(seed_db, c) == ("sourced", "agreed", "", None)


def test_assigned_claim_disagreed_as_soon_as_two_differ(seed_db):
    c = claim_ids(seed_db)[0]
    team.assign(seed_db, [c], ["alice", "bob", "carol"], overlap=3)
    review.set_status(seed_db, c, "sourced", reviewer="alice")
    review.set_status(seed_db, c, "contested", reviewer="bob")
    assert final(seed_db, c) == (None, "disagreed", "", None)
    assert team.disagreed(seed_db) == [c]
    review.set_status(seed_db, c, "sourced", reviewer="bob")  # bob comes round; carol still to decide
    assert final(seed_db, c) == (None, "pending", "", None)
    assert team.disagreed(seed_db) == []


def test_adjudication_is_final_recorded_and_kept(seed_db):
    c = claim_ids(seed_db)[0]
    team.assign(seed_db, [c], ["alice", "bob"], overlap=2)
    review.set_status(seed_db, c, "sourced", reviewer="alice")
    review.set_status(seed_db, c, "contested", reviewer="bob")
    got = team.adjudicate(seed_db, c, "unsupported", reviewer="editor", note="neither source holds")
    assert (got.status, got.basis) == ("unsupported", "adjudicated")
    assert final(seed_db, c) == ("unsupported", "adjudicated", "neither source holds", "editor")
    kinds = [(h.kind, h.old, h.new, h.reviewer) for h in review.history(seed_db, c)]
    assert ("adjudicate", None, "unsupported", "editor") in kinds
    review.set_status(seed_db, c, "sourced", reviewer="bob")  # a later decision does not undo it
    assert final(seed_db, c)[:2] == ("unsupported", "adjudicated")
    team.adjudicate(seed_db, c, None, reviewer="editor")  # withdrawn: the team rule again
    assert final(seed_db, c)[:2] == ("sourced", "agreed")
    assert team.disagreed(seed_db) == []


def test_adjudication_refuses_bad_input(seed_db):
    a, b = claim_ids(seed_db, 2)
    with pytest.raises(ValueError, match="unknown verdict"):
        team.adjudicate(seed_db, a, "maybe", reviewer="editor")
    with pytest.raises(ValueError, match="no reviewer's verdict"):
        team.adjudicate(seed_db, a, "sourced", reviewer="editor")
    with pytest.raises(KeyError):
        team.adjudicate(seed_db, 10**9, "sourced", reviewer="editor")
    with pytest.raises(ValueError, match="name"):
        team.adjudicate(seed_db, a, "sourced", reviewer=" ")
    assert final(seed_db, a) is None
    assert not seed_db.execute("SELECT 1 FROM assignments").fetchone()
    # A single reviewer's claim can be adjudicated: it becomes their team claim.
    review.set_status(seed_db, b, "sourced", reviewer="alice")
    team.adjudicate(seed_db, b, "contested", reviewer="editor")
    assert final(seed_db, b)[:2] == ("contested", "adjudicated")
    assert team.assigned_reviewers(seed_db, b) == ["alice"]


def test_progress_and_queue(seed_db):
    ids = claim_ids(seed_db, 4)
    team.assign(seed_db, ids, ["alice", "bob"], overlap=2)
    review.set_status(seed_db, ids[1], "sourced", reviewer="alice")
    review.set_note(seed_db, ids[2], "a note is not a verdict", reviewer="alice")
    progress = {p.reviewer: (p.assigned, p.decided, p.remaining) for p in team.reviewer_progress(seed_db)}
    assert progress == {"alice": (4, 1, 3), "bob": (4, 0, 4)}
    assert team.queue(seed_db, "alice") == [ids[0], ids[2], ids[3]]
    assert team.queue(seed_db, "alice", include_decided=True) == ids
    assert team.queue(seed_db, "bob") == ids
    assert team.queue(seed_db, "nobody") == []


def test_blind_review_hides_others_until_you_decide(seed_db):
    c = claim_ids(seed_db)[0]
    team.assign(seed_db, [c], ["alice", "bob"], overlap=2)
    review.set_status(seed_db, c, "sourced", reviewer="alice")
    review.set_note(seed_db, c, "mine", reviewer="bob")
    seen = lambda who, blind: [d.reviewer for d in team.visible_decisions(seed_db, c, who, blind=blind)]
    assert seen("bob", True) == ["bob"]  # a note is not a decision: alice stays hidden
    assert seen("bob", False) == ["alice", "bob"]
    assert seen("alice", True) == ["alice", "bob"]
    assert seen("carol", True) == []
    assert not team.is_blind(seed_db)
    team.set_blind(seed_db, True)
    assert team.is_blind(seed_db)
    team.set_blind(seed_db, False)
    assert not team.is_blind(seed_db)


def test_decision_rows_count_assigned_reviewers_only(seed_db):
    a, b = claim_ids(seed_db, 2)
    team.assign(seed_db, [a], ["alice", "bob"], overlap=2)
    review.set_status(seed_db, a, "sourced", reviewer="alice")
    review.set_status(seed_db, a, "contested", reviewer="intruder")  # not assigned to a
    review.set_status(seed_db, b, "sourced", reviewer="carol")  # no assignments: counts
    assert list(team.decision_rows(seed_db)) == [(a, "alice", "sourced"), (b, "carol", "sourced")]
