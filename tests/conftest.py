"""Shared fixtures: an isolated environment and a seeded database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench import ingestion
from workbench.storage import connect

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """No test reads the developer's database or config."""
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    config_dir = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config_dir / "config.toml"))


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeds.db"
    db = connect(path)
    ingestion.ingest_paths(db, [SEEDS])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def seed_db_path(_seeded_template, tmp_path) -> Path:
    """A fresh copy of a database holding the five seed articles."""
    path = tmp_path / "seeds.db"
    shutil.copy(_seeded_template, path)
    return path


@pytest.fixture
def seed_db(seed_db_path):
    db = connect(seed_db_path)
    yield db
    db.close()


@pytest.fixture
def db(tmp_path):
    db = connect(tmp_path / "empty.db")
    yield db
    db.close()
