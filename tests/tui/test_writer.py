"""The writer thread on its own (no Textual): order, retries, what it drops and what it keeps."""

from __future__ import annotations

import queue

from workbench.storage import corpus, review, reviewview
from workbench.tui.writer import Change, Failed, Saved, Stalled, Waiting, Writer

from .test_write_lock import LockHolder


def writer_for(path, **kwargs):
    events: queue.Queue = queue.Queue()
    writer = Writer(path, reviewer="w", report=events.put, **kwargs)
    return writer, events


def drain(events, until_kind, timeout=30.0):
    seen = []
    while True:
        event = events.get(timeout=timeout)
        seen.append(event)
        if isinstance(event, Saved | Failed) and event.change.kind == until_kind:
            return seen


def test_changes_are_written_in_order_in_one_session(seed_db_path, check_db):
    first, second = [c.id for c in corpus.list_claims(check_db, limit=2)]
    writer, events = writer_for(seed_db_path)
    writer.start()
    writer.submit(Change("status", first, "sourced"))
    writer.submit(Change("note", first, "why"))
    writer.submit(Change("status", second, "contested"))
    writer.submit(Change("undo"))
    drain(events, "undo")
    assert writer.close(5) == []
    rows = review.history(check_db)
    assert [(h.claim_id, h.kind, h.new) for h in rows] == [
        (first, "status", "sourced"),
        (first, "note", "why"),
        (second, "status", "contested"),
        (second, "status", None),  # the undo of the newest change
    ]
    sessions = check_db.execute("SELECT reviewer, ended_at FROM review_sessions").fetchall()
    assert sessions[-1][0] == "w"


def test_a_change_that_can_never_be_written_is_reported_not_retried(seed_db_path):
    writer, events = writer_for(seed_db_path)
    writer.start()
    writer.submit(Change("status", 10**9, "sourced"))
    seen = drain(events, "status")
    assert isinstance(seen[-1], Failed) and "no claim" in seen[-1].reason
    assert writer.close(5) == []


def test_a_held_lock_is_waited_for_then_reported_and_the_change_kept(seed_db_path, check_db):
    claim = corpus.list_claims(check_db, limit=1)[0].id
    writer, events = writer_for(seed_db_path, retry_budget_s=0.3, attempt_s=0.05)
    with LockHolder(seed_db_path) as lock:
        writer.start()
        writer.submit(Change("status", claim, "unsupported"))
        kinds = []
        while Stalled not in kinds:
            kinds.append(type(events.get(timeout=30)))
        assert kinds[0] is Waiting
        assert [c.kind for c in writer.unsaved()] == ["status"]  # kept, not dropped
        lock.release()
        drain(events, "status")
    assert writer.close(5) == []
    assert review.get_verdict(check_db, claim).status == "unsupported"


def test_closing_while_locked_returns_what_was_not_written(seed_db_path):
    writer, _events = writer_for(seed_db_path, attempt_s=0.05)
    with LockHolder(seed_db_path):
        writer.start()
        writer.submit(Change("status", 1, "sourced"))
        left = writer.close(0.3)
    assert [c.describe() for c in left] == ["verdict sourced on claim #1"]


def test_only_the_latest_resume_position_waiting_is_kept(seed_db_path, check_db):
    writer, _events = writer_for(seed_db_path)
    with LockHolder(seed_db_path) as lock:
        writer.start()  # the session start waits for the lock; the positions queue behind it
        for claim_id in (3, 4, 5):
            writer.submit(Change("resume", value=reviewview.ResumeState(claim_id=claim_id)))
        assert sum(1 for c in writer._queue if c.kind == "resume") == 1
        lock.release()
    assert writer.close(5) == []
    assert reviewview.load_resume(check_db, writer.reviewer).claim_id == 5
