"""Clusters reach ingest and `claims` (#14): new claims join clusters; seen-before from `claims`."""

from __future__ import annotations

from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, corpus, review


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_ingest_places_new_claims_once_claims_are_clustered(seed_db_path, tmp_path):
    assert run("--db", seed_db_path, "clusters", "--recluster").exit_code == 0
    doc = tmp_path / "copy.txt"
    doc.write_text(
        "Echo Daily\nChina affirmed its support for Russia's position on the indivisibility of"
        " security, Wang Yi told his Russian counterpart.\n",
        encoding="utf-8",
    )
    result = run("--db", seed_db_path, "ingest", "--no-link", doc)
    assert result.exit_code == 0, result.output
    assert "new claims placed in clusters" in result.output


def test_claims_seen_before_lists_an_earlier_decision(seed_db_path, tmp_path):
    db = connect(seed_db_path)
    first = next(c for c in corpus.iter_claims(db) if c.text.startswith("China affirmed its support"))
    review.set_status(db, first.id, "contested", reviewer="ana")
    # The same sentence, as another outlet (document 2) might carry it.
    copy = corpus.add_claim(db, 2, first.text, origin="manual")
    db.close()
    result = run("--db", seed_db_path, "claims", "--seen-before")
    assert result.exit_code == 0, result.output
    assert str(copy) in result.output and "contested" in result.output and "ana" in result.output


def test_exports_carry_the_cluster_of_each_claim(seed_db_path, tmp_path):
    import csv
    import json

    db = connect(seed_db_path)
    first = next(c for c in corpus.iter_claims(db) if c.text.startswith("China affirmed its support"))
    copy = corpus.add_claim(db, 2, first.text, origin="manual")
    db.close()
    assert run("--db", seed_db_path, "clusters", "--recluster").exit_code == 0
    data = json.loads(run("--db", seed_db_path, "export", "--format", "json", "-o", "-").output)
    by_id = {c["id"]: c for c in data["claims"]}
    assert by_id[copy]["cluster_id"] == by_id[first.id]["cluster_id"] is not None
    rows = {
        r["id"]: r
        for r in csv.DictReader(
            run("--db", seed_db_path, "export", "--format", "csv", "-o", "-").output.splitlines()
        )
    }
    assert rows[str(copy)]["cluster"] == rows[str(first.id)]["cluster"] != ""
    md = run("--db", seed_db_path, "export", "--format", "md", "-o", "-").output
    assert "stated by 1 other claim too" in md
