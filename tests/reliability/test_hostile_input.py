"""Hostile input by class (issue #9): paths that are not files, sizes, nesting, numbers, signals.

The promise for every case: one plain line naming the problem (never a
traceback), a non-zero exit, the good inputs beside it still go in, and
nothing already stored changes. Cases that would eat memory or hang if a
guard regressed run as a subprocess under an address-space limit and a timeout.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workbench import config as wb_config
from workbench import ingestion, reports
from workbench.cli import cli
from workbench.cli import corpus as _corpus  # noqa: F401  (registers commands)
from workbench.cli import reports as _reports  # noqa: F401
from workbench.storage import connect

from . import checks, corpus

load = importlib.import_module("workbench.reports.load")  # the module, not the function
BIN = Path(sys.executable).parent / "workbench"
SENTENCE = "Lavrov said 5 soldiers died on Monday in the city, officials confirmed."
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def bounded(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``workbench *args``, unable to grow past 2 GB or run forever (a regression fails, not hangs)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, timeout=timeout, preexec_fn=limit
    )


def plain(result, *, stdout_lines: int | None = None) -> list[str]:
    """No traceback; stderr is ``error:`` lines only; returns them."""
    out, err = result.stdout, result.stderr
    exception = getattr(result, "exception", None)
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in out + err, err
    lines = err.splitlines()
    assert all(line.startswith("error: ") for line in lines), err
    if stdout_lines is not None:
        assert len(out.splitlines()) == stdout_lines, out
    return lines


def digest(db_path: Path) -> dict[str, str]:
    db = connect(db_path)
    try:
        return checks.table_digest(db, checks.ALL_TABLES)
    finally:
        db.close()


@pytest.fixture
def export(seed_db, tmp_path) -> dict:
    return json.loads(reports.export_to(seed_db, "json", tmp_path / "seeds.json").read_text(encoding="utf-8"))


# --- paths that are not regular files --------------------------------------------


@pytest.fixture
def not_files():
    """One of each kind of path that is not a regular file, under a short folder (socket paths
    are limited to about 100 bytes). Values: (path maker, what the error line says)."""
    base = Path(tempfile.mkdtemp(prefix="wb-", dir="/tmp"))
    sockets: list[socket.socket] = []

    def make(kind: str, name: str) -> Path:
        path = base / f"{kind}-{name}"
        if kind == "device":
            path.symlink_to("/dev/zero")
        elif kind == "urandom":
            path.symlink_to("/dev/urandom")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(path))
            sockets.append(sock)
        elif kind == "folder":
            path.mkdir()
        return path

    yield make
    for sock in sockets:
        sock.close()
    shutil.rmtree(base, ignore_errors=True)


KINDS = {
    "device": "character device",
    "urandom": "character device",
    "fifo": "FIFO (named pipe)",
    "socket": "socket",
    "folder": "folder",
}


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_ingest_refuses_every_kind_of_non_file_by_name(not_files, seed_db_path, tmp_path):
    before = digest(seed_db_path)
    paths = [
        not_files(kind, f"x{suffix}")
        for kind in KINDS
        if kind != "folder"
        for suffix in (".txt", ".md", ".html", ".jsonl")
    ]
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    result = bounded(
        "--db", str(seed_db_path), "ingest", "--no-link", *map(str, paths), str(good), timeout=60
    )
    lines = plain(result, stdout_lines=1)
    assert result.returncode == 1 and result.stdout.startswith("1 documents added")
    assert len(lines) == len(paths)
    for path, line in zip(paths, lines):
        kind = path.name.split("-")[0]
        assert line.startswith(f"error: {path}: is a") and KINDS[kind] in line, line
    after = digest(seed_db_path)
    assert after["verdicts"] == before["verdicts"] and after["history"] == before["history"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("kind", [k for k in KINDS if k != "folder"])  # click refuses a folder itself
def test_import_refuses_every_kind_of_non_file_by_name(not_files, seed_db_path, kind):
    before = digest(seed_db_path)
    path = not_files(kind, "x.json")
    result = bounded("--db", str(seed_db_path), "import", str(path), timeout=30)
    (line,) = plain(result, stdout_lines=0)
    assert result.returncode == 2 and line == f"error: {path}: is a {KINDS[kind]}, not a regular file", line
    assert digest(seed_db_path) == before


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_config_refuses_every_kind_of_non_file_by_name(not_files):
    paths = [not_files(kind, "config.toml") for kind in KINDS]
    code = (
        "import sys; from pathlib import Path; from workbench.config import load_config;"
        " [print(load_config(Path(p)).problems) for p in sys.argv[1:]]"
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=limit,
    )
    assert out.returncode == 0, out.stderr
    for path, line in zip(paths, out.stdout.splitlines()):
        kind = KINDS[path.name.split("-")[0]]
        assert line == f"['{path}: is a {kind}, not a regular file; using the default settings']", line


# --- sizes -------------------------------------------------------------------------


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space and no time to make."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize("suffix, limit", [(".txt", "100 MB"), (".md", "100 MB"), (".html", "20 MB")])
def test_ingest_refuses_a_document_over_the_real_limit_without_reading_it(tmp_path, suffix, limit):
    big = sparse(tmp_path / f"big{suffix}", 150 * 1_000_000)
    result = bounded("--db", str(tmp_path / "x.db"), "ingest", "--no-link", str(big), timeout=30)
    (line,) = plain(result)
    assert result.returncode == 2
    assert line == f"error: {big}: 150 MB is over the {limit} limit for one document"


def test_import_and_config_over_the_real_limit_are_refused_without_reading(tmp_path, seed_db_path):
    before = digest(seed_db_path)
    big = sparse(tmp_path / "big.json", 600 * 1_000_000)
    result = bounded("--db", str(seed_db_path), "import", str(big), timeout=30)
    (line,) = plain(result)
    assert line == f"error: {big}: 600 MB is over the 512 MB limit for an import"
    assert digest(seed_db_path) == before
    config = wb_config.load_config(sparse(tmp_path / "config.toml", 3 * 1_000_000))
    assert config.problems == [
        f"{tmp_path / 'config.toml'}: 3 MB is over the 1 MB limit for the config file; using the default settings"
    ]


@FUZZ
@given(delta=st.integers(-3, 3), limit=st.integers(50, 3000))
@example(delta=0, limit=100)
@example(delta=1, limit=100)
def test_size_limits_are_exact_at_the_boundary(tmp_path_factory, delta, limit):
    """A file (or JSONL line, newline not counted) of exactly the limit goes in; a byte more is refused."""
    tmp = tmp_path_factory.mktemp("edge")
    doc = tmp / "doc.txt"
    doc.write_text("x" * (limit + delta), encoding="utf-8")
    head, tail = '{"id": "a", "text": "', '"}'
    line = head + "x" * (limit + delta - len(head) - len(tail)) + tail
    assert len(line) == limit + delta
    feed = tmp / "feed.jsonl"
    feed.write_text(
        line + "\n" + json.dumps({"id": "b", "text": "Ok."}) + "\n", encoding="utf-8"
    )  # < 50 bytes
    patches = pytest.MonkeyPatch()
    try:
        patches.setattr(ingestion, "MAX_DOCUMENT_BYTES", limit)
        patches.setattr(ingestion, "MAX_JSONL_LINE_BYTES", limit)
        docs = list(ingestion.parse_file(doc))
        lines = list(ingestion.parse_file(feed))
    finally:
        patches.undo()
    assert [isinstance(d, Exception) for d in docs] == [delta > 0]
    assert [isinstance(d, Exception) for d in lines] == [delta > 0, False]


# --- nesting -----------------------------------------------------------------------


def nested(depth: int, shape: str) -> str:
    if shape == "array":
        return "[" * depth + "]" * depth
    if shape == "object":
        return '{"a":' * depth + "1" + "}" * depth
    return '[{"a":' * (depth // 2) + "1" + "}]" * (depth // 2)


DEPTHS = st.one_of(st.integers(1, 3000), st.sampled_from([100_000, 400_000]))
SHAPES = st.sampled_from(["array", "object", "mixed"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=DEPTHS, shape=SHAPES, where=st.sampled_from(["line", "id", "title", "extra"]))
@example(depth=100_000, shape="array", where="line")
@example(depth=990, shape="array", where="id")
def test_nested_jsonl_is_that_lines_error_and_the_rest_go_in(tmp_path_factory, depth, shape, where):
    tmp = tmp_path_factory.mktemp("nest")
    value = nested(depth, shape)
    line = {"line": value, "id": f'{{"id": {value}, "text": "{SENTENCE}"}}'}
    bad = line.get(where, f'{{"id": "n", "text": "{SENTENCE}", "{where}": {value}}}')
    feed = tmp / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                json.dumps({"id": "first", "text": SENTENCE + " First."}),
                bad,
                json.dumps({"id": "last", "text": SENTENCE + " Last."}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", str(tmp / "x.db"), "ingest", "--no-link", str(feed)])
    lines = plain(result, stdout_lines=1)
    assert result.exit_code in (0, 1)
    assert all(line.startswith(f"error: {feed}:2: ") for line in lines), lines
    db = connect(tmp / "x.db")
    try:
        names = {n for (n,) in db.execute("SELECT name FROM documents")}
        checks.integrity(db)
    finally:
        db.close()
    assert {"first", "last"} <= names


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=DEPTHS, shape=SHAPES, field=st.sampled_from(["top", "claim", "context", "note"]))
@example(depth=100_000, shape="array", field="top")
def test_nested_import_is_refused_or_imported_never_a_traceback(
    export, tmp_path_factory, depth, shape, field
):
    tmp = tmp_path_factory.mktemp("nest")
    text = json.dumps(export)
    marker = "__NESTED__"
    if field == "top":
        export = dict(export, extra=marker)
    elif field == "claim":
        export["claims"][0]["extra"] = marker
    elif field == "context":
        export["claims"][0]["context"]["before"] = marker
    else:
        export["claims"][0]["note"] = marker
    text = json.dumps(export).replace(f'"{marker}"', nested(depth, shape))
    path = tmp / "n.json"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp / "x.db"), "import", str(path)])
    lines = plain(result)
    if result.exit_code:
        assert result.exit_code == 2 and len(lines) == 1 and "nothing imported" in lines[0], lines
        db = connect(tmp / "x.db")
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        db.close()


# --- numbers -----------------------------------------------------------------------

HOSTILE_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            str(1 << 63),
            str((1 << 63) - 1),
            str(-(1 << 63)),
            str(-(1 << 63) - 1),
            "9" * 5000,
            "1e999",
            "-1e999",
            "1e308",
            "5e-324",
            "-0",
            "0.0",
            "NaN",
            "Infinity",
            "-Infinity",
        ]
    ),
)
NUMERIC_FIELDS = {
    "claim id": lambda d: d["claims"][0],
    "claim score": lambda d: d["claims"][0],
    "document id": lambda d: d["documents"][0],
    "passage start": lambda d: d["documents"][0]["passages"][0],
    "claim start": lambda d: d["claims"][0],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=HOSTILE_NUMBERS, field=st.sampled_from(list(NUMERIC_FIELDS)))
@example(number="99999999999999999999999", field="claim id")
@example(number="1e999", field="claim score")
@example(number="NaN", field="claim score")
def test_hostile_numbers_in_an_import_never_reach_the_database(export, tmp_path_factory, number, field):
    tmp = tmp_path_factory.mktemp("num")
    key = field.split()[1]
    NUMERIC_FIELDS[field](export)[key] = "__NUMBER__"
    path = tmp / "n.json"
    path.write_text(json.dumps(export).replace('"__NUMBER__"', number), encoding="utf-8")
    db_path = tmp / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(path)])
    lines = plain(result)
    if result.exit_code:
        assert result.exit_code == 2 and len(lines) == 1 and "nothing imported" in lines[0], lines
        db = connect(db_path)
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        db.close()
        return
    # Whatever went in exports again as strict JSON: no Infinity or NaN.
    out = reports.export_to(connect(db_path), "json", tmp / "again.json").read_text(encoding="utf-8")
    json.loads(out, parse_constant=lambda name: pytest.fail(f"export wrote {name}"))


# --- signals -----------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _sigint_ignored(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True  # gone: it can take nothing
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:"))
    return bool(int(mask, 16) & (1 << (signal.SIGINT - 1)))


def _documents(db_path: Path) -> int:
    try:
        db = connect(db_path)
    except Exception:
        return 0
    try:
        return db.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        db.close()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir() or (os.cpu_count() or 1) < 2, reason="needs /proc and 2 cores")
@pytest.mark.parametrize("moment", ["workers starting", "documents stored"])
def test_ctrl_c_during_a_parallel_ingest_is_one_line_exit_130_nothing_half_written(tmp_path, moment):
    """Ctrl-C signals the terminal's whole process group, workers included."""
    feed = corpus.write_jsonl(tmp_path / "feed.jsonl", 1400)
    big = corpus.write_text(tmp_path / "big.txt", 1.0)
    assert ingestion.total_size([feed, big]) >= ingestion.PARALLEL_MIN_BYTES
    db_path = tmp_path / "p.db"
    connect(db_path).close()
    proc = subprocess.Popen(
        [str(BIN), "--db", str(db_path), "ingest", "--no-link", str(feed), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            workers = _children(proc.pid)
            if moment == "workers starting" and len(workers) >= 2:
                break
            if moment == "documents stored" and _documents(db_path) > 0:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the ingest finished before it could be interrupted"
        workers = _children(proc.pid)
        # Whether a worker that took the signal prints a traceback depends on where it is
        # (importing, idle, in a task); whether it can take it at all does not.
        deadline = time.monotonic() + 10
        while (
            deaf := {pid for pid in workers if _sigint_ignored(pid)}
        ) != workers and time.monotonic() < deadline:
            time.sleep(0.02)
        assert deaf == workers, "a worker would take Ctrl-C (and print a traceback)"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (proc.returncode, out, err) == (130, "", "interrupted\n")
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived the interrupted ingest"
    db = connect(db_path)
    try:
        checks.integrity(db)
        stored = checks.documents_complete(db)
    finally:
        db.close()
    print(f"\nCtrl-C while {moment}: one line, exit 130, {stored} documents stored, each complete")
