"""Where a claim shows up inside a linked passage (for highlighting the matched span)."""

from __future__ import annotations

from rapidfuzz import fuzz

#: Below this partial-ratio score the best alignment is noise: report no span.
MIN_SPAN_SCORE = 50.0


def _fold(text: str) -> str:
    """Lower-case without changing the length, so offsets still index the original."""
    lowered = text.lower()
    if len(lowered) == len(text):  # the usual case; "İ" and a few others grow
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def matched_span(claim: str, passage: str) -> tuple[int, int]:
    """(start, end) in ``passage`` of the part that best matches ``claim``.

    Used when no stored linker suggestion gives a span for a linked passage.
    ``(0, 0)`` means nothing in the passage resembles the claim.
    """
    if not claim.strip() or not passage.strip():
        return (0, 0)
    found = fuzz.partial_ratio_alignment(_fold(claim), _fold(passage), score_cutoff=MIN_SPAN_SCORE)
    if found is None:
        return (0, 0)
    return (found.dest_start, found.dest_end)
