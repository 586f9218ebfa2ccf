"""Reading a JSON export back (for ``workbench import``): parse and check everything first.

The whole file is validated before the database is touched, so a damaged or
foreign file is refused with one line and nothing is written. Checks cover
the format and version, every field's type and allowed values, and the
references between records (claims to documents and passages, history
``undoes`` to earlier rows).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import MB, InputError, read_regular
from ..models import ORIGINS, RELATIONS, STANCES, VERDICTS, Coverage, HistoryEntry, LinkResult
from ..storage.corpus import content_hash
from ..storage.team import BASES
from .json_format import FORMAT, FORMAT_VERSION
from .model import (
    DocRef,
    LinkedPassage,
    ReportClaim,
    ReportDocument,
    ReportPassage,
    ReviewerDecision,
    Suggestion,
    WebCapture,
)

#: Kinds of history row an export holds (the schema's CHECK on history.kind).
HISTORY_KINDS = ("status", "note", "link", "dismiss", "edit", "adjudicate")


@dataclass(frozen=True)
class LoadedReview:
    documents: list[ReportDocument]
    claims: list[ReportClaim]


class _Bad(Exception):
    pass


def _get(obj: dict, key: str, kind, where: str, *, null: bool = False):
    if not isinstance(obj, dict):
        raise _Bad(f"{where} is not an object")
    if key not in obj:
        raise _Bad(f"{where}.{key} is missing")
    value = obj[key]
    if value is None and null:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _Bad(f"{where}.{key} has the wrong type ({type(value).__name__})")
    if isinstance(value, str) and not _storable(value):
        raise _Bad(f"{where}.{key} holds invalid Unicode (a lone surrogate escape)")
    return value


def _storable(text: str) -> bool:
    """False for text with lone surrogates (JSON ``\\ud800``), which SQLite cannot store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _choice(value, allowed, where: str):
    if value not in allowed:
        raise _Bad(f"{where} is {value!r}, expected one of {', '.join(map(str, allowed))}")
    return value


def _span(obj: dict, where: str) -> tuple[int, int]:
    span = _get(obj, "span", list, where)
    if len(span) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in span):
        raise _Bad(f"{where}.span must be [start, end]")
    return (span[0], span[1])


def _strings(obj: dict, key: str, where: str) -> tuple[str, ...]:
    values = _get(obj, key, list, where)
    if not all(isinstance(v, str) and _storable(v) for v in values):
        raise _Bad(f"{where}.{key} must be a list of strings (valid Unicode)")
    return tuple(values)


#: Largest export read. The whole file is parsed before anything is written, about
#: 6x its size in memory (measured: a 30 MB export, 214 MB peak). An export is ~7x
#: its corpus (passages, claims, context), so this admits a corpus of about 70 MB.
MAX_IMPORT_BYTES = 512 * MB

#: SQLite stores 64-bit signed integers; a larger one would fail mid-import.
INT64 = range(-(1 << 63), 1 << 63)


class _BadNumber(ValueError):
    pass


def _int(text: str) -> int:
    # Checked on the digits first: int() of a 100,000-digit string is slow, then refused.
    if len(text.lstrip("-")) > 19 or int(text) not in INT64:
        raise _BadNumber(f"integer {_clip(text)} is out of range (above 2^63)")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"number {_clip(text)} is not finite")
    return value


def _constant(name: str):
    raise _BadNumber(f"{name} is not a number an export holds")


def _clip(text: str) -> str:
    return text if len(text) <= 30 else f"{text[:24]}… ({len(text)} digits)"


def load(path: str | Path) -> LoadedReview:
    path = Path(path)
    raw = read_regular(path, MAX_IMPORT_BYTES, "an import")
    try:
        data = json.loads(
            raw.decode("utf-8-sig"), parse_int=_int, parse_float=_float, parse_constant=_constant
        )
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text, not a workbench JSON export") from None
    except _BadNumber as exc:
        raise InputError(f"{path}: damaged export: {exc}; nothing imported") from None
    except RecursionError:
        raise InputError(f"{path}: damaged JSON (nested too deeply); nothing imported") from None
    except ValueError as exc:
        raise InputError(f"{path}: damaged JSON ({exc}); nothing imported") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f'{path}: not a workbench review export (no "format": "{FORMAT}")')
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise InputError(
            f"{path}: export format version {version!r} is not supported (this workbench reads"
            f" version {FORMAT_VERSION}); nothing imported"
        )
    try:
        return parse(data)
    except _Bad as exc:
        raise InputError(f"{path}: damaged export: {exc}; nothing imported") from None


def parse(data: dict) -> LoadedReview:
    documents = [_document(d, f"documents[{i}]") for i, d in enumerate(_get(data, "documents", list, "file"))]
    refs = {d.ref.id: d.ref for d in documents}
    if len(refs) != len(documents):
        raise _Bad("two documents share an id")
    passages: dict[int, tuple[int, ReportPassage]] = {}
    for d in documents:
        for p in d.passages:
            if p.id in passages:
                raise _Bad(f"passage id {p.id} appears twice")
            passages[p.id] = (d.ref.id, p)
    claims = [
        _claim(c, f"claims[{i}]", refs, passages) for i, c in enumerate(_get(data, "claims", list, "file"))
    ]
    if len({c.id for c in claims}) != len(claims):
        raise _Bad("two claims share an id")
    history_ids: set[int] = set()
    for c in claims:
        for h in c.history:
            if h.id in history_ids:
                raise _Bad(f"history id {h.id} appears twice")
            if h.undoes is not None and h.undoes not in history_ids:
                raise _Bad(f"history row {h.id} undoes row {h.undoes}, which is not before it")
            history_ids.add(h.id)
    return LoadedReview(documents, claims)


def _document(d: dict, where: str) -> ReportDocument:
    text = _get(d, "text", str, where)
    passages = []
    for i, p in enumerate(_get(d, "passages", list, where)):
        w = f"{where}.passages[{i}]"
        passages.append(
            ReportPassage(
                _get(p, "id", int, w),
                _get(p, "ordinal", int, w),
                _get(p, "paragraph", int, w),
                _get(p, "start", int, w),
                _get(p, "end", int, w),
                _get(p, "text", str, w),
            )
        )
    if len({p.ordinal for p in passages}) != len(passages):
        raise _Bad(f"{where} has two passages with the same ordinal")
    for p in passages:
        if text[p.start : p.end] != p.text or not 0 <= p.start <= p.end:
            raise _Bad(f"{where}: passage {p.id} is not the document's text at [{p.start}, {p.end}]")
    # Recomputed, never trusted: a file claiming another text's hash would make
    # a later ingest of that genuine text a silent "already stored".
    stated = _get(d, "content_hash", str, where)
    if stated != content_hash(text):
        raise _Bad(f"{where}.content_hash does not match the document's text")
    opt = lambda key: _get(d, key, str, where, null=True)
    ref = DocRef(
        _get(d, "id", int, where),
        _get(d, "name", str, where),
        opt("title"),
        opt("source"),
        opt("url"),
        opt("published"),
        _capture(d, where, stated),
    )
    return ReportDocument(ref, stated, text, _get(d, "ingested_at", str, where), tuple(passages))


def _capture(d: dict, where: str, digest: str) -> WebCapture | None:
    """A fetched page's provenance; files from before issue #15 have none."""
    if d.get("capture") is None:
        return None
    where = f"{where}.capture"
    c = _get(d, "capture", dict, where.rsplit(".", 1)[0])
    opt_int = lambda key: _get(c, key, int, where, null=True)
    warc_file = _get(c, "warc_file", str, where, null=True)
    if warc_file is not None and ("/" in warc_file or "\\" in warc_file or warc_file.startswith(".")):
        raise _Bad(f"{where}.warc_file must be a file name inside archive/, not a path")
    offset, version = opt_int("warc_offset"), _get(c, "version", int, where)
    if (offset is not None and offset < 0) or version < 1:
        raise _Bad(f"{where}: warc_offset and version must not be negative")
    return WebCapture(
        _get(c, "fetched_url", str, where, null=True),
        _get(c, "fetched_at", str, where),
        opt_int("http_status"),
        digest,
        warc_file,
        offset,
        _get(c, "warc_record_id", str, where, null=True),
        version,
        opt_int("previous_id"),
        opt_int("superseded_by"),
    )


_Passages = dict[int, tuple[int, ReportPassage]]


def _passage(passages: _Passages, pid: int, where: str) -> tuple[int, ReportPassage]:
    if pid not in passages:
        raise _Bad(f"{where} refers to passage {pid}, which is not in the file")
    return passages[pid]


def _optional_text(obj: dict, key: str, where: str) -> str | None:
    """A field added after format version 1 was first written: older files lack it."""
    return _get(obj, key, str, where, null=True) if key in obj else None


def _claim(c: dict, where: str, refs: dict[int, DocRef], passages: _Passages) -> ReportClaim:
    claim_id = _get(c, "id", int, where)
    doc_id = _get(c, "document_id", int, where)
    if doc_id not in refs:
        raise _Bad(f"{where} refers to document {doc_id}, which is not in the file")
    passage_id = _get(c, "passage_id", int, where, null=True)
    if passage_id is not None:
        _passage(passages, passage_id, where)
    verdict = _get(c, "verdict", str, where, null=True)
    if verdict is not None:
        _choice(verdict, VERDICTS, f"{where}.verdict")
    context = _get(c, "context", dict, where)
    return ReportClaim(
        id=claim_id,
        document=refs[doc_id],
        text=_get(c, "text", str, where),
        verdict=verdict,
        note=_get(c, "note", str, where),
        reviewer=_get(c, "reviewer", str, where, null=True),
        updated_at=_get(c, "updated_at", str, where, null=True),
        passage_id=passage_id,
        start=_get(c, "start", int, where, null=True),
        end=_get(c, "end", int, where, null=True),
        score=float(_get(c, "score", (int, float), where)),
        reasons=_strings(c, "reasons", where),
        origin=_choice(_get(c, "origin", str, where), ORIGINS, f"{where}.origin"),
        created_at=_get(c, "created_at", str, where),
        context_before=_get(context, "before", str, f"{where}.context"),
        context_after=_get(context, "after", str, f"{where}.context"),
        links=_links(c, where, refs, passages),
        flags=_strings(c, "flags", where),
        suggestions=_suggestions(c, where, passages),
        history=_history(c, claim_id, where, passages),
        evidence_check=_evidence_check(c.get("evidence_check"), f"{where}.evidence_check"),
        dismissed_at=_optional_text(c, "dismissed_at", where),
        dismissed_by=_optional_text(c, "dismissed_by", where),
        original_text=_optional_text(c, "original_text", where),
        decisions=_decisions(c, where),
        basis=_choice(c.get("basis", "single"), BASES, f"{where}.basis"),
        # Files from before assignments were exported have none.
        assigned=_strings(c, "assigned", where) if "assigned" in c else (),
    )


def _decisions(c: dict, where: str) -> tuple[ReviewerDecision, ...]:
    """Each reviewer's decision (team review); files from before it have none."""
    if "decisions" not in c:
        return ()
    decisions = []
    for i, d in enumerate(_get(c, "decisions", list, where)):
        w = f"{where}.decisions[{i}]"
        status = _get(d, "status", str, w, null=True)
        if status is not None:
            _choice(status, VERDICTS, f"{w}.status")
        decisions.append(
            ReviewerDecision(
                _get(d, "reviewer", str, w, null=True),
                status,
                _get(d, "note", str, w),
                _get(d, "updated_at", str, w),
            )
        )
    if len({d.reviewer or "" for d in decisions}) != len(decisions):
        raise _Bad(f"{where}.decisions has two decisions of one reviewer")
    return tuple(decisions)


def _links(c: dict, where: str, refs: dict[int, DocRef], passages: _Passages) -> tuple[LinkedPassage, ...]:
    links = []
    for i, link in enumerate(_get(c, "links", list, where)):
        w = f"{where}.links[{i}]"
        pdoc, p = _passage(passages, _get(link, "passage_id", int, w), w)
        links.append(
            LinkedPassage(
                p.id,
                refs[pdoc],
                p.ordinal,
                _choice(_get(link, "relation", str, w), RELATIONS, f"{w}.relation"),
                _get(link, "reviewer", str, w, null=True),
                _get(link, "created_at", str, w),
                p.text,
                _span(link, w),
                _get(link, "span_origin", str, w),
                _strings(link, "flags", w),
            )
        )
    return tuple(links)


def _suggestions(c: dict, where: str, passages: _Passages) -> tuple[Suggestion, ...]:
    suggestions = []
    for i, s in enumerate(_get(c, "suggestions", list, where)):
        w = f"{where}.suggestions[{i}]"
        suggestions.append(
            Suggestion(
                _get(s, "rank", int, w),
                _passage(passages, _get(s, "passage_id", int, w), w)[1].id,
                float(_get(s, "score", (int, float), w)),
                _span(s, w),
                _strings(s, "flags", w),
                # stance and reasons came with the evidence judgement: older files lack them
                _choice(s.get("stance", "related"), STANCES, f"{w}.stance"),
                _strings(s, "reasons", w) if "reasons" in s else (),
            )
        )
    if len({s.rank for s in suggestions}) != len(suggestions):
        raise _Bad(f"{where}.suggestions has two entries with the same rank")
    return tuple(suggestions)


def _history(c: dict, claim_id: int, where: str, passages: _Passages) -> tuple[HistoryEntry, ...]:
    history = []
    for i, h in enumerate(_get(c, "history", list, where)):
        w = f"{where}.history[{i}]"
        hp = _get(h, "passage_id", int, w, null=True)
        if hp is not None:
            _passage(passages, hp, w)
        kind = _choice(_get(h, "kind", str, w), HISTORY_KINDS, f"{w}.kind")
        old, new = _get(h, "old", str, w, null=True), _get(h, "new", str, w, null=True)
        for value, part in ((old, "old"), (new, "new")):
            _history_value(kind, value, f"{w}.{part}")
        history.append(
            HistoryEntry(
                _get(h, "id", int, w),
                claim_id,
                kind,
                hp,
                old,
                new,
                _get(h, "reviewer", str, w, null=True),
                _get(h, "at", str, w),
                _get(h, "undoes", int, w, null=True),
            )
        )
    return tuple(history)


def _history_value(kind: str, value: str | None, where: str) -> None:
    """A verdict change holds a verdict; an edit the claim's text and offsets as JSON."""
    if value is None:
        return
    if kind in ("status", "adjudicate"):
        _choice(value, VERDICTS, where)
    elif kind == "edit":
        try:
            span = json.loads(value)
        except ValueError:
            raise _Bad(f"{where} is not the JSON of an edited claim") from None
        if not isinstance(span, dict) or not isinstance(span.get("text"), str):
            raise _Bad(f"{where} must be a JSON object with the claim's text")


def _evidence_check(check, where: str) -> LinkResult | None:
    """The stored judgement of a claim's suggestions (absent in files from before it)."""
    if check is None:
        return None
    coverage = _get(check, "coverage", dict, where)
    return LinkResult(
        (),
        _get(check, "sources", int, where),
        _choice(_get(check, "suggested", str, where), VERDICTS, f"{where}.suggested"),
        Coverage(
            *(
                _strings(coverage, k, f"{where}.coverage")
                for k in ("corroborated", "contradicted", "not_found", "related_only")
            )
        ),
        _get(check, "related_only", bool, where),
    )
