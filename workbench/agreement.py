"""How far reviewers agree on verdicts (issue #13): Cohen's κ for each pair, Fleiss' κ and
Krippendorff's α (nominal) over all, agreement per verdict, confusion matrices.

Pure computation over (claim, reviewer, verdict) triples; ``storage.team.decision_rows``
supplies them. Krippendorff's α comes from the ``krippendorff`` package (the reference
implementation); Cohen's and Fleiss' κ are the textbook formulas, each checked in the
tests against its published worked example.

A figure that cannot be computed (one reviewer, no claim two reviewers decided, every
verdict the same so that chance agreement is total) has ``value`` None and says why
in ``undefined``; never NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import krippendorff
import numpy as np

from .models import VERDICTS


@dataclass(frozen=True)
class Figure:
    value: float | None
    claims: int  # how many claims it rests on
    undefined: str | None = None  # why value is None

    def to_json(self) -> dict:
        out: dict = {"value": None if self.value is None else round(self.value, 4), "claims": self.claims}
        if self.undefined:
            out["undefined"] = self.undefined
        return out


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    kappa: Figure  # Cohen's κ over the claims both decided
    observed: float | None  # share of those claims with the same verdict
    confusion: tuple[tuple[int, ...], ...]  # rows: first's verdicts, columns: second's

    def to_json(self, categories: Sequence[str]) -> dict:
        return {
            "reviewers": [self.first, self.second],
            "cohen_kappa": self.kappa.to_json(),
            "observed_agreement": None if self.observed is None else round(self.observed, 4),
            "confusion": {
                "rows": self.first,
                "columns": self.second,
                "verdicts": list(categories),
                "counts": [list(row) for row in self.confusion],
            },
        }


@dataclass(frozen=True)
class Agreement:
    categories: tuple[str, ...]
    reviewers: tuple[str, ...]
    decisions: int  # verdicts counted
    claims: int  # claims with verdicts from at least two reviewers
    fleiss: Figure
    alpha: Figure
    per_verdict: dict[str, Figure] = field(default_factory=dict)  # specific agreement
    pairs: tuple[PairAgreement, ...] = ()

    def to_json(self) -> dict:
        return {
            "reviewers": list(self.reviewers),
            "verdicts": list(self.categories),
            "decisions": self.decisions,
            "claims_with_two_or_more": self.claims,
            "krippendorff_alpha": self.alpha.to_json(),
            "fleiss_kappa": self.fleiss.to_json(),
            "per_verdict": {name: f.to_json() for name, f in self.per_verdict.items()},
            "pairs": [p.to_json(self.categories) for p in self.pairs],
        }


# --- the formulas -------------------------------------------------------------------------


def cohen_kappa(confusion: np.ndarray) -> float | None:
    """Cohen's κ from a square confusion matrix (rows: one rater, columns: the other);
    None when there is nothing to compare or chance agreement is total."""
    m = np.asarray(confusion, dtype=float)
    n = m.sum()
    if n == 0:
        return None
    observed = np.trace(m) / n
    expected = float(m.sum(axis=1) @ m.sum(axis=0)) / (n * n)
    if expected >= 1.0:
        return None
    return float((observed - expected) / (1.0 - expected))


def fleiss_kappa(counts: np.ndarray) -> float | None:
    """Fleiss' κ from a subjects × categories table of how many raters chose each category.

    Subjects rated fewer than twice are left out. Subjects may have different numbers of
    raters (each subject's agreement is over its own pairs of raters); with the same number
    everywhere this is Fleiss (1971) exactly.
    """
    c = np.asarray(counts, dtype=float)
    n_i = c.sum(axis=1)
    c, n_i = c[n_i >= 2], n_i[n_i >= 2]
    if len(c) == 0:
        return None
    p_i = ((c * c).sum(axis=1) - n_i) / (n_i * (n_i - 1))
    p_bar = p_i.mean()
    p_j = c.sum(axis=0) / n_i.sum()
    p_e = float((p_j * p_j).sum())
    if p_e >= 1.0:
        return None
    return float((p_bar - p_e) / (1.0 - p_e))


def specific_agreement(counts: np.ndarray) -> list[float | None]:
    """Per category: of the rater pairs on a subject where one chose it, the share where the
    other did too (positive specific agreement, generalised to many raters)."""
    c = np.asarray(counts, dtype=float)
    n_i = c.sum(axis=1, keepdims=True)
    both = (c * (c - 1)).sum(axis=0)
    either = (c * (n_i - 1)).sum(axis=0)
    return [None if e == 0 else float(b / e) for b, e in zip(both, either, strict=True)]


def krippendorff_alpha(counts: np.ndarray) -> float | None:
    """Krippendorff's α (nominal) from a units × values table of value counts."""
    c = np.asarray(counts, dtype=float)
    pairable = c[c.sum(axis=1) >= 2]
    if len(pairable) == 0 or np.count_nonzero(pairable.sum(axis=0)) < 2:
        return None
    return float(
        krippendorff.alpha(
            value_counts=pairable, value_domain=list(range(c.shape[1])), level_of_measurement="nominal"
        )
    )


# --- from decisions ---------------------------------------------------------------------


def compute(rows: Iterable[tuple[int, str, str]], categories: Sequence[str] = VERDICTS) -> Agreement:
    """Every figure from (claim id, reviewer, verdict) triples (one per claim and reviewer)."""
    cat_index = {name: i for i, name in enumerate(categories)}
    claim_index: dict[int, int] = {}
    reviewer_index: dict[str, int] = {}
    ci: list[int] = []
    ri: list[int] = []
    ki: list[int] = []
    # The hot loop of `workbench agreement` (one pass over every verdict): methods bound once.
    category, claim_of, reviewer_of = cat_index.get, claim_index.get, reviewer_index.get
    add_c, add_r, add_k = ci.append, ri.append, ki.append
    for claim_id, reviewer, verdict in rows:
        k = category(verdict)
        if k is None:
            continue
        c = claim_of(claim_id)
        if c is None:
            c = claim_index[claim_id] = len(claim_index)
        r = reviewer_of(reviewer)
        if r is None:
            r = reviewer_index[reviewer] = len(reviewer_index)
        add_c(c)
        add_r(r)
        add_k(k)
    names = sorted(reviewer_index)
    order = np.array([names.index(n) for n in reviewer_index], dtype=np.int64)
    claims = np.asarray(ci, dtype=np.int64)
    raters = order[np.asarray(ri, dtype=np.int64)] if ri else np.zeros(0, dtype=np.int64)
    verdicts = np.asarray(ki, dtype=np.int64)
    n_cat = len(categories)

    counts = np.zeros((len(claim_index), n_cat), dtype=np.int64)
    np.add.at(counts, (claims, verdicts), 1)
    shared = counts[counts.sum(axis=1) >= 2]
    n_shared = len(shared)
    why_none = (
        "only one reviewer gave verdicts"
        if len(names) < 2
        else "no claim has verdicts from two reviewers"
        if n_shared == 0
        else None
    )
    one_verdict = _single_verdict(shared, categories)

    def figure(value: float | None, n: int, reason_if_none: str | None) -> Figure:
        return Figure(value, n, None if value is not None else (reason_if_none or "cannot be computed"))

    same_reason = f"every verdict was '{one_verdict}': chance agreement is total" if one_verdict else None
    fleiss = figure(fleiss_kappa(shared) if n_shared else None, n_shared, why_none or same_reason)
    alpha = figure(krippendorff_alpha(shared) if n_shared else None, n_shared, why_none or same_reason)

    specific = specific_agreement(shared) if n_shared else [None] * n_cat
    used = (shared > 0).sum(axis=0) if n_shared else np.zeros(n_cat, dtype=np.int64)
    per_verdict = {
        name: figure(value, int(used[k]), why_none or f"no claim two reviewers decided got '{name}'")
        for k, (name, value) in enumerate(zip(categories, specific, strict=True))
    }

    grid = np.full((len(claim_index), len(names)), -1, dtype=np.int64)
    grid[claims, raters] = verdicts
    pairs = []
    for a, b in combinations(range(len(names)), 2):
        both = (grid[:, a] >= 0) & (grid[:, b] >= 0)
        n = int(both.sum())
        confusion = np.bincount(grid[both, a] * n_cat + grid[both, b], minlength=n_cat * n_cat).reshape(
            n_cat, n_cat
        )
        pair_one = _single_verdict_pair(confusion, categories)
        reason = (
            "no claim both decided"
            if n == 0
            else f"both gave every claim '{pair_one}': chance agreement is total"
            if pair_one
            else None
        )
        pairs.append(
            PairAgreement(
                names[a],
                names[b],
                figure(cohen_kappa(confusion), n, reason),
                float(np.trace(confusion) / n) if n else None,
                tuple(tuple(int(x) for x in row) for row in confusion),
            )
        )
    return Agreement(
        categories=tuple(categories),
        reviewers=tuple(names),
        decisions=len(ki),
        claims=n_shared,
        fleiss=fleiss,
        alpha=alpha,
        per_verdict=per_verdict,
        pairs=tuple(pairs),
    )


def _single_verdict(counts: np.ndarray, categories: Sequence[str]) -> str | None:
    used = np.flatnonzero(counts.sum(axis=0)) if len(counts) else []
    return categories[int(used[0])] if len(used) == 1 else None


def _single_verdict_pair(confusion: np.ndarray, categories: Sequence[str]) -> str | None:
    rows, cols = np.flatnonzero(confusion.sum(axis=1)), np.flatnonzero(confusion.sum(axis=0))
    if len(rows) == 1 and len(cols) == 1 and rows[0] == cols[0]:
        return categories[int(rows[0])]
    return None
