"""One ClaimFilter for the list, the counts, the exports and the CLI (#12 item 2)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from test_dismiss_edit import build

from workbench.cli import cli
from workbench.storage import connect, corpus, export, review, reviewview, team
from workbench.storage.claim_filter import STATUS_VALUES, ClaimFilter


@pytest.fixture
def case(tmp_path):
    """Six claims in two documents, one in each state a filter tells apart."""
    path = tmp_path / "case.db"
    db = connect(path)
    ids = build(db)
    review.set_status(db, ids["Troops"], "sourced", reviewer="ana")
    review.set_status(db, ids["The"], "unsupported", reviewer="ana")
    _assign(db, ids["Exports"])
    review.set_status(db, ids["Exports"], "sourced", reviewer="ana")
    review.set_status(db, ids["Exports"], "contested", reviewer="ben")
    review.dismiss(db, ids["Read"], reviewer="ana")
    passage = corpus.get_claim(db, ids["Troops"]).passage_id
    with db.conn:
        db.execute(
            "INSERT INTO suggestions (claim_id, rank, passage_id, score, span_start, span_end, flags)"
            " VALUES (?, 0, ?, 50, 0, 5, '[\"number\"]')",
            [ids["Subscribe"], passage],
        )
        # Troops and The state the same thing: one cluster, headed by the smaller id
        head = min(ids["Troops"], ids["The"])
        for member in (ids["Troops"], ids["The"]):
            db.execute("INSERT INTO claim_clusters (claim_id, cluster_id) VALUES (?, ?)", [member, head])
    yield db, path, ids
    db.close()


def _assign(db, claim_id):
    with db.conn:
        for name in ("ana", "ben"):
            db.execute(
                "INSERT INTO assignments (claim_id, reviewer, assigned_at) VALUES (?, ?, 'now')",
                [claim_id, name],
            )


def expected(ids) -> dict[str, set[int]]:
    every = {ids[k] for k in ("Troops", "The", "Exports", "Subscribe", "Wheat")}
    return {
        "all": every,
        "unreviewed": {
            ids["Exports"],
            ids["Subscribe"],
            ids["Wheat"],
        },  # a disagreed team claim has no verdict
        "sourced": {ids["Troops"]},
        "contested": set(),
        "unsupported": {ids["The"]},
        "flagged": {ids["Subscribe"]},
        "dismissed": {ids["Read"]},
        "disagreed": {ids["Exports"]},
    }


def test_expected_covers_every_status_value(case):
    assert set(expected(case[2])) == set(STATUS_VALUES)


@pytest.mark.parametrize("status", STATUS_VALUES)
def test_list_count_position_export_and_cli_agree_on_every_status(case, status):
    db, path, ids = case
    want = expected(ids)[status]
    chosen = ClaimFilter(status=status)
    listed = [c.id for c in corpus.list_claims(db, claim_filter=chosen, limit=100)]
    assert set(listed) == want and listed == sorted(listed)
    assert [c.id for c in corpus.list_claims(db, status=status, limit=100)] == listed  # the old keywords
    assert corpus.count_claims(db, claim_filter=chosen) == len(want)
    if listed:
        assert corpus.claim_position(db, listed[-1], claim_filter=chosen) == len(listed) - 1
        assert reviewview.in_list(db, listed[0], status=status, search=None)
    if status != "all":  # an export of everything keeps dismissed claims
        rows = [
            r[0]
            for page in export.iter_claim_pages(db, export.ExportFilter(statuses=(status,)))
            for r in page
        ]
        assert set(rows) == want
    result = CliRunner().invoke(cli, ["--db", str(path), "claims", "--status", status, "--json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.output)] == listed
    if status != "all":
        result = CliRunner().invoke(
            cli, ["--db", str(path), "export", "--format", "json", "-o", "-", "--status", status]
        )
        assert result.exit_code == 0, result.output
        assert {c["id"] for c in json.loads(result.output)["claims"]} == want


def test_exports_keep_dismissed_claims_the_list_does_not(case):
    db, _path, ids = case
    rows = [r[0] for page in export.iter_claim_pages(db, export.ExportFilter()) for r in page]
    assert set(rows) == expected(ids)["all"] | {ids["Read"]}
    assert ids["Read"] not in [c.id for c in corpus.iter_claims(db)]
    both = ClaimFilter(include_dismissed=True)
    assert corpus.count_claims(db, claim_filter=both) == len(rows)


def test_several_statuses_search_documents_and_reviewed_only(case):
    db, _path, ids = case
    war = corpus.get_claim(db, ids["Troops"]).document_id

    def chosen(**kw):
        return {c.id for c in corpus.iter_claims(db, claim_filter=ClaimFilter(**kw))}

    assert chosen(statuses=("sourced", "dismissed")) == {ids["Troops"], ids["Read"]}
    assert chosen(search="wheat") == {ids["Wheat"]}
    assert chosen(search="tank") == {ids["The"]}  # the last word is a prefix
    assert chosen(document_ids=(war,)) == {ids["Troops"], ids["The"]}
    assert chosen(document_ids=(war,), include_dismissed=True) == {ids["Troops"], ids["The"], ids["Read"]}
    assert chosen(reviewed_only=True) == {ids["Troops"], ids["The"]}
    assert chosen(status="unreviewed", search="subscribe") == {ids["Subscribe"]}


def test_assigned_to_and_collapsed(case):
    db, _path, ids = case
    assert {c.id for c in corpus.iter_claims(db, claim_filter=ClaimFilter(assigned_to="ben"))} == {
        ids["Exports"]
    }
    assert corpus.count_claims(db, claim_filter=ClaimFilter(assigned_to="carl")) == 0
    collapsed = [c.id for c in corpus.iter_claims(db, claim_filter=ClaimFilter(collapsed=True))]
    head = min(ids["Troops"], ids["The"])
    assert collapsed == sorted({head, ids["Exports"], ids["Subscribe"], ids["Wheat"]})
    # a cluster is listed (by its head) while any member matches: "unsupported" is The's
    heads = [
        c.id for c in corpus.iter_claims(db, claim_filter=ClaimFilter(status="unsupported", collapsed=True))
    ]
    assert heads == [head]


def test_adjudicated_claims_are_no_longer_disagreed(case):
    db, _path, ids = case
    team.adjudicate(db, ids["Exports"], "contested", reviewer="chief")
    assert corpus.count_claims(db, status="disagreed") == 0


def test_unknown_status_is_a_plain_error():
    with pytest.raises(ValueError, match="unknown status filter 'maybe'"):
        ClaimFilter(status="maybe")


def test_review_filters_add_disagreed_only_for_teams(case, db):
    assert corpus.review_filters(db) == (*corpus.FILTERS, "dismissed")
    assert corpus.review_filters(case[0])[-2:] == ("dismissed", "disagreed")
