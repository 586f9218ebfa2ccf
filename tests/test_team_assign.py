"""`workbench assign` and `workbench assignments` (issue #13 item 2)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from cli_run import one_error, run

from workbench.storage import connect, review, team


def rows(path):
    db = connect(path)
    try:
        return sorted((c, r) for c, r, _ in team.assignments(db))
    finally:
        db.close()


def test_every_claim_gets_overlap_distinct_reviewers_balanced(seed_db_path):
    result = run(seed_db_path, "assign", "--reviewers", "ana,ben,cleo", "--overlap", 2)
    assert result.exit_code == 0, result.output
    got = rows(seed_db_path)
    per_claim = Counter(c for c, _ in got)
    db = connect(seed_db_path)
    n_claims = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    db.close()
    assert len(per_claim) == n_claims and set(per_claim.values()) == {2}
    load = Counter(r for _, r in got)
    assert set(load) == {"ana", "ben", "cleo"}
    assert max(load.values()) - min(load.values()) <= 1
    assert (
        f"{n_claims} of {n_claims} matching claims chosen; {2 * n_claims} assignments added" in result.output
    )


def test_same_command_again_adds_nothing_and_same_seed_same_claims(seed_db_path, tmp_path):
    import shutil

    other = tmp_path / "other.db"
    shutil.copy(seed_db_path, other)
    args = ("assign", "--reviewers", "ana,ben", "--overlap", 2, "--sample", "20%", "--seed", 7)
    assert run(seed_db_path, *args).exit_code == 0
    first = rows(seed_db_path)
    again = run(seed_db_path, *args)
    assert again.exit_code == 0 and "0 assignments added" in again.output
    assert rows(seed_db_path) == first
    assert run(other, *args).exit_code == 0
    assert rows(other) == first  # deterministic
    db = connect(seed_db_path)
    n_claims = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    db.close()
    assert len({c for c, _ in first}) == round(0.2 * n_claims)


def test_a_different_seed_picks_a_different_sample(seed_db_path, tmp_path):
    import shutil

    other = tmp_path / "other.db"
    shutil.copy(seed_db_path, other)
    assert run(seed_db_path, "assign", "--reviewers", "a,b", "--sample", "30%", "--seed", 1).exit_code == 0
    assert run(other, "assign", "--reviewers", "a,b", "--sample", "30%", "--seed", 2).exit_code == 0
    assert rows(seed_db_path) != rows(other)


def test_status_and_doc_filters(seed_db_path):
    db = connect(seed_db_path)
    first = db.execute("SELECT min(id) FROM claims").fetchone()[0]
    review.set_status(db, first, "sourced", reviewer="x")
    doc_name, doc_id = db.execute("SELECT name, id FROM documents ORDER BY id DESC LIMIT 1").fetchone()
    doc_claims = {r[0] for r in db.execute("SELECT id FROM claims WHERE document_id = ?", [doc_id])}
    db.close()
    assert run(seed_db_path, "assign", "--reviewers", "a,b", "--status", "sourced").exit_code == 0
    assert {c for c, _ in rows(seed_db_path)} == {first}
    assert run(seed_db_path, "assign", "--reviewers", "c", "--overlap", 1, "--doc", doc_name).exit_code == 0
    assert {c for c, r in rows(seed_db_path) if r == "c"} == doc_claims


def test_topping_up_keeps_existing_reviewers(seed_db):
    ids = [r[0] for r in seed_db.execute("SELECT id FROM claims ORDER BY id LIMIT 4")]
    team.assign(seed_db, ids, ["ana"], overlap=1)
    result = team.assign(seed_db, ids, ["ana", "ben", "cleo"], overlap=2)
    assert result.added == 4
    got = team.assignments(seed_db)
    assert all(("ana" in {r for c2, r, _ in got if c2 == c}) for c in ids)
    assert Counter(r for _, r, _ in got) == {"ana": 4, "ben": 2, "cleo": 2}


def test_assigning_a_decided_claim_settles_it(seed_db):
    c = seed_db.execute("SELECT min(id) FROM claims").fetchone()[0]
    review.set_status(seed_db, c, "sourced", reviewer="ana")
    team.assign(seed_db, [c], ["ana", "ben"], overlap=2)
    assert seed_db.execute("SELECT status, basis FROM verdicts WHERE claim_id = ?", [c]).fetchone() == (
        None,
        "pending",
    )


@pytest.mark.parametrize(
    "args, problem",
    [
        (("--reviewers", "ana", "--overlap", 2), "--overlap 2"),
        (("--reviewers", "ana,,ben"), "none empty"),
        (("--reviewers", " "), "none empty"),
        (("--reviewers", "ana,ana"), "named more than once"),
        (("--reviewers", "ana,ben", "--overlap", 0), "--overlap 0"),
        (("--reviewers", "ana,ben", "--sample", "0%"), "--sample"),
        (("--reviewers", "ana,ben", "--sample", "lots"), "--sample"),
        (("--reviewers", "ana,ben", "--sample", "150%"), "--sample"),
        (("--reviewers", "ana,ben", "--doc", "nope.txt"), "no document named 'nope.txt'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(seed_db_path, args, problem):
    assert problem in one_error(run(seed_db_path, "assign", *args))
    assert rows(seed_db_path) == []


def test_assignments_lists_progress(seed_db_path):
    empty = run(seed_db_path, "assignments")
    assert empty.exit_code == 0 and "no claims assigned" in empty.output
    db = connect(seed_db_path)
    ids = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT 3")]
    team.assign(db, ids, ["ana", "ben"], overlap=2)
    review.set_status(db, ids[0], "sourced", reviewer="ana")
    review.set_status(db, ids[0], "contested", reviewer="ben")
    db.close()
    result = run(seed_db_path, "assignments", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {"reviewer": "ana", "assigned": 3, "decided": 1, "remaining": 2},
        {"reviewer": "ben", "assigned": 3, "decided": 1, "remaining": 2},
    ]
    text = run(seed_db_path, "assignments").output
    assert "1 of 3" in text and "1 claim disagreed" in text
