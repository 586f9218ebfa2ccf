"""`workbench review` (the default command): seeds an empty default database, then opens the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.cli import review as review_cli
from workbench.cli.review import login_name
from workbench.storage import connect, corpus
from workbench.tui.app import ReviewApp

WORKBENCH = Path(sys.executable).with_name("workbench")


@pytest.fixture
def terminal(monkeypatch):
    """Pretend the streams are a terminal (CliRunner's are not)."""
    monkeypatch.setattr(review_cli, "missing_terminal", lambda: None)


def test_bare_workbench_seeds_an_empty_default_database_and_opens_review(tmp_path, monkeypatch, terminal):
    from workbench import locations

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    # The default database of the checkout (what `make run` opens), here in a scratch folder.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(locations, "in_checkout", lambda: True)
    monkeypatch.setattr(locations, "seeds_dir", lambda: seeds)
    opened = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: opened.append((self.db_path, self.reviewer)))
    path = Path("db") / "workbench.db"
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0, result.output
    assert "documents added" in result.output
    assert opened == [(path, login_name())]
    db = connect(path)
    assert len(corpus.documents(db)) == 5
    db.close()
    # A second start does not ingest again.
    result = CliRunner().invoke(cli, ["review", "--reviewer", "ana"])
    assert "documents added" not in result.output
    assert opened[-1] == (path, "ana")


def test_an_empty_named_database_is_not_seeded(tmp_path, monkeypatch, terminal):
    opened = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: opened.append(self.db_path))
    path = tmp_path / "case.db"
    result = CliRunner().invoke(cli, ["--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "documents added" not in result.output and opened == [path]
    db = connect(path)
    assert corpus.documents(db) == []  # the app opens on its empty-state screen instead
    db.close()


def test_config_problems_are_repeated_on_exit(tmp_path, monkeypatch, seed_db_path, terminal):
    config = tmp_path / "c.toml"
    config.write_text('[keys]\n"claim.note" = "s"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    monkeypatch.setattr(ReviewApp, "run", lambda self: None)
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "review"])
    assert result.exit_code == 0
    assert "claim.note" in result.output and "clashes" in result.output


def test_without_a_terminal_review_says_so_in_one_line_and_touches_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(ReviewApp, "__init__", lambda *a, **k: pytest.fail("the app must not start"))
    path = tmp_path / "new.db"
    for args in (["--db", str(path)], ["--db", str(path), "review"]):
        result = CliRunner().invoke(cli, args)  # CliRunner's stdin and stdout are not terminals
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "needs a terminal" in lines[0] and "stdin" in lines[0]
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not path.exists()  # nothing seeded, no database created


@pytest.mark.skipif(not WORKBENCH.exists(), reason="needs the installed workbench command")
@pytest.mark.parametrize("args", [["review"], []])
def test_review_from_a_script_exits_at_once(tmp_path, args):
    """`workbench review < /dev/null` spun at 100% CPU forever; now one line and exit 2."""
    path = tmp_path / "x.db"
    proc = subprocess.run(
        [str(WORKBENCH), "--db", str(path), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "needs a terminal" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_a_crash_inside_the_app_is_a_non_zero_exit(seed_db_path, monkeypatch, terminal):
    def crash(self):
        self._return_code = 1  # what Textual sets when an exception ends the app

    monkeypatch.setattr(ReviewApp, "run", crash)
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "review"])
    assert result.exit_code == 1


def test_changes_left_unsaved_at_exit_are_listed_and_the_exit_is_non_zero(
    seed_db_path, monkeypatch, terminal
):
    from workbench.tui.writer import Change

    def locked_out(self):
        self.unsaved_on_exit = [Change("status", 7, "sourced"), Change("note", 9, "x")]
        self._return_code = 1

    monkeypatch.setattr(ReviewApp, "run", locked_out)
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "review"])
    assert result.exit_code == 1
    assert "not saved (the database stayed locked): verdict sourced on claim #7" in result.output
    assert "note on claim #9" in result.output
