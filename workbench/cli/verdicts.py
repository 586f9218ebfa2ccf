"""`workbench verdict`, `dismiss`, `restore`, `edit-claim`, `history`, `undo`, `redo`:
the review operations, scriptable.

Goes through the same storage.review functions as the TUI, so a verdict made
here is indistinguishable from one made on screen (history included).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

import click

from ..errors import InputError
from ..ingestion import is_utf8
from ..models import VERDICTS, HistoryEntry
from ..storage import corpus, review
from ..textsafety import one_line
from . import cli
from .common import echo_json_array, login_name, open_db

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


def _existing_claim(db, claim_id: int) -> None:
    if not _fits_sqlite(claim_id) or corpus.get_claim(db, claim_id) is None:
        raise InputError(f"no claim with id {claim_id}")


def _text_option(label: str, text: str | None) -> None:
    if text is not None and not is_utf8(text):
        raise InputError(f"{label} is not valid UTF-8 text")


def _in_session(db, who: str, change: Callable[[int], HistoryEntry | None]) -> HistoryEntry | None:
    """Run one change in a review session of its own (history says which command made it)."""
    session = review.start_session(db, who)
    try:
        return change(session)
    except KeyError as exc:
        raise InputError(exc.args[0]) from None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    finally:
        review.end_session(db, session)


REVIEWER_OPTION = click.option("--reviewer", default=None, help="Who decided (default: the login name).")


@cli.command()
@click.argument("claim_id", type=int)
@click.option("--reason", default="", help=f"Why it is not a claim (default: {review.NOT_CHECK_WORTHY!r}).")
@REVIEWER_OPTION
@click.pass_context
def dismiss(ctx: click.Context, claim_id: int, reason: str, reviewer: str | None) -> None:
    """Dismiss a sentence that is not a check-worthy claim.

    It leaves the claims list and the counts, and stays in history and exports
    (marked dismissed). `workbench restore` or `workbench undo` brings it back.
    """
    _text_option("--reason", reason)
    _text_option("--reviewer", reviewer)
    db = open_db(ctx)
    _existing_claim(db, claim_id)
    who = reviewer or login_name()
    entry = _in_session(
        db, who, lambda s: review.dismiss(db, claim_id, reason=reason, reviewer=who, session_id=s)
    )
    if entry is None:
        click.echo(f"claim {claim_id}: already dismissed ({one_line(review.dismissal_reason(db, claim_id))})")
    else:
        click.echo(f"claim {claim_id}: dismissed ({one_line(entry.new)})")


@cli.command()
@click.argument("claim_id", type=int)
@REVIEWER_OPTION
@click.pass_context
def restore(ctx: click.Context, claim_id: int, reviewer: str | None) -> None:
    """Bring a dismissed claim back into the list."""
    _text_option("--reviewer", reviewer)
    db = open_db(ctx)
    _existing_claim(db, claim_id)
    who = reviewer or login_name()
    entry = _in_session(db, who, lambda s: review.restore(db, claim_id, reviewer=who, session_id=s))
    click.echo(f"claim {claim_id}: " + ("restored" if entry else "was not dismissed"))


@cli.command("edit-claim")
@click.argument("claim_id", type=int)
@click.option("--text", default=None, help="The claim's corrected text.")
@click.option("--start", type=int, default=None, help="Start offset in the document (with --end).")
@click.option("--end", type=int, default=None, help="End offset in the document (with --start).")
@REVIEWER_OPTION
@click.pass_context
def edit_claim(
    ctx: click.Context,
    claim_id: int,
    text: str | None,
    start: int | None,
    end: int | None,
    reviewer: str | None,
) -> None:
    """Correct a claim that extraction cut wrongly: its text, or its span in the document.

    With --start and --end alone the claim becomes the document's text between
    them. The text first extracted is kept (history, exports' original_text).

    \b
    Example:
      workbench edit-claim 12 --text "The army lost 300 tanks in March"
      workbench edit-claim 12 --start 140 --end 212
    """
    if text is None and start is None and end is None:
        raise click.UsageError("give --text, or --start and --end")
    _text_option("--text", text)
    _text_option("--reviewer", reviewer)
    db = open_db(ctx)
    _existing_claim(db, claim_id)
    who = reviewer or login_name()
    entry = _in_session(
        db,
        who,
        lambda s: review.edit_claim(
            db, claim_id, text=text, start=start, end=end, reviewer=who, session_id=s
        ),
    )
    claim = corpus.get_claim(db, claim_id)
    assert claim is not None
    state = "now" if entry else "unchanged"
    click.echo(f"claim {claim_id} {state}: {one_line(' '.join(claim.text.split()))}")


def _value(kind: str, value: str | None) -> str:
    """A history value as a reader should see it."""
    if value is None:
        return {"dismiss": "(not dismissed)", "link": "(not linked)"}.get(kind, "(none)")
    if kind == "edit":
        try:
            span = json.loads(value)
            return f"{span['text']!r} [{span['start']}:{span['end']}]"
        except (ValueError, KeyError, TypeError):
            pass
    return repr(value) if kind == "note" else value


def _change(h: HistoryEntry) -> str:
    """'kind [passage P]: old -> new' on one safe line."""
    what = h.kind + (f" passage {h.passage_id}" if h.passage_id is not None else "")
    line = f"{what}: {_value(h.kind, h.old)} -> {_value(h.kind, h.new)}"
    return one_line(" ".join(line.split()))


def _history_line(h: HistoryEntry) -> str:
    undo = f" (undoes #{h.undoes})" if h.undoes is not None else ""
    return f"#{h.id}  {h.at}  {one_line(h.reviewer or '-')}  {_change(h)}{undo}"


@cli.command("history")
@click.argument("claim_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of changes, oldest first.")
@click.pass_context
def history_command(ctx: click.Context, claim_id: int, as_json: bool) -> None:
    """Every change to a claim, oldest first: who, when, what, old -> new.

    Verdicts, notes, evidence links, dismissals, edits and adjudications; an
    undo is a change of its own that names the change it undoes.
    """
    db = open_db(ctx, readonly=True)
    _existing_claim(db, claim_id)
    rows = review.history(db, claim_id)
    if as_json:
        echo_json_array(asdict(h) for h in rows)
        return
    if not rows:
        click.echo(f"claim {claim_id}: no changes yet")
    for h in rows:
        click.echo(_history_line(h))


@cli.command()
@REVIEWER_OPTION
@click.pass_context
def undo(ctx: click.Context, reviewer: str | None) -> None:
    """Undo your newest change not yet undone, in any session (never someone else's).

    Repeat to go further back; `workbench redo` puts it back.
    """
    _step_back_or_forth(ctx, reviewer, "undo")


@cli.command()
@REVIEWER_OPTION
@click.pass_context
def redo(ctx: click.Context, reviewer: str | None) -> None:
    """Redo your newest undo, if you made no other change since."""
    _step_back_or_forth(ctx, reviewer, "redo")


def _step_back_or_forth(ctx: click.Context, reviewer: str | None, verb: str) -> None:
    """`undo` or `redo` the reviewer's newest change, recorded in a session of its own."""
    _text_option("--reviewer", reviewer)
    db = open_db(ctx)
    who = reviewer or login_name()
    if verb == "undo":
        entry = _in_session(db, who, lambda s: review.undo_last(db, reviewer=who, in_session=s))
    else:
        entry = _in_session(db, who, lambda s: review.redo_last(db, reviewer=who, session_id=s))
    if entry is None:
        click.echo(f"nothing of {one_line(who)}'s to {verb}")
    else:
        click.echo(f"{verb}ne on claim {entry.claim_id}: {_change(entry)}")
