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
    doc.write_text("Echo Daily\nChina affirmed its support for Russia's position on the indivisibility of"
                   " security, Wang Yi told his Russian counterpart.\n", encoding="utf-8")
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
