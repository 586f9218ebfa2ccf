"""Claim clusters in the database: the computed grouping, the reviewer's overrides, the
disagreements between look-alike claims, and the index searches clustering needs.

``claim_clusters`` has a row per clustered claim (cluster id = the smallest claim id
in it); ``cluster_overrides`` keeps every "take out" and "join" so a re-clustering
applies them again. The representative is not stored: it is the member with the
highest check-worthiness (then the earliest), read when listing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from .connection import write
from .corpus import now
from .search import quote

#: Claims an index search returns for the incremental and seen-before look-ups.
SEARCH_LIMIT = 40
_CHUNK = 500


@dataclass(frozen=True)
class ClaimRef:
    """What clustering needs of a claim."""

    id: int
    text: str
    score: float = 0.0
    document_id: int = 0


@dataclass(frozen=True)
class Overrides:
    """A reviewer's corrections: claims kept on their own, and pairs of claims whose clusters are one."""

    out: frozenset[int] = frozenset()
    joins: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Member:
    id: int
    document_id: int
    document: str
    text: str
    score: float
    status: str | None


@dataclass(frozen=True)
class StoredCluster:
    id: int
    representative: int
    members: tuple[Member, ...]  # representative first, then by id
    documents: int  # distinct documents among the members
    disagrees_with: tuple[int, ...] = ()  # clusters holding a claim that disagrees with one of ours

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Decided:
    claim: ClaimRef
    status: str
    decided_at: str
    reviewer: str | None
    links: int


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def claim_refs(db: Database, ids: Sequence[int] | None = None) -> list[ClaimRef]:
    """Claims as clustering sees them (all, or ``ids``), by id."""
    sql = "SELECT id, text, score, document_id FROM claims"
    if ids is None:
        return [ClaimRef(*r) for r in db.execute(sql + " ORDER BY id")]
    out: list[ClaimRef] = []
    for chunk in _chunks(list(ids)):
        out += [ClaimRef(*r) for r in db.execute(f"{sql} WHERE id IN ({_marks(len(chunk))})", list(chunk))]
    return sorted(out, key=lambda r: r.id)


def overrides(db: Database) -> Overrides:
    out: set[int] = set()
    joins: list[tuple[int, int]] = []
    for kind, a, b in db.execute("SELECT kind, claim_id, other_id FROM cluster_overrides ORDER BY id"):
        if kind == "out":
            out.add(a)
        elif b is not None:
            joins.append((a, b))
    return Overrides(frozenset(out), tuple(joins))


def save(
    db: Database,
    clusters: Iterable[tuple[int, Sequence[int]]],
    disagreements: Iterable[tuple[int, int, Sequence[str]]],
) -> None:
    """Replace the stored grouping, ``(cluster id, member claim ids)`` each, and the disagreements
    (claim, other claim, flags) in one transaction."""
    with write(db):
        db.execute("DELETE FROM claim_clusters")
        db.conn.executemany(
            "INSERT INTO claim_clusters (claim_id, cluster_id) VALUES (?, ?)",
            [(m, cid) for cid, members in clusters for m in members],
        )
        db.execute("DELETE FROM claim_disagreements")
        db.conn.executemany(
            "INSERT OR REPLACE INTO claim_disagreements (claim_id, other_id, flags) VALUES (?, ?, ?)",
            [(min(a, b), max(a, b), json.dumps(list(f))) for a, b, f in disagreements if a != b],
        )


def add_disagreements(db: Database, pairs: Iterable[tuple[int, int, tuple[str, ...]]]) -> None:
    rows = [(min(a, b), max(a, b), json.dumps(list(f))) for a, b, f in pairs if a != b]
    if rows:
        with write(db):
            db.conn.executemany(
                "INSERT OR REPLACE INTO claim_disagreements (claim_id, other_id, flags) VALUES (?, ?, ?)",
                rows,
            )


def unclustered_ids(db: Database) -> list[int]:
    return [
        r[0]
        for r in db.execute(
            "SELECT c.id FROM claims c LEFT JOIN claim_clusters k ON k.claim_id = c.id"
            " WHERE k.claim_id IS NULL ORDER BY c.id"
        )
    ]


def is_clustered(db: Database) -> bool:
    return db.execute("SELECT 1 FROM claim_clusters LIMIT 1").fetchone() is not None


def _match_expression(words: Sequence[str]) -> str | None:
    """FTS5 expression: at least two of ``words`` (each quoted, never syntax), or the one word."""
    quoted = [quote(w) for w in words]
    if not quoted:
        return None
    if len(quoted) == 1:
        return quoted[0]
    return " OR ".join(f"({q} AND ({' OR '.join(quoted[i + 1 :])}))" for i, q in enumerate(quoted[:-1]))


def _search(
    db: Database, words: Sequence[str], select: str, join: str, limit: int, params: Sequence[object] = ()
) -> list[tuple]:
    """Claims whose text has at least two of ``words``: extracted claims through their passage's
    index, claims added by hand or imported through their own."""
    expression = _match_expression(words)
    if expression is None:
        return []
    rows = db.execute(
        f"SELECT {select} FROM passages_fts f JOIN claims c ON c.passage_id = f.rowid"
        f" AND c.origin = 'extracted' {join} WHERE passages_fts MATCH ? ORDER BY f.rank LIMIT ?",
        [*params, expression, limit],
    ).fetchall()
    rows += db.execute(
        f"SELECT {select} FROM claims_fts f JOIN claims c ON c.id = f.rowid {join}"
        " WHERE claims_fts MATCH ? ORDER BY f.rank LIMIT ?",
        [*params, expression, limit],
    ).fetchall()
    return rows


def similar_claim_cluster_ids(db: Database, ref: ClaimRef, words: Sequence[str]) -> list[int]:
    """Clusters of the stored claims an index search finds for ``ref`` (best match first)."""
    rows = _search(
        db,
        words,
        "k.cluster_id",
        "JOIN claim_clusters k ON k.claim_id = c.id AND c.id != ?",
        SEARCH_LIMIT,
        [ref.id],
    )
    return list(dict.fromkeys(r[0] for r in rows))


def cluster_members(db: Database, cluster_ids: Sequence[int]) -> dict[int, list[ClaimRef]]:
    """Members of each cluster, in the order the ids were given."""
    found: dict[int, list[ClaimRef]] = {cid: [] for cid in cluster_ids}
    for chunk in _chunks(list(cluster_ids)):
        for cid, *ref in db.execute(
            "SELECT k.cluster_id, c.id, c.text, c.score, c.document_id FROM claim_clusters k"
            f" JOIN claims c ON c.id = k.claim_id WHERE k.cluster_id IN ({_marks(len(chunk))})"
            " ORDER BY c.id",
            list(chunk),
        ):
            found[cid].append(ClaimRef(*ref))
    return {cid: members for cid, members in found.items() if members}


def _renumber(db: Database, cluster_id: int) -> int | None:
    """Give cluster ``cluster_id`` the id of its smallest member again (after a change)."""
    row = db.execute("SELECT min(claim_id) FROM claim_clusters WHERE cluster_id = ?", [cluster_id]).fetchone()
    if row[0] is None:
        return None
    if row[0] != cluster_id:
        db.execute("UPDATE claim_clusters SET cluster_id = ? WHERE cluster_id = ?", [row[0], cluster_id])
    return int(row[0])


def _detach(db: Database, claim_id: int) -> None:
    row = db.execute("SELECT cluster_id FROM claim_clusters WHERE claim_id = ?", [claim_id]).fetchone()
    if row is None:
        return
    db.execute("DELETE FROM claim_clusters WHERE claim_id = ?", [claim_id])
    _renumber(db, row[0])


def place(db: Database, claim_id: int, cluster_id: int | None) -> int:
    """Put ``claim_id`` into ``cluster_id`` (None: a cluster of its own); returns its cluster id."""
    with write(db):
        _detach(db, claim_id)
        db.execute(
            "INSERT INTO claim_clusters (claim_id, cluster_id) VALUES (?, ?)",
            [claim_id, cluster_id if cluster_id is not None else claim_id],
        )
        return _renumber(db, cluster_id if cluster_id is not None else claim_id) or claim_id


def cluster_id(db: Database, claim_id: int) -> int | None:
    row = db.execute("SELECT cluster_id FROM claim_clusters WHERE claim_id = ?", [claim_id]).fetchone()
    return int(row[0]) if row else None


def join_stored(db: Database, a: int, b: int) -> int:
    """Merge the stored clusters of claims ``a`` and ``b``; returns the merged cluster's id."""
    with write(db):
        for claim in (a, b):
            if cluster_id(db, claim) is None:
                db.execute("INSERT INTO claim_clusters (claim_id, cluster_id) VALUES (?, ?)", [claim, claim])
        ca, cb = cluster_id(db, a), cluster_id(db, b)
        if ca != cb:
            db.execute(
                "UPDATE claim_clusters SET cluster_id = ? WHERE cluster_id = ?", [min(ca, cb), max(ca, cb)]
            )
        return min(ca, cb)


def _require_claims(db: Database, ids: Iterable[int]) -> None:
    for claim_id in ids:
        if db.execute("SELECT 1 FROM claims WHERE id = ?", [claim_id]).fetchone() is None:
            raise KeyError(f"no claim with id {claim_id}")


def take_out(db: Database, claim_id: int, *, reviewer: str | None = None) -> None:
    """Keep ``claim_id`` on its own from now on (remembered across re-clustering).

    Joins this claim anchored are moved to another member of its cluster, so taking
    a claim out of a joined group does not undo the join for the others.
    """
    _require_claims(db, [claim_id])
    with write(db):
        current = cluster_id(db, claim_id)
        others = (
            [
                r[0]
                for r in db.execute(
                    "SELECT claim_id FROM claim_clusters WHERE cluster_id = ? AND claim_id != ? ORDER BY claim_id",
                    [current, claim_id],
                )
            ]
            if current is not None
            else []
        )
        for column in ("claim_id", "other_id"):
            if others:
                db.execute(
                    f"UPDATE cluster_overrides SET {column} = ? WHERE kind = 'join' AND {column} = ?",
                    [others[0], claim_id],
                )
        db.execute(
            "DELETE FROM cluster_overrides WHERE kind = 'join' AND (claim_id = ? OR other_id = ?"
            " OR claim_id = other_id)",
            [claim_id, claim_id],
        )
        db.execute("DELETE FROM cluster_overrides WHERE kind = 'out' AND claim_id = ?", [claim_id])
        db.execute(
            "INSERT INTO cluster_overrides (kind, claim_id, reviewer, at) VALUES ('out', ?, ?, ?)",
            [claim_id, reviewer, now()],
        )
        place(db, claim_id, None)


def join(db: Database, a: int, b: int, *, reviewer: str | None = None) -> int:
    """Make the clusters of claims ``a`` and ``b`` one (remembered); returns its id."""
    _require_claims(db, [a, b])
    with write(db):
        if a != b:
            db.execute(
                "INSERT INTO cluster_overrides (kind, claim_id, other_id, reviewer, at)"
                " VALUES ('join', ?, ?, ?, ?)",
                [a, b, reviewer, now()],
            )
        return join_stored(db, a, b)


def clear_overrides(db: Database, claim_id: int) -> None:
    """Forget the reviewer's corrections involving ``claim_id`` (the next re-clustering decides)."""
    with write(db):
        db.execute("DELETE FROM cluster_overrides WHERE claim_id = ? OR other_id = ?", [claim_id, claim_id])


def decided_candidates(db: Database, words: Sequence[str], limit: int = SEARCH_LIMIT) -> list[ClaimRef]:
    """Decided claims (a verdict status set) an index search finds for ``words``."""
    rows = _search(
        db,
        words,
        "c.id, c.text, c.score, c.document_id",
        "JOIN verdicts v ON v.claim_id = c.id AND v.status IS NOT NULL",
        limit,
    )
    return [ClaimRef(*r) for r in dict.fromkeys(rows)]


def decision(db: Database, claim_id: int) -> Decided | None:
    """A decided claim's status, when and by whom it was set, and its evidence link count."""
    row = db.execute(
        "SELECT c.id, c.text, c.score, c.document_id, v.status, v.updated_at, v.reviewer"
        " FROM claims c JOIN verdicts v ON v.claim_id = c.id WHERE c.id = ? AND v.status IS NOT NULL",
        [claim_id],
    ).fetchone()
    if row is None:
        return None
    # The decision's own time and reviewer (a later note also moves verdicts.updated_at).
    last = db.execute(
        "SELECT at, reviewer FROM history WHERE claim_id = ? AND kind = 'status' ORDER BY id DESC LIMIT 1",
        [claim_id],
    ).fetchone()
    links = db.execute("SELECT count(*) FROM evidence_links WHERE claim_id = ?", [claim_id]).fetchone()[0]
    at, who = (last[0], last[1] or row[6]) if last else (row[5], row[6])
    return Decided(ClaimRef(*row[:4]), row[4], at, who, int(links))


def claim_passages(db: Database, claim_ids: Sequence[int]) -> dict[int, int | None]:
    out: dict[int, int | None] = {}
    for chunk in _chunks(list(claim_ids)):
        out.update(
            db.execute(
                f"SELECT id, passage_id FROM claims WHERE id IN ({_marks(len(chunk))})", list(chunk)
            ).fetchall()
        )
    return out


def undecided_ids(db: Database) -> list[int]:
    return [
        r[0]
        for r in db.execute(
            "SELECT c.id FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id"
            " WHERE v.status IS NULL ORDER BY c.id"
        )
    ]


_MEMBER_SELECT = (
    "SELECT k.cluster_id, c.id, c.document_id, d.name, c.text, c.score, v.status FROM claim_clusters k"
    " JOIN claims c ON c.id = k.claim_id JOIN documents d ON d.id = c.document_id"
    " LEFT JOIN verdicts v ON v.claim_id = c.id"
)


def _stored(cid: int, members: list[Member], disagrees: tuple[int, ...] = ()) -> StoredCluster:
    rep = min(members, key=lambda m: (-m.score, m.id))
    ordered = (rep, *[m for m in members if m.id != rep.id])
    return StoredCluster(cid, rep.id, ordered, len({m.document_id for m in members}), disagrees)


def list_clusters(db: Database, *, min_size: int = 2) -> list[StoredCluster]:
    """Stored clusters of at least ``min_size`` claims, by id."""
    sizes = db.execute(
        "SELECT cluster_id FROM claim_clusters GROUP BY cluster_id HAVING count(*) >= ? ORDER BY cluster_id",
        [min_size],
    ).fetchall()
    wanted = [r[0] for r in sizes]
    by_cluster: dict[int, list[Member]] = {cid: [] for cid in wanted}
    for chunk in _chunks(wanted):
        for cid, *m in db.execute(
            f"{_MEMBER_SELECT} WHERE k.cluster_id IN ({_marks(len(chunk))}) ORDER BY c.id", list(chunk)
        ):
            by_cluster[cid].append(Member(*m))
    disagree = _disagreeing_clusters(db, wanted)
    return [_stored(cid, ms, disagree.get(cid, ())) for cid, ms in by_cluster.items()]


def _disagreeing_clusters(db: Database, cluster_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    out: dict[int, set[int]] = {}
    for chunk in _chunks(list(cluster_ids)):
        marks = _marks(len(chunk))
        for a, b in db.execute(
            "SELECT ka.cluster_id, kb.cluster_id FROM claim_disagreements g"
            " JOIN claim_clusters ka ON ka.claim_id = g.claim_id"
            " JOIN claim_clusters kb ON kb.claim_id = g.other_id"
            f" WHERE ka.cluster_id IN ({marks}) OR kb.cluster_id IN ({marks})",
            [*chunk, *chunk],
        ):
            if a != b:
                out.setdefault(a, set()).add(b)
                out.setdefault(b, set()).add(a)
    return {cid: tuple(sorted(v)) for cid, v in out.items()}


def cluster_for_claim(db: Database, claim_id: int) -> StoredCluster | None:
    """The stored cluster holding ``claim_id`` (None when it was never clustered)."""
    cid = cluster_id(db, claim_id)
    if cid is None:
        return None
    members = [
        Member(*m) for _, *m in db.execute(f"{_MEMBER_SELECT} WHERE k.cluster_id = ? ORDER BY c.id", [cid])
    ]
    return _stored(cid, members, _disagreeing_clusters(db, [cid]).get(cid, ()))


def disagreements(db: Database, claim_id: int) -> list[tuple[int, tuple[str, ...]]]:
    """Look-alike claims that disagree with ``claim_id``, with the judgement's flags."""
    rows = db.execute(
        "SELECT other_id, flags FROM claim_disagreements WHERE claim_id = ?"
        " UNION ALL SELECT claim_id, flags FROM claim_disagreements WHERE other_id = ?",
        [claim_id, claim_id],
    ).fetchall()
    return [(r[0], tuple(json.loads(r[1]))) for r in rows]


# --- the review list collapsed to one row per cluster ---------------------------------
#
# A cluster's row is its head, the member with the smallest id (the cluster id itself);
# a claim never clustered is a cluster of its own (``ClaimFilter(collapsed=True)`` lists them).


def head_of(db: Database, claim_id: int) -> int:
    """The id of the row that stands for ``claim_id``'s cluster in the collapsed list."""
    return cluster_id(db, claim_id) or claim_id


def cluster_sizes(db: Database, claim_ids: Sequence[int]) -> dict[int, int]:
    """How many claims are in the cluster of each of ``claim_ids`` (1 when never clustered)."""
    sizes = {cid: 1 for cid in claim_ids}
    for chunk in _chunks(list(claim_ids)):
        for claim, size in db.execute(
            "SELECT k.claim_id, (SELECT count(*) FROM claim_clusters o WHERE o.cluster_id = k.cluster_id)"
            f" FROM claim_clusters k WHERE k.claim_id IN ({_marks(len(chunk))})",
            list(chunk),
        ):
            sizes[claim] = size
    return sizes


def cluster_progress(db: Database) -> tuple[int, int]:
    """(clusters whose every claim has a verdict, clusters), counting unclustered claims as one
    each and leaving dismissed claims out."""
    row = db.execute(
        "SELECT count(*), coalesce(sum(open = 0), 0) FROM (SELECT coalesce(k.cluster_id, c.id) AS cid,"
        " sum(v.status IS NULL) AS open FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id"
        " LEFT JOIN claim_clusters k ON k.claim_id = c.id WHERE c.dismissed_at IS NULL GROUP BY cid)"
    ).fetchone()
    return int(row[1]), int(row[0])
