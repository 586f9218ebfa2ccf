"""The review screen's single writer: every change in order, on a thread of its own.

The screen never writes on the UI thread: another program holding the write
lock would freeze it (and, after a minute, end it with the change lost). It
hands each decision to ``Writer.submit`` and shows it at once, marked unsaved.
One thread (datasette's ``execute_write_fn`` model) writes the changes in the
order they were made, each in its own transaction on its own connection. When
the lock is taken it reports ``Waiting`` and keeps trying; past the retry
budget it reports ``Stalled`` once and still keeps trying, so a decision is
never dropped for a busy database. Only a change that can never succeed (its
claim is gone) is dropped, with ``Failed``.

Nothing here imports Textual: the app passes a callback that posts the events
to the UI thread.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..storage import clusters, connect, corpus, review, reviewview, team

if TYPE_CHECKING:
    from ..clustering import GroupAction


def _clustering():
    """The clustering module, imported on the first cluster change: the writer's first change
    (the session start) runs beside the first paint, which must not wait for it."""
    from .. import clustering

    return clustering


ATTEMPT_S = 0.2
"""How long one attempt waits for the write lock; after the first miss the screen says it is waiting."""
RETRY_BUDGET_S = 30.0
"""How long a change is retried before the screen says it could not be saved (it is still retried)."""
STALLED_PAUSE_S = 0.5
"""Pause between attempts once the budget is spent (no need to poll hard any more)."""

#: Kinds that record a reviewer's decision; the others are the writer's own bookkeeping.
DECISIONS = frozenset(
    {
        "status",
        "note",
        "link",
        "claim",
        "undo",
        "cluster",
        "take_out",
        "join",
        "changes_seen",
        "page",
        "dismiss",
        "restore",
        "edit",
        "redo",
        "adjudicate",
    }
)


@dataclass(frozen=True)
class Change:
    """One change to write. ``value`` depends on ``kind``:

    status: the verdict (``None`` clears) · note: the text · link: the relation
    (``None`` unlinks ``passage_id``) · claim: the text of a claim added to
    ``document_id`` · undo: unused · resume: a ``ResumeState`` · start/end: unused ·
    cluster: ``(status, links)`` set on every claim of ``claim_id``'s cluster ·
    group: unused (claims never clustered are clustered) · take_out: unused (``claim_id``
    leaves its cluster) · join: the other claim (their clusters become one) ·
    changes_seen: unused (the reviewer has seen ``claim_id``'s changed evidence) ·
    page: ``(url, fetched page, its document)`` stored and archived, to link to ``claim_id`` ·
    dismiss, restore: unused · edit: the claim's new text · redo: unused ·
    adjudicate: the adjudicator's verdict, final from now on (``None`` withdraws the adjudication).
    """

    kind: str
    claim_id: int | None = None
    value: Any = None
    passage_id: int | None = None
    document_id: int | None = None
    seq: int = field(default=0, compare=False)
    at_claim: int | None = field(default=None, compare=False)
    """The claim under the cursor when the change was made."""

    @property
    def decision(self) -> bool:
        return self.kind in DECISIONS

    def describe(self) -> str:
        """One short line naming the change, for notifications and the exit message."""
        where = f" on claim #{self.claim_id}" if self.claim_id is not None else ""
        if self.kind == "status":
            return f"verdict {self.value or 'cleared'}{where}"
        if self.kind == "note":
            return f"note{where}"
        if self.kind == "link":
            what = "unlink" if self.value is None else f"link ({self.value})"
            return f"{what} passage #{self.passage_id}{where}"
        if self.kind == "claim":
            return f"new claim in document #{self.document_id}"
        if self.kind == "cluster":
            return f"verdict {self.value[0] or 'cleared'} on the cluster of claim #{self.claim_id}"
        if self.kind == "take_out":
            return f"take claim #{self.claim_id} out of its cluster"
        if self.kind == "join":
            return f"join the clusters of claims #{self.claim_id} and #{self.value}"
        if self.kind in ("dismiss", "restore", "edit"):
            return {"dismiss": "dismissal", "restore": "restore", "edit": "edit"}[self.kind] + where
        if self.kind == "redo":
            return "redo"
        if self.kind == "adjudicate":
            return f"adjudication {self.value or 'withdrawn'}{where}"
        if self.kind == "page":
            return f"web page {self.value[0]}{where}"
        if self.kind == "changes_seen":
            return f"changed evidence seen{where}"
        if self.kind == "undo":
            return "undo"
        return {
            "resume": "resume position",
            "start": "session start",
            "end": "session end",
            "group": "grouping claims into clusters",
        }.get(self.kind, self.kind)


@dataclass(frozen=True)
class Saved:
    change: Change
    result: Any


@dataclass(frozen=True)
class Waiting:
    """The first attempt at ``change`` found the database locked; the writer keeps trying."""

    change: Change
    reason: str


@dataclass(frozen=True)
class Stalled:
    """``change`` is still unsaved after the retry budget; the writer keeps trying."""

    change: Change
    reason: str


@dataclass(frozen=True)
class Failed:
    """``change`` can never be written (e.g. its claim was deleted); it is dropped."""

    change: Change
    reason: str


Event = Saved | Waiting | Stalled | Failed


def _transient(exc: BaseException) -> bool:
    """Worth trying again: a lock, a full disk, a file that cannot be opened right now."""
    return isinstance(exc, review.TRANSIENT_ERRORS)


class Writer:
    """Writes ``Change``s one at a time, in order, on its own thread and connection."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        reviewer: str,
        report: Callable[[Event], None],
        retry_budget_s: float = RETRY_BUDGET_S,
        attempt_s: float = ATTEMPT_S,
    ) -> None:
        self.db_path = Path(db_path)
        self.reviewer = reviewer
        self.report = report
        """Called on the writer thread with each event (the app posts it to the UI thread)."""
        self.retry_budget_s = retry_budget_s
        self.attempt_s = attempt_s
        self.session_id: int | None = None
        self._queue: deque[Change] = deque()
        self._cond = threading.Condition()
        self._seq = itertools.count(1)
        self._closing = False
        self._give_up_at: float | None = None
        self._groups: list[GroupAction] = []
        """Cluster verdicts of this session, newest last: an undo reverses one whole."""
        self._thread = threading.Thread(target=self._run, name="workbench-writer", daemon=True)
        # daemon: a lock that never goes away must not keep the process alive after the
        # user was told what is unsaved (see close()).

    # --- the UI thread's side -----------------------------------------------------

    def start(self) -> None:
        self.submit(Change("start"))
        self._thread.start()

    def submit(self, change: Change) -> Change:
        """Queue ``change`` behind every earlier one; returns it with its sequence number."""
        with self._cond:
            change = Change(
                change.kind,
                change.claim_id,
                change.value,
                change.passage_id,
                change.document_id,
                next(self._seq),
                change.at_claim,
            )
            if change.kind == "resume":
                # Only the latest position matters: replace one still waiting (not the one being written).
                for i in range(1, len(self._queue)):
                    if self._queue[i].kind == "resume":
                        self._queue[i] = change
                        return change
            self._queue.append(change)
            self._cond.notify()
        return change

    def unsaved(self) -> list[Change]:
        """The decisions not yet written, oldest first."""
        with self._cond:
            return [c for c in self._queue if c.decision]

    def close(self, timeout: float) -> list[Change]:
        """Write what is queued, waiting at most ``timeout``; returns the decisions left unwritten."""
        with self._cond:
            self._closing = True
            self._give_up_at = time.monotonic() + timeout
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout + self.attempt_s + 1.0)
        return self.unsaved()

    # --- the writer thread -------------------------------------------------------------

    def _next(self) -> Change | None:
        with self._cond:
            while not self._queue and not self._closing:
                self._cond.wait()
            return self._queue[0] if self._queue else None

    def _done(self, change: Change) -> None:
        with self._cond:
            if self._queue and self._queue[0] is change:
                self._queue.popleft()

    def _run(self) -> None:
        db = None
        try:
            while (change := self._next()) is not None:
                db = self._write(db, change)
                if db is None:
                    return  # closing and out of time: what is left stays in the queue
        finally:
            if db is not None:
                db.conn.close()

    def _write(self, db, change: Change):
        """Write ``change``, retrying while the database is busy. Returns the connection,
        or ``None`` when the writer is closing and has run out of time."""
        started = time.monotonic()
        waiting = stalled = False
        while True:
            try:
                if db is None:
                    db = connect(self.db_path, migrate=False)
                with review.write_within(db, self.attempt_s):
                    result = self._apply(db, change)
            except Exception as exc:
                if not _transient(exc):
                    self._done(change)
                    self._emit(Failed(change, str(exc) or type(exc).__name__))
                    return db
                reason = str(exc) or type(exc).__name__
                if not isinstance(exc, review.DatabaseBusy) and db is not None:
                    db.conn.close()  # an I/O or open problem: start again from a fresh connection
                    db = None
                if not waiting:
                    waiting = True
                    self._emit(Waiting(change, reason))
                if not stalled and time.monotonic() - started >= self.retry_budget_s:
                    stalled = True
                    self._emit(Stalled(change, reason))
                with self._cond:
                    give_up = self._give_up_at
                if give_up is not None and time.monotonic() >= give_up:
                    if db is not None:
                        db.conn.close()
                    return None
                if stalled or not isinstance(exc, review.DatabaseBusy):
                    time.sleep(STALLED_PAUSE_S if stalled else self.attempt_s)
                continue
            self._done(change)
            self._emit(Saved(change, result))
            return db

    def _emit(self, event: Event) -> None:
        with contextlib.suppress(Exception):  # the app may be gone; the writer must go on writing
            self.report(event)

    def _apply(self, db, change: Change) -> Any:
        """The storage call for ``change``, inside the writer's transaction."""
        who = {"reviewer": self.reviewer, "session_id": self.session_id}
        kind = change.kind
        if kind == "start":
            self.session_id = review.start_session(db, self.reviewer)
            return self.session_id
        if kind == "end":
            if self.session_id is not None:
                review.end_session(db, self.session_id)
            return None
        if kind == "resume":
            reviewview.save_resume(db, change.value, self.reviewer)
            return None
        if kind == "status":
            return review.set_status(db, change.claim_id, change.value, **who)
        if kind == "note":
            return review.set_note(db, change.claim_id, change.value, **who)
        if kind == "link":
            return review.set_link(db, change.claim_id, change.passage_id, change.value, **who)
        if kind == "claim":
            return corpus.add_claim(db, change.document_id, change.value, origin="manual")
        if kind == "cluster":
            status, links = change.value
            action = _clustering().apply_to_cluster(db, change.claim_id, status, links=links, **who)
            if action.entries:
                self._groups.append(action)
            return action
        if kind == "group":
            _group_claims(db)
            return None
        if kind == "take_out":
            _group_claims(db)
            return clusters.take_out(db, change.claim_id, reviewer=self.reviewer)
        if kind == "join":
            _group_claims(db)
            return clusters.join(db, change.claim_id, change.value, reviewer=self.reviewer)
        if kind == "dismiss":
            return review.dismiss(db, change.claim_id, **who)
        if kind == "restore":
            return review.restore(db, change.claim_id, **who)
        if kind == "edit":
            return review.edit_claim(db, change.claim_id, text=change.value, **who)
        if kind == "redo":
            if self.session_id is None:
                return None
            return review.redo_last(db, **who)
        if kind == "page":
            url, page, document = change.value
            return store_page(db, self.db_path, url, page, document)
        if kind == "adjudicate":
            note = review.own_decision(db, change.claim_id, self.reviewer)[1]  # keep the adjudicator's note
            return team.adjudicate(
                db,
                change.claim_id,
                change.value,
                reviewer=self.reviewer,
                note=note,
                session_id=self.session_id,
            )
        if kind == "changes_seen":
            return corpus.mark_changes_seen(db, change.claim_id)
        if kind == "undo":
            if self.session_id is None:
                return None
            if self._groups:
                clustering = _clustering()
                try:  # the session's newest changes are a cluster verdict's: undo it whole
                    clustering.undo_group(db, self._groups[-1], self.session_id, reviewer=self.reviewer)
                    return self._groups.pop()
                except clustering.GroupUndoError:
                    pass  # a later single change comes first
            # The reviewer's newest change in any session: after a restart too, never someone else's.
            return review.undo_last(db, reviewer=self.reviewer, in_session=self.session_id)
        raise ValueError(f"unknown change {kind!r}")


def _group_claims(db) -> None:
    """Cluster every claim the first time, then only the claims added since (as ``workbench clusters``)."""
    if not clusters.is_clustered(db):
        _clustering().recluster(db)
    elif clusters.unclustered_ids(db):
        _clustering().cluster_new(db)


def store_page(db, db_path: Path, url: str, page, document) -> int:
    """Archive a fetched page beside the database and store its article (a new version when
    its text changed), as ``ingestion.ingest_urls`` does for one URL; returns the document id."""
    from .. import ingestion
    from ..web import archive

    warc = archive.Archive(archive.archive_folder(db_path))
    try:
        final = [warc.write(r) for r in page.responses][-1]
    finally:
        warc.close()
    web = ingestion.web_source(url, page, final)
    ingestion.store_version(db, document, web, ingestion.IngestReport())
    return corpus.current_version(db, document.url).id
