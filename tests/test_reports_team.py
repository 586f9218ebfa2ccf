"""Team review in reports (#13 items 3-5, reports side): beside the final verdict and its basis,
who decided what; the JSON carries each claim's decisions and an import brings another
reviewer's in without silently replacing the local verdict. One reviewer's claims look as before."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil

import pytest

from workbench import reports
from workbench.reports import csv_format
from workbench.storage import connect, corpus, review, team


@pytest.fixture
def team_review(seed_db):
    """Claim a: alice and bob assigned, they disagree, carol adjudicates; claim b: alice and bob
    agree; claim c: alice alone, as a single reviewer always did."""
    db = seed_db
    a, b, c = [x.id for x in corpus.iter_claims(db)][:3]
    team.assign(db, [a, b], ["alice", "bob"], overlap=2)
    review.set_status(db, a, "sourced", reviewer="alice")
    review.set_note(db, a, "the ministry confirms it", reviewer="alice")
    review.set_status(db, a, "contested", reviewer="bob")
    team.adjudicate(db, a, "contested", reviewer="carol", note="the date is wrong")
    review.set_status(db, b, "unsupported", reviewer="alice")
    review.set_status(db, b, "unsupported", reviewer="bob")
    review.set_status(db, c, "sourced", reviewer="alice")
    return db, {"adjudicated": a, "agreed": b, "single": c}


def section(page: str, claim_id: int) -> str:
    start = page.index(f"### Claim {claim_id} ")
    end = page.find("\n### ", start + 1)
    return page[start : end if end > 0 else len(page)]


def test_markdown_shows_who_decided_what_beside_the_final_verdict(team_review, tmp_path):
    db, ids = team_review
    page = reports.export_to(db, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    adjudicated = section(page, ids["adjudicated"])
    assert "**Final verdict:** contested — adjudicated by carol" in adjudicated
    assert "alice: sourced — note: the ministry confirms it" in adjudicated
    assert "bob: contested" in adjudicated
    assert "**Final verdict:** unsupported — the reviewers agreed" in section(page, ids["agreed"])
    single = section(page, ids["single"])
    assert "**Reviewed by:** alice" in single and "Decisions" not in single  # as before teams


def test_html_shows_the_decisions(team_review, tmp_path):
    db, ids = team_review
    page = reports.export_to(db, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    article = re.search(rf'<article[^>]*id="claim-{ids["adjudicated"]}".*?</article>', page, re.S).group(0)
    assert "<dt>Final verdict</dt><dd>contested — adjudicated by carol" in article
    assert "alice: sourced — note: the ministry confirms it<br>bob: contested" in article
    single = re.search(rf'<article[^>]*id="claim-{ids["single"]}".*?</article>', page, re.S).group(0)
    assert "<dt>Reviewed by</dt>" in single and "Decisions" not in single


def test_csv_adds_basis_and_decisions_only_for_a_team(team_review, seed_db_path, tmp_path):
    db, ids = team_review
    rows = list(
        csv.DictReader(io.StringIO(reports.export_to(db, "csv", tmp_path / "r.csv").read_text("utf-8")))
    )
    assert list(rows[0]) == [*csv_format.COLUMNS, *csv_format.TEAM_COLUMNS]
    row = next(r for r in rows if r["id"] == str(ids["adjudicated"]))
    assert row["basis"] == "adjudicated" and "bob: contested" in row["decisions"]


def test_a_single_reviewer_csv_has_the_usual_columns(seed_db, tmp_path):
    review.set_status(seed_db, 1, "sourced", reviewer="alice")
    review.set_status(seed_db, 2, "contested", reviewer="bob")
    text = reports.export_to(seed_db, "csv", tmp_path / "r.csv").read_text(encoding="utf-8")
    assert next(csv.reader(io.StringIO(text))) == list(csv_format.COLUMNS)


def test_json_carries_decisions_and_basis_and_round_trips(team_review, tmp_path):
    db, ids = team_review
    first = reports.export_to(db, "json", tmp_path / "a.json").read_text(encoding="utf-8")
    claims = {c["id"]: c for c in json.loads(first)["claims"]}
    adjudicated = claims[ids["adjudicated"]]
    assert adjudicated["basis"] == "adjudicated" and adjudicated["verdict"] == "contested"
    by = {d["reviewer"]: (d["status"], d["note"]) for d in adjudicated["decisions"]}
    assert by["alice"] == ("sourced", "the ministry confirms it") and by["bob"][0] == "contested"
    assert by["carol"] == (None, "the date is wrong")
    fresh = connect(tmp_path / "fresh.db")
    reports.import_file(fresh, tmp_path / "a.json")
    second = reports.export_to(fresh, "json", tmp_path / "b.json").read_text(encoding="utf-8")
    strip = lambda t: re.sub(r'"exported_at": "[^"]*"', "", t)
    assert strip(first) == strip(second)


def test_importing_another_reviewers_export_never_replaces_the_local_verdict(_seeded_template, tmp_path):
    """Two laptops: alice and bob each review a copy; bob imports alice's export."""
    for name in ("alice.db", "bob.db"):
        shutil.copy(_seeded_template, tmp_path / name)
    alice, bob = connect(tmp_path / "alice.db"), connect(tmp_path / "bob.db")
    review.set_status(bob, 1, "contested", reviewer="bob")
    review.set_status(alice, 1, "sourced", reviewer="alice")  # later, and different
    review.set_status(alice, 2, "unsupported", reviewer="alice")  # bob never decided claim 2
    review.set_status(bob, 3, "sourced", reviewer="bob")
    review.set_status(alice, 3, "sourced", reviewer="alice")  # the same verdict: no conflict
    export = reports.export_to(alice, "json", tmp_path / "alice.json")
    stats = reports.import_file(bob, export)
    assert stats.disagreements == 1 and "1 claims marked disagreed" in stats.summary()
    # As `workbench merge` does: neither verdict silently wins; both reviewers are assigned the
    # claim, which waits for an adjudicator with no final verdict.
    assert review.get_verdict(bob, 1).status is None
    assert bob.execute("SELECT basis FROM verdicts WHERE claim_id = 1").fetchone()[0] == "disagreed"
    assigned = {r[0] for r in bob.execute("SELECT reviewer FROM assignments WHERE claim_id = 1")}
    assert assigned == {"alice", "bob"}
    decided = dict(bob.execute("SELECT reviewer, status FROM decisions WHERE claim_id = 1").fetchall())
    assert decided == {"alice": "sourced", "bob": "contested"}
    assert review.get_verdict(bob, 2).status == "unsupported"  # nothing to disagree with: taken
    assert review.get_verdict(bob, 3).status == "sourced"
    again = reports.import_file(bob, export)  # importing twice changes nothing more
    assert (again.disagreements, again.verdicts, again.history) == (0, 0, 0)
    page = reports.export_to(bob, "md", tmp_path / "bob.md").read_text(encoding="utf-8")
    assert "the reviewers disagree; waiting for an adjudicator" in section(page, 1)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_summarise_agreement_for_a_team(team_review, tmp_path, fmt):
    db, _ = team_review
    page = html.unescape(reports.export_to(db, fmt, tmp_path / f"r.{fmt}").read_text(encoding="utf-8"))
    assert "Agreement</h3>" in page or "### Agreement" in page
    assert "Krippendorff's alpha" in page and "alice / bob" in page


def test_a_single_reviewer_report_has_no_agreement_section(seed_db, tmp_path):
    review.set_status(seed_db, 1, "sourced", reviewer="alice")
    review.set_status(seed_db, 2, "contested", reviewer="bob")
    page = reports.export_to(seed_db, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Agreement" not in page and "Decisions" not in page


def test_reviewers_table_counts_each_reviewers_own_verdicts_not_an_unnamed_team(team_review):
    from workbench.storage import export as export_store
    from workbench.storage.claim_filter import ClaimFilter

    db, _ = team_review
    rows = {
        name: verdicts
        for name, verdicts, _ in export_store.reviewers(db, ClaimFilter(include_dismissed=True))
    }
    assert None not in rows  # an agreed verdict is nobody's alone: no "(unnamed)" reviewer
    assert rows["alice"] == 3 and rows["bob"] == 2 and rows["carol"] == 1  # carol adjudicated


def test_json_carries_assignments_and_an_import_keeps_them(seed_db, tmp_path):
    """A claim assigned and not yet decided is still the reviewers' work after a round trip."""
    db = seed_db
    first, second = [x.id for x in corpus.iter_claims(db)][:2]
    team.assign(db, [first, second], ["alice", "bob"], overlap=2)
    review.set_status(db, first, "sourced", reviewer="alice")
    export = reports.export_to(db, "json", tmp_path / "a.json")
    claims = {c["id"]: c for c in json.loads(export.read_text(encoding="utf-8"))["claims"]}
    assert claims[first]["assigned"] == claims[second]["assigned"] == ["alice", "bob"]
    assert all(c["assigned"] == [] for cid, c in claims.items() if cid not in (first, second))
    fresh = connect(tmp_path / "fresh.db")
    reports.import_file(fresh, export)
    ids = {c.text: c.id for c in corpus.iter_claims(fresh)}
    by_text = {c.id: c.text for c in corpus.iter_claims(db)}
    assert team.assigned_reviewers(fresh, ids[by_text[second]]) == ["alice", "bob"]
    # alice's verdict alone settles nothing: the claim waits for bob, as it did before
    assert review.get_verdict(fresh, ids[by_text[first]]).status is None
