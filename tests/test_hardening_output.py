"""Issue #9, output side: exports, `link` and `verdict` under attack.

Each test names the item it covers; each failed on the code before the fix
(a destroyed database, raw escape sequences, a traceback, a widened mode...).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import reports
from workbench.cli import cli
from workbench.cli import corpus as _corpus  # noqa: F401  (registers the commands)
from workbench.cli import linking as _linking  # noqa: F401
from workbench.cli import reports as _reports  # noqa: F401
from workbench.cli import verdicts as _verdicts  # noqa: F401
from workbench.errors import InputError
from workbench.reports import writer
from workbench.storage import connect, corpus, review

REPO = Path(__file__).resolve().parents[1]
#: Set a window title, write the clipboard (OSC 52), clear the screen; C1 CSI; bidi override.
ESCAPES = "\x1b]0;PWNED\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J"
HOSTILE = f"{ESCAPES} \x9b31m \u202egnp.exe\u200b"
#: Characters that must never reach a terminal raw.
RAW_UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b")
SCRIPT_BREAK = "</script><script>alert(1)</script> & <b>"
#: The installed command, run as a separate process (signals, real file descriptors).
WORKBENCH = [sys.executable, "-c", "from workbench.cli import main; main()"]


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def one_error_line(result) -> str:
    assert result.exit_code not in (0, None), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def assert_inert(text: str) -> None:
    found = [repr(ch) for ch in RAW_UNSAFE if ch in text]
    assert not found, f"raw {found} in output"


@pytest.fixture
def hostile_db(seed_db_path) -> Path:
    """The seed database plus a reviewed claim, note, reviewer and document URL from an attacker."""
    db = connect(seed_db_path)
    claim = corpus.add_claim(db, 1, f"Russia sent 115,000 troops {HOSTILE} {SCRIPT_BREAK}", origin="manual")
    review.set_status(db, claim, "contested", reviewer=f"ana{ESCAPES}")
    review.set_note(db, claim, f"note {HOSTILE} {SCRIPT_BREAK}", reviewer=f"ana{ESCAPES}")
    passage = db.execute("SELECT id FROM passages WHERE document_id = 2 ORDER BY id LIMIT 1").fetchone()[0]
    review.set_link(db, claim, passage, "contradicts", reviewer="ana")
    with db.conn:
        db.conn.execute("UPDATE documents SET url = 'javascript:alert(document.cookie)' WHERE id = 1")
        db.conn.execute("UPDATE documents SET url = 'https://example.org/a' WHERE id = 2")
    db.close()
    return seed_db_path


@pytest.fixture
def hostile_doc_db(tmp_path) -> Path:
    """A database whose only document carries escape sequences and a bidi override."""
    doc = tmp_path / f"evil{ESCAPES}.txt"
    doc.write_text(
        f"Officials said 115,000 troops {HOSTILE} were deployed near the border on Monday.\n",
        encoding="utf-8",
    )
    path = tmp_path / "hostile.db"
    result = run("--db", path, "ingest", doc)
    assert result.exit_code == 0, result.output
    return path


# --- 1. export -o onto the database --------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "{db}",
        "{db}-wal",
        "{db}-shm",
        "{db}-journal",
        "./{name}",
        "{dir}/../{dirname}/{name}",
        "hard.db",
        "link.db",
    ],
)
def test_export_onto_the_database_or_its_side_files_is_refused(seed_db_path, target):
    before = seed_db_path.read_bytes()
    os.link(seed_db_path, seed_db_path.parent / "hard.db")
    (seed_db_path.parent / "link.db").symlink_to(seed_db_path)
    out = target.format(
        db=seed_db_path, name=seed_db_path.name, dir=seed_db_path.parent, dirname=seed_db_path.parent.name
    )
    cwd = os.getcwd()
    os.chdir(seed_db_path.parent)
    try:
        line = one_error_line(run("--db", seed_db_path, "export", "--format", "md", "-o", out))
    finally:
        os.chdir(cwd)
    assert "database" in line and "choose another output file" in line
    assert seed_db_path.read_bytes() == before
    assert not [p for p in seed_db_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_export_to_refuses_the_database_for_every_caller(seed_db):
    """The review screen's palette export goes through export_to too."""
    path = Path(seed_db.execute("PRAGMA database_list").fetchone()[2])
    with pytest.raises(InputError, match="is the database"):
        reports.export_to(seed_db, "html", path)
    assert corpus.count_claims(seed_db) > 0


# --- 3. terminal escapes in plain CLI output ---------------------------------------------


def test_link_plain_output_shows_controls_instead_of_sending_them(hostile_doc_db):
    result = run("--db", hostile_doc_db, "link", "troops deployed near the border")
    assert result.exit_code == 0, result.output
    assert_inert(result.output)
    assert "\\x1b]0;PWNED\\x07" in result.output and "⟨U+202E⟩gnp.exe" in result.output


def test_link_json_is_exact_and_inert(hostile_doc_db):
    result = run("--db", hostile_doc_db, "link", "troops deployed near the border", "--json")
    assert result.exit_code == 0, result.output
    assert_inert(result.output)
    data = json.loads(result.output)["candidates"]
    assert HOSTILE in data[0]["text"] and ESCAPES in data[0]["doc"]  # exact once parsed


def test_link_batch_output_and_error_lines_are_inert(hostile_doc_db, tmp_path):
    claims = tmp_path / f"c{ESCAPES}.jsonl"
    claims.write_text(
        json.dumps({"id": HOSTILE, "text": "troops near the border"}) + "\nnot json\n", encoding="utf-8"
    )
    result = run("--db", hostile_doc_db, "link", "--claims", claims)
    assert result.exit_code == 1
    assert_inert(result.output)
    assert json.loads(result.stdout.splitlines()[0])["id"] == HOSTILE
    assert "\\x1b]0;PWNED" in result.stderr and ":2: not valid JSON" in result.stderr


def test_error_lines_show_controls_in_file_names(seed_db_path, tmp_path):
    missing = tmp_path / f"no{ESCAPES}\u202e.jsonl"
    line = one_error_line(run("--db", seed_db_path, "link", "--claims", missing))
    assert_inert(line)
    assert "\\x1b]52;c;" in line and "no such file" in line


def test_wrote_line_shows_controls_in_the_output_name(seed_db_path, tmp_path):
    out = tmp_path / f"r{ESCAPES}.md"
    result = run("--db", seed_db_path, "export", "-o", out)
    assert result.exit_code == 0 and out.exists()
    assert_inert(result.output)


@pytest.mark.parametrize("fmt", ["csv", "md", "html", "json", "fever", "claimreview"])
def test_every_export_format_is_inert_on_a_terminal(hostile_db, fmt):
    result = run("--db", hostile_db, "export", "--format", fmt, "-o", "-", "--org", "Desk")
    assert result.exit_code == 0, result.output
    assert_inert(result.stdout)


def test_csv_and_md_show_the_controls_visibly(hostile_db):
    out = run("--db", hostile_db, "export", "--format", "csv", "-o", "-").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    (row,) = [r for r in rows if "115,000 troops \\x1b" in r["claim"]]
    assert "⟨U+202E⟩gnp.exe⟨U+200B⟩" in row["claim"] and "\\x9b31m" in row["claim"]
    assert row["reviewer"].startswith("ana\\x1b]0;PWNED")
    md = run("--db", hostile_db, "export", "--format", "md", "-o", "-").stdout
    assert "⟨U+202E⟩gnp.exe" in md and "\n\n" in md  # structure (newlines) kept


def test_json_exports_keep_the_exact_text(hostile_db):
    data = json.loads(run("--db", hostile_db, "export", "--format", "json", "-o", "-").stdout)
    (claim,) = [c for c in data["claims"] if c["origin"] == "manual"]
    assert HOSTILE in claim["text"] and SCRIPT_BREAK in claim["note"]
    assert claim["reviewer"] == f"ana{ESCAPES}"
    fever = [
        json.loads(line)
        for line in run("--db", hostile_db, "export", "--format", "fever", "-o", "-").stdout.splitlines()
    ]
    assert any(HOSTILE in r["claim"] for r in fever)


# --- 4. ClaimReview JSON-LD -------------------------------------------------------------


def test_claimreview_cannot_close_its_script_tag(hostile_db):
    result = run(
        "--db",
        hostile_db,
        "export",
        "--format",
        "claimreview",
        "-o",
        "-",
        "--org",
        "Desk",
        "--base-url",
        "https://example.org/c/",
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text
    (item,) = [i for i in json.loads(text) if "reviewBody" in i]
    assert SCRIPT_BREAK in item["claimReviewed"] and SCRIPT_BREAK in item["reviewBody"]


def test_only_http_urls_reach_a_report(hostile_db):
    cr = run("--db", hostile_db, "export", "--format", "claimreview", "-o", "-", "--org", "Desk")
    assert "javascript:" not in cr.stdout
    assert "warning: left out 1 document URL that is not an http(s) link" in cr.stderr
    (item,) = [i for i in json.loads(cr.stdout) if "reviewBody" in i]
    assert "url" not in item["itemReviewed"]["appearance"]
    for fmt in ("json", "md", "html", "csv", "fever"):
        out = run("--db", hostile_db, "export", "--format", fmt, "-o", "-").stdout
        assert "javascript:" not in out, fmt
    data = json.loads(run("--db", hostile_db, "export", "--format", "json", "-o", "-").stdout)
    urls = {d["id"]: d["url"] for d in data["documents"]}
    assert urls[1] is None and urls[2] == "https://example.org/a"


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://example.org/x?a=1", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.org", False),
        ("ftp://example.org", False),
        ("https://example.org/\u202egnp", False),
        ("https://exa mple.org", False),
        ("http:///x", False),
        ("https://[::1", False),
    ],
)
def test_web_url(url, kept):
    from workbench.reports.model import web_url

    assert (web_url(url) == url) is kept


def test_claimreview_skips_a_config_that_is_a_fifo(seed_db_path, tmp_path):
    """The [reports] org lookup read WORKBENCH_CONFIG with open(): a FIFO hung the export."""
    review.set_status(connect(seed_db_path), 1, "sourced", reviewer="ana")
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    env = {**os.environ, "WORKBENCH_CONFIG": str(fifo)}
    env.pop("WORKBENCH_ORG", None)
    proc = subprocess.run(
        [
            *WORKBENCH,
            "--db",
            str(seed_db_path),
            "export",
            "--format",
            "claimreview",
            "-o",
            "-",
            "--base-url",
            "https://example.org/c/",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["author"] == {"@type": "Person", "name": "ana"}


def test_usage_errors_show_controls_in_the_argument(seed_db_path):
    result = run("--db", seed_db_path, "verdict", "1", "\u202esourced\x1b[2J")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert_inert(result.output)


def test_claimreview_author_is_the_reviewer_without_an_org(seed_db_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_ORG", raising=False)
    review.set_status(connect(seed_db_path), 1, "sourced", reviewer="ana")
    result = run(
        "--db",
        seed_db_path,
        "export",
        "--format",
        "claimreview",
        "-o",
        "-",
        "--base-url",
        "https://example.org/c/",
    )
    (item,) = json.loads(result.stdout)
    assert item["author"] == {"@type": "Person", "name": "ana"}
    assert "reviewer (a Person)" in result.stderr


# --- 6. tracebacks instead of one line ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["99999999999999999999999", "sourced"],
        ["--", "-99999999999999999999999", "sourced"],
        ["1", "sourced", "--link", "99999999999999999999999"],
        ["1", "sourced", "--unlink", "18446744073709551616"],
    ],
)
def test_verdict_with_an_id_beyond_64_bits_is_one_line(seed_db_path, args):
    line = one_error_line(run("--db", seed_db_path, "verdict", *args))
    assert "no claim with id" in line or "no passage with id" in line
    assert review.get_verdict(connect(seed_db_path), 1).status is None  # nothing applied


def test_full_disk_during_export_is_one_line_and_leaves_nothing(seed_db_path, tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("previous report", encoding="utf-8")

    def full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    line = one_error_line(run("--db", seed_db_path, "export", "--format", "html", "-o", out))
    assert "No space left on device" in line and str(out) in line
    assert out.read_text(encoding="utf-8") == "previous report"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_full_disk_on_standard_output_is_one_line(seed_db_path):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*WORKBENCH, "--db", str(seed_db_path), "export", "--format", "json", "-o", "-"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=REPO,
            check=False,
        )
    assert proc.returncode != 0
    assert proc.stderr.strip() == "error: standard output: cannot write (No space left on device)"


def test_closed_standard_output_is_one_line(seed_db_path):
    proc = subprocess.run(
        [*WORKBENCH, "--db", str(seed_db_path), "export", "-o", "-"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 2 and proc.stderr.strip() == "error: standard output is closed; give -o FILE"


def test_link_batch_deep_json_is_one_line_and_the_rest_is_linked(seed_db_path, tmp_path):
    claims = tmp_path / "deep.jsonl"
    with claims.open("w", encoding="utf-8") as out:
        out.write('{"id": 1, "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
        out.write('{"id": 2, "text": "' + "x" * (2 << 20) + '"}\n')  # 2 MB: too long
        out.write('{"id": 3, "text": 1e999}\n{"id": NaN, "text": "troops"}\n')
        out.write('{"id": 4, "text": "Russia deployed troops"}\n')
    result = run("--db", seed_db_path, "link", "--claims", claims, "--top", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = result.stderr.splitlines()
    assert [e.split(":")[2] for e in errors] == ["1", "2", "3", "4"], errors
    assert "nested too deeply" in errors[0] and "longer than 1 MB" in errors[1]
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [4]


def test_link_batch_refuses_a_fifo_and_a_device_by_name(seed_db_path, tmp_path):
    fifo = tmp_path / "claims.fifo"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [*WORKBENCH, "--db", str(seed_db_path), "link", "--claims", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )  # before: waited for a writer forever
    assert (
        proc.returncode != 0
        and proc.stderr.strip() == f"error: {fifo}: is a FIFO (named pipe), not a regular file"
    )
    line = one_error_line(run("--db", seed_db_path, "link", "--claims", "/dev/zero"))
    assert "/dev/zero: is a character device, not a regular file" in line


# --- 8. -o keeps the mode, refuses a read-only target ------------------------------------------


def test_export_keeps_an_existing_files_mode(seed_db_path, tmp_path):
    out = tmp_path / "private.md"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    assert run("--db", seed_db_path, "export", "-o", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_text(encoding="utf-8") != "old"


def test_export_refuses_a_read_only_target(seed_db_path, tmp_path):
    out = tmp_path / "frozen.md"
    out.write_text("keep me", encoding="utf-8")
    out.chmod(0o444)
    line = one_error_line(run("--db", seed_db_path, "export", "-o", out))
    assert "read-only" in line
    assert out.read_text(encoding="utf-8") == "keep me" and stat.S_IMODE(out.stat().st_mode) == 0o444


def test_export_refuses_a_target_that_is_not_a_regular_file(seed_db_path, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    line = one_error_line(run("--db", seed_db_path, "export", "-o", fifo))
    assert "not a regular file" in line and "-o -" in line
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # before: replaced by a regular file


# --- 9. interrupted exports and stale temp files ------------------------------------------------

_SLOW_EXPORT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import workbench.reports as reports

    marker = Path(sys.argv.pop())
    real = reports.render

    def slow(report, fmt, **kw):
        yield from real(report, fmt, **kw)
        marker.write_text("writing")  # the temp file exists now
        while True:
            time.sleep(0.05)
            yield ""

    reports.render = slow
    from workbench.cli import main
    sys.argv[0] = "workbench"
    main()
""")


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_signal_during_export_removes_the_temp_file(seed_db_path, tmp_path, signame):
    out = tmp_path / "r.html"
    out.write_text("previous", encoding="utf-8")
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SLOW_EXPORT,
            "--db",
            str(seed_db_path),
            "export",
            "--format",
            "html",
            "-o",
            str(out),
            str(marker),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), proc.communicate(timeout=10)
        assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # mid-write
        proc.send_signal(getattr(signal, signame))
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + getattr(signal, signame)
    assert stderr.strip() == "interrupted" and stdout == ""
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marker", "r.html", "seeds.db"]


def test_stale_temp_files_of_dead_exports_are_removed(seed_db_path, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        stale = tmp_path / f".r.html.wb{dead.pid}.abcd_123.tmp"
        running = tmp_path / f".r.html.wb{alive.pid}.efgh_456.tmp"
        legacy_old = tmp_path / ".r.html.k2j4h5g6.tmp"  # the naming before the pid went in
        legacy_new = tmp_path / ".r.html.q1w2e3r4.tmp"
        other = tmp_path / ".notes.txt.wb1.abcdefgh.tmp"
        for p in (stale, running, legacy_old, legacy_new, other):
            p.write_text("partial", encoding="utf-8")
        two_hours_ago = time.time() - 7200
        os.utime(legacy_old, (two_hours_ago, two_hours_ago))
        out = tmp_path / "r.html"
        assert run("--db", seed_db_path, "export", "--format", "html", "-o", out).exit_code == 0
        left = {p.name for p in tmp_path.iterdir()}
    finally:
        alive.kill()
        alive.wait()
    assert stale.name not in left and legacy_old.name not in left
    assert {running.name, legacy_new.name, other.name, "r.html"} <= left


# --- 11. bidi and zero-width characters in the HTML report -----------------------------------------


def test_html_shows_bidi_and_invisible_characters(hostile_db):
    html = run("--db", hostile_db, "export", "--format", "html", "-o", "-").stdout
    assert "\u202e" not in html and "\u200b" not in html
    assert "⟨U+202E⟩gnp.exe⟨U+200B⟩" in html and "\\x1b]0;PWNED\\x07" in html
    assert "&lt;/script&gt;" in html


# --- 13. a read-only database still serves the commands that only read ----------------------------


@pytest.fixture
def read_only_db(seed_db_path):
    db = connect(seed_db_path)
    review.set_status(db, 1, "sourced", reviewer="ana")
    db.close()
    for side in ("-wal", "-shm"):
        assert not seed_db_path.with_name(seed_db_path.name + side).exists()
    seed_db_path.chmod(0o444)
    yield seed_db_path
    seed_db_path.chmod(0o644)


def test_read_only_database_exports_and_links(read_only_db, tmp_path):
    before = read_only_db.read_bytes()
    result = run("--db", read_only_db, "export", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["reviewed"] == 1
    out = tmp_path / "out.md"
    assert run("--db", read_only_db, "export", "-o", out).exit_code == 0 and out.exists()
    linked = run("--db", read_only_db, "link", "Russia deployed 115,000 troops", "--json")
    assert linked.exit_code == 0 and json.loads(linked.output)
    claims = tmp_path / "c.jsonl"
    claims.write_text('{"id": 1, "text": "troops"}\n', encoding="utf-8")
    assert run("--db", read_only_db, "link", "--claims", claims).exit_code == 0
    # A write still says read-only, in one line; nothing changed and nothing was left beside it.
    assert "read-only" in one_error_line(run("--db", read_only_db, "verdict", "1", "contested"))
    assert read_only_db.read_bytes() == before
    assert sorted(p.name for p in read_only_db.parent.iterdir()) == ["c.jsonl", "out.md", "seeds.db"]


def test_read_only_folder_still_serves_reads(seed_db_path, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db_path = folder / "seeds.db"
    shutil.move(seed_db_path, db_path)
    folder.chmod(0o555)
    try:
        result = run("--db", db_path, "export", "--format", "csv", "-o", "-")
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in folder.iterdir()) == ["seeds.db"]
        line = one_error_line(run("--db", db_path, "verdict", "1", "sourced"))
        assert "read-only" in line
    finally:
        folder.chmod(0o755)


def test_connect_read_only_serves_stats_and_claims(read_only_db):
    """The storage side of `stats`/`claims` on a read-only file (the CLI passes readonly=True)."""
    db = connect(read_only_db, readonly=True)
    assert corpus.stats(db)["claims"] > 0
    assert next(iter(corpus.iter_claims(db, status="all"))).id == 1
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.conn.execute("DELETE FROM claims")
    db.close()


def test_atomic_write_refuses_protected_paths_without_touching_them(tmp_path):
    db_file = tmp_path / "x.db"
    db_file.write_bytes(b"precious")
    with pytest.raises(InputError, match="the database's wal file"):
        writer.atomic_write(tmp_path / "x.db-wal", iter(["x"]), protected=writer.database_side_files(db_file))
    assert db_file.read_bytes() == b"precious" and not (tmp_path / "x.db-wal").exists()
