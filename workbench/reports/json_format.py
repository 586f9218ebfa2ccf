"""JSON export: the whole review, readable back by ``workbench import``.

Format version 1. Top-level object (keys in this order):

``format``         always ``"workbench-review"``
``format_version`` ``1``; an import refuses any other value
``exported_at``    ISO 8601 UTC time of the export (the only field that changes between
                   two exports of the same data)
``filters``        ``{"status": [...], "documents": [names], "reviewed_only": bool}``
``summary``        ``claims_in_database``, ``claims`` (in this file), ``reviewed``, ``flagged``,
                   ``counts`` {sourced, contested, unsupported, unreviewed}, ``dismissed``
                   (claims dismissed as not check-worthy, in none of the counts),
                   ``by_document`` [{document_id, document, title, source, counts, total}],
                   ``by_source`` {source: counts}, ``reviewers`` [{name, verdicts, changes}],
                   ``first_change``, ``last_change``
``documents``      every document the claims, links and suggestions need (all documents when
                   unfiltered): ``id``, ``name``, ``title``, ``source``, ``url``,
                   ``published``, ``content_hash`` (SHA-256 of ``text``), ``ingested_at``,
                   ``text``, ``passages`` [{id, ordinal, paragraph, start, end, text}]
                   (offsets are character offsets into ``text``), ``capture``: null, or for
                   a page fetched from its URL {fetched_url (before redirects; ``url`` is
                   the final one), fetched_at, http_status, warc_file, warc_offset,
                   warc_record_id (the raw response in archive/ beside the database),
                   version, previous_id, superseded_by}; older files have no ``capture``
``claims``         in id order, each:
  ``id``, ``document_id``, ``document`` (name), ``passage_id`` (its sentence, or null),
  ``text``, ``start``/``end`` (offsets in the document), ``score``, ``reasons``, ``origin``
  (extracted | manual | imported), ``created_at``,
  ``verdict`` (sourced | contested | unsupported | null = unreviewed), ``note``,
  ``reviewer`` and ``updated_at`` (of the verdict/note; null when never touched),
  ``context`` {before, after}: neighbouring sentences of the same paragraph,
  ``flags``: disagreement flags from the stored linker suggestions (e.g. "number-mismatch"),
  ``links`` [{passage_id, document_id, document, ordinal, relation (supports | contradicts),
  reviewer, created_at, text, span [start, end] in ``text``, matched (that part of the text),
  span_origin ("linker": stored suggestion, "computed": rapidfuzz alignment), flags,
  ``cite``: null, or for a fetched page {url, fetched_at, content_hash, warc_file, warc_offset,
  warc_record_id} (read from the document's ``capture``; an import ignores it)}],
  ``suggestions`` [{rank, passage_id, score, span, flags, stance, reasons}]: stored linker candidates,
  ``history`` [{id, kind, passage_id, old, new, reviewer, at, undoes}]; kind: status | note |
  link | dismiss (old/new: null or the reason) | edit (old/new: JSON {"text", "start", "end"})
  | adjudicate (old/new: the final verdict),
  ``dismissed_at``, ``dismissed_by``: when and by whom the claim was dismissed as not
  check-worthy (null for a claim; such a claim is kept, out of the counts),
  ``original_text``: the extracted text when a reviewer edited the claim (``text`` is the
  edited one), else null; files from before these fields lack them,
  ``basis``: how the final ``verdict`` came about: single (one reviewer) | agreed |
  adjudicated | pending | disagreed (team review),
  ``decisions`` [{reviewer, status, note, updated_at}]: each reviewer's current decision
  (status null: none); an import adds them beside the local ones, and a differing
  decision of another reviewer marks the claim disagreed instead of replacing its verdict,
  ``assigned`` [reviewer]: the reviewers the claim is assigned to (team review; files from
  before it lack it); an import adds them to any assigned here and settles the claim by the
  team rule,
  ``cluster_id``: claims that state the same thing share it (null when not clustered; not imported),
  ``evidence_check`` {suggested, sources, related_only, coverage {corroborated, contradicted,
  not_found, related_only}} or null: the judgement of the stored suggestions (read-only: an
  import recomputes it)

Every string is exact; DEL, C1 controls, bidi and invisible characters are
written as ``\\uXXXX`` escapes (as JSON already does for C0 controls), so
printing the file to a terminal cannot run an escape sequence. Only
``http(s)`` document URLs are exported; others are left out (``null``).

The file is written as one document per line and one claim per line, so it
diffs well and streams: nothing is held in memory beyond one record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..models import HistoryEntry
from .model import DocRef, LinkedPassage, Report, ReportClaim, ReportDocument, Suggestion, Summary, WebCapture
from .safe_json import make_inert

FORMAT = "workbench-review"
FORMAT_VERSION = 1


# Our dicts are trees built fresh per record: no cycles to look for.
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _dumps(value: object) -> str:
    """Exact JSON in which no control, bidi or invisible character appears raw."""
    return make_inert(_encode(value))


def summary_dict(s: Summary) -> dict:
    return {
        "claims_in_database": s.claims_in_database,
        "claims": s.claims,
        "reviewed": s.reviewed,
        "flagged": s.flagged,
        "dismissed": s.dismissed,
        "counts": s.counts,
        "by_document": [
            {
                "document_id": d.document.id,
                "document": d.document.name,
                "title": d.document.title,
                "source": d.document.source,
                "counts": d.counts,
                "total": d.total,
            }
            for d in s.by_document
        ],
        "by_source": s.by_source,
        "reviewers": [{"name": r.name, "verdicts": r.verdicts, "changes": r.changes} for r in s.reviewers],
        "first_change": s.first_change,
        "last_change": s.last_change,
    }


def capture_dict(c: WebCapture | None) -> dict | None:
    if c is None:
        return None
    return {
        "fetched_url": c.fetched_url,
        "fetched_at": c.fetched_at,
        "http_status": c.http_status,
        "warc_file": c.warc_file,
        "warc_offset": c.warc_offset,
        "warc_record_id": c.warc_record_id,
        "version": c.version,
        "previous_id": c.previous_id,
        "superseded_by": c.superseded_by,
    }


def cite_dict(doc: DocRef) -> dict | None:
    """What a reader needs to check an evidence passage: the page, when, and its archived copy."""
    c = doc.capture
    if c is None:
        return None
    return {
        "url": doc.url,
        "fetched_at": c.fetched_at,
        "content_hash": c.content_hash,
        "warc_file": c.warc_file,
        "warc_offset": c.warc_offset,
        "warc_record_id": c.warc_record_id,
    }


def document_dict(d: ReportDocument) -> dict:
    r = d.ref
    return {
        "id": r.id,
        "name": r.name,
        "title": r.title,
        "source": r.source,
        "url": r.url,
        "published": r.published,
        "content_hash": d.content_hash,
        "ingested_at": d.ingested_at,
        "text": d.text,
        "passages": [
            {
                "id": p.id,
                "ordinal": p.ordinal,
                "paragraph": p.paragraph,
                "start": p.start,
                "end": p.end,
                "text": p.text,
            }
            for p in d.passages
        ],
        "capture": capture_dict(r.capture),
    }


def link_dict(link: LinkedPassage) -> dict:
    return {
        "passage_id": link.passage_id,
        "document_id": link.document.id,
        "document": link.document.name,
        "ordinal": link.ordinal,
        "relation": link.relation,
        "reviewer": link.reviewer,
        "created_at": link.created_at,
        "text": link.text,
        "span": list(link.span),
        "matched": link.matched,
        "span_origin": link.span_origin,
        "flags": list(link.flags),
        "cite": cite_dict(link.document),
    }


def suggestion_dict(s: Suggestion) -> dict:
    return {
        "rank": s.rank,
        "passage_id": s.passage_id,
        "score": s.score,
        "span": list(s.span),
        "flags": list(s.flags),
        "stance": s.stance,
        "reasons": list(s.reasons),
    }


def history_dict(h: HistoryEntry) -> dict:
    return {
        "id": h.id,
        "kind": h.kind,
        "passage_id": h.passage_id,
        "old": h.old,
        "new": h.new,
        "reviewer": h.reviewer,
        "at": h.at,
        "undoes": h.undoes,
    }


def claim_dict(c: ReportClaim) -> dict:
    return {
        "id": c.id,
        "document_id": c.document.id,
        "document": c.document.name,
        "passage_id": c.passage_id,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "score": c.score,
        "reasons": list(c.reasons),
        "origin": c.origin,
        "created_at": c.created_at,
        "verdict": c.verdict,
        "note": c.note,
        "reviewer": c.reviewer,
        "updated_at": c.updated_at,
        "context": {"before": c.context_before, "after": c.context_after},
        "flags": list(c.flags),
        "links": [link_dict(link) for link in c.links],
        "suggestions": [suggestion_dict(s) for s in c.suggestions],
        "cluster_id": c.cluster_id,
        "dismissed_at": c.dismissed_at,
        "dismissed_by": c.dismissed_by,
        "original_text": c.original_text,
        "basis": c.basis,
        "assigned": list(c.assigned),
        "decisions": [
            {"reviewer": d.reviewer, "status": d.status, "note": d.note, "updated_at": d.updated_at}
            for d in c.decisions
        ],
        "evidence_check": None
        if c.evidence_check is None
        else {
            "suggested": c.evidence_check.suggested,
            "sources": c.evidence_check.sources,
            "related_only": c.evidence_check.related_only,
            "coverage": c.evidence_check.coverage.to_json(),
        },
        "history": [history_dict(h) for h in c.history],
    }


def _array(key: str, items: Iterator[str], last: bool) -> Iterator[str]:
    yield f'  "{key}": ['
    first = True
    for item in items:
        yield ("\n    " if first else ",\n    ") + item
        first = False
    yield ("\n  ]" if not first else "]") + ("\n" if last else ",\n")


def render(report: Report) -> Iterator[str]:
    head = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": report.exported_at,
        "filters": report.filters,
        "summary": summary_dict(report.summary),
    }
    yield "{\n"
    for key, value in head.items():
        yield f"  {_dumps(key)}: {_dumps(value)},\n"
    yield from _array("documents", (_dumps(document_dict(d)) for d in report.documents), last=False)
    yield from _array("claims", (_dumps(claim_dict(c)) for c in report.claims), last=True)
    yield "}\n"
