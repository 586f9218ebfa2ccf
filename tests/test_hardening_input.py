"""Issue #9, the input side: what documents, imports and the config file can no longer do.

Each test failed on the code before the fix: raw escape sequences reached the
terminal, /dev/zero or a FIFO was read forever, deep nesting or huge numbers
raised tracebacks, an import could claim another text's hash, a Ctrl-C made
the ingest's workers print tracebacks, a missing lxml_html_clean aborted the run.
Commands that could eat memory or hang on the old code run as a subprocess
under an address-space limit and a timeout, so they fail instead.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import config as wb_config
from workbench import ingestion, reports
from workbench.cli import cli
from workbench.storage import connect

# The module, not the function ``workbench.reports`` re-exports under the same name.
load = importlib.import_module("workbench.reports.load")
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "workbench"
HOSTILE = "\u001b]0;TITLE\u0007\u001b]52;c;aGk=\u0007\u001b[2J\u009b31m\u202eexe.txt"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
SENTENCE = "Lavrov said 5 soldiers died on Monday in the city, officials confirmed."


def run(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """``workbench *args`` in a process that cannot grow past 2 GB or run forever."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, timeout=timeout, preexec_fn=limit, **kwargs
    )


def one_error_line(result, *needles: str) -> str:
    """The command failed with exactly one ``error:`` line on stderr, naming ``needles``."""
    stderr = result.stderr
    assert "Traceback" not in stderr and "Traceback" not in (result.stdout or ""), stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def cli_run(*args: str):
    return CliRunner().invoke(cli, list(args))


def counts(db_path: Path) -> tuple[int, ...]:
    db = connect(db_path)
    try:
        return tuple(
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "passages", "claims", "verdicts", "history")
        )
    finally:
        db.close()


@pytest.fixture
def export(seed_db, tmp_path) -> dict:
    """The seeds as a workbench JSON export (parsed)."""
    path = reports.export_to(seed_db, "json", tmp_path / "seeds.json")
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- 3. terminal escapes in plain output ----------------------------------------


def test_claims_plain_output_shows_escapes_instead_of_sending_them(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": f"doc{HOSTILE}", "text": f"{SENTENCE} {HOSTILE}"}) + "\n", encoding="utf-8"
    )
    db = str(tmp_path / "x.db")
    assert cli_run("--db", db, "ingest", str(feed)).exit_code == 0
    result = cli_run("--db", db, "claims")
    assert result.exit_code == 0 and "Lavrov" in result.output
    for raw in RAW:
        assert raw not in result.output, repr(result.output)
    assert "\\x1b]0;TITLE\\x07" in result.output and "⟨U+202E⟩" in result.output
    assert result.output.count("\n") == 1  # one claim, one line


def test_claims_json_stays_exact_and_carries_no_raw_controls(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": f"doc{HOSTILE}", "text": f"{SENTENCE} {HOSTILE}"}) + "\n", encoding="utf-8"
    )
    db = str(tmp_path / "x.db")
    cli_run("--db", db, "ingest", str(feed))
    result = cli_run("--db", db, "claims", "--json")
    assert result.exit_code == 0
    for raw in RAW:
        assert raw not in result.output, repr(result.output)
    (claim,) = json.loads(result.output)
    assert claim["document"] == f"doc{HOSTILE}" and claim["text"].endswith(HOSTILE)


def test_ingest_error_line_shows_escapes_in_the_file_name(tmp_path):
    bad = tmp_path / "evil\x1b]0;TITLE\x07\u202e.txt"
    bad.write_bytes(b"text\x00binary")
    result = cli_run("--db", str(tmp_path / "x.db"), "ingest", str(bad))
    assert result.exit_code == 2
    for raw in RAW:
        assert raw not in result.stderr, repr(result.stderr)
    assert "evil\\x1b]0;TITLE\\x07⟨U+202E⟩.txt: binary file" in result.stderr


# --- 5. unbounded reads ----------------------------------------------------------


def test_import_of_dev_zero_is_refused_by_name(tmp_path):
    (tmp_path / "x.json").symlink_to("/dev/zero")
    result = run("--db", str(tmp_path / "x.db"), "import", str(tmp_path / "x.json"))
    assert result.returncode == 2
    one_error_line(result, "x.json", "character device", "not a regular file")


def test_import_of_a_fifo_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "x.json")
    result = run("--db", str(tmp_path / "x.db"), "import", str(tmp_path / "x.json"), timeout=30)
    assert result.returncode == 2
    one_error_line(result, "x.json", "FIFO")


@pytest.mark.parametrize("name", ["z.txt", "z.md", "z.html", "z.jsonl"])
def test_ingest_of_dev_zero_is_refused_by_name(tmp_path, name):
    (tmp_path / name).symlink_to("/dev/zero")
    ok = tmp_path / "ok.txt"
    ok.write_text(SENTENCE, encoding="utf-8")
    result = run("--db", str(tmp_path / "x.db"), "ingest", str(tmp_path / name), str(ok))
    assert result.returncode == 1, result.stderr  # the good file still went in
    one_error_line(result, name, "character device")
    assert result.stdout.startswith("1 documents added")


def test_ingest_of_a_fifo_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "f.jsonl")
    os.mkfifo(tmp_path / "f.txt")
    result = run(
        "--db",
        str(tmp_path / "x.db"),
        "ingest",
        str(tmp_path / "f.jsonl"),
        str(tmp_path / "f.txt"),
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.count("FIFO") == 2 and "Traceback" not in result.stderr


def test_oversized_config_file_is_refused_with_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.toml"
    path.write_text("# padding\n" * 200 + '[keys]\n"review.undo" = "U"\n', encoding="utf-8")
    monkeypatch.setattr(wb_config, "MAX_CONFIG_BYTES", 1000)
    config = wb_config.load_config(path)
    assert config.keymap == {}
    (problem,) = config.problems
    assert "over the 1,000 bytes limit for the config file" in problem


def test_oversized_import_is_refused_with_the_limit_and_nothing_written(export, tmp_path, monkeypatch):
    path = write_json(tmp_path / "big.json", export)
    monkeypatch.setattr(load, "MAX_IMPORT_BYTES", 10_000)
    result = cli_run("--db", str(tmp_path / "x.db"), "import", str(path))
    assert result.exit_code == 2
    assert "over the 10,000 bytes limit for an import" in result.stderr
    assert counts(tmp_path / "x.db") == (0, 0, 0, 0, 0)


def test_oversized_text_document_is_refused_and_the_others_go_in(tmp_path, monkeypatch):
    monkeypatch.setattr(ingestion, "MAX_DOCUMENT_BYTES", 5_000)
    (tmp_path / "big.txt").write_text((SENTENCE + "\n") * 100, encoding="utf-8")
    (tmp_path / "small.txt").write_text(SENTENCE, encoding="utf-8")
    result = cli_run("--db", str(tmp_path / "x.db"), "ingest", str(tmp_path))
    assert result.exit_code == 1
    assert "big.txt: 7,200 bytes is over the 5,000 bytes limit for one document" in result.stderr
    assert result.stdout.startswith("1 documents added")


def test_jsonl_is_streamed_and_an_over_long_line_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(ingestion, "MAX_JSONL_LINE_BYTES", 2_000)
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"id": "a", "text": SENTENCE},
        {"id": "huge", "text": SENTENCE * 200},
        {"id": "c", "text": SENTENCE.replace("5", "7")},
    ]
    feed.write_text("".join(json.dumps(obj) + "\n" for obj in lines), encoding="utf-8")
    result = cli_run("--db", str(tmp_path / "x.db"), "ingest", str(feed))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {feed}:2: line is over the 2,000 bytes limit for one document; skipped"
    ]
    assert result.stdout.startswith("2 documents added")


def test_jsonl_lines_are_read_with_a_bound(tmp_path, monkeypatch):
    """One line without a newline, larger than the limit, is never held whole."""
    monkeypatch.setattr(ingestion, "MAX_JSONL_LINE_BYTES", 1_000)
    path = tmp_path / "one.jsonl"
    path.write_bytes(b'{"id": 1, "text": "' + b"x" * 5_000_000)
    reads: list[int] = []
    real = ingestion.open_regular

    def spying_open(p):
        handle = real(p)
        original = handle.readline

        def readline(size=-1):
            reads.append(size)
            return original(size)

        handle.readline = readline  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(ingestion, "open_regular", spying_open)
    (error,) = list(ingestion.parse_jsonl(path))
    assert "over the 1,000 bytes limit" in str(error)
    assert reads and all(0 < size <= 1 << 20 for size in reads)


# --- 6. tracebacks instead of one line ---------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_jsonl_line_is_that_lines_error_and_the_rest_go_in(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": SENTENCE}),
                DEEP,
                '{"id": "b", "text": "x", "extra": ' + DEEP + "}",
                json.dumps({"id": "c", "text": SENTENCE.replace("5", "9")}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = cli_run("--db", str(tmp_path / "x.db"), "ingest", str(feed))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {feed}:2: JSON nested too deeply",
        f"error: {feed}:3: JSON nested too deeply",
    ]
    assert result.stdout.startswith("2 documents added")


def test_deeply_nested_import_is_one_line(export, tmp_path):
    text = json.dumps(export)
    path = tmp_path / "deep.json"
    path.write_text(text[:-1] + ', "x": ' + DEEP + "}", encoding="utf-8")
    result = cli_run("--db", str(tmp_path / "x.db"), "import", str(path))
    assert result.exit_code == 2 and not isinstance(result.exception, RecursionError)
    assert "nested too deeply" in result.stderr and "nothing imported" in result.stderr


@pytest.mark.parametrize("value", ["99999999999999999999999", str(1 << 63), str(-(1 << 63) - 1)])
def test_integer_out_of_sqlite_range_in_an_import_is_refused(export, tmp_path, value):
    text = json.dumps(export).replace(f'"id": {export["claims"][0]["id"]},', f'"id": {value},', 1)
    path = tmp_path / "big.json"
    path.write_text(text, encoding="utf-8")
    result = cli_run("--db", str(tmp_path / "x.db"), "import", str(path))
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, OverflowError)
    assert "out of range" in result.stderr and "nothing imported" in result.stderr
    assert counts(tmp_path / "x.db") == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("value", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_non_finite_number_in_an_import_is_refused(export, tmp_path, value):
    text = json.dumps(export)
    score = f'"score": {json.dumps(export["claims"][0]["score"])}'
    assert score in text
    path = tmp_path / "inf.json"
    path.write_text(text.replace(score, f'"score": {value}', 1), encoding="utf-8")
    result = cli_run("--db", str(tmp_path / "x.db"), "import", str(path))
    assert result.exit_code == 2, result.output
    assert "nothing imported" in result.stderr and value.lstrip("-") in result.stderr
    assert counts(tmp_path / "x.db") == (0, 0, 0, 0, 0)


def _sigint_ignored(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    raise AssertionError("no SigIgn line")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_parallel_ingest_workers_ignore_ctrl_c_and_this_process_does_not():
    """Ctrl-C reaches the whole process group: only the ingest itself may act on it."""
    splitter = ingestion._splitter_deaf_to_ctrl_c()
    try:
        workers = [p for p in multiprocessing.active_children() if p.is_alive()]
        assert len(workers) >= ingestion.WORKERS
        deadline = time.monotonic() + 30
        pending = {p.pid for p in workers}
        while pending and time.monotonic() < deadline:  # the mask is visible once exec is done
            pending = {pid for pid in pending if not _sigint_ignored(pid)}
            time.sleep(0.05)
        assert not pending, "worker processes would take Ctrl-C and print tracebacks"
    finally:
        splitter.close()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# --- 7. import trusts content_hash ---------------------------------------------------


def test_import_with_another_texts_hash_is_refused_and_the_genuine_text_still_ingests(export, tmp_path):
    genuine = tmp_path / "genuine.txt"
    genuine.write_text(SENTENCE, encoding="utf-8")
    forged = dict(
        export, documents=[dict(export["documents"][0], content_hash=ingestion.content_hash(SENTENCE))]
    )
    forged["claims"] = [c for c in export["claims"] if c["document_id"] == forged["documents"][0]["id"]]
    path = write_json(tmp_path / "forged.json", forged)
    db = str(tmp_path / "x.db")
    result = cli_run("--db", db, "import", str(path))
    assert result.exit_code == 2
    assert "content_hash does not match the document's text; nothing imported" in result.stderr
    assert counts(tmp_path / "x.db") == (0, 0, 0, 0, 0)
    result = cli_run("--db", db, "ingest", str(genuine))
    assert result.stdout.startswith("1 documents added"), result.output


def test_import_with_a_passage_that_is_not_the_documents_text_is_refused(export, tmp_path):
    export["documents"][0]["passages"][0]["text"] = "Forged evidence."
    result = cli_run("--db", str(tmp_path / "x.db"), "import", str(write_json(tmp_path / "p.json", export)))
    assert result.exit_code == 2
    assert "is not the document's text" in result.stderr
    assert counts(tmp_path / "x.db") == (0, 0, 0, 0, 0)


def test_import_with_a_lone_surrogate_is_refused(export, tmp_path):
    export["documents"][0]["name"] = "x\ud800"
    result = cli_run("--db", str(tmp_path / "x.db"), "import", str(write_json(tmp_path / "s.json", export)))
    assert result.exit_code == 2 and not isinstance(result.exception, UnicodeError)
    assert "invalid Unicode" in result.stderr


def test_a_genuine_export_still_imports(export, tmp_path):
    result = cli_run("--db", str(tmp_path / "x.db"), "import", str(write_json(tmp_path / "ok.json", export)))
    assert result.exit_code == 0, result.output
    assert counts(tmp_path / "x.db")[0] == len(export["documents"])


# --- 12. HTML support missing a piece ------------------------------------------------


def test_missing_html_extractor_is_one_line_per_file_and_the_rest_go_in(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # `import trafilatura` now fails
    (tmp_path / "a.html").write_text(f"<html><body><p>{SENTENCE}</p></body></html>", encoding="utf-8")
    (tmp_path / "b.txt").write_text(SENTENCE, encoding="utf-8")
    result = cli_run("--db", str(tmp_path / "x.db"), "ingest", str(tmp_path))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path / 'a.html'}: HTML support is incomplete")
    assert "trafilatura" in line
    assert result.stdout.startswith("1 documents added")


def test_the_html_cleaner_trafilatura_imports_is_a_declared_dependency():
    """justext imports lxml.html.clean, which lives in lxml_html_clean; lxml's extra for it
    changed its name, so it is named outright."""
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert any(dep.replace("-", "_").startswith("lxml_html_clean") for dep in deps), deps


# --- 13 (the commands of this file): reading commands work on a read-only database ----


def test_claims_and_stats_read_a_read_only_database(seed_db_path):
    seed_db_path.chmod(0o444)
    try:
        for args in (["claims"], ["claims", "--json"], ["stats"]):
            result = cli_run("--db", str(seed_db_path), *args)
            assert result.exit_code == 0, result.output
            assert "read-only" not in result.output
        assert "Lavrov" in cli_run("--db", str(seed_db_path), "claims").output
    finally:
        seed_db_path.chmod(0o644)


def test_lxml_without_its_html_cleaner_is_named_in_one_line(tmp_path, monkeypatch):
    """What an older pip leaves: lxml 6 present, lxml_html_clean missing (lxml's two-line error)."""
    import builtins

    real_import = builtins.__import__

    def without_cleaner(name, *args, **kwargs):
        if name in ("trafilatura", "lxml_html_clean") or name.startswith("lxml.html.clean"):
            raise ImportError(
                "lxml.html.clean module is now a separate project lxml_html_clean.\n"
                "Install lxml[html-clean] or lxml_html_clean directly."
            )
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_cleaner)
    page = tmp_path / "a.html"
    page.write_text(f"<html><body><p>{SENTENCE}</p></body></html>", encoding="utf-8")
    (error,) = list(ingestion.parse_file(page))
    assert str(error) == (
        f"{page}: HTML support is incomplete (cannot import lxml_html_clean);"
        " reinstall the workbench so its dependencies are installed"
    )
