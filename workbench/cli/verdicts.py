"""`workbench verdict`: the review operations, scriptable.

Goes through the same storage.review functions as the TUI, so a verdict made
here is indistinguishable from one made on screen (history included).
"""

from __future__ import annotations

import click

from ..errors import InputError
from ..ingestion import is_utf8
from ..models import VERDICTS
from ..storage import corpus, review
from . import cli
from .common import login_name, open_db

SQLITE_INT_MIN, SQLITE_INT_MAX = -(2**63), 2**63 - 1


def _fits_sqlite(value: int) -> bool:
    return SQLITE_INT_MIN <= value <= SQLITE_INT_MAX


@cli.command()
@click.argument("claim_id", type=int)
@click.argument("status", type=click.Choice([*VERDICTS, "clear"]))
@click.option("--note", help="Rationale to store with the verdict (replaces the note).")
@click.option(
    "--link",
    "links",
    type=int,
    multiple=True,
    metavar="PASSAGE_ID",
    help="Link a passage as supporting evidence (repeatable).",
)
@click.option(
    "--contradicting",
    "contra",
    type=int,
    multiple=True,
    metavar="PASSAGE_ID",
    help="Link a passage as contradicting evidence (repeatable).",
)
@click.option("--unlink", type=int, multiple=True, metavar="PASSAGE_ID", help="Remove a link.")
@click.option("--reviewer", default=None, help="Who decided (default: the login name).")
@click.pass_context
def verdict(
    ctx: click.Context,
    claim_id: int,
    status: str,
    note: str | None,
    links: tuple[int, ...],
    contra: tuple[int, ...],
    unlink: tuple[int, ...],
    reviewer: str | None,
) -> None:
    """Record a verdict on a claim, with an optional note and evidence links.

    Each change is committed at once, with a history row.

    \b
    Example:
      workbench verdict 12 contested --note "115,000 vs 100,000" --link 57
    """
    # Undecodable bytes in argv arrive as surrogate escapes, which SQLite cannot store:
    # refuse them before anything is written (the verdict would go in, the note fail).
    for label, text in (("--note", note), ("--reviewer", reviewer)):
        if text is not None and not is_utf8(text):
            raise InputError(f"{label} is not valid UTF-8 text")
    db = open_db(ctx)
    # Check every id before writing anything, so a typo applies nothing. An id SQLite
    # cannot hold (beyond 64 bits) is simply one that does not exist.
    if not _fits_sqlite(claim_id) or corpus.get_claim(db, claim_id) is None:
        raise InputError(f"no claim with id {claim_id}")
    for passage_id in (*links, *contra, *unlink):
        if not _fits_sqlite(passage_id) or corpus.get_passage(db, passage_id) is None:
            raise InputError(f"no passage with id {passage_id}")
    who = reviewer or login_name()
    session = review.start_session(db, who)
    try:
        review.set_status(
            db, claim_id, None if status == "clear" else status, reviewer=who, session_id=session
        )
        if note is not None:
            review.set_note(db, claim_id, note, reviewer=who, session_id=session)
        for passage_id, relation in [
            *((p, "supports") for p in links),
            *((p, "contradicts") for p in contra),
            *((p, None) for p in unlink),
        ]:
            review.set_link(db, claim_id, passage_id, relation, reviewer=who, session_id=session)
    except KeyError as exc:
        raise InputError(exc.args[0]) from None
    finally:
        review.end_session(db, session)
    v = review.get_verdict(db, claim_id)
    n_links = len(review.links(db, claim_id))
    click.echo(f"claim {claim_id}: {v.status or 'unreviewed'}" + (f" · {n_links} links" if n_links else ""))
