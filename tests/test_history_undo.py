"""Undo and redo from the stored history, across restarts, never someone else's (#11 item 5),
and team claims compared with the reviewer's own decision."""

from __future__ import annotations

import json

from test_dismiss_edit import build

from workbench.storage import connect, corpus, review


def reopen(db, path):
    """A restart: the connection closes, a new one (and a new session) starts."""
    db.close()
    return connect(path)


def test_undo_after_a_restart_takes_back_your_newest_change(tmp_path):
    path = tmp_path / "w.db"
    db = connect(path)
    ids = build(db)
    s1 = review.start_session(db, "ana")
    review.set_status(db, ids["Troops"], "sourced", reviewer="ana", session_id=s1)
    review.set_note(db, ids["Troops"], "two sources", reviewer="ana", session_id=s1)
    db = reopen(db, path)
    s2 = review.start_session(db, "ana")
    assert review.undo_last(db, s2, reviewer="ana") is None  # the new session has nothing of its own
    undo = review.undo_last(db, reviewer="ana", in_session=s2)
    assert (undo.kind, undo.old, undo.new) == ("note", "two sources", "")
    assert db.execute("SELECT session_id FROM history WHERE id = ?", [undo.id]).fetchone()[0] == s2
    review.undo_last(db, reviewer="ana")
    assert review.get_verdict(db, ids["Troops"]).status is None
    assert review.undo_last(db, reviewer="ana") is None


def test_undo_never_takes_back_someone_elses_change(db):
    ids = build(db)
    review.set_status(db, ids["Troops"], "sourced", reviewer="ana")
    review.set_status(db, ids["Exports"], "contested", reviewer="ben")
    undo = review.undo_last(db, reviewer="ana")
    assert undo.claim_id == ids["Troops"]
    assert review.get_verdict(db, ids["Exports"]).status == "contested"
    assert review.undo_last(db, reviewer="ana") is None


def test_redo_reapplies_the_undos_in_turn_until_a_new_change(db):
    ids = build(db)
    a, b = ids["Troops"], ids["Exports"]
    review.set_status(db, a, "sourced", reviewer="ana")
    review.set_status(db, b, "unsupported", reviewer="ana")
    review.undo_last(db, reviewer="ana")
    undo_a = review.undo_last(db, reviewer="ana")
    redo = review.redo_last(db, reviewer="ana")
    assert redo.undoes == undo_a.id and review.get_verdict(db, a).status == "sourced"
    assert review.get_verdict(db, b).status is None
    review.redo_last(db, reviewer="ana")
    assert review.get_verdict(db, b).status == "unsupported"
    assert review.redo_last(db, reviewer="ana") is None
    # after a redo, undo takes it back again
    review.undo_last(db, reviewer="ana")
    assert review.get_verdict(db, b).status is None
    # a new change ends what can be redone
    review.set_status(db, a, "contested", reviewer="ana")
    assert review.redo_last(db, reviewer="ana") is None


def test_redo_is_per_reviewer(db):
    ids = build(db)
    review.set_status(db, ids["Troops"], "sourced", reviewer="ana")
    review.undo_last(db, reviewer="ana")
    assert review.redo_last(db, reviewer="ben") is None
    review.set_status(db, ids["Exports"], "contested", reviewer="ben")  # someone else's change
    assert review.redo_last(db, reviewer="ana") is not None
    assert review.get_verdict(db, ids["Troops"]).status == "sourced"


def test_dismiss_and_edit_undo_and_redo(db):
    ids = build(db)
    sub, tanks = ids["Subscribe"], ids["The"]
    original = corpus.get_claim(db, tanks).text
    review.dismiss(db, sub, reason="advert", reviewer="ana")
    review.edit_claim(db, tanks, text="The army lost 300 tanks near Kupiansk", reviewer="ana")
    undo = review.undo_last(db, reviewer="ana")
    assert undo.kind == "edit" and json.loads(undo.new)["text"] == original
    assert corpus.get_claim(db, tanks).text == original
    assert corpus.list_claims(db, search="Kupiansk") == []
    undo = review.undo_last(db, reviewer="ana")
    assert (undo.kind, undo.old, undo.new) == ("dismiss", "advert", None)
    assert corpus.get_claim(db, sub).dismissed_at is None
    review.redo_last(db, reviewer="ana")
    assert review.dismissal_reason(db, sub) == "advert"
    review.redo_last(db, reviewer="ana")
    assert [c.id for c in corpus.list_claims(db, search="Kupiansk")] == [tanks]
    kinds = [(h.kind, h.undoes is not None) for h in review.history(db, sub)]
    assert kinds == [("dismiss", False), ("dismiss", True), ("dismiss", True)]


def test_session_undo_is_unchanged(db):
    ids = build(db)
    s1 = review.start_session(db, "ana")
    s2 = review.start_session(db, "ana")
    review.set_status(db, ids["Troops"], "sourced", reviewer="ana", session_id=s1)
    review.set_status(db, ids["Exports"], "sourced", reviewer="ana", session_id=s2)
    assert review.undo_last(db, s1, reviewer="ana").claim_id == ids["Troops"]
    assert review.undo_last(db, s1, reviewer="ana") is None
    assert review.get_verdict(db, ids["Exports"]).status == "sourced"


def test_history_lists_every_kind_in_order(db):
    ids = build(db)
    claim = ids["The"]
    passage = corpus.get_claim(db, ids["Troops"]).passage_id
    review.set_status(db, claim, "contested", reviewer="ana")
    review.set_note(db, claim, "figure differs", reviewer="ana")
    review.set_link(db, claim, passage, "contradicts", reviewer="ana")
    review.edit_claim(db, claim, text="The army lost 300 tanks", reviewer="ana")
    review.dismiss(db, claim, reviewer="ana")
    review.undo_last(db, reviewer="ana")
    kinds = [h.kind for h in review.history(db, claim)]
    assert kinds == ["status", "note", "link", "edit", "dismiss", "dismiss"]
    assert [h.id for h in review.history(db, claim)] == sorted(h.id for h in review.history(db, claim))


def assign(db, claim_id, *names):
    with db.conn:
        for name in names:
            db.execute(
                "INSERT INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, 'now')",
                [claim_id, name],
            )


def test_team_reviewer_agreeing_with_a_final_verdict_is_recorded(db):
    ids = build(db)
    claim = ids["Troops"]
    assign(db, claim, "ana", "ben")
    review.set_status(db, claim, "sourced", reviewer="ana")
    entry = review.set_status(db, claim, "sourced", reviewer="ben")
    assert entry is not None and entry.old is None  # ben's own decision was none
    decided = dict(
        db.execute("SELECT reviewer, status FROM decisions WHERE claim_id = ?", [claim]).fetchall()
    )
    assert decided == {"ana": "sourced", "ben": "sourced"}
    assert review.set_status(db, claim, "sourced", reviewer="ben") is None  # now unchanged for ben
    note = review.set_note(db, claim, "agree", reviewer="ben")
    assert note.old == ""
    # undo puts back ben's own decision, not the final verdict
    review.undo_last(db, reviewer="ben")
    undo = review.undo_last(db, reviewer="ben")
    assert (undo.old, undo.new) == ("sourced", None)
    decided = dict(
        db.execute("SELECT reviewer, status FROM decisions WHERE claim_id = ?", [claim]).fetchall()
    )
    assert decided == {"ana": "sourced", "ben": None}


def test_alone_the_final_verdict_is_what_is_compared(db):
    ids = build(db)
    claim = ids["Troops"]
    review.set_status(db, claim, "sourced", reviewer="ana")
    assert review.set_status(db, claim, "sourced", reviewer="ben") is None


def test_undoing_an_adjudication_lets_the_team_rule_decide_again(db):
    from workbench.storage import team

    ids = build(db)
    claim = ids["Troops"]
    assign(db, claim, "ana", "ben")
    review.set_status(db, claim, "sourced", reviewer="ana")
    review.set_status(db, claim, "contested", reviewer="ben")
    assert review.get_verdict(db, claim).status is None  # disagreed: no final verdict
    team.adjudicate(db, claim, "contested", reviewer="chief")
    assert review.get_verdict(db, claim).status == "contested"
    undo = review.undo_last(db, reviewer="chief")
    assert (undo.kind, undo.old, undo.new) == ("adjudicate", "contested", None)
    assert review.get_verdict(db, claim).status is None
    review.redo_last(db, reviewer="chief")
    assert review.get_verdict(db, claim).status == "contested"


def test_undo_passes_over_a_change_someone_else_replaced(db):
    ids = build(db)
    a, b = ids["Troops"], ids["Exports"]
    review.set_status(db, a, "sourced", reviewer="ana")
    review.set_status(db, a, "contested", reviewer="ben")  # ben replaced ana's verdict
    review.set_note(db, b, "check the year", reviewer="ana")
    assert review.undo_last(db, reviewer="ana").claim_id == b
    assert review.undo_last(db, reviewer="ana") is None  # ana's verdict on a is no longer there to undo
    assert review.get_verdict(db, a).status == "contested"
    # redo does not overwrite a later change either
    review.redo_last(db, reviewer="ana")
    assert review.get_verdict(db, b).note == "check the year"
    review.undo_last(db, reviewer="ana")
    review.set_note(db, b, "ben's note", reviewer="ben")
    assert review.redo_last(db, reviewer="ana") is None
    assert review.get_verdict(db, b).note == "ben's note"
