"""Plain records passed between the core modules and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VerdictSpec:
    """Everything about one verdict, for every layer that shows or exports it."""

    name: str  # stored in verdicts.status
    key: str  # default key in the review screen
    label: str  # "Sourced"
    meaning: str  # the reports' legend
    mark: str  # one-character mark in lists (never the only cue: the name is shown too)
    style: str  # Rich style of the mark in the TUI
    colours: tuple[str, str]  # HTML report: accent, background
    reading_order: int  # Markdown/HTML list the lower first (contested first)
    claimreview_rating: int  # schema.org Rating value (1 worst .. 3 best)
    fever_label: str  # FEVER label
    fever_relation: str | None  # which linked passages are its FEVER evidence (None: no evidence set)


#: The verdict registry: the one place a verdict is defined. Everything else derives from it
#: (keys, filters, counts, report legends and order, ClaimReview ratings, FEVER labels); the
#: schema's CHECK constraint is checked against it by a test.
VERDICT_SPECS: tuple[VerdictSpec, ...] = (
    VerdictSpec(
        "sourced",
        "s",
        "Sourced",
        "a linked source supports the claim",
        "✓",
        "bold green",
        ("#1b7a3a", "#e6f4ea"),
        2,
        3,
        "SUPPORTS",
        "supports",
    ),
    VerdictSpec(
        "contested",
        "c",
        "Contested",
        "sources contradict or disagree with the claim",
        "!",
        "bold yellow",
        ("#b3261e", "#fce8e6"),
        0,
        1,
        "REFUTES",
        "contradicts",
    ),
    VerdictSpec(
        "unsupported",
        "u",
        "Unsupported",
        "no source in the corpus backs the claim",
        "✗",
        "bold red",
        ("#8a5a00", "#fef3d6"),
        1,
        2,
        "NOT ENOUGH INFO",
        None,
    ),
)
#: Verdicts a reviewer can give; ``None`` means not reviewed yet.
VERDICTS: tuple[str, ...] = tuple(v.name for v in VERDICT_SPECS)
VERDICT: dict[str, VerdictSpec] = {v.name: v for v in VERDICT_SPECS}
#: The status of a claim with no verdict, as lists, filters and reports name it.
UNREVIEWED = "unreviewed"
#: Every status a claim can have, verdicts first.
STATUSES: tuple[str, ...] = (*VERDICTS, UNREVIEWED)

#: Where a claim came from.
ORIGINS: tuple[str, ...] = ("extracted", "manual", "imported")

#: How a linked passage bears on its claim.
RELATIONS: tuple[str, ...] = ("supports", "contradicts")

#: How the evidence judgement reads a candidate passage (``workbench.judgement``).
STANCES: tuple[str, ...] = ("supports", "contradicts", "related")


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
    dismissed_at: str | None = None  # set when a reviewer dismissed it as not check-worthy
    dismissed_by: str | None = None
    original_text: str | None = None  # the extracted text, once a reviewer edited the claim


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
    kind: str  # "status" | "note" | "link" | "dismiss" | "edit" | "adjudicate"
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
    stance: str = "related"  # "supports" | "contradicts" | "related" (workbench.judgement)
    reasons: tuple[str, ...] = ()  # why: "states: …", "differs: …", "does not state: …"

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
            "stance": self.stance,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Coverage:
    """Which of a claim's checkable facts the evidence bears out (labels as written in the claim)."""

    corroborated: tuple[str, ...] = ()  # stated by a supporting passage of another source
    contradicted: tuple[str, ...] = ()  # stated differently by a passage about the same thing
    not_found: tuple[str, ...] = ()  # in no candidate passage at all
    related_only: tuple[str, ...] = ()  # only in passages that do not support the claim

    def to_json(self) -> dict:
        return {
            "corroborated": list(self.corroborated),
            "contradicted": list(self.contradicted),
            "not_found": list(self.not_found),
            "related_only": list(self.related_only),
        }

    def lines(self) -> list[str]:
        """One plain-text line per non-empty group: "not found in any evidence: a · b"."""
        groups = (
            ("corroborated", self.corroborated),
            ("contradicted", self.contradicted),
            ("only in related passages", self.related_only),
            ("not found in any evidence", self.not_found),
        )
        return [f"{label}: {' · '.join(facts)}" for label, facts in groups if facts]

    @classmethod
    def from_json(cls, data: dict) -> Coverage:
        return cls(
            *(
                tuple(str(x) for x in data.get(k) or ())
                for k in ("corroborated", "contradicted", "not_found", "related_only")
            )
        )


@dataclass(frozen=True)
class LinkResult:
    """Ranked evidence for a claim and what it suggests (``workbench.judgement.assess``)."""

    candidates: tuple[Candidate, ...]  # best first
    sources: int  # independent sources with a supporting passage
    suggested: str  # "sourced" | "contested" | "unsupported" (never applied by itself)
    coverage: Coverage = Coverage()
    related_only: bool = False  # unsupported, but related passages exist

    def to_json(self) -> dict:
        """The shape of ``link --json`` (and of each ``link --claims`` line, beside ``id``)."""
        return {
            "suggested": self.suggested,
            "suggestion": self.suggestion_label,
            "sources": self.sources,
            "coverage": self.coverage.to_json(),
            "candidates": [c.to_json() for c in self.candidates],
        }

    @property
    def suggestion_label(self) -> str:
        """The suggestion as a reader should see it."""
        if self.suggested == "unsupported" and self.related_only:
            return "unsupported (related passages only)"
        return self.suggested

    def explanation(self) -> list[str]:
        """The suggestion and the claim's coverage as plain-text lines (CLI, reports)."""
        sources = f"{self.sources} independent source{'' if self.sources == 1 else 's'} supporting"
        return [
            f"suggested: {self.suggestion_label} ({sources}; never applied by itself)",
            *self.coverage.lines(),
        ]


@dataclass(frozen=True)
class Progress:
    """How far a review is: counts per verdict."""

    total: int  # claims not dismissed
    counts: dict[str, int] = field(default_factory=dict)
    dismissed: int = 0

    @property
    def reviewed(self) -> int:
        return sum(self.counts.get(v, 0) for v in VERDICTS)

    def summary(self) -> str:
        parts = [f"{self.reviewed}/{self.total} reviewed"]
        parts += [f"{self.counts.get(v, 0)} {v}" for v in VERDICTS]
        if self.dismissed:
            parts.append(f"{self.dismissed} dismissed")
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
