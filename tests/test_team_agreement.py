"""Agreement figures (issue #13 item 3), each checked against its published worked example."""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_run import run

from workbench import agreement
from workbench.storage import connect, review, team

# Fleiss (1971) as worked on Wikipedia, "Fleiss' kappa": 10 subjects, 14 raters, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]
# Wikipedia, "Cohen's kappa": 50 grant proposals read by A (rows) and B (columns), yes/no.
COHEN_TABLE = [[20, 5], [10, 15]]
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal data with
# missing values: 4 observers, 12 units (None: the observer gave no value).
KRIPPENDORFF_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_fleiss_kappa_worked_example():
    assert agreement.fleiss_kappa(np.array(FLEISS_TABLE)) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_worked_example_through_decisions():
    rows = []
    for subject, counts in enumerate(FLEISS_TABLE):
        rater = 0
        for category, n in enumerate(counts):
            for _ in range(n):
                rows.append((subject, f"r{rater:02}", str(category + 1)))
                rater += 1
    got = agreement.compute(rows, categories=("1", "2", "3", "4", "5"))
    assert got.fleiss.value == pytest.approx(0.210, abs=5e-4)
    assert got.fleiss.claims == 10 and got.decisions == 140


def test_cohen_kappa_worked_example():
    assert agreement.cohen_kappa(np.array(COHEN_TABLE)) == pytest.approx(0.4)


def test_cohen_kappa_worked_example_through_decisions():
    rows, claim = [], 0
    for a, row in enumerate(COHEN_TABLE):
        for b, n in enumerate(row):
            for _ in range(n):
                rows += [(claim, "A", ("yes", "no")[a]), (claim, "B", ("yes", "no")[b])]
                claim += 1
    got = agreement.compute(rows, categories=("yes", "no"))
    (pair,) = got.pairs
    assert (pair.first, pair.second) == ("A", "B")
    assert pair.kappa.value == pytest.approx(0.4) and pair.kappa.claims == 50
    assert pair.observed == pytest.approx(0.7)
    assert pair.confusion == ((20, 5), (10, 15))
    # Two raters: Fleiss' κ is Scott's π, which for this table is 0.3939...
    assert got.fleiss.value == pytest.approx(0.3939, abs=1e-4)


def test_krippendorff_alpha_worked_example():
    rows = [
        (unit, f"obs{obs}", str(value))
        for obs, values in enumerate(KRIPPENDORFF_DATA)
        for unit, value in enumerate(values)
        if value is not None
    ]
    got = agreement.compute(rows, categories=("1", "2", "3", "4", "5"))
    assert got.alpha.value == pytest.approx(0.743, abs=5e-4)
    assert got.alpha.claims == 11  # unit 12 has one value: not pairable


def test_specific_agreement_per_verdict():
    # Two claims both 'a', one split a/b: 'a' agrees in 4 of 5 pairings where someone chose it.
    got = agreement.compute(
        [(1, "x", "a"), (1, "y", "a"), (2, "x", "a"), (2, "y", "a"), (3, "x", "a"), (3, "y", "b")],
        categories=("a", "b", "c"),
    )
    assert got.per_verdict["a"].value == pytest.approx(4 / 5)
    assert got.per_verdict["b"].value == 0.0
    assert got.per_verdict["c"].value is None and "'c'" in got.per_verdict["c"].undefined
    assert [f.claims for f in got.per_verdict.values()] == [3, 1, 0]


def no_nan_json(result: agreement.Agreement) -> dict:
    return json.loads(json.dumps(result.to_json(), allow_nan=False))


def test_one_reviewer_is_undefined_not_nan():
    got = agreement.compute([(1, "solo", "sourced"), (2, "solo", "contested")])
    data = no_nan_json(got)
    assert data["pairs"] == [] and data["claims_with_two_or_more"] == 0
    for name in ("krippendorff_alpha", "fleiss_kappa"):
        assert data[name] == {"value": None, "claims": 0, "undefined": "only one reviewer gave verdicts"}


def test_no_overlap_is_undefined():
    got = agreement.compute([(1, "ana", "sourced"), (2, "ben", "contested")])
    data = no_nan_json(got)
    assert data["fleiss_kappa"]["undefined"] == "no claim has verdicts from two reviewers"
    assert data["pairs"][0]["cohen_kappa"] == {
        "value": None,
        "claims": 0,
        "undefined": "no claim both decided",
    }
    assert data["pairs"][0]["observed_agreement"] is None


def test_all_identical_is_undefined_with_the_reason():
    rows = [(c, r, "sourced") for c in range(5) for r in ("ana", "ben")]
    data = no_nan_json(agreement.compute(rows))
    assert (
        data["fleiss_kappa"]["value"] is None
        and "every verdict was 'sourced'" in data["fleiss_kappa"]["undefined"]
    )
    assert data["krippendorff_alpha"]["value"] is None
    assert data["pairs"][0]["cohen_kappa"]["value"] is None
    assert data["pairs"][0]["observed_agreement"] == 1.0
    assert data["per_verdict"]["sourced"]["value"] == 1.0


def test_perfect_agreement_over_two_verdicts_is_one():
    rows = [(c, r, ("sourced", "contested")[c % 2]) for c in range(6) for r in ("ana", "ben", "cleo")]
    got = agreement.compute(rows)
    assert got.fleiss.value == pytest.approx(1.0)
    assert got.alpha.value == pytest.approx(1.0)
    assert all(p.kappa.value == pytest.approx(1.0) for p in got.pairs)


def test_agreement_command_reads_assigned_decisions(seed_db_path):
    db = connect(seed_db_path)
    ids = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT 4")]
    team.assign(db, ids, ["ana", "ben"], overlap=2)
    for c, (a, b) in zip(
        ids,
        [
            ("sourced", "sourced"),
            ("contested", "contested"),
            ("sourced", "unsupported"),
            ("unsupported", "unsupported"),
        ],
        strict=True,
    ):
        review.set_status(db, c, a, reviewer="ana")
        review.set_status(db, c, b, reviewer="ben")
    db.close()
    result = run(seed_db_path, "agreement", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reviewers"] == ["ana", "ben"] and data["claims_with_two_or_more"] == 4
    pair = data["pairs"][0]
    assert pair["observed_agreement"] == 0.75 and pair["cohen_kappa"]["claims"] == 4
    assert pair["confusion"]["counts"][0] == [1, 0, 1]  # ana sourced: ben sourced once, unsupported once
    text = run(seed_db_path, "agreement")
    assert text.exit_code == 0
    assert "Cohen" in text.output and "Krippendorff" in text.output and "ana" in text.output


def test_agreement_command_with_nothing_to_compare(seed_db_path):
    result = run(seed_db_path, "agreement")
    assert result.exit_code == 0
    assert "undefined" in result.output or "no verdicts" in result.output
