"""`workbench export` / `workbench import` from the command line, and the HTML in a real browser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, corpus, review


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_export_writes_next_to_the_database_by_default(seed_db_path):
    result = run("--db", seed_db_path, "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    written = [p for p in seed_db_path.parent.iterdir() if p.suffix == ".csv"]
    assert len(written) == 1 and str(written[0]) in result.output


def test_export_filters_and_stdout(seed_db_path):
    db = connect(seed_db_path)
    review.set_status(db, 3, "contested", reviewer="ana")
    review.set_status(db, 4, "sourced", reviewer="ana")
    result = run("--db", seed_db_path, "export", "--format", "json", "-o", "-", "--status", "contested")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [c["id"] for c in data["claims"]] == [3]
    assert data["filters"]["status"] == ["contested"]
    doc = corpus.documents(db)[1]
    result = run("--db", seed_db_path, "export", "--format", "fever", "-o", "-", "--doc", doc.name)
    assert result.exit_code == 0 and result.output == ""  # nothing reviewed in that document


def test_claimreview_without_base_url_warns(seed_db_path, tmp_path):
    db = connect(seed_db_path)
    review.set_status(db, 1, "sourced")
    out = tmp_path / "cr.jsonld"
    result = run("--db", seed_db_path, "export", "--format", "claimreview", "-o", out, "--org", "Desk")
    assert result.exit_code == 0
    assert "warning:" in result.output and "--base-url" in result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["export", "--doc", "nope.txt"],
            "no document named or titled 'nope.txt' (see `workbench documents`)",
        ),
        (["export", "--format", "claimreview", "--base-url", "ftp://x"], "must start with http"),
        (["export", "-o", "/no/such/folder/r.md"], "does not exist"),
        (["import", "/no/such/file.json"], "no such file"),
    ],
)
def test_bad_input_is_one_line_error(seed_db_path, args, message):
    result = run("--db", seed_db_path, *args)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "Traceback" not in result.output


def test_cli_round_trip(seed_db_path, tmp_path):
    review.set_note(connect(seed_db_path), 2, "checked twice")
    out = tmp_path / "a.json"
    assert run("--db", seed_db_path, "export", "--format", "json", "-o", out).exit_code == 0
    result = run("--db", tmp_path / "fresh.db", "import", out)
    total = corpus.count_claims(connect(seed_db_path))
    assert result.exit_code == 0 and f"{total} claims added" in result.output
    assert review.get_verdict(connect(tmp_path / "fresh.db"), 2).note == "checked twice"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium)")
def test_html_renders_in_headless_chromium_without_running_script(seed_db_path, tmp_path):
    """The browser's own DOM dump must show the <script> claim as text, not run it."""
    db = connect(seed_db_path)
    claim = corpus.add_claim(db, 1, "<script>document.title='pwned'</script> injected", origin="manual")
    review.set_status(db, claim, "contested")
    review.set_note(db, claim, "<img src=x onerror=alert(1)>")
    page = tmp_path / "r.html"
    assert run("--db", seed_db_path, "export", "--format", "html", "-o", page).exit_code == 0
    with tempfile.TemporaryDirectory() as profile:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
        ]
        dom = subprocess.run(
            [CHROMIUM, *flags, "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
        shot = tmp_path / "r.png"
        subprocess.run(
            [CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert "<title>Verdict report</title>" in dom  # the script did not rename the page
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt; injected" in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom
    assert shot.exists() and os.path.getsize(shot) > 10_000  # something was drawn


def test_claimreview_author_from_config(seed_db_path, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[reports]\norg = "Config Desk"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    monkeypatch.delenv("WORKBENCH_ORG", raising=False)
    review.set_status(connect(seed_db_path), 1, "unsupported")
    result = run(
        "--db",
        seed_db_path,
        "export",
        "--format",
        "claimreview",
        "-o",
        "-",
        "--base-url",
        "https://example.org/check/{id}.html",
    )
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.output)
    assert item["author"] == {"@type": "Organization", "name": "Config Desk"}
    assert item["url"] == "https://example.org/check/1.html"
    assert item["reviewRating"]["alternateName"] == "Unsupported"
