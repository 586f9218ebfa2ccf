"""One settings module: [review], [keys], [reports] read once, every problem named by file and key."""

from __future__ import annotations

import json

from click.testing import CliRunner

from workbench import config as settings
from workbench import locations
from workbench.cli import cli
from workbench.storage import connect, review


def write(tmp_path, monkeypatch, text: str):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(path))
    return path


def test_the_three_sections_are_read_into_one_object(tmp_path, monkeypatch):
    path = write(
        tmp_path,
        monkeypatch,
        '[review]\nadvance_on_mark = false\n[keys]\n"claim.sourced" = "S"\n[reports]\norg = "Desk"\n',
    )
    config = settings.current()
    assert (config.advance_on_mark, config.keymap, config.org) == (False, {"claim.sourced": "S"}, "Desk")
    assert config.path == path and config.problems == []


def test_every_problem_names_the_file_and_the_key(tmp_path, monkeypatch):
    path = write(
        tmp_path,
        monkeypatch,
        '[review]\nadvance_on_mark = "yes"\nspeed = 3\n[keys]\n"claim.note" = "s"\n'
        "[reports]\norg = 42\n[colours]\nx = 1\n",
    )
    config = settings.current()
    lines = config.problems
    assert len(lines) == 5, lines
    assert all(line.startswith(f"{path}: ") and "\n" not in line for line in lines)
    for key in ("review.advance_on_mark", "review.speed", "claim.note", "reports.org", "[colours]"):
        assert any(key in line for line in lines), key
    assert config.org is None and config.advance_on_mark is True  # wrong values keep their default
    assert config.problems_in("reports") == [next(line for line in lines if "reports.org" in line)]


def test_the_file_is_read_once_per_process(tmp_path, monkeypatch):
    write(tmp_path, monkeypatch, '[reports]\norg = "Desk"\n')
    reads = []
    real = settings.read_config_text
    monkeypatch.setattr(settings, "read_config_text", lambda p: reads.append(p) or real(p))
    first = settings.current()
    assert settings.current() is first
    from workbench import reports

    assert reports.configured_org() == "Desk"
    assert len(reads) == 1


def test_an_invalid_reports_value_is_reported_by_the_export(seed_db_path, tmp_path, monkeypatch):
    path = write(tmp_path, monkeypatch, "[reports]\norg = 42\n")
    review.set_status(connect(seed_db_path), 1, "unsupported")
    monkeypatch.delenv("WORKBENCH_ORG", raising=False)
    args = [
        "--db",
        seed_db_path,
        "export",
        "--format",
        "claimreview",
        "-o",
        "-",
        "--base-url",
        "https://x.org/{id}",
    ]
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stderr.splitlines() if "reports.org" in line]
    assert len(warning) == 1 and str(path) in warning[0] and "42" in warning[0]
    assert json.loads(result.stdout)  # the report itself is whole


def test_workbench_db_is_read_once_by_the_cli_option(tmp_path, monkeypatch, seed_db_path):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "elsewhere.db"))
    monkeypatch.chdir(locations.REPO_ROOT)
    # locations no longer reads the environment: click hands the value over as --db.
    assert locations.database_path(None) == locations.DEFAULT_DB
    monkeypatch.setenv("WORKBENCH_DB", str(seed_db_path))
    figures = json.loads(CliRunner().invoke(cli, ["stats", "--json"]).output)
    assert figures["documents"] == 5
