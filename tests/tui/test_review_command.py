"""`workbench review` (the default command): seeds an empty database, then opens the app."""

from __future__ import annotations

from click.testing import CliRunner

from workbench.cli import (
    cli,
    optional,  # noqa: F401  (registers review)
)
from workbench.cli.review import login_name
from workbench.storage import connect, corpus
from workbench.tui.app import ReviewApp


def test_bare_workbench_seeds_an_empty_database_and_opens_review(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: opened.append((self.db_path, self.reviewer)))
    path = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "documents added" in result.output
    assert opened == [(path, login_name())]
    db = connect(path)
    assert len(corpus.documents(db)) == 5
    db.close()
    # A second start does not ingest again.
    result = CliRunner().invoke(cli, ["--db", str(path), "review", "--reviewer", "ana"])
    assert "documents added" not in result.output
    assert opened[-1] == (path, "ana")


def test_config_problems_are_repeated_on_exit(tmp_path, monkeypatch, seed_db_path):
    config = tmp_path / "c.toml"
    config.write_text('[keys]\n"claim.note" = "s"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    monkeypatch.setattr(ReviewApp, "run", lambda self: None)
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "review"])
    assert result.exit_code == 0
    assert "claim.note" in result.output and "clashes" in result.output
