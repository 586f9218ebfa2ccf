"""Read-only queries the review screen needs beyond ``corpus``.

The TUI never runs SQL itself: it asks here for a claim in its context, the
next unreviewed claim in the current list, and the resume state. Writes all
go through ``storage.review``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlite_utils import Database

from ..models import Claim, Document, EvidenceLink, Passage, Verdict
from . import clusters, corpus, review, search
from .claim_filter import FROM, STATUS_VALUES, ClaimFilter

#: Key under which the review screen keeps where it was (claim, filter, search).
RESUME_KEY = "tui.resume"


@dataclass(frozen=True)
class ClaimContext:
    """One claim with everything shown around it on the review screen."""

    claim: Claim
    document: Document | None
    paragraph: tuple[Passage, ...]
    verdict: Verdict
    links: tuple[EvidenceLink, ...]
    also_in: int = 0
    """Other documents holding a claim of this claim's cluster (the same claim, elsewhere)."""
    cluster_size: int = 1


@dataclass(frozen=True)
class ResumeState:
    claim_id: int | None = None
    filter: str = "all"
    search: str = ""
    collapsed: bool = False
    """The list shows one row per claim cluster."""


def claim_context(db: Database, claim_id: int) -> ClaimContext | None:
    claim = corpus.get_claim(db, claim_id)
    if claim is None:
        return None
    paragraph: tuple[Passage, ...] = ()
    if claim.passage_id is not None:
        passage = corpus.get_passage(db, claim.passage_id)
        if passage is not None:
            paragraph = tuple(corpus.paragraph_passages(db, passage))
    cluster = clusters.cluster_for_claim(db, claim_id)
    others = {m.document_id for m in cluster.members} - {claim.document_id} if cluster else set()
    return ClaimContext(
        also_in=len(others),
        cluster_size=cluster.size if cluster else 1,
        claim=claim,
        document=corpus.get_document(db, claim.document_id),
        paragraph=paragraph,
        verdict=review.get_verdict(db, claim_id),
        links=tuple(review.links(db, claim_id)),
    )


def next_unreviewed(
    db: Database,
    claim_id: int | None,
    *,
    status: str | None = "all",
    search: str | None = None,
    backwards: bool = False,
    wrap: bool = True,
    skip: Collection[int] = (),
    claim_filter: ClaimFilter | None = None,
) -> int | None:
    """The id of the next (or previous) unreviewed claim in the list ``status``/``search``
    (or ``claim_filter``) describe.

    Wraps around the end of the list when ``wrap``; ``None`` when there is none
    besides ``claim_id`` itself. Claims in ``skip`` count as reviewed (the
    screen's verdicts still waiting to be written).
    """
    chosen = claim_filter or ClaimFilter(status=status or "all", search=search or "")
    where, params = chosen.where()
    where += " AND v.status IS NULL"
    if skip:
        skip = sorted({int(i) for i in skip})
        where += f" AND c.id NOT IN ({', '.join('?' * len(skip))})"
        params = [*params, *skip]
    return step_through(
        db, f"SELECT c.id{FROM} WHERE {where}", params, claim_id, backwards=backwards, wrap=wrap
    )


def step_through(
    db: Database, base: str, params: list, claim_id: int | None, *, backwards: bool, wrap: bool
) -> int | None:
    """The claim after (or before) ``claim_id`` among those ``base`` selects (``SELECT c.id …
    WHERE …``), wrapping around when ``wrap``; ``None`` when there is none besides it."""
    op, order = ("<", "DESC") if backwards else (">", "ASC")
    if claim_id is not None:
        row = db.execute(
            f"{base} AND c.id {op} ? ORDER BY c.id {order} LIMIT 1", [*params, claim_id]
        ).fetchone()
        if row is not None:
            return int(row[0])
        if not wrap:
            return None
    row = db.execute(f"{base} ORDER BY c.id {order} LIMIT 1", params).fetchone()
    if row is None or row[0] == claim_id:
        return None
    return int(row[0])


def in_list(
    db: Database,
    claim_id: int,
    *,
    status: str | None = None,
    search: str | None = None,
    claim_filter: ClaimFilter | None = None,
) -> bool:
    """Whether ``claim_id`` belongs to the list ``status``/``search`` (or ``claim_filter``) describe."""
    chosen = claim_filter or ClaimFilter(status=status or "all", search=search or "")
    where, params = chosen.where()
    return (
        db.execute(f"SELECT 1{FROM} WHERE {where} AND c.id = ?", [*params, claim_id]).fetchone() is not None
    )


def has_documents(db: Database) -> bool:
    return db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None


def _resume_key(reviewer: str | None) -> str:
    return f"{RESUME_KEY}:{reviewer}" if reviewer else RESUME_KEY


def load_resume(db: Database, reviewer: str | None = None) -> ResumeState:
    """Where ``reviewer``'s last review stopped; defaults on anything missing or malformed.

    Each reviewer has a position of their own; one who has none yet starts where a
    database from before per-reviewer positions stopped.
    """
    raw = review.get_state(db, _resume_key(reviewer), None)
    if raw is None and reviewer:
        raw = review.get_state(db, RESUME_KEY, {})
    if not isinstance(raw, dict):
        return ResumeState()
    claim_id = raw.get("claim_id")
    status = raw.get("filter")
    search = raw.get("search")
    return ResumeState(
        claim_id=claim_id if isinstance(claim_id, int) else None,
        filter=status if status in STATUS_VALUES else "all",
        search=search if isinstance(search, str) else "",
        collapsed=raw.get("collapsed") is True,
    )


def save_resume(db: Database, state: ResumeState, reviewer: str | None = None) -> None:
    review.set_state(
        db,
        _resume_key(reviewer),
        {
            "claim_id": state.claim_id,
            "filter": state.filter,
            "search": state.search,
            "collapsed": state.collapsed,
        },
    )


@dataclass(frozen=True)
class PassageHit:
    """A passage found by the review screen's evidence search."""

    passage_id: int
    document_id: int
    text: str
    doc: str
    title: str | None
    source: str | None


@dataclass(frozen=True)
class PassageHits:
    """What the evidence search found: ``broad`` when too many passages match to rank them
    (the newest are shown; more words narrow it)."""

    hits: list[PassageHit]
    broad: bool


def find_passages(db: Database, text: str, *, limit: int = 50) -> PassageHits:
    """Passages of every current document matching ``text`` as typed, best BM25 first when
    few enough match, else the newest (``search.evidence_search``: time bounded by the
    ranked maximum, not by how many passages match; every word quoted, so FTS5 syntax in
    what is typed is matched as plain text)."""
    found = search.evidence_search(db, text, limit=limit)
    hits = [PassageHit(r.id, r.document_id, r.text, r.doc, r.title, r.source) for r in found.rows]
    return PassageHits(hits, found.broad)


def search_passages(db: Database, text: str, *, limit: int = 50) -> list[PassageHit]:
    """The passages ``find_passages`` finds."""
    return find_passages(db, text, limit=limit).hits
