"""Team review commands (issue #13): assign, assignments, agreement, adjudicate, merge."""

from __future__ import annotations

import click

from ..errors import InputError
from ..ingestion import is_utf8
from ..models import UNREVIEWED, VERDICTS
from ..reports.safe_json import dumps
from ..storage import export as export_store
from ..storage import team as store
from ..textsafety import one_line
from . import cli
from .common import echo_json_array, open_db


def parse_reviewers(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",")]
    if not text.strip() or any(not n for n in names):
        raise InputError(f"--reviewers {one_line(text)!r}: give names separated by commas, none empty")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"--reviewers: {one_line(', '.join(twice))} named more than once")
    return names


def parse_sample(text: str) -> float:
    """'20%' or a fraction such as '0.2' (of the matching claims)."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise InputError(
            f"--sample {one_line(text)!r}: give a share such as 20% or 0.2 (above 0, at most 100%)"
        )
    return value


@cli.command()
@click.option("--reviewers", required=True, metavar="NAME,NAME", help="Who reviews, separated by commas.")
@click.option(
    "--overlap",
    type=int,
    default=2,
    show_default=True,
    help="How many of them review each claim (2: blind double review).",
)
@click.option("--sample", default="100%", show_default=True, help="Share of the matching claims, e.g. 20%.")
@click.option(
    "--status",
    type=click.Choice(("all", UNREVIEWED, *VERDICTS)),
    default="all",
    show_default=True,
    help="Only claims with this final status.",
)
@click.option(
    "--doc", "docs", multiple=True, metavar="NAME", help="Only claims of this document (repeatable)."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Picks the sample; same seed, same claims."
)
@click.pass_context
def assign(
    ctx: click.Context,
    reviewers: str,
    overlap: int,
    sample: str,
    status: str,
    docs: tuple[str, ...],
    seed: int,
) -> None:
    """Give claims to reviewers: each chosen claim gets OVERLAP of them, the work balanced.

    Running the same command again adds nothing; a claim already given to enough of
    these reviewers keeps them. A verdict on an assigned claim is final once every
    reviewer assigned to it agrees (or an adjudicator decides).

    \b
    Examples:
      workbench assign --reviewers ana,ben --overlap 2
      workbench assign --reviewers ana,ben,cleo --overlap 2 --sample 20% --status unreviewed
    """
    names = parse_reviewers(reviewers)
    if overlap < 1 or overlap > len(names):
        raise InputError(f"--overlap {overlap}: must be between 1 and the number of reviewers ({len(names)})")
    share = parse_sample(sample)
    db = open_db(ctx)
    document_ids: list[int] = []
    if docs:
        found = export_store.document_ids_named(db, list(docs))
        missing = [n for n, ids in found.items() if not ids]
        if missing:
            raise InputError(f"no document named {one_line(missing[0])!r} (`workbench documents` lists them)")
        document_ids = sorted({i for ids in found.values() for i in ids})
    candidates = store.candidate_claims(db, status=status, document_ids=document_ids)
    result = store.assign(db, candidates, names, overlap=overlap, sample=share, seed=seed)
    click.echo(
        f"{result.claims} of {len(candidates)} matching claims chosen; {result.added} assignments added"
        f" ({result.already} claims already had {overlap} of these reviewers)"
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array: a progress object per reviewer.")
@click.pass_context
def assignments(ctx: click.Context, as_json: bool) -> None:
    """Progress per reviewer: claims assigned, decided, still to do."""
    db = open_db(ctx, readonly=True)
    progress = store.reviewer_progress(db)
    if as_json:
        echo_json_array(p.as_dict() for p in progress)
        return
    if not progress:
        click.echo("no claims assigned (`workbench assign --reviewers A,B` gives them out)")
        return
    width = max(len(one_line(p.reviewer)) for p in progress)
    for p in progress:
        click.echo(
            f"{one_line(p.reviewer):<{width}}  {p.decided:>7} of {p.assigned:<7} decided  {p.remaining:>7} to do"
        )
    waiting = len(store.disagreed(db))
    if waiting:
        click.echo(
            f"{waiting} claim{'' if waiting == 1 else 's'} disagreed, waiting for an adjudicator (`workbench claims --status disagreed`)"
        )


def _name(reviewer: str) -> str:
    """A reviewer as shown: decisions made without a name are stored under ''."""
    return one_line(reviewer) if reviewer else "(unnamed)"


def _figure(f) -> str:  # an agreement.Figure
    return f"{f.value:6.3f}" if f.value is not None else "     -"


def _rests_on(f) -> str:
    text = f"on {f.claims} claim{'' if f.claims == 1 else 's'}"
    return f"{text}  (undefined: {f.undefined})" if f.undefined else text


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every figure.")
@click.pass_context
def agreement(ctx: click.Context, as_json: bool) -> None:
    """How far reviewers agree: Krippendorff's alpha and Fleiss' kappa over all, Cohen's
    kappa and a confusion matrix for each pair, agreement per verdict.

    Counts each reviewer's current verdict on the claims assigned to them (on a claim
    without assignments, everyone's). Every figure says how many claims it rests on; one
    that cannot be computed (one reviewer, no shared claims, a single verdict throughout)
    is shown as '-' with the reason (null in JSON).
    """
    from .. import agreement as agreement_core  # numpy: loaded only for this command

    db = open_db(ctx, readonly=True)
    result = agreement_core.compute(store.decision_rows(db))
    if as_json:
        click.echo(dumps(result.to_json()))
        return
    if not result.decisions:
        click.echo("no verdicts yet: nothing to compare")
        return
    click.echo(
        f"{result.decisions} verdicts from {len(result.reviewers)} reviewers;"
        f" {result.claims} claims decided by two or more"
    )
    click.echo(f"  Krippendorff's alpha (nominal) {_figure(result.alpha)}  {_rests_on(result.alpha)}")
    click.echo(f"  Fleiss' kappa                  {_figure(result.fleiss)}  {_rests_on(result.fleiss)}")
    click.echo(
        "Agreement per verdict (of the pairings where one reviewer chose it, the share where both did):"
    )
    for name, f in result.per_verdict.items():
        click.echo(f"  {name:<30} {_figure(f)}  {_rests_on(f)}")
    if result.pairs:
        click.echo("Pairs (Cohen's kappa; rows: the first reviewer's verdicts, columns: the second's):")
    width = max((len(v) for v in result.categories), default=0) + 1
    for p in result.pairs:
        observed = "" if p.observed is None else f", same verdict on {p.observed:.0%}"
        click.echo(
            f"  {_name(p.first)} / {_name(p.second)}  {_figure(p.kappa)}  {_rests_on(p.kappa)}{observed}"
        )
        if p.kappa.claims:
            click.echo("    " + " " * width + "".join(f"{v:>{width}}" for v in result.categories))
            for name, row in zip(result.categories, p.confusion, strict=True):
                click.echo(f"    {name:<{width}}" + "".join(f"{n:>{width}}" for n in row))


@cli.command()
@click.argument("claim_id", type=int)
@click.argument("status", metavar="VERDICT", type=click.Choice([*VERDICTS, "withdraw"]))
@click.option("--note", default="", help="Why: becomes the final note.")
@click.option("--reviewer", required=True, help="The adjudicator's name.")
@click.pass_context
def adjudicate(ctx: click.Context, claim_id: int, status: str, note: str, reviewer: str) -> None:
    """Decide a claim the reviewers disagree on: VERDICT becomes its final verdict.

    Recorded in the claim's history as an adjudication; later decisions of the reviewers
    do not change it. 'withdraw' takes the adjudication back (the reviewers' verdicts
    decide again). `workbench claims --status disagreed` lists the claims waiting.

    \b
    Example:
      workbench adjudicate 12 contested --reviewer editor --note "the ministry's figure is newer"
    """
    for label, text in (("--note", note), ("--reviewer", reviewer)):
        if not is_utf8(text):
            raise InputError(f"{label} is not valid UTF-8 text")
    if not reviewer.strip():
        raise InputError("--reviewer: give the adjudicator's name")
    db = open_db(ctx)
    if not -(2**63) <= claim_id < 2**63:
        raise InputError(f"no claim with id {claim_id}")
    try:
        final = store.adjudicate(
            db, claim_id, None if status == "withdraw" else status, reviewer=reviewer, note=note
        )
    except KeyError:
        raise InputError(f"no claim with id {claim_id}") from None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    others = ", ".join(
        f"{_name(d.reviewer)}: {d.status or 'undecided'}"
        for d in store.decisions_of(db, claim_id)
        if d.assigned
    )
    verdict = final.status or "none yet"
    click.echo(f"claim {claim_id}: final verdict {verdict} ({final.basis}); reviewers: {others}")


@cli.command()
@click.argument("other", metavar="OTHER.db", type=click.Path(dir_okay=True, path_type=str))
@click.pass_context
def merge(ctx: click.Context, other: str) -> None:
    """Bring another copy's reviews in: each reviewer's decisions, notes, links, assignments
    and history (the other file is only read).

    Merging twice changes nothing the second time, and two copies merged either way round
    give the same decisions. A reviewer's decision changed in both copies keeps the later
    one (both stay in history); two reviewers' different verdicts become a disagreement for
    an adjudicator. Documents this database does not hold are not added: what sat on them
    is counted in one line.

    \b
    Example:
      workbench merge ~/from-ana/workbench.db
    """
    from ..storage import merge as merge_store

    db = open_db(ctx)
    result = merge_store.merge(db, other)
    click.echo(f"merged {one_line(other)}: {result.summary()}")
    for c in result.conflicts[:5]:
        click.echo(
            f"  claim {c.claim_id}, {_name(c.reviewer)}: kept {c.kept or 'none'}"
            f" ({c.kept_at}), not {c.dropped or 'none'} ({c.dropped_at})"
        )
    if len(result.conflicts) > 5:
        click.echo(f"  … and {len(result.conflicts) - 5} more (state entry merge.conflicts lists them all)")
    if (line := result.unplaced()) is not None:
        click.echo(one_line(line))


@cli.command()
@click.argument("setting", type=click.Choice(["on", "off"]), required=False)
@click.pass_context
def blind(ctx: click.Context, setting: str | None) -> None:
    """Blind review for every session on this database: in a reviewer's queue, the other
    reviewers' decisions on a claim stay hidden until they have decided it.

    \b
    Examples:
      workbench blind          say whether it is on
      workbench blind on       (`review --blind` does the same for one session)
    """
    if setting is None:
        click.echo(f"blind review is {'on' if store.is_blind(open_db(ctx, readonly=True)) else 'off'}")
        return
    store.set_blind(open_db(ctx), setting == "on")
    click.echo(f"blind review is {setting}")
