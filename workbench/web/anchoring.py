"""Moving a reviewer's work to a page's new version (issue #15, item 2).

When a fetched page changed, its new text is a new document; the old one is kept.
Each claim and evidence link on the old version is found again in the new one:
the same sentence word for word first (the nearest one if it occurs twice), then
the most similar sentence (rapidfuzz ratio at least ``FUZZY_MIN``) with the span
re-found. A fuzzy match is recorded as *changed* (old and new text kept), no match
as *gone* (the claim or link stays on the old version); both show in
``workbench stale``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from ..models import Passage
from ..storage import corpus, versions

if TYPE_CHECKING:
    from sqlite_utils import Database

#: Least similarity (0-100, rapidfuzz ratio) for an edited sentence to count as the same one.
#: A changed figure or a reworded clause scores 85-98; an unrelated sentence rarely 60.
FUZZY_MIN = 75.0


@dataclass(frozen=True)
class Match:
    passage: Passage
    similarity: float  # 100.0 for the exact text

    @property
    def exact(self) -> bool:
        return self.similarity >= 100.0


class Finder:
    """Finds an old version's sentences among a new version's passages."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self.by_text: dict[str, list[Passage]] = {}
        for p in passages:
            self.by_text.setdefault(p.text, []).append(p)
        self.texts = [p.text for p in passages]

    def find(self, text: str, ordinal: int = 0) -> Match | None:
        same = self.by_text.get(text)
        if same:
            return Match(min(same, key=lambda p: abs(p.ordinal - ordinal)), 100.0)
        best = process.extractOne(text, self.texts, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if best is None:
            return None
        return Match(self.passages[best[2]], float(best[1]))


@dataclass
class Outcome:
    kept: int = 0
    changed: int = 0
    gone: int = 0


def reanchor(db: Database, old_id: int, new_id: int) -> Outcome:
    """Move claims and links from document ``old_id`` to its new version ``new_id``.

    Runs inside the caller's write transaction (the new version and its anchors
    commit together).
    """
    old_passages = {p.id: p for p in corpus.passages_of(db, old_id)}
    finder = Finder(corpus.passages_of(db, new_id))
    outcome = Outcome()

    def note(kind: str, claim_id: int, old: Passage, match: Match | None) -> None:
        if match is not None and match.exact:
            outcome.kept += 1
            return
        outcome.changed += match is not None
        outcome.gone += match is None
        corpus.record_change(
            db,
            kind=kind,
            claim_id=claim_id,
            old_document_id=old_id,
            new_document_id=new_id,
            old_passage_id=old.id,
            new_passage_id=match.passage.id if match else None,
            state="changed" if match else "gone",
            old_text=old.text,
            new_text=match.passage.text if match else None,
            similarity=round(match.similarity, 1) if match else None,
        )

    for claim_id, passage_id, text, start, end, origin in corpus.claims_of(db, old_id):
        old = old_passages.get(passage_id) if passage_id is not None else None
        if old is None:
            continue  # a manual claim not tied to a sentence stays where it is
        match = finder.find(old.text, old.ordinal)
        if match is not None:
            new = match.passage
            if origin == "extracted" or text == old.text:
                new_text, new_start, new_end = new.text, new.start, new.end
            else:  # a claim written by hand over part of the sentence: find that part again
                new_text, new_start, new_end = text, *_span(text, start, end, old, new)
            corpus.move_claim(db, claim_id, new, new_text, new_start, new_end)
        note("claim", claim_id, old, match)

    for claim_id, passage_id in versions.links_into(db, old_id):
        old = old_passages[passage_id]
        match = finder.find(old.text, old.ordinal)
        if match is not None:
            corpus.move_link(db, claim_id, passage_id, match.passage.id)
        note("link", claim_id, old, match)
    corpus.retire_passages(db, old_id)
    return outcome


def _span(text: str, start: int | None, end: int | None, old: Passage, new: Passage) -> tuple[int, int]:
    """Where the part of ``old`` that ``start:end`` covered is in ``new`` (document offsets)."""
    if start is None or end is None:
        return new.start, new.end
    part = old.text[max(0, start - old.start) : max(0, end - old.start)] or text
    at = new.text.find(part)
    if at >= 0:
        return new.start + at, new.start + at + len(part)
    found = fuzz.partial_ratio_alignment(part, new.text)
    if found is None:
        return new.start, new.end
    # The alignment is a window as long as the old part: an inserted word shifts its
    # ends off the text. Re-fit both ends to word boundaries nearby, most similar wins.
    bounds = [0, *(m.end() for m in re.finditer(r"\s+", new.text)), len(new.text)]
    starts = sorted(bounds, key=lambda b: abs(b - found.dest_start))[:4]
    ends = sorted(bounds, key=lambda b: abs(b - found.dest_end))[:4]
    best = max(
        ((fuzz.ratio(part, new.text[a:b].strip()), a, b) for a in starts for b in ends if b > a),
        default=(0.0, found.dest_start, found.dest_end),
    )
    text = new.text[best[1] : best[2]]
    a = best[1] + len(text) - len(text.lstrip())
    b = best[2] - (len(text) - len(text.rstrip()))
    return new.start + a, new.start + b
