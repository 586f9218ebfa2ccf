"""`export --format md|html --group-by cluster` (#14 item 4): claims that state the same thing
under one heading, the representative first, "also in: <documents>"; default output unchanged."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from workbench import clustering, ingestion, reports
from workbench.cli import cli
from workbench.storage import clusters, connect

TROOPS = (
    "Ukraine says Russia has deployed 115,000 troops near its borders, raising fears of a looming attack."
)
REWORDED = "Russia has deployed 115,000 troops near Ukraine's borders, Ukraine says, raising fears of a looming attack."
AGAIN = "Russia has deployed 115,000 troops near the borders of Ukraine, raising fears of a looming attack, Ukraine says."


@pytest.fixture
def clustered(tmp_path):
    """Three outlets stating the same claim, and the seeds around them."""
    folder = tmp_path / "outlets"
    folder.mkdir()
    for name, text in (("a.txt", TROOPS), ("b.txt", REWORDED), ("c.txt", AGAIN)):
        (folder / name).write_text(text + "\n", encoding="utf-8")
    path = tmp_path / "r.db"
    db = connect(path)
    ingestion.ingest_paths(db, [folder, SEEDS])
    clustering.recluster(db)
    spread = [c for c in clusters.list_clusters(db) if c.documents > 1]
    assert spread, "the outlets state the same claim"
    return db, path, spread


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def headings(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"^### Claim (\d+)", page, flags=re.M)]


def test_markdown_groups_a_cluster_under_its_representative(clustered, tmp_path):
    db, path, spread = clustered
    grouped = tmp_path / "g.md"
    result = run("--db", path, "export", "--format", "md", "--group-by", "cluster", "-o", grouped)
    assert result.exit_code == 0, result.output
    page = grouped.read_text(encoding="utf-8")
    listed = headings(page)
    for cluster in spread:
        rep, *others = cluster.members
        assert rep.id in listed and not any(o.id in listed for o in others)  # one heading per cluster
        section = page[page.index(f"### Claim {rep.id} ") :]
        section = section[: section.index("\n### ") if "\n### " in section else len(section)]
        assert "**Also in:**" in section
        for other in others:
            assert f"Claim {other.id} (" in section
    plain = reports.export_to(db, "md", tmp_path / "plain.md").read_text(encoding="utf-8")
    assert "Also in" not in plain and len(headings(plain)) > len(listed)  # default unchanged


def test_html_groups_too(clustered, tmp_path):
    db, _path, spread = clustered
    page = reports.export_to(db, "html", tmp_path / "g.html", group_by="cluster").read_text(encoding="utf-8")
    rep, *others = spread[0].members
    assert f'id="claim-{rep.id}"' in page and "<dt>Also in</dt>" in page
    assert not any(f'id="claim-{o.id}"' in page for o in others)


def test_grouping_is_refused_for_the_data_formats(clustered):
    _db, path, _spread = clustered
    result = run("--db", path, "export", "--format", "json", "--group-by", "cluster", "-o", "-")
    assert result.exit_code != 0
    (line,) = result.output.strip().splitlines()
    assert "md and html" in line


def test_default_export_is_the_same_without_the_option(clustered, tmp_path):
    db, _path, _spread = clustered
    a = reports.export_to(db, "json", tmp_path / "a.json").read_text(encoding="utf-8")
    data = json.loads(a)
    assert len(data["claims"]) == data["summary"]["claims_in_database"]
