"""A reviewer that never stops: random verdicts, notes, links and undos.

Used by the crash and concurrency tests, either forked from the test process
(cheap: no imports to repeat) or run as a script (``python worker.py DB SEED
REVIEWER [OPS]``) to be a real separate program. After each change is
committed it prints one line, ``done [claim, kind, passage, value, history id]``;
a line printed is a promise that the change survives a crash.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from workbench.models import VERDICTS
from workbench.storage import connect, review


@dataclass(frozen=True)
class Done:
    """A change the writer reported as committed."""

    history_id: int
    claim_id: int
    kind: str
    passage_id: int | None
    value: str | None

    def line(self) -> str:
        return "done " + json.dumps([self.claim_id, self.kind, self.passage_id, self.value, self.history_id])

    @classmethod
    def parse(cls, line: str) -> Done:
        assert line.startswith("done "), line
        claim, kind, passage, value, hid = json.loads(line[5:])
        return cls(hid, claim, kind, passage, value)

    @classmethod
    def of(cls, entry) -> Done:
        return cls(entry.id, entry.claim_id, entry.kind, entry.passage_id, entry.new)


NOTE_ALPHABET = "abc xyz ÄΩЖ中文🙂 \n\t'\"[b]<i>&;--%_*"


def random_note(rng: random.Random) -> str:
    return "".join(rng.choice(NOTE_ALPHABET) for _ in range(rng.randint(0, 40)))


def review_loop(
    emit: Callable[[str], None],
    db_path: str,
    *,
    seed: int,
    reviewer: str,
    claims: list[int],
    passages: list[int],
    ops: int | None = None,
    pause: float = 0.0,
) -> int:
    """Apply ``ops`` changes (forever if None) through storage.review; returns changes made.

    ``pause`` seconds between changes lets two writers interleave (SQLite's lock
    is not fair: a writer that never pauses can hold it for its whole run).
    """
    rng = random.Random(seed)
    db = connect(db_path)
    session = review.start_session(db, reviewer)
    made = i = 0
    while ops is None or i < ops:
        i += 1
        claim = rng.choice(claims)
        op = rng.random()
        if op < 0.35:
            entry = review.set_status(
                db, claim, rng.choice([*VERDICTS, None]), reviewer=reviewer, session_id=session
            )
        elif op < 0.6:
            entry = review.set_note(db, claim, random_note(rng), reviewer=reviewer, session_id=session)
        elif op < 0.8:
            entry = review.set_link(
                db,
                claim,
                rng.choice(passages),
                rng.choice(["supports", "contradicts", None]),
                reviewer=reviewer,
                session_id=session,
            )
        elif op < 0.93:
            entry = review.toggle_link(db, claim, rng.choice(passages), reviewer=reviewer, session_id=session)
        else:
            entry = review.undo_last(db, session, reviewer=reviewer)
        if entry is not None:
            made += 1
            emit(Done.of(entry).line())
        if pause:
            time.sleep(pause)
    review.end_session(db, session)
    db.close()
    return made


if __name__ == "__main__":
    path, seed, who = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else None
    db = connect(path)
    claim_ids = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT 12")]
    passage_ids = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY id LIMIT 8")]
    db.close()

    def emit(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    review_loop(emit, path, seed=seed, reviewer=who, claims=claim_ids, passages=passage_ids, ops=n)
