"""The review gathered into plain records, for the format modules to render.

``gather`` reads the summary figures at once and hands the claims and
documents out as lazy, re-iterable streams (one page of rows in memory at a
time), so a 100k-claim report never sits in memory whole. The renderers are
pure functions of these records; tests build records by hand.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..models import STATUSES, UNREVIEWED, VERDICT_SPECS, VERDICTS, Coverage, HistoryEntry, LinkResult
from ..storage import clusters, export_team, team
from ..storage import export as q
from ..storage.corpus import now
from ..textsafety import visible
from .spans import matched_span

if TYPE_CHECKING:  # type hints only: storage/ is the one package that speaks SQL
    from sqlite_utils import Database

    from ..agreement import Agreement

#: Order in which readers see claims (md/html): the contested ones first.
READING_ORDER: tuple[str, ...] = (
    *(v.name for v in sorted(VERDICT_SPECS, key=lambda v: v.reading_order)),
    UNREVIEWED,
)
#: The report group of claims a reviewer dismissed as not check-worthy (listed last, counted apart).
DISMISSED = "dismissed"


@dataclass(frozen=True)
class WebCapture:
    """A document fetched from a URL: when, what came back, and where the page as it
    was is archived (a WARC file in archive/ beside the database, issue #15)."""

    fetched_url: str | None  # as asked, before redirects (http(s) only, else None)
    fetched_at: str
    http_status: int | None
    content_hash: str  # SHA-256 of the document's text
    warc_file: str | None
    warc_offset: int | None
    warc_record_id: str | None
    version: int = 1
    previous_id: int | None = None
    superseded_by: int | None = None


@dataclass(frozen=True)
class DocRef:
    """Where a claim or passage comes from."""

    id: int
    name: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    capture: WebCapture | None = None  # set for a page fetched from its URL

    @property
    def label(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class LinkedPassage:
    passage_id: int
    document: DocRef
    ordinal: int
    relation: str  # supports | contradicts
    reviewer: str | None
    created_at: str
    text: str
    span: tuple[int, int]  # matched part of ``text`` (character offsets)
    span_origin: str  # "linker" (stored suggestion) | "computed" (rapidfuzz alignment)
    flags: tuple[str, ...] = ()

    @property
    def matched(self) -> str:
        return self.text[self.span[0] : self.span[1]]


@dataclass(frozen=True)
class Suggestion:
    """A stored linker candidate (kept so an import restores the flags)."""

    rank: int
    passage_id: int
    score: float
    span: tuple[int, int]
    flags: tuple[str, ...]
    stance: str = "related"
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewerDecision:
    """One reviewer's current decision on a claim (team review, issue #13)."""

    reviewer: str | None  # None: a reviewer who gave no name
    status: str | None  # None: a note without a verdict, or a verdict taken back
    note: str
    updated_at: str


@dataclass(frozen=True)
class SameClaim:
    """Another claim stating the same thing (same cluster), shown under its representative."""

    id: int
    document: DocRef
    text: str
    status: str


@dataclass(frozen=True)
class ReportClaim:
    id: int
    document: DocRef
    text: str
    verdict: str | None = None
    note: str = ""
    reviewer: str | None = None
    updated_at: str | None = None  # None: no verdict row at all
    passage_id: int | None = None
    start: int | None = None
    end: int | None = None
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    origin: str = "extracted"
    created_at: str = ""
    context_before: str = ""
    context_after: str = ""
    links: tuple[LinkedPassage, ...] = ()
    flags: tuple[str, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    evidence_check: LinkResult | None = None  # the judgement's suggestion and coverage (no candidates)
    cluster_id: int | None = None  # claims stating the same thing share it (`workbench clusters`)
    cluster_size: int = 1
    dismissed_at: str | None = None  # dismissed as not check-worthy (kept, out of the counts)
    dismissed_by: str | None = None
    original_text: str | None = None  # the extracted text, when a reviewer edited the claim
    same_claims: tuple[SameClaim, ...] = ()  # grouped by cluster: the other members (else empty)
    decisions: tuple[ReviewerDecision, ...] = ()  # each reviewer's current decision, by name
    basis: str = "single"  # how the final verdict came about (storage.team.BASES)
    assigned: tuple[str, ...] = ()  # the reviewers the claim is assigned to (team review)

    @property
    def decided_by_several(self) -> bool:
        """More than one reviewer decided, or a team rule made the final verdict: reports then
        show who decided what beside it (a claim one reviewer decided looks as it always did)."""
        return len(self.decisions) > 1 or self.basis != "single"

    @property
    def status(self) -> str:
        """The claim's group in reports: dismissed, else its verdict, else unreviewed."""
        if self.dismissed_at is not None:
            return DISMISSED
        return self.verdict or UNREVIEWED


@dataclass(frozen=True)
class ReportPassage:
    id: int
    ordinal: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ReportDocument:
    ref: DocRef
    content_hash: str
    text: str
    ingested_at: str
    passages: tuple[ReportPassage, ...]


@dataclass(frozen=True)
class DocumentCounts:
    document: DocRef
    counts: dict[str, int]  # verdict or "unreviewed" -> claims

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Reviewer:
    name: str | None
    verdicts: int  # current verdicts they gave
    changes: int  # history rows they made


@dataclass(frozen=True)
class Summary:
    claims_in_database: int
    counts: dict[str, int]  # every verdict and "unreviewed" -> claims in this report
    by_document: tuple[DocumentCounts, ...] = ()
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    reviewers: tuple[Reviewer, ...] = ()
    first_change: str | None = None
    last_change: str | None = None
    flagged: int = 0
    dismissed: int = 0  # claims dismissed as not check-worthy (in no count above)

    @property
    def claims(self) -> int:
        return sum(self.counts.values())

    @property
    def reviewed(self) -> int:
        return sum(self.counts.get(v, 0) for v in VERDICTS)


class Stream:
    """A re-iterable view over a generator function (each loop re-reads storage)."""

    def __init__(self, make: Callable[[], Iterator]):
        self._make = make

    def __iter__(self) -> Iterator:
        return self._make()


@dataclass(frozen=True)
class Report:
    exported_at: str
    filters: dict
    summary: Summary
    claims: Iterable[ReportClaim]
    documents: Iterable[ReportDocument] = ()
    dropped_urls: int = 0  # document URLs left out for not being http(s) links
    team_decisions: bool = False  # some claim decided by several reviewers, or by a team rule
    agreement: Agreement | None = None  # md/html of a team review: agreement over the database


def web_url(url: str | None) -> str | None:
    """``url`` when it is a plain ``http(s)`` link, else ``None``.

    Document URLs come from untrusted input: a ``javascript:`` or ``data:`` URL
    copied into a report (a ClaimReview ``appearance.url``, a link in a page)
    runs when clicked. Controls, bidi characters and spaces are refused too.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if visible(url) != url or any(ch.isspace() for ch in url):
        return None
    return url


# --- building ----------------------------------------------------------------------


def gather(
    db: Database, f: q.ExportFilter | None = None, *, reading_order: bool = False, by_cluster: bool = False
) -> Report:
    """The report for the claims ``f`` selects.

    ``reading_order`` lists claims grouped contested, unsupported, sourced,
    unreviewed (each group in id order) instead of plain id order. ``by_cluster``
    lists the claims of a cluster once: its representative (the most check-worthy of
    them in the report) carries the others in ``same_claims``; they are not listed
    again on their own.
    """
    f = f or q.ExportFilter()
    meta: dict[int, DocRef] = {}
    dropped = 0
    captures = q.web_captures(db)
    for i, (name, title, source, url, published) in q.document_meta(db).items():
        safe = web_url(url)
        dropped += bool(url) and safe is None
        found = captures.get(i)
        capture = WebCapture(web_url(found[0]), *found[1:]) if found else None
        meta[i] = DocRef(i, name, title, source, safe, published, capture)
    summary = _summary(db, f, meta)
    team_decisions = export_team.has_team_decisions(db)

    def listed() -> Iterator[ReportClaim]:
        if not reading_order:
            for rows in q.iter_claim_pages(db, f):
                yield from _page(db, rows, meta)
            return
        for status in READING_ORDER:  # dismissed claims last, in a group of their own
            for rows in q.iter_claim_pages(db, f, status=status):
                yield from _page(db, [r for r in rows if not _dismissed(r)], meta)
        if summary.dismissed:
            for rows in q.iter_claim_pages(db, f):
                yield from _page(db, [r for r in rows if _dismissed(r)], meta)

    def claims() -> Iterator[ReportClaim]:
        yield from _grouped(db, f, meta, listed()) if by_cluster else listed()

    def documents() -> Iterator[ReportDocument]:
        doc_ids = q.referenced_documents(db, f)
        for doc, passages in q.iter_documents(db, doc_ids):
            yield ReportDocument(
                ref=meta[doc[0]],
                content_hash=doc[6],
                text=doc[7],
                ingested_at=doc[8],
                passages=tuple(ReportPassage(*p) for p in passages),
            )

    return Report(
        exported_at=now(),
        filters=_filters_dict(f, meta),
        summary=summary,
        claims=Stream(claims),
        documents=Stream(documents),
        dropped_urls=dropped,
        team_decisions=team_decisions,
        agreement=_agreement(db) if team_decisions and reading_order else None,
    )


def _agreement(db: Database) -> Agreement | None:
    """Agreement between the reviewers over the whole database (``workbench agreement``)."""
    from .. import agreement  # numpy: loaded only for a team review's md/html report

    found = agreement.compute(team.decision_rows(db))
    return found if found.claims else None


def _cluster_leads(db: Database, f: q.ExportFilter) -> tuple[set[int], set[int]]:
    """(leads, followers) among the report's claims in clusters of two or more: the lead of a
    cluster is its most check-worthy claim in the report (then the earliest), as
    ``storage.clusters`` picks a representative; dismissed claims stay out of clusters here."""
    best: dict[int, tuple[float, int]] = {}
    members: dict[int, list[int]] = {}
    for rows in q.iter_claim_pages(db, f):
        rows = [r for r in rows if not _dismissed(r)]
        found = q.page_clusters(db, [r[0] for r in rows])
        for r in rows:
            cluster = found.get(r[0])
            if cluster is None or cluster[1] < 2:
                continue
            key = (_column(r, "score") or 0.0, -r[0])
            if cluster[0] not in best or key > best[cluster[0]]:
                best[cluster[0]] = key
            members.setdefault(cluster[0], []).append(r[0])
    leads = {-key[1] for key in best.values()}
    followers = {cid for ids in members.values() for cid in ids if cid not in leads}
    return leads, followers


def _grouped(
    db: Database, f: q.ExportFilter, meta: dict[int, DocRef], claims: Iterable[ReportClaim]
) -> Iterator[ReportClaim]:
    leads, followers = _cluster_leads(db, f)
    for c in claims:
        if c.id in followers and c.dismissed_at is None:
            continue  # listed under its cluster's lead
        if c.id not in leads or (found := clusters.cluster_for_claim(db, c.id)) is None:
            yield c
            continue
        same = tuple(
            SameClaim(m.id, meta[m.document_id], m.text, m.status or UNREVIEWED)
            for m in found.members
            if m.id != c.id
        )
        yield replace(c, same_claims=same)


def _filters_dict(f: q.ExportFilter, meta: dict[int, DocRef]) -> dict:
    names = sorted({meta[i].name for i in f.document_ids if i in meta})
    return {"status": list(f.statuses), "documents": names, "reviewed_only": f.reviewed_only}


def _summary(db: Database, f: q.ExportFilter, meta: dict[int, DocRef]) -> Summary:
    counts = Counter({v: 0 for v in STATUSES})
    per_doc: dict[int, Counter] = {}
    by_source: dict[str, Counter] = {}

    def add(doc_id: int, status: str | None, n: int) -> None:
        key = status or UNREVIEWED
        counts[key] += n
        per_doc.setdefault(doc_id, Counter())[key] += n
        source = meta[doc_id].source or "(no source)"
        by_source.setdefault(source, Counter())[key] += n

    for doc_id, status, n in q.counts_by_document(db, f):
        add(doc_id, status, n)
    dismissed = 0
    for doc_id, status, n in export_team.dismissed_counts(db, f):  # counted apart, not as unreviewed
        add(doc_id, status, -n)
        dismissed += n
    first, last = q.date_range(db, f)
    return Summary(
        claims_in_database=q.total_claims(db),
        counts=_ordered(counts),
        by_document=tuple(DocumentCounts(meta[d], _ordered(c)) for d, c in per_doc.items()),
        by_source={s: _ordered(c) for s, c in sorted(by_source.items())},
        reviewers=tuple(Reviewer(*r) for r in q.reviewers(db, f)),
        first_change=first,
        last_change=last,
        flagged=q.flagged_count(db, f),
        dismissed=dismissed,
    )


def _ordered(counts: Counter) -> dict[str, int]:
    """Every status, always in the same order (stable JSON keys)."""
    return {k: counts.get(k, 0) for k in STATUSES}


def _strings(raw: str | None, cache: dict[str | None, tuple[str, ...]]) -> tuple[str, ...]:
    """A stored JSON list of strings; the few distinct values repeat, so decode each once."""
    try:
        return cache[raw]
    except KeyError:
        value = cache[raw] = tuple(json.loads(raw or "[]"))
        return value


#: Where each field sits in a claim row (read by name: storage may append columns).
_COLUMN = {name: i for i, name in enumerate(q.CLAIM_COLUMNS)}


def _column(row: tuple, name: str):
    i = _COLUMN.get(name)
    return row[i] if i is not None and i < len(row) else None


def _dismissed(row: tuple) -> bool:
    return _column(row, "dismissed_at") is not None


def _fields(row: tuple) -> dict:
    """A claim row by column name (one C-level dict per claim, cheaper than a lookup per field)."""
    return dict(zip(q.CLAIM_COLUMNS, row))


def _page(db: Database, rows: list[tuple], meta: dict[int, DocRef]) -> Iterator[ReportClaim]:
    if not rows:
        return
    ids = [r[0] for r in rows]
    decoded: dict[str | None, tuple[str, ...]] = {}
    links = q.page_links(db, ids)
    suggestions = q.page_suggestions(db, ids)
    checks = q.page_evidence_checks(db, ids)
    clusters = q.page_clusters(db, ids)
    history = q.page_history(db, ids)
    context = q.page_context(db, ids)
    decisions = export_team.page_decisions(db, ids)
    bases = export_team.page_bases(db, ids)
    assigned = export_team.page_assignments(db, ids)
    for r in rows:
        # Most claims have no links, suggestions or history: skip building empty
        # tuples for them (this loop runs once per claim of the export).
        cid = r[0]
        sugg = _suggestions(found, decoded) if (found := suggestions.get(cid)) else ()
        before = after = ""
        for offset, text in context.get(cid, ()):
            if offset < 0:
                before = text
            else:
                after = text
        col = _fields(r).get
        yield ReportClaim(
            id=cid,
            document=meta[col("document_id")],
            passage_id=col("passage_id"),
            text=col("text"),
            start=col("start"),
            end=col("end"),
            score=col("score"),
            reasons=_strings(col("reasons"), decoded),
            origin=col("origin"),
            created_at=col("created_at"),
            verdict=col("status"),
            note=col("note"),
            reviewer=col("reviewer"),
            updated_at=col("updated_at"),
            context_before=before,
            context_after=after,
            links=tuple(_link(col("text"), row, meta, sugg) for row in found)
            if (found := links.get(cid))
            else (),
            flags=_union(s.flags for s in sugg) if sugg else (),
            suggestions=sugg,
            history=tuple(HistoryEntry(h[0], cid, *h[1:]) for h in found)
            if (found := history.get(cid))
            else (),
            evidence_check=_evidence_check(found) if (found := checks.get(cid)) else None,
            cluster_id=clusters[cid][0] if cid in clusters else None,
            cluster_size=clusters[cid][1] if cid in clusters else 1,
            dismissed_at=col("dismissed_at"),
            dismissed_by=col("dismissed_by"),
            original_text=col("original_text"),
            decisions=tuple(ReviewerDecision(*d) for d in decisions.get(cid, ())),
            basis=bases.get(cid, "single"),
            assigned=assigned.get(cid, ()),
        )


def _suggestions(rows: list[tuple], decoded: dict[str | None, tuple[str, ...]]) -> tuple[Suggestion, ...]:
    return tuple(
        Suggestion(rank, pid, score, (s0, s1), _strings(flags, decoded), stance, _strings(reasons, decoded))
        for rank, pid, score, s0, s1, flags, stance, reasons in rows
    )


def _evidence_check(row: tuple) -> LinkResult:
    verdict, sources, coverage, related_only = row
    return LinkResult(
        (),
        int(sources),
        verdict or "unsupported",
        Coverage.from_json(json.loads(coverage or "{}")),
        bool(related_only),
    )


def _link(
    claim_text: str, row: tuple, meta: dict[int, DocRef], sugg: tuple[Suggestion, ...]
) -> LinkedPassage:
    passage_id, relation, reviewer, created_at, doc_id, ordinal, text = row
    stored = next((s for s in sugg if s.passage_id == passage_id), None)
    if stored is not None and 0 <= stored.span[0] <= stored.span[1] <= len(text):
        span, origin, flags = stored.span, "linker", stored.flags
    else:
        span, origin, flags = matched_span(claim_text, text), "computed", ()
    return LinkedPassage(
        passage_id, meta[doc_id], ordinal, relation, reviewer, created_at, text, span, origin, flags
    )


def _union(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """Flags of all groups, first appearance order, no repeats."""
    seen: dict[str, None] = {}
    for group in groups:
        for flag in group:
            seen.setdefault(flag, None)
    return tuple(seen)
