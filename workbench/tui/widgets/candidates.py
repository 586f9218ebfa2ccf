"""Candidate evidence passages for the current claim (at most a dozen: an OptionList is fine)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...models import Candidate
from .. import text as txt
from ..bindings import bindings_for

#: Passage text shown around the matched span; longer passages are clipped with "…".
WINDOW = 360

FLAG_LABELS = {"number-mismatch": "⚠ numbers differ"}
RELATION_LABELS = {"supports": ("✓ linked", "bold green"), "contradicts": ("✗ linked as contradicting", "bold red")}


def clip(text: str, span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    """At most about ``WINDOW`` characters of ``text`` around ``span``, with the span re-based."""
    if len(text) <= WINDOW:
        return text, span
    start, end = span
    if not 0 <= start < end <= len(text):
        return text[:WINDOW] + "…", (0, 0)
    lo = max(0, min(start - WINDOW // 3, len(text) - WINDOW))
    hi = max(lo + WINDOW, end)
    head = "…" if lo else ""
    tail = "…" if hi < len(text) else ""
    return head + text[lo:hi] + tail, (start - lo + len(head), end - lo + len(head))


def candidate_prompt(rank: int, cand: Candidate, relation: str | None) -> Text:
    head = Text(no_wrap=False)
    head.append(f"{rank:>2}. ", "bold")
    head.append(f"{cand.score:.2f}  ", "bold")
    head.append(txt.one_line(cand.title or cand.doc)[:120], "italic")
    if cand.source:
        head.append(" — ")
        head.append(txt.one_line(cand.source)[:40])
    head.append(f"  #{cand.passage_id}", "dim")
    for flag in cand.flags:
        head.append("  ")
        head.append(FLAG_LABELS.get(flag, f"⚑ {txt.one_line(flag)}"), "bold yellow reverse")
    if relation in RELATION_LABELS:
        label, style = RELATION_LABELS[relation]
        head.append("  ")
        head.append(label, style)
    body, span = clip(*txt.clean_span(cand.text, cand.span))
    head.append("\n")
    head.append_text(txt.highlighted(body, span, "bold underline"))
    return head


class CandidateList(OptionList):
    """Ranked candidates; the highlighted one is what ``l``/``L``/``enter`` link."""

    BINDINGS = bindings_for("candidates")

    DEFAULT_CSS = """
    CandidateList { height: 1fr; border: none; padding: 0; }
    CandidateList > .option-list--option { padding: 0 1 1 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.candidates: tuple[Candidate, ...] = ()
        self._relations: dict[int, str] = {}

    def show(self, candidates: tuple[Candidate, ...], relations: dict[int, str]) -> None:
        """Replace the list, keeping the highlight on the same passage when it is still there."""
        if candidates == self.candidates and relations == self._relations:
            return  # nothing to repaint (e.g. no candidates before or after)
        self._relations = dict(relations)
        keep = self.current
        self.candidates = candidates
        self.clear_options()
        self.add_options(
            Option(candidate_prompt(i, c, relations.get(c.passage_id)), id=str(i))
            for i, c in enumerate(candidates, start=1)
        )
        if candidates:
            ids = [c.passage_id for c in candidates]
            self.highlighted = ids.index(keep.passage_id) if keep and keep.passage_id in ids else 0

    @property
    def current(self) -> Candidate | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.candidates):
            return None
        return self.candidates[self.highlighted]

    def move(self, delta: int) -> None:
        if self.candidates:
            start = self.highlighted if self.highlighted is not None else -1
            self.highlighted = max(0, min(start + delta, len(self.candidates) - 1))
