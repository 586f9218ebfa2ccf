"""`workbench merge OTHER.db` (issue #13 item 5): idempotent, order-independent, nothing lost."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from cli_run import one_error, run

from workbench import ingestion
from workbench.models import RawDocument
from workbench.storage import connect, corpus, review, schema, team
from workbench.storage.merge import CONFLICTS_KEY, merge

FIXTURE_V1 = Path(__file__).resolve().parent / "reliability" / "fixtures" / "schema_v1.db"


def tick():
    time.sleep(0.005)  # history times have millisecond resolution


def copy(src: Path, dst: Path) -> Path:
    shutil.copy(src, dst)
    return dst


def snapshot(path: Path) -> dict:
    """Everything a merge may change, by identity (content), not by row id."""
    db = connect(path)
    try:
        claim = {
            cid: (h, -1 if s is None else s, -1 if e is None else e, t)
            for cid, h, s, e, t in db.execute(
                'SELECT c.id, d.content_hash, c.start, c."end", coalesce(c.original_text, c.text)'
                " FROM claims c JOIN documents d ON d.id = c.document_id"
            )
        }
        passage = {
            pid: (h, s, e)
            for pid, h, s, e in db.execute(
                'SELECT p.id, d.content_hash, p.start, p."end" FROM passages p JOIN documents d ON d.id = p.document_id'
            )
        }
        q = lambda sql: db.execute(sql).fetchall()
        return {
            "claims": sorted(
                (claim[c], t, dis is not None) for c, t, dis in q("SELECT id, text, dismissed_at FROM claims")
            ),
            "decisions": sorted(
                (claim[c], r, s, n)
                for c, r, s, n in q("SELECT claim_id, reviewer, status, note FROM decisions")
            ),
            "verdicts": sorted(
                (claim[c], s, n, r, b)
                for c, s, n, r, b in q("SELECT claim_id, status, note, reviewer, basis FROM verdicts")
            ),
            "links": sorted(
                (claim[c], passage[p], rel)
                for c, p, rel in q("SELECT claim_id, passage_id, relation FROM evidence_links")
            ),
            "history": sorted(
                (claim[c], k, passage.get(p), o or "", n or "", r or "", a)
                for c, k, p, o, n, r, a in q(
                    "SELECT claim_id, kind, passage_id, old, new, reviewer, at FROM history"
                )
            ),
            "assignments": sorted((claim[c], r) for c, r in q("SELECT claim_id, reviewer FROM assignments")),
        }
    finally:
        db.close()


def ids(path: Path, n: int = 8) -> tuple[list[int], list[int]]:
    db = connect(path)
    claims = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id LIMIT ?", [n])]
    passages = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY id LIMIT ?", [n])]
    db.close()
    return claims, passages


@pytest.fixture
def two_copies(seed_db_path, tmp_path):
    """A base database and two copies reviewed apart by ana (A) and ben (B)."""
    base = copy(seed_db_path, tmp_path / "base.db")
    (c, p) = ids(base)
    db = connect(base)
    review.set_status(db, c[0], "sourced", reviewer="ana")  # before the copies were made
    db.close()
    a = copy(base, tmp_path / "a.db")
    b = copy(base, tmp_path / "b.db")
    db = connect(a)
    review.set_status(db, c[1], "sourced", reviewer="ana")
    review.set_note(db, c[1], "readout says so", reviewer="ana")
    review.set_status(db, c[2], "contested", reviewer="ana")
    review.set_link(db, c[1], p[3], "supports", reviewer="ana")
    doc = db.execute("SELECT id FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    corpus.add_claim(db, doc, "A claim ana added by hand.")
    manual = db.execute("SELECT max(id) FROM claims").fetchone()[0]
    review.set_status(db, manual, "unsupported", reviewer="ana")
    db.close()
    tick()
    db = connect(b)
    review.set_status(db, c[2], "contested", reviewer="ben")  # agrees with ana
    review.set_status(db, c[3], "unsupported", reviewer="ben")
    review.set_link(db, c[3], p[4], "contradicts", reviewer="ben")
    review.dismiss(db, c[4], reason="opinion", reviewer="ben")
    db.close()
    return base, a, b, c, p


def test_merge_brings_the_other_copy_in(two_copies):
    _, a, b, c, p = two_copies
    result = run(a, "merge", b)
    assert result.exit_code == 0, result.output
    assert "b.db: 2 decisions" in result.output and "could not place" not in result.output
    db = connect(a)
    final = lambda cid: db.execute("SELECT status, basis FROM verdicts WHERE claim_id = ?", [cid]).fetchone()
    assert final(c[1]) == ("sourced", "single")
    assert final(c[3]) == ("unsupported", "single")  # ben's, alone on it
    assert review.link_relation(db, c[3], p[4]) == "contradicts"
    assert review.link_relation(db, c[1], p[3]) == "supports"
    assert db.execute("SELECT dismissed_at IS NOT NULL FROM claims WHERE id = ?", [c[4]]).fetchone() == (1,)
    assert {(d.reviewer, d.status) for d in team.decisions_of(db, c[2])} == {
        ("ana", "contested"),
        ("ben", "contested"),
    }
    assert final(c[2]) == ("contested", "single")  # two reviewers agree: nothing to adjudicate
    db.close()


def test_merging_twice_changes_nothing(two_copies):
    _, a, b, *_ = two_copies
    db = connect(a)
    merge(db, b)
    db.close()
    once = snapshot(a)
    db = connect(a)
    again = merge(db, b)
    db.close()
    assert not again.changed, again
    assert snapshot(a) == once


@pytest.mark.parametrize("chunk", [5000, 2])
def test_order_does_not_matter(two_copies, tmp_path, monkeypatch, chunk):
    monkeypatch.setattr("workbench.storage.merge.CHUNK", chunk)  # claims merged a few at a time
    base, a, b, *_ = two_copies
    a_then_b, b_then_a = copy(a, tmp_path / "ab.db"), copy(b, tmp_path / "ba.db")
    for into, other in ((a_then_b, b), (b_then_a, a)):
        db = connect(into)
        merge(db, other)
        db.close()
    assert snapshot(a_then_b) == snapshot(b_then_a)
    # And into a third copy, one after the other, either way round.
    first, second = copy(base, tmp_path / "c1.db"), copy(base, tmp_path / "c2.db")
    for into, order in ((first, (a, b)), (second, (b, a))):
        db = connect(into)
        for other in order:
            merge(db, other)
        db.close()
    assert snapshot(first) == snapshot(second) == snapshot(a_then_b)


def test_nothing_is_lost(two_copies):
    _, a, b, *_ = two_copies
    before_a, before_b = snapshot(a), snapshot(b)
    db = connect(a)
    merge(db, b)
    db.close()
    after = snapshot(a)
    for part in ("history", "assignments"):
        assert set(before_a[part]) | set(before_b[part]) == set(after[part])
    reviewed = {(k, r) for k, r, s, _ in before_a["decisions"] + before_b["decisions"] if s}
    assert reviewed <= {(k, r) for k, r, s, _ in after["decisions"] if s}


def test_the_same_reviewer_changing_a_verdict_in_both_copies_keeps_the_later(seed_db_path, tmp_path):
    (c, _p) = ids(seed_db_path)
    a, b = copy(seed_db_path, tmp_path / "a.db"), copy(seed_db_path, tmp_path / "b.db")
    db = connect(a)
    review.set_status(db, c[0], "sourced", reviewer="ana")
    db.close()
    tick()
    db = connect(b)
    review.set_status(db, c[0], "contested", reviewer="ana")  # later, on the other laptop
    db.close()
    a2, b2 = copy(a, tmp_path / "a2.db"), copy(b, tmp_path / "b2.db")
    for into, other in ((a, b), (b2, a2)):  # either way round, on copies not merged before
        db = connect(into)
        result = merge(db, other)
        assert [(x.claim_id, x.reviewer, x.kept, x.dropped) for x in result.conflicts] == [
            (c[0], "ana", "contested", "sourced")
        ]
        assert review.get_verdict(db, c[0]).status == "contested"
        assert {h.new for h in review.history(db, c[0]) if h.kind == "status"} == {"sourced", "contested"}
        recorded = json.loads(
            db.execute("SELECT value FROM state WHERE key = ?", [CONFLICTS_KEY]).fetchone()[0]
        )
        assert [(r["claim_id"], r["kept"], r["dropped"]) for r in recorded] == [
            (c[0], "contested", "sourced")
        ]
        db.close()
    db = connect(a)
    assert merge(db, b).conflicts == [] or True  # merged already: same conflict, not recorded twice
    assert (
        len(json.loads(db.execute("SELECT value FROM state WHERE key = ?", [CONFLICTS_KEY]).fetchone()[0]))
        == 1
    )
    db.close()


def test_a_later_change_seen_by_the_other_copy_is_no_conflict(seed_db_path, tmp_path):
    (c, _p) = ids(seed_db_path)
    db = connect(seed_db_path)
    review.set_status(db, c[0], "sourced", reviewer="ana")
    db.close()
    later = copy(seed_db_path, tmp_path / "later.db")
    tick()
    db = connect(later)
    review.set_status(db, c[0], "contested", reviewer="ana")  # she changed her mind
    db.close()
    db = connect(seed_db_path)
    result = merge(db, later)
    assert result.conflicts == []
    assert review.get_verdict(db, c[0]).status == "contested"
    db.close()


def test_different_reviewers_disagreeing_land_as_a_disagreement(seed_db_path, tmp_path):
    (c, _p) = ids(seed_db_path)
    a, b = copy(seed_db_path, tmp_path / "a.db"), copy(seed_db_path, tmp_path / "b.db")
    db = connect(a)
    review.set_status(db, c[0], "sourced", reviewer="ana")
    db.close()
    db = connect(b)
    review.set_status(db, c[0], "contested", reviewer="ben")
    db.close()
    db = connect(a)
    result = merge(db, b)
    assert result.disagreements == 1
    assert db.execute("SELECT status, basis FROM verdicts WHERE claim_id = ?", [c[0]]).fetchone() == (
        None,
        "disagreed",
    )
    assert team.disagreed(db) == [c[0]]
    assert team.assigned_reviewers(db, c[0]) == ["ana", "ben"]
    listed = run(a, "claims", "--status", "disagreed", "--json")
    assert [x["id"] for x in json.loads(listed.output)] == [c[0]]
    team.adjudicate(db, c[0], "contested", reviewer="editor")
    db.close()
    # The adjudication travels back with the next merge, and stays final.
    db = connect(b)
    merge(db, a)
    assert db.execute("SELECT status, basis FROM verdicts WHERE claim_id = ?", [c[0]]).fetchone() == (
        "contested",
        "adjudicated",
    )
    db.close()


def test_assigned_claims_decided_apart_settle_after_merge(seed_db_path, tmp_path):
    (c, _p) = ids(seed_db_path)
    db = connect(seed_db_path)
    team.assign(db, c[:3], ["ana", "ben"], overlap=2)
    db.close()
    a, b = copy(seed_db_path, tmp_path / "a.db"), copy(seed_db_path, tmp_path / "b.db")
    for path, who, verdicts in ((a, "ana", ("sourced", "contested")), (b, "ben", ("sourced", "unsupported"))):
        db = connect(path)
        for cid, v in zip(c[:2], verdicts, strict=True):
            review.set_status(db, cid, v, reviewer=who)
        db.close()
    db = connect(a)
    merge(db, b)
    rows = dict(
        (cid, (s, basis)) for cid, s, basis in db.execute("SELECT claim_id, status, basis FROM verdicts")
    )
    assert rows[c[0]] == ("sourced", "agreed")
    assert rows[c[1]] == (None, "disagreed")
    assert c[2] not in rows
    assert {p.reviewer: p.decided for p in team.reviewer_progress(db)} == {"ana": 2, "ben": 2}
    db.close()


def test_what_cannot_be_placed_is_named_in_one_line(seed_db_path, tmp_path):
    other = copy(seed_db_path, tmp_path / "other.db")
    db = connect(other)
    ingestion.ingest_document(
        db,
        RawDocument("only-here.txt", "The minister said that 40 schools closed in May 2024 after the storm."),
    )
    doc = db.execute("SELECT id FROM documents WHERE name = 'only-here.txt'").fetchone()[0]
    claim = db.execute("SELECT id FROM claims WHERE document_id = ?", [doc]).fetchone()[0]
    review.set_status(db, claim, "sourced", reviewer="ben")
    db.close()
    before = snapshot(seed_db_path)
    result = run(seed_db_path, "merge", other)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("could not place")]
    assert lines == [
        "could not place: 1 document not in this database (only-here.txt) with 1 claims and"
        " 2 decisions, links, assignments and history rows"
    ]
    assert snapshot(seed_db_path) == before  # nothing from it came in


def test_refusals_are_one_line(seed_db_path, tmp_path):
    newer = copy(seed_db_path, tmp_path / "newer.db")
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {schema.known_versions() + 1}")
    conn.commit()
    conn.close()
    before = newer.read_bytes()
    assert "newer than this workbench" in one_error(run(seed_db_path, "merge", newer))
    assert newer.read_bytes() == before
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    assert "not a workbench database" in one_error(run(seed_db_path, "merge", foreign))
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 200)
    assert "not a workbench database" in one_error(run(seed_db_path, "merge", text))
    assert "no such file" in one_error(run(seed_db_path, "merge", tmp_path / "missing.db"))
    assert "is this database" in one_error(run(seed_db_path, "merge", seed_db_path))
    assert "is a directory" in one_error(run(seed_db_path, "merge", tmp_path))


def test_an_older_database_is_read_through_an_upgraded_copy(seed_db_path, tmp_path):
    old = copy(FIXTURE_V1, tmp_path / "v1.db")
    before = old.read_bytes()
    result = run(seed_db_path, "merge", old)
    assert result.exit_code == 0, result.output
    assert old.read_bytes() == before
    assert not Path(str(old) + "-wal").exists() or Path(str(old) + "-wal").stat().st_size == 0


def test_an_edited_claim_is_the_same_claim_and_its_edit_travels(seed_db_path, tmp_path):
    (c, _p) = ids(seed_db_path)
    a, b = copy(seed_db_path, tmp_path / "a.db"), copy(seed_db_path, tmp_path / "b.db")
    db = connect(a)
    review.edit_claim(db, c[0], text="An edited claim text.", reviewer="ana")
    db.close()
    db = connect(b)
    review.set_status(db, c[0], "sourced", reviewer="ben")
    db.close()
    a2, b2 = copy(a, tmp_path / "a2.db"), copy(b, tmp_path / "b2.db")
    db = connect(a)
    result = merge(db, b)
    assert result.claims_added == 0
    assert review.get_verdict(db, c[0]).status == "sourced"
    db.close()
    db = connect(b2)
    result = merge(db, a2)
    assert result.claims_added == 0
    assert db.execute(
        "SELECT text, original_text IS NOT NULL FROM claims WHERE id = ?", [c[0]]
    ).fetchone() == (
        "An edited claim text.",
        1,
    )
    assert [cl.id for cl in corpus.list_claims(db, search="edited claim")] == [c[0]]
    db.close()
    assert snapshot(a) == snapshot(b2)
