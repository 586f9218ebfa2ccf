"""Plain records passed between the core modules and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Verdicts a reviewer can give; ``None`` means not reviewed yet.
VERDICTS: tuple[str, ...] = ("sourced", "contested", "unsupported")

#: Where a claim came from.
ORIGINS: tuple[str, ...] = ("extracted", "manual", "imported")

#: How a linked passage bears on its claim.
RELATIONS: tuple[str, ...] = ("supports", "contradicts")


@dataclass(frozen=True)
class RawDocument:
    """A document read from disk, before it is split and stored."""

    name: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    content_hash: str


@dataclass(frozen=True)
class Passage:
    id: int
    document_id: int
    ordinal: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Claim:
    id: int
    document_id: int
    passage_id: int | None
    text: str
    start: int | None
    end: int | None
    score: float
    reasons: tuple[str, ...]
    origin: str
    status: str | None = None
    doc_name: str = ""


@dataclass(frozen=True)
class Verdict:
    """The current decision on one claim."""

    claim_id: int
    status: str | None
    note: str
    reviewer: str | None
    updated_at: str | None


@dataclass(frozen=True)
class EvidenceLink:
    claim_id: int
    passage_id: int
    relation: str
    reviewer: str | None
    created_at: str


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    claim_id: int
    kind: str  # "status" | "note" | "link"
    passage_id: int | None
    old: str | None
    new: str | None
    reviewer: str | None
    at: str
    undoes: int | None = None


@dataclass(frozen=True)
class Candidate:
    """A passage the linker proposes as evidence for a claim."""

    passage_id: int
    doc: str
    title: str | None
    source: str | None
    text: str
    score: float
    span: tuple[int, int]
    flags: tuple[str, ...] = ()
    document_id: int = 0

    def to_json(self) -> dict:
        return {
            "passage_id": self.passage_id,
            "doc": self.doc,
            "title": self.title,
            "source": self.source,
            "text": self.text,
            "score": round(self.score, 2),
            "span": list(self.span),
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class Progress:
    """How far a review is: counts per verdict."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def reviewed(self) -> int:
        return sum(self.counts.get(v, 0) for v in VERDICTS)

    def summary(self) -> str:
        parts = [f"{self.reviewed}/{self.total} reviewed"]
        parts += [f"{self.counts.get(v, 0)} {v}" for v in VERDICTS]
        return " · ".join(parts)


@dataclass(frozen=True)
class ClaimDraft:
    """Check-worthiness of a passage, before it is stored."""

    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PassageDraft:
    """A sentence found by ingestion, with offsets into its document's text."""

    ordinal: int
    paragraph: int
    start: int
    end: int
    text: str
    claim: ClaimDraft | None = None
