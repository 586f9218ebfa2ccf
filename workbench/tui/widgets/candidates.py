"""Candidate evidence passages for the current claim (at most a dozen: an OptionList is fine).

Each shows its stance (symbol and word: never colour alone) and the reasons for
it ("states: …", "differs: …", "does not state: …"). On a short terminal the
passage text and the reasons are clipped harder, so that more candidates fit.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...models import Candidate
from .. import text as txt
from ..bindings import bindings_for

#: Passage text shown around the matched span; longer passages are clipped with "…".
WINDOW = 360
#: The same on a short candidate list (fewer than ``SHORT_ROWS`` rows), with one line of reasons.
WINDOW_SHORT = 110
REASONS, REASONS_SHORT = 2, 1
SHORT_ROWS = 20

#: Stance of a candidate: mark, word, style.
STANCE_LABELS = {
    "supports": ("✓", "supports", "bold green"),
    "contradicts": ("✗", "contradicts", "bold red"),
    "related": ("~", "related", "dim"),
}

FLAG_LABELS = {"number-mismatch": "⚠ numbers differ"}
RELATION_LABELS = {
    "supports": ("✓ linked", "bold green"),
    "contradicts": ("✗ linked as contradicting", "bold red"),
}


def clip(text: str, span: tuple[int, int], window: int = WINDOW) -> tuple[str, tuple[int, int]]:
    """At most about ``window`` characters of ``text`` around ``span``, with the span re-based."""
    if len(text) <= window:
        return text, span
    start, end = span
    if not 0 <= start < end <= len(text):
        return text[:window] + "…", (0, 0)
    lo = max(0, min(start - window // 3, len(text) - window))
    hi = max(lo + window, end)
    head = "…" if lo else ""
    tail = "…" if hi < len(text) else ""
    return head + text[lo:hi] + tail, (start - lo + len(head), end - lo + len(head))


def stance_text(stance: str) -> Text:
    mark, word, style = STANCE_LABELS.get(stance, ("·", stance, "bold"))
    return Text(f"{mark} {txt.one_line(word)}", style)


def candidate_prompt(
    rank: int, cand: Candidate, relation: str | None, *, window: int = WINDOW, reasons: int = REASONS
) -> Text:
    head = Text(no_wrap=False)
    head.append(f"{rank:>2}. ", "bold")
    head.append_text(stance_text(cand.stance))
    head.append("  ")
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
    for reason in cand.reasons[:reasons]:
        head.append("\n    ")
        head.append(txt.one_line(reason)[:200], "italic")
    body, span = clip(*txt.clean_span(cand.text, cand.span), window)
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
        self._short: bool | None = None
        """Whether the options were made for a short list (clipped harder)."""

    def show(self, candidates: tuple[Candidate, ...], relations: dict[int, str]) -> None:
        """Replace the list, keeping the highlight on the same passage when it is still there."""
        short = 0 < self.size.height < SHORT_ROWS
        if candidates == self.candidates and relations == self._relations and short == self._short:
            return  # nothing to repaint (e.g. no candidates before or after)
        self._relations = dict(relations)
        self._short = short
        keep = self.current
        self.candidates = candidates
        window, reasons = (WINDOW_SHORT, REASONS_SHORT) if short else (WINDOW, REASONS)
        self.clear_options()
        self.add_options(
            Option(
                candidate_prompt(i, c, relations.get(c.passage_id), window=window, reasons=reasons), id=str(i)
            )
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

    def on_resize(self) -> None:
        if self._short is not None and (0 < self.size.height < SHORT_ROWS) != self._short:
            self.show(self.candidates, self._relations)  # clip harder (or less) for the new height
