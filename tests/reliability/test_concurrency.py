"""Two writers on one file at once, and reviewing during a long ingest.

No "database is locked" may reach the user, no change may be lost, history
must record both writers, and a verdict written while an ingest runs must
complete promptly (worst wait measured and bounded).
"""

from __future__ import annotations

import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import ingestion
from workbench.cli import cli
from workbench.cli import corpus as _corpus  # noqa: F401  (registers commands)
from workbench.cli import verdicts as _verdicts  # noqa: F401
from workbench.storage import connect, review

from . import checks, corpus
from .procs import Forked
from .worker import Done, review_loop

BIN = Path(sys.executable).parent
# A 6 MB document holds the lock for its whole ingest (~1–3 s alone; CI is a busy 2-core box).
MAX_WAIT_S = 15.0


def _targets(db_path: Path, n_claims: int = 10, n_passages: int = 6) -> tuple[list[int], list[int]]:
    db = connect(db_path)
    claims = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT ?", [n_claims])]
    passages = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY id LIMIT ?", [n_passages])]
    db.close()
    return claims, passages


@pytest.mark.parametrize("pause", [0.0, 0.002], ids=["tight", "paced"])
def test_two_storage_writers_at_once_lose_nothing(seed_db_path, pause):
    claims, passages = _targets(seed_db_path)  # the same few claims: maximal contention
    started = time.monotonic()
    writers = [
        Forked(
            review_loop,
            str(seed_db_path),
            seed=seed,
            reviewer=who,
            claims=claims,
            passages=passages,
            ops=300,
            pause=pause,
        )
        for seed, who in ((1, "ana"), (2, "ben"))
    ]
    for w in writers:
        assert w.wait() == 0, w.error
    elapsed = time.monotonic() - started
    done = [Done.parse(line) for w in writers for line in w.lines]
    db = connect(seed_db_path)
    assert checks.reported_present(db, done) == len(done)
    assert db.execute("SELECT count(*) FROM history").fetchone()[0] == len(done)
    by_reviewer = dict(db.execute("SELECT reviewer, count(*) FROM history GROUP BY reviewer").fetchall())
    assert by_reviewer == {"ana": len(writers[0].lines), "ben": len(writers[1].lines)}
    # Interleaved, not one after the other: both were writing at the same time.
    order = [r[0] for r in db.execute("SELECT reviewer FROM history ORDER BY id")]
    switches = sum(a != b for a, b in itertools.pairwise(order))
    checks.integrity(db)
    checks.history_matches_state(db)  # each row's old == the previous new: no lost update
    print(
        f"\n2 storage writers ({'paced' if pause else 'tight loops'}): {len(done)} changes in "
        f"{elapsed:.1f}s, {switches} hand-overs, none lost"
    )
    if pause:  # otherwise one may well have the lock the whole time (see review_loop)
        assert switches >= 10


def _cli_loop(emit, db_path: str, reviewer: str, claims: list[int], passages: list[int], runs: int) -> None:
    runner = CliRunner()
    statuses = ["sourced", "contested", "unsupported", "clear"]
    for i in range(runs):
        claim = claims[(i * 7 + len(reviewer)) % len(claims)]
        args = [
            "--db",
            db_path,
            "verdict",
            str(claim),
            statuses[i % 4],
            "--note",
            f"{reviewer} {i}",
            "--reviewer",
            reviewer,
        ]
        if i % 2:
            args += ["--link", str(passages[i % len(passages)])]
        else:
            args += ["--unlink", str(passages[(i + 1) % len(passages)])]
        result = runner.invoke(cli, args)
        emit(f"{result.exit_code} {result.output.strip()!r}"[:400])


def test_two_verdict_commands_in_tight_loops(seed_db_path):
    claims, passages = _targets(seed_db_path, 5, 4)
    runs = 40
    started = time.monotonic()
    loops = [Forked(_cli_loop, str(seed_db_path), who, claims, passages, runs) for who in ("ana", "ben")]
    for loop in loops:
        assert loop.wait() == 0, loop.error
    elapsed = time.monotonic() - started
    outputs = [line for loop in loops for line in loop.lines]
    assert len(outputs) == 2 * runs
    failed = [line for line in outputs if not line.startswith("0 ")]
    assert not failed, failed[:3]
    assert not [line for line in outputs if "locked" in line or "busy" in line]
    db = connect(seed_db_path)
    sessions = dict(
        db.execute(
            "SELECT reviewer, count(*) FROM review_sessions WHERE ended_at IS NOT NULL GROUP BY reviewer"
        )
    )
    assert sessions == {"ana": runs, "ben": runs}
    notes = dict(db.execute("SELECT reviewer, count(*) FROM history WHERE kind = 'note' GROUP BY reviewer"))
    assert notes == {"ana": runs, "ben": runs}  # every run's note differs from the one before
    checks.integrity(db)
    checks.history_matches_state(db)
    writes = db.execute("SELECT count(*) FROM history").fetchone()[0]
    print(f"\n2 `verdict` loops: {2 * runs} commands, {writes} changes in {elapsed:.1f}s, all recorded")


def _ingest(emit, db_path: str, paths: list[str]) -> None:
    db = connect(db_path)
    emit("start")
    report = ingestion.ingest_paths(db, paths)
    emit(f"end {report.added}")


def _review_during(child: Forked, db_path: Path, claims: list[int]) -> list[float]:
    """Write verdicts every 20 ms until ``child`` reports its end; each write's wait."""
    db = connect(db_path)
    waits: list[float] = []
    i = 0
    while not any(line.startswith("end") for line in child.lines):
        started = time.monotonic()
        # Alternating verdicts on one claim: every call is a real change.
        review.set_status(db, claims[0], ["sourced", "contested"][i % 2], reviewer="r")
        waits.append(time.monotonic() - started)
        i += 1
        child.read(0.02)
    db.close()
    return waits


def test_verdicts_stay_prompt_during_a_long_ingest(seed_db_path, tmp_path):
    feed = corpus.write_jsonl(tmp_path / "feed.jsonl", 800)
    claims, _ = _targets(seed_db_path)
    child = Forked(_ingest, str(seed_db_path), [str(feed)])
    child.read_until(1, 30)
    waits = _review_during(child, seed_db_path, claims)
    assert child.wait() == 0, child.error
    assert child.lines[-1] == "end 800"
    db = connect(seed_db_path)
    checks.integrity(db)
    checks.history_matches_state(db)
    assert db.execute("SELECT count(*) FROM history").fetchone()[0] == len(waits)
    db.close()
    print(
        f"\nduring an 800-document ingest: {len(waits)} verdicts, worst wait {max(waits):.2f}s, "
        f"median {statistics.median(waits) * 1000:.0f} ms"
    )
    assert len(waits) >= 5
    # Ingest leaves the lock every 50 ms and writers poll for it: a reviewer
    # waits a few milliseconds (was a median of 181 ms, worst 1.3 s).
    assert statistics.median(waits) < 0.05
    assert max(waits) < 1.0


@pytest.mark.slow
def test_verdicts_stay_prompt_while_a_large_document_ingests(seed_db_path, tmp_path):
    """One 6 MB document is one transaction: the worst wait is how long it holds the lock."""
    big = corpus.write_text(tmp_path / "big.txt", 6.0)
    claims, _ = _targets(seed_db_path)
    child = Forked(_ingest, str(seed_db_path), [str(big)])
    child.read_until(1, 30)
    waits = _review_during(child, seed_db_path, claims)
    assert child.wait() == 0, child.error
    print(f"\nduring a 6 MB single-document ingest: {len(waits)} verdicts, worst wait {max(waits):.2f}s")
    assert max(waits) < MAX_WAIT_S


@pytest.mark.slow
def test_verdict_processes_and_an_ingest_process_at_once(seed_db_path, tmp_path):
    """Real separate programs: two shells running `workbench verdict` in a loop and a
    `workbench ingest`, all on one file."""
    feed = corpus.write_jsonl(tmp_path / "feed.jsonl", 800)
    claims, passages = _targets(seed_db_path, 4, 3)
    wb = str(BIN / "workbench")
    loops = []
    for who in ("ana", "ben"):
        script = "; ".join(
            f"{wb} --db {seed_db_path} verdict {claims[i % 4]} {['sourced', 'contested'][i % 2]}"
            f" --note '{who} {i}' --link {passages[i % 3]} --reviewer {who} || echo FAILED"
            for i in range(10)
        )
        loops.append(
            subprocess.Popen(
                ["sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        )
    ingest = subprocess.run(
        [wb, "--db", str(seed_db_path), "ingest", "--no-link", str(feed)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    outputs = [loop.communicate(timeout=120)[0] for loop in loops]
    assert ingest.returncode == 0, ingest.stderr
    for out in outputs:
        assert "FAILED" not in out and "error" not in out and "Traceback" not in out, out
        assert out.count("claim ") == 10
    db = connect(seed_db_path)
    sessions = dict(db.execute("SELECT reviewer, count(*) FROM review_sessions GROUP BY reviewer"))
    assert sessions == {"ana": 10, "ben": 10}
    notes = db.execute("SELECT count(*) FROM history WHERE kind = 'note'").fetchone()[0]
    assert notes == 20
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 5 + 800
    checks.integrity(db)
    checks.history_matches_state(db)
    print("\n20 `workbench verdict` processes + `workbench ingest` of 800 documents at once: all recorded")
