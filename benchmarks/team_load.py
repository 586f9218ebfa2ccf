"""Live team review on one SQLite file: write wait and decisions/s (#13).

Reviewer processes write through the review screen's own writer (its own
connection, retried while busy), deciding a verdict every ~2 s, as in
tests/reliability/test_team_load.py; beside them, in the same run: one writer
alone (the baseline), the team with a bursting ingest or a bursting verdict
writer, and the team deciding back to back (what one SQLite writer can take).

    .venv/bin/python benchmarks/team_load.py [--seconds 60] [--reviewers 25]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.reliability.team_worker import run_load  # noqa: E402
from workbench import ingestion  # noqa: E402
from workbench.storage import connect  # noqa: E402


def scenarios(reviewers: int) -> list[tuple[str, int, float, str | None]]:
    """(label, reviewers, seconds between one reviewer's decisions, burst writer)."""
    return [
        ("baseline: 1 reviewer alone, every ~2 s", 1, 2.0, None),
        ("baseline: 1 writer alone, back to back", 1, 0.0, None),
        (f"{reviewers} reviewers, every ~2 s", reviewers, 2.0, None),
        (f"{reviewers} reviewers + bursting ingest (40 documents a burst)", reviewers, 2.0, "ingest"),
        (f"{reviewers} reviewers + bursting verdict writer (2 s back to back)", reviewers, 2.0, "verdicts"),
        (f"{reviewers} reviewers, back to back (capacity)", reviewers, 0.0, None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--reviewers", type=int, default=25)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="team_load_"))
    template = work / "seeds.db"
    db = connect(template)
    ingestion.ingest_paths(db, [REPO / "seeds"])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(
        f"{platform.python_version()} · {os.cpu_count()} cores · load average"
        f" {os.getloadavg()[0]:.1f} at start · {args.seconds:.0f} s a row · synchronous=FULL, WAL"
    )
    print(
        "| run | decisions | decisions/s | wait p50 ms | p95 ms | p99 ms | max ms | 'waiting' shown | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    try:
        for i, (label, reviewers, interval, burst) in enumerate(scenarios(args.reviewers)):
            path = work / f"run{i}.db"
            shutil.copy(template, path)
            feed = work / f"feed{i}"
            feed.mkdir()
            result = run_load(
                path, reviewers=reviewers, seconds=args.seconds, interval=interval, burst=burst, feed_dir=feed
            )
            worst = max(d.latency for d in result.decided)
            waited = sum(d.waited for d in result.decided)
            bursts = ""
            if result.bursts:
                bursts = f" ({sum(b[0] for b in result.bursts)} burst writes)"
            print(
                f"| {label}{bursts} | {len(result.decided)} | {result.rate:.1f} |"
                f" {result.percentile(50) * 1000:.1f} | {result.percentile(95) * 1000:.1f} |"
                f" {result.percentile(99) * 1000:.1f} | {worst * 1000:.0f} | {waited} |"
                f" {len(result.errors) + len(result.failures)} |",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
