"""FEVER JSONL: one reviewed claim per line, in the FEVER shared task's shape.

Each line: ``{"id", "verifiable", "label", "claim", "evidence"}``.

Verdict mapping:

===========  ================  ================
verdict      label             verifiable
===========  ================  ================
sourced      SUPPORTS          VERIFIABLE
contested    REFUTES           VERIFIABLE
unsupported  NOT ENOUGH INFO   NOT VERIFIABLE
===========  ================  ================

Unreviewed claims and claims dismissed as not check-worthy are left out (the
export warns how many were dismissed). ``evidence`` is a list of evidence sets; each
linked passage whose relation matches the label (``supports`` for SUPPORTS,
``contradicts`` for REFUTES) is one set of one sentence, as
``[annotation_id, evidence_id, page, sentence_id]`` = ``[null, passage id,
document name, sentence ordinal in that document]``. NOT ENOUGH INFO claims get
``[[[null, null, null, null]]]`` as in FEVER. A SUPPORTS/REFUTES claim with no
matching link is left out (the FEVER scorer rejects a verifiable claim without
evidence); ``render`` counts them in ``left_out`` so the caller can say so.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..models import VERDICT_SPECS
from .model import Report, ReportClaim
from .safe_json import dumps

LABELS: dict[str, tuple[str, str | None]] = {v.name: (v.fever_label, v.fever_relation) for v in VERDICT_SPECS}


def record(c: ReportClaim) -> dict:
    label, relation = LABELS[c.verdict or ""]
    if relation is None:
        evidence: list = [[[None, None, None, None]]]
    else:
        evidence = [
            [[None, link.passage_id, link.document.name, link.ordinal]]
            for link in c.links
            if link.relation == relation
        ]
    return {
        "id": c.id,
        "verifiable": "NOT VERIFIABLE" if relation is None else "VERIFIABLE",
        "label": label,
        "claim": c.text,
        "evidence": evidence,
    }


def render(report: Report, left_out: list[int] | None = None) -> Iterator[str]:
    """One line per reviewed claim; ids of verifiable claims without evidence go to ``left_out``."""
    for c in report.claims:
        if c.verdict is None or c.dismissed_at is not None:
            continue
        rec = record(c)
        if rec["verifiable"] == "VERIFIABLE" and not rec["evidence"]:
            if left_out is not None:
                left_out.append(c.id)
            continue
        yield dumps(rec) + "\n"
