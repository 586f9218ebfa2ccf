"""Claim clusters (#14): which claims are grouped, which kept apart, overrides that are
remembered, incremental placement, "seen before" suggestions, and the commands."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench import clustering, ingestion
from workbench.cli import cli
from workbench.cli import clusters as _clusters  # noqa: F401  (registers commands)
from workbench.cli import corpus as _corpus  # noqa: F401
from workbench.clustering import ClaimRef, cluster, same_claim
from workbench.storage import clusters as store
from workbench.storage import review

TROOPS = (
    "Ukraine says Russia has deployed 115,000 troops near its borders, raising fears of a looming attack."
)
TROOPS_REWORDED = "Russia has deployed 115,000 troops near Ukraine's borders, Ukraine says, raising fears of a looming attack."
TROOPS_OTHER_FIGURE = (
    "Ukraine says Russia has deployed 150,000 troops near its borders, raising fears of a looming attack."
)

SAME = [
    pytest.param(
        "According to Lavrov, tectonic shifts in the modern geopolitical landscape serve as a catalyst for "
        "deepening joint foreign policy coordination between Moscow and Beijing",
        "According to Lavrov, tectonic shifts in the modern geopolitical landscape serve as a catalyst for "
        "deepening joint foreign policy coordination between Moscow and Beijing.",
        id="seed-duplicate-26-30",
    ),
    pytest.param(TROOPS, TROOPS_REWORDED, id="reordered-attribution"),
    pytest.param(
        "China affirmed its support for Russia's position on the indivisibility of security, Wang Yi told his "
        "Russian counterpart.",
        "Wang Yi told his Russian counterpart that China affirmed its support for Russia's position on the "
        "indivisibility of security.",
        id="attribution-moved",
    ),
    pytest.param(
        "Chinese Foreign Ministry spokesman Wang Wenbin on Monday dismissed claims by the United States that "
        "China was considering arming Russia in its war with Ukraine.",
        "Chinese Foreign Ministry spokesman Wang Wenbin on Monday dismissed claims by the U.S. that China was "
        "considering arming Russia in its war with Ukraine.",
        id="same-name-two-ways",
    ),
    pytest.param(
        "The top diplomats also agreed to confront the politicization of sports.",
        "The top diplomats also agreed to confront the politicisation of sports.",
        id="spelling",
    ),
]

APART = [
    pytest.param(TROOPS, TROOPS_OTHER_FIGURE, id="figure"),
    pytest.param(
        "Russia and China agree on common position on Ukraine following ministerial meeting in Beijing",
        "Russia and India agree on common position on Ukraine following ministerial meeting in Beijing",
        id="actor",
    ),
    pytest.param(
        "Patrushev also told the visiting Wang Yi that Moscow backed China's position over Taiwan, Hong Kong, "
        "and Xinjiang.",
        "Patrushev also told the visiting Wang Yi that Moscow opposed China's position over Taiwan, Hong Kong, "
        "and Xinjiang.",
        id="action-reversed",
    ),
    pytest.param(
        "China affirmed its support for Russia's position on the indivisibility of security, Wang Yi told his "
        "Russian counterpart.",
        "China withdrew its support for Russia's position on the indivisibility of security, Wang Yi told his "
        "Russian counterpart.",
        id="action-changed-attribution-verb",
    ),
    pytest.param(
        "The ministry said the two ministers agreed that Russia and China would continue to strengthen "
        "their strategic cooperation.",
        "The ministry said the two ministers did not agree that Russia and China would continue to "
        "strengthen their strategic cooperation.",
        id="negation",
    ),
    pytest.param(
        "Since February 24, Beijing has refused to condemn the invasion of Ukraine.",
        "Since February 24, Beijing has condemned the invasion of Ukraine.",
        id="refused-dropped",
    ),
    pytest.param(
        "Wang arrived in Moscow on Tuesday for talks expected to focus on the Ukraine crisis.",
        "Wang arrived in Moscow on Monday for talks expected to focus on the Ukraine crisis.",
        id="weekday",
    ),
    pytest.param(
        "The meetings come a week after Wang Yi's visit to Kabul.",
        "The meetings come a month after Wang Yi's visit to Kabul.",
        id="period",
    ),
    pytest.param(
        "Russia and China agree on common position on Ukraine following ministerial meeting in Beijing",
        "Russia and China have reportedly agreed on a common position on Ukraine, following a meeting "
        "between the nations' foreign ministers in Beijing on Thursday.",
        id="one-states-more",
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_grouped_both_ways(a, b):
    assert same_claim(a, b).same, same_claim(a, b).reason
    assert same_claim(b, a).same
    result = cluster([ClaimRef(1, a), ClaimRef(2, b)])
    assert [c.members for c in result.clusters] == [(1, 2)]


@pytest.mark.parametrize(("a", "b"), APART)
def test_kept_apart_both_ways(a, b):
    assert not same_claim(a, b).same
    assert not same_claim(b, a).same
    result = cluster([ClaimRef(1, a), ClaimRef(2, b)])
    assert [c.members for c in result.clusters] == [(1,), (2,)]


def test_a_figure_disagreement_splits_the_group_and_is_recorded():
    claims = [
        ClaimRef(1, TROOPS, 0.5),
        ClaimRef(2, TROOPS_REWORDED, 0.9),
        ClaimRef(3, TROOPS_OTHER_FIGURE, 1.0),
        ClaimRef(4, TROOPS_OTHER_FIGURE.replace("Ukraine says", "Kyiv says"), 0.1),
    ]
    result = cluster(claims)
    groups = {c.members: c.representative for c in result.clusters}
    assert groups == {(1, 2): 2, (3,): 3, (4,): 4} or groups == {(1, 2): 2, (3, 4): 3}
    flagged = {frozenset((a, b)): flags for a, b, flags in result.disagreements}
    assert "number-mismatch" in flagged[frozenset((1, 3))]


def test_no_chaining(monkeypatch):
    """A pairs with B, B with C, A not with C: complete linkage keeps A and C apart."""
    base = "alpha beta gamma delta epsilon zeta eta"
    texts = {1: base + " one", 2: base + " two", 3: base + " three"}
    pairs = {frozenset((1, 2)), frozenset((2, 3))}
    by_text = {t: i for i, t in texts.items()}

    def fake(a, b):
        ok = frozenset((by_text[a], by_text[b])) in pairs
        return clustering.PairCheck(ok, "test")

    monkeypatch.setattr(clustering, "same_claim", fake)
    result = cluster([ClaimRef(i, t, score=s) for (i, t), s in zip(texts.items(), (0.1, 0.9, 0.5))])
    members = sorted(c.members for c in result.clusters)
    assert (1, 2, 3) not in members
    assert members == [(1,), (2, 3)]  # 2 is the most check-worthy: it takes its partner first


def test_candidate_search_misses_no_pair_above_the_threshold():
    words = "russia china ukraine troops border talks minister beijing moscow sanctions nato kyiv".split()
    texts = [" ".join(c) for c in itertools.combinations(words, 5)][:400]
    found = set(clustering.candidate_pairs(texts))
    ks = [clustering.keys(t) for t in texts]
    brute = {
        (i, j)
        for i in range(len(texts))
        for j in range(i + 1, len(texts))
        if clustering.shared(ks[i], ks[j]) >= clustering.MIN_SHARED
    }
    assert brute and brute <= found


# --- the database --------------------------------------------------------------


def write_docs(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def ids_by_text(db) -> dict[str, int]:
    return {r.text: r.id for r in store.claim_refs(db)}


@pytest.fixture
def outlets(db, tmp_path):
    write_docs(
        tmp_path / "first",
        {
            "a.txt": TROOPS,
            "b.txt": TROOPS_REWORDED,
            "c.txt": TROOPS_OTHER_FIGURE,
            "d.txt": "Patrushev also told the visiting Wang Yi that Moscow backed China's position over Taiwan, "
            "Hong Kong, and Xinjiang.",
        },
    )
    ingestion.ingest_paths(db, [tmp_path / "first"])
    ids = ids_by_text(db)
    assert {TROOPS, TROOPS_REWORDED, TROOPS_OTHER_FIGURE} <= set(ids)
    return db, ids


def members_of(db, claim_id: int) -> set[int]:
    found = store.cluster_for_claim(db, claim_id)
    return {m.id for m in found.members}


def test_recluster_stores_clusters_with_representative_and_disagreement(outlets):
    db, ids = outlets
    clustering.recluster(db)
    a, b, c = ids[TROOPS], ids[TROOPS_REWORDED], ids[TROOPS_OTHER_FIGURE]
    assert members_of(db, a) == {a, b}
    assert members_of(db, c) == {c}
    [group] = store.list_clusters(db, min_size=2)
    assert group.id == min(a, b) and group.documents == 2
    assert group.representative == min(
        (a, b), key=lambda i: (-next(r.score for r in store.claim_refs(db, [i])), i)
    )
    assert group.disagrees_with == (c,)
    assert store.disagreements(db, c) and "number-mismatch" in store.disagreements(db, c)[0][1]


def test_overrides_are_remembered_across_recluster(outlets):
    db, ids = outlets
    clustering.recluster(db)
    a, b, c = ids[TROOPS], ids[TROOPS_REWORDED], ids[TROOPS_OTHER_FIGURE]
    store.take_out(db, b, reviewer="ana")
    assert members_of(db, a) == {a} and members_of(db, b) == {b}
    store.join(db, a, c, reviewer="ana")
    assert members_of(db, a) == {a, c}
    clustering.recluster(db)
    assert members_of(db, b) == {b}  # taken out stays out
    assert members_of(db, a) == {a, c}  # the join stays
    store.clear_overrides(db, b)
    clustering.recluster(db)
    assert members_of(db, b) == {a, b, c}  # back with its pair (and the join of a's cluster with c)


def test_taking_out_a_join_anchor_keeps_the_join_for_the_others(outlets):
    db, ids = outlets
    clustering.recluster(db)
    a, b, c = ids[TROOPS], ids[TROOPS_REWORDED], ids[TROOPS_OTHER_FIGURE]
    store.join(db, a, c)
    store.take_out(db, a)
    clustering.recluster(db)
    assert members_of(db, a) == {a}
    assert members_of(db, b) == {b, c}


def test_cluster_new_places_only_new_claims(outlets, tmp_path):
    db, ids = outlets
    clustering.recluster(db)
    before = {r.id: store.cluster_id(db, r.id) for r in store.claim_refs(db)}
    again = TROOPS.replace("looming attack.", "looming attack, officials said.")
    other = (
        "Ukraine says Russia has deployed 200,000 troops near its borders, raising fears of a looming attack."
    )
    write_docs(tmp_path / "later", {"e.txt": again, "f.txt": other})
    ingestion.ingest_paths(db, [tmp_path / "later"])
    new = store.unclustered_ids(db)
    assert len(new) == 2
    placed = clustering.cluster_new(db, new)
    now = ids_by_text(db)
    a = ids[TROOPS]
    assert placed[now[again]] == store.cluster_id(db, a)
    assert members_of(db, now[other]) == {now[other]}
    assert {r.id: store.cluster_id(db, r.id) for r in store.claim_refs(db) if r.id in before} == before
    assert any(o == now[other] for o, _ in store.disagreements(db, a)) or store.disagreements(db, now[other])


def test_seen_before_suggests_the_earlier_decision_and_never_applies_it(outlets, tmp_path):
    db, ids = outlets
    a = ids[TROOPS]
    passage = db.execute("SELECT passage_id FROM claims WHERE id = ?", [ids[TROOPS_OTHER_FIGURE]]).fetchone()[
        0
    ]
    review.set_status(db, a, "contested", reviewer="REVIEWER")
    review.set_link(db, a, passage, "contradicts", reviewer="REVIEWER")
    later = "Russia has deployed 115,000 troops near Ukraine's borders, raising fears of a looming attack, Ukraine says."
    write_docs(tmp_path / "later", {"g.txt": later})
    ingestion.ingest_paths(db, [tmp_path / "later"])
    new = ids_by_text(db)[later]
    found = clustering.seen_before(db, new)
    assert found is not None and found.matched_claim_id == a
    assert (found.status, found.reviewer, found.links) == ("contested", "REVIEWER", 1)
    assert found.summary() == f"contested on {found.date} by REVIEWER — 1 link"
    assert len(found.date) == 10 and found.date[4] == "-"
    assert review.get_verdict(db, new).status is None  # a suggestion only
    # A claim with another figure is not "seen before".
    assert clustering.seen_before(db, ids[TROOPS_OTHER_FIGURE]) is None
    assert [s.claim_id for s in clustering.seen_before_all(db)] == [ids[TROOPS_REWORDED], new]


# --- commands --------------------------------------------------------------------


def run(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *map(str, args)])


@pytest.fixture
def cli_db(tmp_path):
    evil = "Ukraine says Russia has deployed 115,000 troops near its borders\x1b]0;pwned\x07, raising fears."
    write_docs(
        tmp_path / "docs",
        {"a.txt": TROOPS, "b.txt": TROOPS_REWORDED, "c.txt": evil, "d.txt": evil.replace("\x07", "\x07 ")},
    )
    path = tmp_path / "cli.db"
    assert run(path, "ingest", tmp_path / "docs").exit_code == 0
    return path, evil


def test_clusters_json_is_exact(cli_db):
    path, evil = cli_db
    res = run(path, "clusters", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    texts = [{c["text"] for c in group["claims"]} for group in data]
    assert {TROOPS, TROOPS_REWORDED} in texts
    assert any(evil in t for t in texts)  # the control characters come back exactly
    group = next(g for g in data if TROOPS in {c["text"] for c in g["claims"]})
    assert set(group) == {"cluster", "representative", "size", "documents", "disagrees_with", "claims"}
    assert group["size"] == 2 and group["claims"][0]["id"] == group["representative"]
    assert "\x1b" not in res.output  # escaped inside JSON strings
    assert json.loads(run(path, "clusters", "--json", "--min-size", "3").output) == []


def test_clusters_plain_output_shows_control_characters(cli_db):
    path, _ = cli_db
    res = run(path, "clusters")
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "\\x1b]0;pwned\\x07" in res.output
    assert res.output.count("cluster ") == 2


def test_seen_before_command_and_overrides_from_the_command_line(cli_db):
    path, _ = cli_db
    assert run(path, "clusters").exit_code == 0
    from workbench.storage import connect

    db = connect(path)
    ids = ids_by_text(db)
    review.set_status(db, ids[TROOPS], "sourced", reviewer="bo")
    db.close()
    res = run(path, "seen-before", "--json")
    assert res.exit_code == 0, res.output
    [row] = json.loads(res.output)
    assert (row["id"], row["matched_claim"], row["status"], row["reviewer"]) == (
        ids[TROOPS_REWORDED],
        ids[TROOPS],
        "sourced",
        "bo",
    )
    plain = run(path, "seen-before").output
    assert f"seen before as #{ids[TROOPS]}: sourced on " in plain and "by bo — 0 links" in plain
    out = run(path, "take-out", ids[TROOPS_REWORDED])
    assert out.exit_code == 0 and "stands alone" in out.output
    assert TROOPS_REWORDED not in run(path, "clusters", "--json", "--recluster").output


@pytest.mark.parametrize("args", [("take-out", 9999), ("join-clusters", 1, 9999)])
def test_unknown_claim_is_one_plain_line(cli_db, args):
    path, _ = cli_db
    res = run(path, *args)
    assert res.exit_code != 0
    assert res.output.strip().splitlines() == ["error: no claim with id 9999"]


def test_group_verdict_gives_each_member_its_history_and_undoes_as_one(outlets):
    db, ids = outlets
    clustering.recluster(db)
    a, b, c = ids[TROOPS], ids[TROOPS_REWORDED], ids[TROOPS_OTHER_FIGURE]
    evidence = db.execute("SELECT passage_id FROM claims WHERE id = ?", [c]).fetchone()[0]
    own_a = db.execute("SELECT passage_id FROM claims WHERE id = ?", [a]).fetchone()[0]
    session = review.start_session(db, "ana")
    action = clustering.apply_to_cluster(
        db,
        a,
        "contested",
        links=[(evidence, "contradicts"), (own_a, "supports")],
        reviewer="ana",
        session_id=session,
    )
    assert set(action.claim_ids) == {a, b}
    assert review.get_verdict(db, a).status == review.get_verdict(db, b).status == "contested"
    assert review.get_verdict(db, c).status is None
    for member in (a, b):
        kinds = [h.kind for h in review.history(db, member)]
        assert kinds.count("status") == 1 and kinds.count("link") == (1 if member == a else 2)
    assert clustering.undo_group(db, action, session, reviewer="ana") == len(action.entries)
    assert review.get_verdict(db, a).status is None and review.get_verdict(db, b).status is None
    assert review.links(db, a) == [] and review.links(db, b) == []


def test_group_undo_refuses_when_a_later_change_came_first(outlets):
    db, ids = outlets
    clustering.recluster(db)
    a, c = ids[TROOPS], ids[TROOPS_OTHER_FIGURE]
    session = review.start_session(db, "ana")
    action = clustering.apply_to_cluster(db, a, "sourced", reviewer="ana", session_id=session)
    review.set_status(db, c, "unsupported", reviewer="ana", session_id=session)
    with pytest.raises(clustering.GroupUndoError):
        clustering.undo_group(db, action, session)
    assert review.get_verdict(db, c).status == "unsupported"  # nothing undone
    assert review.get_verdict(db, a).status == "sourced"
