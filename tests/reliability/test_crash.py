"""SIGKILL at random moments: nothing reported done is lost, nothing is half written.

A writer (forked from the test process, or a real ``workbench`` process in the
slow tests) applies verdicts, notes, links and undos through storage.review,
printing one line after each commit; the test kills it at a random moment,
reopens the file the way a user would (``connect``) and checks:

- every change reported done is in history, exactly as reported, and at most
  one unreported change (the one in flight) slipped in per kill;
- ``PRAGMA integrity_check`` is ok, foreign keys hold, the FTS index matches;
- replaying history gives the current verdicts and links, and each history
  row's ``old`` is the previous row's ``new``.

Same for ``ingest``: after every kill each stored document has all its
passages and claims (re-splitting its text gives exactly the stored rows).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench import ingestion
from workbench.storage import connect

from . import checks, corpus
from .procs import Forked
from .worker import Done, review_loop

WORKER = Path(__file__).with_name("worker.py")
BIN = Path(sys.executable).parent


def _targets(db_path: Path) -> tuple[list[int], list[int]]:
    db = connect(db_path)
    claims = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT 12")]
    passages = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY id LIMIT 8")]
    db.close()
    return claims, passages


def _max_history(db) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM history").fetchone()[0]


def _check_after_kill(db_path: Path, before: int, new: list[Done], seed: int) -> None:
    db = connect(db_path)
    try:
        checks.integrity(db)
        checks.reported_present(db, new)
        committed = [r[0] for r in db.execute("SELECT id FROM history WHERE id > ? ORDER BY id", [before])]
        unreported = sorted(set(committed) - {d.history_id for d in new})
        # Only the change in flight when the kill came may be committed yet unreported.
        assert len(unreported) <= 1, f"seed {seed}: {len(unreported)} committed changes never reported"
        assert not unreported or unreported[0] == committed[-1]
        checks.history_matches_state(db)
    finally:
        db.close()


def _crash_review_writer(db_path: Path, kills: int, rng: random.Random) -> tuple[int, int]:
    """Fork, let it write for a random while, SIGKILL; ``kills`` times. Returns (changes, mid-run kills)."""
    claims, passages = _targets(db_path)
    all_done: list[Done] = []
    mid_run = 0
    for k in range(kills):
        db = connect(db_path)
        before = _max_history(db)
        db.close()
        seed = rng.randrange(1 << 30)
        child = Forked(
            review_loop, str(db_path), seed=seed, reviewer=f"crash{k}", claims=claims, passages=passages
        )
        # Random moment: sometimes during connect/migration, mostly mid-stream.
        child.read(rng.uniform(0.0, 0.12))
        child.kill()
        assert child.error == "", child.error
        new = [Done.parse(line) for line in child.lines]
        mid_run += bool(new)
        all_done += new
        _check_after_kill(db_path, before, new, seed)
    db = connect(db_path)
    assert checks.reported_present(db, all_done) == len(all_done)  # and still there at the end
    db.close()
    return len(all_done), mid_run


def test_review_writer_killed_30_times_loses_nothing(seed_db_path):
    rng = random.Random(int.from_bytes(os.urandom(4)))
    changes, mid_run = _crash_review_writer(seed_db_path, 30, rng)
    print(f"\n30 SIGKILLs survived ({mid_run} mid-stream), {changes} reported changes all present")
    assert mid_run >= 20, "kills should mostly land while changes are being written"
    assert changes >= 100


@pytest.mark.slow
def test_review_writer_killed_120_times_loses_nothing(seed_db_path):
    rng = random.Random(int.from_bytes(os.urandom(4)))
    changes, mid_run = _crash_review_writer(seed_db_path, 120, rng)
    print(f"\n120 SIGKILLs survived ({mid_run} mid-stream), {changes} reported changes all present")
    assert mid_run >= 90


@pytest.mark.slow
def test_separate_worker_program_killed_loses_nothing(seed_db_path):
    """The same with a real separate interpreter (nothing inherited through fork)."""
    rng = random.Random(int.from_bytes(os.urandom(4)))
    all_done: list[Done] = []
    for k in range(12):
        db = connect(seed_db_path)
        before = _max_history(db)
        db.close()
        seed = rng.randrange(1 << 30)
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(seed_db_path), str(seed), f"w{k}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        first = proc.stdout.readline()  # wait until it is writing, then kill at a random moment
        time.sleep(rng.uniform(0.0, 0.3))
        proc.kill()
        rest = proc.stdout.read()
        proc.wait()
        new = [Done.parse(line) for line in (first + rest).splitlines() if line]
        all_done += new
        _check_after_kill(seed_db_path, before, new, seed)
    db = connect(seed_db_path)
    assert checks.reported_present(db, all_done) == len(all_done)
    db.close()
    print(f"\n12 worker processes killed, {len(all_done)} reported changes all present")
    assert len(all_done) >= 12


@pytest.mark.slow
def test_verdict_command_killed_leaves_consistent_history(seed_db_path):
    """`workbench verdict` killed at random: a run that finished is fully there; any run leaves
    history consistent with the verdicts and links."""
    rng = random.Random(int.from_bytes(os.urandom(4)))
    claims, passages = _targets(seed_db_path)
    finished = killed = 0
    runtime = 1.0
    for k in range(15):
        claim, passage = rng.choice(claims), rng.choice(passages)
        status, note = rng.choice(["sourced", "contested", "unsupported"]), f"run {k} «{rng.random()}»"
        started = time.monotonic()
        proc = subprocess.Popen(
            [
                str(BIN / "workbench"),
                "--db",
                str(seed_db_path),
                "verdict",
                str(claim),
                status,
                "--note",
                note,
                "--link",
                str(passage),
                "--reviewer",
                f"cli{k}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Every fourth run finishes (and times a whole run); the others die somewhere inside one.
        limit = 120 if k % 4 == 0 else rng.uniform(0.2, 0.95) * runtime
        try:
            _out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            killed += 1
        else:
            assert proc.returncode == 0, err
            finished += 1
            runtime = time.monotonic() - started
            db = connect(seed_db_path)
            v = db.execute("SELECT status, note FROM verdicts WHERE claim_id = ?", [claim]).fetchone()
            assert v == (status, note)
            assert db.execute(
                "SELECT 1 FROM evidence_links WHERE claim_id = ? AND passage_id = ?", [claim, passage]
            ).fetchone()
            db.close()
        db = connect(seed_db_path)
        checks.integrity(db)
        checks.history_matches_state(db)
        db.close()
    print(f"\n`workbench verdict`: {killed} killed mid-run, {finished} finished, all consistent")
    assert killed >= 5 and finished >= 4


# --- ingest ---------------------------------------------------------------------------


def _ingest(emit, db_path: str, paths: list[str]) -> None:
    db = connect(db_path)
    report = ingestion.ingest_paths(db, paths)
    emit(f"added {report.added}")


def _check_ingest(db_path: Path, checked: set[str]) -> int:
    """Integrity, and every document not checked before is whole; returns how many were checked.

    ``checked`` holds content hashes already verified (a document never changes once in).
    """
    db = connect(db_path)
    try:
        checks.integrity(db)
        rows = db.execute("SELECT id, content_hash FROM documents ORDER BY id").fetchall()
        assert len(rows) == len({h for _, h in rows}), "a document stored twice"
        fresh = [(i, h) for i, h in rows if h not in checked]
        for doc_id, h in fresh:
            checks.document_complete(db, doc_id)
            checked.add(h)
        return len(fresh)
    finally:
        db.close()


def _crash_ingest(
    tmp_path: Path, kills: int, documents: int, megabytes: float, rng: random.Random, run
) -> tuple[int, int]:
    """Kill ``run`` ``kills`` times: two runs in three on a fresh file, the third resuming.

    Returns (documents checked whole, kills that left the corpus incomplete).
    """
    feed = corpus.write_jsonl(tmp_path / "feed.jsonl", documents)
    big = corpus.write_text(tmp_path / "big.txt", megabytes)
    db_path = tmp_path / "ingest.db"
    total = documents + 1
    checked = interrupted = 0
    verified: set[str] = set()
    # One whole run first, timed, so kill moments spread over a real run's length.
    connect(tmp_path / "calibrate.db").close()
    started = time.monotonic()
    run(tmp_path / "calibrate.db", [str(feed), str(big)], None)
    duration = time.monotonic() - started
    for k in range(kills):
        if k % 3 != 2:
            for f in tmp_path.glob("ingest.db*"):
                f.unlink()
            connect(db_path).close()
            verified.clear()
        run(db_path, [str(feed), str(big)], rng.uniform(0.0, 0.9 * duration))
        checked += _check_ingest(db_path, verified)
        db = connect(db_path)
        interrupted += db.execute("SELECT count(*) FROM documents").fetchone()[0] < total
        db.close()
    # Finally a run to completion: everything is in, exactly once.
    run(db_path, [str(feed), str(big)], None)
    checked += _check_ingest(db_path, verified)
    db = connect(db_path)
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == total
    assert checks.documents_complete(db) == total
    db.close()
    return checked, interrupted


def test_ingest_killed_mid_way_never_leaves_half_a_document(tmp_path):
    rng = random.Random(int.from_bytes(os.urandom(4)))

    def run(db_path, paths, kill_after):
        child = Forked(_ingest, str(db_path), paths)
        if kill_after is None:
            assert child.wait() == 0, child.error
        else:
            child.read(kill_after)
            child.kill()
            assert child.error == "", child.error

    checked, interrupted = _crash_ingest(tmp_path, 12, 80, 0.5, rng, run)
    print(
        f"\ningest: 12 SIGKILLs survived ({interrupted} left it unfinished), "
        f"{checked} stored documents checked whole"
    )
    assert interrupted >= 4


@pytest.mark.slow
def test_ingest_command_killed_mid_way_never_leaves_half_a_document(tmp_path):
    """The real `workbench ingest` process, killed 12 times over a 200-document feed and a 1 MB file."""
    rng = random.Random(int.from_bytes(os.urandom(4)))

    def run(db_path, paths, kill_after):
        proc = subprocess.Popen(
            [str(BIN / "workbench"), "--db", str(db_path), "ingest", "--no-link", *paths],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if kill_after is None:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        else:
            time.sleep(kill_after)
            proc.kill()
            proc.communicate()

    checked, interrupted = _crash_ingest(tmp_path, 12, 200, 1.0, rng, run)
    print(
        f"\n`workbench ingest`: 12 SIGKILLs survived ({interrupted} left it unfinished), "
        f"{checked} stored documents checked whole"
    )
    assert interrupted >= 5


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir() or (os.cpu_count() or 1) < 2, reason="needs /proc and 2 cores")
def test_parallel_ingest_killed_leaves_no_half_document_and_no_orphan_workers(tmp_path):
    """A corpus big enough for the worker-process path: kill the ingest while its pool runs.
    Its workers must go too (an orphan would keep a core busy and the user's terminal waiting)."""
    rng = random.Random(int.from_bytes(os.urandom(4)))
    feed = corpus.write_jsonl(tmp_path / "feed.jsonl", 1400)
    big = corpus.write_text(tmp_path / "big.txt", 1.0)
    assert ingestion.total_size([feed, big]) >= ingestion.PARALLEL_MIN_BYTES
    db_path = tmp_path / "p.db"
    connect(db_path).close()
    verified: set[str] = set()
    orphans: set[int] = set()
    checked = 0
    for _ in range(5):
        # No pipes: an orphaned worker would hold them open and hang the test instead of failing it.
        proc = subprocess.Popen(
            [str(BIN / "workbench"), "--db", str(db_path), "ingest", "--no-link", str(feed), str(big)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.1, 0.8))
        workers = _children(proc.pid)
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = {pid for pid in workers if _alive(pid)}
        for pid in left:  # ours to clean up, whatever the verdict
            os.kill(pid, 9)
        orphans |= left
        checked += _check_ingest(db_path, verified)
    assert not orphans, f"{len(orphans)} worker processes outlived the killed ingest"
    result = subprocess.run(
        [str(BIN / "workbench"), "--db", str(db_path), "ingest", "--no-link", str(feed), str(big)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    checked += _check_ingest(db_path, verified)
    db = connect(db_path)
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1401
    db.close()
    print(
        f"\nparallel `workbench ingest`: 5 SIGKILLs survived, no orphan workers, {checked} documents checked whole"
    )
