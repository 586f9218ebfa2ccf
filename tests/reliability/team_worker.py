"""A team on one database: reviewer processes deciding every few seconds, and a burst writer.

Each reviewer is a forked process writing through the review screen's own writer
(``tui.writer.Writer``: its own connection, each change retried while the
database is busy, "waiting" after a 200 ms miss, "stalled" past 30 s), so what
is measured is what a reviewer in `workbench review` or `workbench serve` sees.
Used by tests/reliability/test_team_load.py and benchmarks/team_load.py.
"""

from __future__ import annotations

import json
import queue
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbench import ingestion
from workbench.models import VERDICTS
from workbench.storage import connect, review, team
from workbench.tui.writer import Change, Failed, Saved, Stalled, Waiting, Writer

from . import corpus
from .procs import Forked


def reviewer_names(n: int) -> list[str]:
    return [f"r{i:02d}" for i in range(1, n + 1)]


def reviewer_loop(
    emit,
    db_path: str,
    *,
    reviewer: str,
    claims: list[int],
    start_at: float,
    seconds: float,
    interval: float,
    seed: int,
) -> None:
    """Decide a verdict on one of ``claims`` every ~``interval`` s (0: back to back) until the end.

    Each verdict differs from this reviewer's previous one on that claim, so every
    decision is a real change with a history row. Lines: ``done [claim, verdict,
    history id, latency s, waited]`` per decision saved, ``stalled``/``failed`` lines
    for what a reviewer would see as an error.
    """
    rng = random.Random(seed)
    events: queue.Queue = queue.Queue()
    writer = Writer(db_path, reviewer=reviewer, report=events.put)
    writer.start()
    mine: dict[int, str] = {}
    end = start_at + seconds
    # Spread the first decisions over one interval, as reviewers do not press keys in step.
    next_at = start_at + rng.uniform(0, interval)
    while True:
        pause = next_at - time.time()
        if pause > 0:
            time.sleep(pause)
        if time.time() >= end:
            break
        claim = rng.choice(claims)
        verdict = rng.choice([v for v in VERDICTS if v != mine.get(claim)])
        submitted = time.monotonic()
        change = writer.submit(Change("status", claim, verdict))
        waited = False
        while True:
            event = events.get()
            if event.change.seq != change.seq:
                continue  # the session start
            if isinstance(event, Waiting):
                waited = True
            elif isinstance(event, (Stalled, Failed)):
                emit("error " + json.dumps([type(event).__name__, claim, getattr(event, "reason", "")]))
                if isinstance(event, Failed):
                    break
            elif isinstance(event, Saved):
                latency = time.monotonic() - submitted
                entry = event.result
                if entry is None:  # cannot happen: the verdict differs from this reviewer's last
                    emit("error " + json.dumps(["unchanged", claim, verdict]))
                    break
                mine[claim] = verdict
                emit("done " + json.dumps([claim, verdict, entry.id, round(latency, 6), waited]))
                break
        next_at = max(next_at + rng.uniform(0.5, 1.5) * interval, time.time()) if interval else time.time()
    unsaved = writer.close(60.0)
    emit(f"end {len(unsaved)}")


def ingest_bursts(emit, db_path: str, feed_dir: str, *, start_at: float, seconds: float, batch: int) -> None:
    """Ingest batches of ``batch`` new documents back to back, a second apart, until the end."""
    db = connect(db_path)
    time.sleep(max(0.0, start_at - time.time()))
    n = 0
    while time.time() < start_at + seconds:
        feed = corpus.write_jsonl(Path(feed_dir) / f"burst{n}.jsonl", batch, seed=1000 + n)
        began = time.monotonic()
        report = ingestion.ingest_paths(db, [feed])
        emit("burst " + json.dumps([report.added, round(time.monotonic() - began, 3)]))
        n += 1
        time.sleep(1.0)
    db.close()


def verdict_bursts(emit, db_path: str, claims: list[int], *, start_at: float, seconds: float) -> None:
    """Verdicts back to back on unassigned claims for 2 s, then 1 s of rest, until the end."""
    db = connect(db_path)
    rng = random.Random(99)
    time.sleep(max(0.0, start_at - time.time()))
    i = 0
    while time.time() < start_at + seconds:
        began = time.monotonic()
        made = 0
        while time.monotonic() - began < 2.0:
            claim = claims[i % len(claims)]
            i += 1
            if review.set_status(db, claim, rng.choice(VERDICTS), reviewer="burst") is not None:
                made += 1
        emit("burst " + json.dumps([made, round(time.monotonic() - began, 3)]))
        time.sleep(1.0)
    db.close()


@dataclass(frozen=True)
class Decided:
    reviewer: str
    claim: int
    verdict: str
    history_id: int
    latency: float
    waited: bool


@dataclass
class LoadResult:
    seconds: float
    reviewers: int
    decided: list[Decided] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unsaved: int = 0
    bursts: list[tuple[int, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # a child that crashed: its traceback

    def percentile(self, p: float) -> float:
        latencies = sorted(d.latency for d in self.decided)
        if len(latencies) < 2:
            return latencies[0] if latencies else float("nan")
        return statistics.quantiles(latencies, n=1000, method="inclusive")[round(p * 10) - 1]

    @property
    def rate(self) -> float:
        return len(self.decided) / self.seconds

    def summary(self, label: str) -> str:
        waited = sum(d.waited for d in self.decided)
        worst = max((d.latency for d in self.decided), default=float("nan"))
        burst = ""
        if self.bursts:
            burst = f", burst writer: {sum(b[0] for b in self.bursts)} writes in {len(self.bursts)} bursts"
        return (
            f"{label}: {len(self.decided)} decisions in {self.seconds:.0f} s ({self.rate:.1f}/s) by"
            f" {self.reviewers} reviewers; write wait p50 {self.percentile(50) * 1000:.1f} ms,"
            f" p95 {self.percentile(95) * 1000:.1f} ms, p99 {self.percentile(99) * 1000:.1f} ms,"
            f" max {worst * 1000:.0f} ms; {waited} showed 'waiting'; {len(self.errors)} errors{burst}"
        )


def prepare(db_path: Path, reviewers: list[str], overlap: int = 2) -> tuple[dict[str, list[int]], list[int]]:
    """Assign the seed claims to ``reviewers`` (``overlap`` each): each reviewer's claims,
    and the claims left unassigned (for a verdict burst writer)."""
    db = connect(db_path)
    claims = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id")]
    team_claims, spare = claims[: len(claims) * 3 // 4], claims[len(claims) * 3 // 4 :]
    team.assign(db, team_claims, reviewers, overlap=min(overlap, len(reviewers)))
    mine: dict[str, list[int]] = {name: [] for name in reviewers}
    for claim_id, name, _at in team.assignments(db):
        mine[name].append(claim_id)
    db.close()
    return mine, spare


def run_load(
    db_path: Path,
    *,
    reviewers: int,
    seconds: float,
    interval: float,
    burst: str | None,
    feed_dir: Path | None = None,
    startup: float = 3.0,
) -> LoadResult:
    """``reviewers`` reviewer processes for ``seconds``, plus a burst writer (``"ingest"``,
    ``"verdicts"`` or None); returns every decision reported saved."""
    names = reviewer_names(reviewers)
    claims_of, spare = prepare(db_path, names)
    start_at = time.time() + startup  # every child forked and connected before the clock starts
    children = [
        Forked(
            reviewer_loop,
            str(db_path),
            reviewer=name,
            claims=claims_of[name],
            start_at=start_at,
            seconds=seconds,
            interval=interval,
            seed=i,
        )
        for i, name in enumerate(names)
    ]
    burster = None
    if burst == "ingest":
        assert feed_dir is not None
        burster = Forked(
            ingest_bursts, str(db_path), str(feed_dir), start_at=start_at, seconds=seconds, batch=40
        )
    elif burst == "verdicts":
        burster = Forked(verdict_bursts, str(db_path), spare, start_at=start_at, seconds=seconds)
    result = LoadResult(seconds=seconds, reviewers=reviewers)
    for name, child in zip(names, children):
        if child.wait(seconds + startup + 180) != 0:
            result.failures.append(f"{name}: {child.error}")
        for line in child.lines:
            kind, _, rest = line.partition(" ")
            if kind == "done":
                claim, verdict, hid, latency, waited = json.loads(rest)
                result.decided.append(Decided(name, claim, verdict, hid, latency, waited))
            elif kind == "error":
                result.errors.append(f"{name}: {rest}")
            elif kind == "end":
                result.unsaved += int(rest)
    if burster is not None:
        if burster.wait(seconds + startup + 180) != 0:
            result.failures.append(f"burst writer: {burster.error}")
        result.bursts = [tuple(json.loads(line[6:])) for line in burster.lines if line.startswith("burst ")]
    return result
