"""What the screen shows for queued undo and redo (#11 item 5): an undo cancels the newest
queued change, a redo brings it back, a new change in between leaves nothing to redo, and
dismissals and edits are cancelled like verdicts (they are history rows too)."""

from __future__ import annotations

from workbench.tui import unsaved
from workbench.tui.writer import Change


def kinds(changes):
    return [(c.kind, c.claim_id, c.value) for c in unsaved.effects(changes)]


def test_a_queued_redo_brings_back_what_a_queued_undo_cancelled():
    queue = [Change("status", 1, "sourced"), Change("note", 1, "x"), Change("undo"), Change("redo")]
    assert kinds(queue) == [("status", 1, "sourced"), ("note", 1, "x")]
    assert kinds(queue[:3]) == [("status", 1, "sourced")]


def test_a_new_change_after_an_undo_leaves_nothing_to_redo():
    queue = [Change("status", 1, "sourced"), Change("undo"), Change("status", 2, "contested"), Change("redo")]
    assert kinds(queue) == [("status", 2, "contested")]


def test_an_undo_cancels_a_queued_dismissal_not_the_verdict_before_it():
    queue = [Change("status", 1, "sourced"), Change("dismiss", 2), Change("undo")]
    assert kinds(queue) == [("status", 1, "sourced")]
    assert unsaved.undo_target([Change("status", 1, "sourced"), Change("edit", 2, "new text")]).kind == "edit"
