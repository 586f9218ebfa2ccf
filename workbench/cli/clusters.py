"""Claim-cluster commands: clusters, seen-before, take-out, join-clusters."""

from __future__ import annotations

import click

from .. import clustering
from ..errors import InputError
from ..storage import clusters as store
from ..textsafety import one_line
from . import cli
from .common import echo_json_array, login_name, open_db


def _ensure_clustered(db, recompute: bool) -> None:
    """Cluster the claims not clustered yet (all of them the first time), or all again."""
    if recompute or not store.is_clustered(db):
        clustering.recluster(db)
    elif store.unclustered_ids(db):
        clustering.cluster_new(db)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array of cluster objects.")
@click.option(
    "--min-size",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Only clusters of at least this many claims.",
)
@click.option("--recluster", is_flag=True, help="Cluster every claim again (overrides are kept).")
@click.pass_context
def clusters(ctx: click.Context, as_json: bool, min_size: int, recluster: bool) -> None:
    """List claims that state the same thing, grouped, representative first.

    Claims not clustered yet are placed first (the first run clusters all).

    \b
    Example:
      workbench clusters --min-size 3
    """
    db = open_db(ctx)
    _ensure_clustered(db, recluster)
    found = store.list_clusters(db, min_size=min_size)
    if as_json:
        echo_json_array(
            {
                "cluster": c.id,
                "representative": c.representative,
                "size": c.size,
                "documents": c.documents,
                "disagrees_with": list(c.disagrees_with),
                "claims": [
                    {
                        "id": m.id,
                        "document": m.document,
                        "text": m.text,
                        "score": m.score,
                        "status": m.status or "unreviewed",
                    }
                    for m in c.members
                ],
            }
            for c in found
        )
        return
    for c in found:
        docs = f"{c.documents} document" + ("" if c.documents == 1 else "s")
        apart = (
            f"  disagrees with cluster {', '.join(map(str, c.disagrees_with))}" if c.disagrees_with else ""
        )
        click.echo(f"cluster {c.id}: {c.size} claims in {docs}{apart}")
        for m in c.members:
            mark = "*" if m.id == c.representative else " "
            # Stored text is untrusted: controls and bidi are shown, never obeyed.
            click.echo(
                f"  {mark}{m.id:>6}  {m.status or 'unreviewed':<11} {one_line(m.document)[:24]:<24}  "
                f"{one_line(' '.join(m.text.split()))}"
            )


@cli.command("seen-before")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of suggestion objects.")
@click.pass_context
def seen_before(ctx: click.Context, as_json: bool) -> None:
    """Undecided claims that state what an already decided claim states, with that decision
    as a suggestion (never applied)."""
    db = open_db(ctx, readonly=True)
    found = clustering.seen_before_all(db)
    if as_json:
        echo_json_array(
            {
                "id": s.claim_id,
                "matched_claim": s.matched_claim_id,
                "status": s.status,
                "date": s.date,
                "reviewer": s.reviewer,
                "links": s.links,
                "suggestion": s.summary(),
            }
            for s in found
        )
        return
    for s in found:
        click.echo(f"{s.claim_id:>6}  seen before as #{s.matched_claim_id}: {one_line(s.summary())}")


@cli.command("take-out")
@click.argument("claim_id", type=int)
@click.option("--reviewer", default=None, help="Who made the correction (default: login name).")
@click.pass_context
def take_out(ctx: click.Context, claim_id: int, reviewer: str | None) -> None:
    """Take a claim out of its cluster (remembered when clustering again)."""
    db = open_db(ctx)
    _ensure_clustered(db, False)
    try:
        store.take_out(db, claim_id, reviewer=reviewer or login_name())
    except KeyError:
        raise InputError(f"no claim with id {claim_id}") from None
    click.echo(f"claim {claim_id} now stands alone")


@cli.command("join-clusters")
@click.argument("claim_a", type=int)
@click.argument("claim_b", type=int)
@click.option("--reviewer", default=None, help="Who made the correction (default: login name).")
@click.pass_context
def join_clusters(ctx: click.Context, claim_a: int, claim_b: int, reviewer: str | None) -> None:
    """Join the clusters of two claims into one (remembered when clustering again)."""
    db = open_db(ctx)
    _ensure_clustered(db, False)
    try:
        cid = store.join(db, claim_a, claim_b, reviewer=reviewer or login_name())
    except KeyError as exc:
        raise InputError(str(exc).strip("'\"")) from None
    click.echo(f"claims {claim_a} and {claim_b} are now in cluster {cid}")
