"""Hostile input on the way out (issue #9): what the workbench prints and writes.

Property-based, one class of attack per test:

- controls: text full of C0/C1 controls, DEL, bidi overrides and invisible
  characters never reaches a terminal raw, from any export format or `link`,
  while the JSON formats still carry it exactly;
- JSON-LD: ClaimReview never holds a raw ``<``, ``>`` or ``&`` (``</script>``
  cannot close its tag) and never a URL that is not http(s);
- paths: however the database (or its -wal/-shm/-journal) is spelled as
  ``export -o``, it is refused with one line and stays byte for byte the same;
- signals: SIGTERM/SIGHUP at any moment of an export leaves either the old file
  or the complete new one, never a temp file; one left by a SIGKILL goes with
  the next export.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workbench.cli import cli
from workbench.cli import linking as _linking  # noqa: F401  (registers commands)
from workbench.cli import reports as _reports  # noqa: F401
from workbench.reports.claimreview import claim_url
from workbench.storage import connect, corpus, review
from workbench.textsafety import BIDI, INVISIBLE

REPO = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FORMATS = ("md", "html", "csv", "json", "fever", "claimreview")

DANGEROUS = (
    [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
    + sorted(BIDI | INVISIBLE)
    + [
        "\u2028",
        "\u2029",
        "<",
        ">",
        "&",
        "</script>",
        "]]>",
        "\x1b]52;c;ZXZpbA==\x07",
        "\x1b[2J",
        '"',
        "\\",
    ]
)
#: Text an attacker controls: mostly dangerous characters, some ordinary words.
hostile_text = st.lists(
    st.one_of(st.sampled_from(DANGEROUS), st.text(max_size=8), st.sampled_from(["troops", "115,000", " "])),
    min_size=1,
    max_size=30,
).map("".join)


OUTCOMES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_outcomes():
    yield
    print(f"\nsignal outcomes: {OUTCOMES}")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def raw_unsafe(text: str, *, allowed: str = "\n") -> list[str]:
    """Characters a terminal would act on (or that reorder/hide text) found raw in ``text``."""
    return sorted(
        {
            repr(ch)
            for ch in text
            if ch not in allowed
            and (
                ord(ch) < 0x20
                or 0x7F <= ord(ch) < 0xA0
                or ch in BIDI
                or ch in INVISIBLE
                or ch in "\u2028\u2029"
            )
        }
    )


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- controls ---------------------------------------------------------------------------


@FUZZ
@given(text=hostile_text, note=hostile_text, who=hostile_text)
@example(text="a\x1b]0;T\x07\x9b2J\u202eexe.txt\u200b", note="\x00\x7f\x85\u2028", who="\x1b[31mred")
def test_no_control_reaches_the_terminal_and_json_stays_exact(seed_db_path, text, note, who):
    db = connect(seed_db_path)
    claim = corpus.add_claim(db, 1, text, origin="manual")
    review.set_status(db, claim, "contested", reviewer=who)
    review.set_note(db, claim, note, reviewer=who)
    with db.conn:
        db.conn.execute("UPDATE documents SET title = ? WHERE id = 1", [text])
    db.close()
    for fmt in FORMATS:
        result = run(
            "--db",
            seed_db_path,
            "export",
            "--format",
            fmt,
            "-o",
            "-",
            "--status",
            "contested",
            "--org",
            who or "Desk",
        )
        no_traceback(result)
        assert result.exit_code == 0, (fmt, result.output)
        # Line breaks and tabs are layout (CSV keeps "\r" inside its quoted cells); nothing else.
        allowed = "\n\r\t" if fmt == "csv" else "\n\t"
        assert raw_unsafe(result.output, allowed=allowed) == [], fmt
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(result.stdout)))
            assert any(r["id"] == str(claim) for r in rows)
    data = json.loads(
        run("--db", seed_db_path, "export", "--format", "json", "-o", "-", "--status", "contested").stdout
    )
    (got,) = [c for c in data["claims"] if c["id"] == claim]
    assert (got["text"], got["note"], got["reviewer"]) == (text, note, who)
    for args in (["link", text or "x"], ["link", text or "x", "--json"]):
        result = run("--db", seed_db_path, *args)
        no_traceback(result)
        assert raw_unsafe(result.output) == [], args


# --- JSON-LD ----------------------------------------------------------------------------

url_like = st.one_of(
    hostile_text,
    st.sampled_from(
        [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:x",
            "data:text/html,<b>",
            "vbscript:x",
            "file:///etc/passwd",
            "//evil.example",
            "https://ok.example/a?b=<c>&d",
            "http://ok.example/\u202etxt.exe",
            "https://ok.example/\x1b[2J",
            "https:",
            "http://",
        ]
    ),
    st.builds(lambda s, rest: s + rest, st.sampled_from(["http://", "https://", "ftp://"]), hostile_text),
)


@FUZZ
@given(
    text=hostile_text,
    note=hostile_text,
    url=url_like,
    base=st.sampled_from(["https://example.org/c/", "https://example.org/c/{id}?x=</script>&y=<b>"]),
)
@example(
    text="</script><script>alert(1)</script>",
    note="<!--",
    url="javascript:alert(1)",
    base="https://example.org/c/",
)
def test_claimreview_never_leaves_its_script_tag(seed_db_path, text, note, url, base):
    db = connect(seed_db_path)
    claim = corpus.add_claim(db, 1, text, origin="manual")
    review.set_status(db, claim, "sourced", reviewer="ana")
    review.set_note(db, claim, note, reviewer="ana")
    with db.conn:
        db.conn.execute("UPDATE documents SET url = ? WHERE id = 1", [url])
    db.close()
    result = run("--db", seed_db_path, "export", "--format", "claimreview", "-o", "-", "--base-url", base)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not set("<>&") & set(out)
    assert raw_unsafe(out) == []
    items = json.loads(out)
    (item,) = [i for i in items if i["url"] == claim_url(base, claim)]
    assert item["claimReviewed"] == text and item.get("reviewBody", "") == note
    assert item["author"] == {"@type": "Person", "name": "ana"}
    for found in (i["itemReviewed"]["appearance"].get("url") for i in items):
        assert found is None or re.match(r"https?://[^\s/]", found, re.I), found
    assert all(i["url"].startswith("https://example.org/c/") for i in items)


# --- paths ------------------------------------------------------------------------------

SIDE = ["", "-wal", "-shm", "-journal"]


@pytest.fixture
def db_and_aliases(seed_db_path):
    folder = seed_db_path.parent
    (folder / "sub").mkdir()
    os.link(seed_db_path, folder / "hard.db")
    (folder / "sym.db").symlink_to(seed_db_path)
    (folder / "dirlink").symlink_to(folder)
    return seed_db_path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(
        ["", "./", "sub/../", "./sub/./../", "dirlink/", "{abs}/", "{abs}/sub/../", "{abs}/dirlink/sub/../"]
    ),
    name=st.sampled_from(["seeds.db", "hard.db", "sym.db"]),
    side=st.sampled_from(SIDE),
)
def test_the_database_is_never_an_export_target(db_and_aliases, prefix, name, side):
    folder = db_and_aliases.parent
    if side and name != "seeds.db":
        name = "seeds.db"  # side files exist under the real name only
    target = prefix.format(abs=folder) + name + side
    before = sha(db_and_aliases)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = run("--db", db_and_aliases, "export", "--format", "md", "-o", target)
    finally:
        os.chdir(cwd)
    no_traceback(result)
    lines = result.output.strip().splitlines()
    assert result.exit_code != 0 and len(lines) == 1 and "choose another output file" in lines[0], target
    assert sha(db_and_aliases) == before
    assert not [p for p in folder.rglob("*.tmp")]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(
        ["seeds.db.md", "seeds.md", "seeds.db-wal.md", "x-wal", "seeds.db-walx", "sub/seeds.db", "seeds.DB"]
    )
)
def test_names_that_only_look_like_the_database_are_written(db_and_aliases, name):
    folder = db_and_aliases.parent
    if name == "seeds.DB" and (folder / name).exists():  # a case-insensitive file system
        return
    result = run("--db", db_and_aliases, "export", "--format", "md", "-o", folder / name)
    assert result.exit_code == 0, result.output
    assert (folder / name).read_text(encoding="utf-8").startswith("# Verdict report")


# --- signals ----------------------------------------------------------------------------

_SLOW_EXPORT = textwrap.dedent("""
    import sys, time
    import workbench.reports as reports

    real = reports.render

    def slow(report, fmt, **kw):  # the real report, a millisecond per chunk
        for chunk in real(report, fmt, **kw):
            time.sleep(0.001)
            yield chunk

    reports.render = slow
    from workbench.cli import main
    sys.argv[0] = "workbench"
    main()
""")


def _start_export(db_path: Path, out: Path, fmt: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _SLOW_EXPORT, "--db", str(db_path), "export", "--format", fmt, "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _wait_for_temp_file(proc: subprocess.Popen, folder: Path) -> bool:
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if any(p.name.endswith(".tmp") for p in folder.iterdir()):
            return True
        time.sleep(0.002)
    return False


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    signame=st.sampled_from(["SIGTERM", "SIGHUP"]),
    fmt=st.sampled_from(["json", "md", "csv"]),
    delay=st.floats(0, 0.2),
)
def test_a_signal_at_any_moment_leaves_old_or_new_file_and_no_temp(
    seed_db_path, tmp_path, signame, fmt, delay
):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    out = folder / f"r.{fmt}"
    out.write_text("previous", encoding="utf-8")
    proc = _start_export(seed_db_path, out, fmt)
    try:
        _wait_for_temp_file(proc, folder)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(getattr(signal, signame))
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    signum = getattr(signal, signame)
    # 0: done before the signal; -signum: killed after the rename, the export complete.
    assert proc.returncode in (0, -signum, 128 + signum), (proc.returncode, stderr)
    assert "Traceback" not in stderr
    text = out.read_text(encoding="utf-8")
    outcome = {0: "finished first", -signum: "killed after the rename"}.get(proc.returncode, "interrupted")
    OUTCOMES[outcome] = OUTCOMES.get(outcome, 0) + 1
    if proc.returncode == 128 + signum:
        assert stderr.strip() == "interrupted" and text == "previous"
    else:  # the whole new report
        assert text != "previous" and stderr == ""
        assert stdout.startswith("wrote ") or proc.returncode == -signum
        if fmt == "json":
            json.loads(text)
    assert sorted(p.name for p in folder.iterdir()) == [out.name]


def test_a_temp_file_left_by_sigkill_goes_with_the_next_export(seed_db_path, tmp_path):
    out = tmp_path / "r.md"
    proc = _start_export(seed_db_path, out, "md")
    try:
        assert _wait_for_temp_file(proc, tmp_path), proc.communicate(timeout=60)
        proc.kill()  # no handler runs: the temp file stays
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert run("--db", seed_db_path, "export", "--format", "md", "-o", out).exit_code == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert out.read_text(encoding="utf-8").startswith("# Verdict report")
