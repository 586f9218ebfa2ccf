"""Linking commands: ``link`` (one claim or a JSONL batch) and ``suggest``."""

from __future__ import annotations

import json
import sys

import click

from .. import linking
from ..errors import InputError, unreadable
from ..storage import suggestions
from . import cli
from .common import open_db

SUGGEST_BATCH = 200  # claims per write transaction: short locks, few commits


@cli.command()
@click.argument("claim", required=False)
@click.option("--top", "-k", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many candidates to return.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of candidates.")
@click.option("--claims", "claims_file", type=click.Path(dir_okay=False, allow_dash=True),
              help='Batch: a JSONL file of {"id": ..., "text": ...} lines ("-" for stdin).')
@click.pass_context
def link(ctx: click.Context, claim: str | None, top: int, as_json: bool, claims_file: str | None) -> None:
    """Rank the passages that corroborate or contradict a claim.

    \b
    Examples:
      workbench link "Russia deployed 115,000 troops near Ukraine"
      workbench link "China backs Russia" --top 5 --json
      workbench link --claims claims.jsonl > candidates.jsonl
    """
    if claims_file is not None and claim is not None:
        raise InputError("give either a CLAIM or --claims FILE, not both")
    if claims_file is None and claim is None:
        raise InputError('nothing to link: give a CLAIM ("workbench link \\"TEXT\\"") or --claims FILE')
    db = open_db(ctx)
    if claims_file is not None:
        ctx.exit(_link_batch(db, claims_file, top))
    result = linking.link_text(db, claim, top=top)
    if as_json:
        click.echo(json.dumps([c.to_json() for c in result.candidates], ensure_ascii=False, indent=2))
        return
    if not result.candidates:
        click.echo("no candidates")
        return
    for i, c in enumerate(result.candidates, 1):
        text = " ".join(c.text.split())
        flags = f"  [{', '.join(c.flags)}]" if c.flags else ""
        # click.echo prints text as is: untrusted passages are never interpreted as markup.
        click.echo(f"{i:>3}. {c.score:5.1f}  {c.doc}{flags}")
        click.echo(f"      {text}")
    click.echo(f"suggested: {result.suggested} ({result.sources} independent source"
               f"{'' if result.sources == 1 else 's'} above {linking.LINK_THRESHOLD:g})")


def _link_batch(db, path: str, top: int) -> int:
    """One JSON line out per input line; a bad line is one error line and a non-zero exit."""
    try:
        stream = click.open_file(path, "r", encoding="utf-8", errors="strict")
    except OSError as exc:
        raise unreadable(path, exc) from None
    failed = 0
    with stream:
        try:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                item = _parse_line(line)
                if isinstance(item, str):
                    click.echo(f"error: {path}:{number}: {item}", err=True)
                    failed += 1
                    continue
                claim_id, text = item
                result = linking.link_text(db, text, top=top)
                click.echo(json.dumps(
                    {"id": claim_id, "candidates": [c.to_json() for c in result.candidates]},
                    ensure_ascii=False,
                ))
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
    return 1 if failed else 0


def _parse_line(line: str) -> tuple[object, str] | str:
    """``(id, text)`` of one JSONL line, or what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return 'expected a JSON object like {"id": ..., "text": ...}'
    text = obj.get("text")
    if not isinstance(text, str):
        return 'missing "text" (a string)'
    return obj.get("id"), text


@cli.command()
@click.option("--all", "recompute_all", is_flag=True, help="Recompute every claim, not only new or stale ones.")
@click.option("--top", "-k", type=click.IntRange(1, 100), default=10, show_default=True)
@click.pass_context
def suggest(ctx: click.Context, recompute_all: bool, top: int) -> None:
    """Compute and store candidates for every claim, so review opens instantly.

    Only claims without suggestions for the current corpus are computed; re-run
    after ingesting new documents.
    """
    db = open_db(ctx)
    ids = suggestions.all_claim_ids(db) if recompute_all else suggestions.missing_or_stale(db)
    if not ids:
        click.echo("suggestions are up to date")
        return
    counts = {"sourced": 0, "contested": 0, "unsupported": 0}

    def run(items) -> None:
        batch: list = []
        for claim_id in items:
            result = linking.link_claim(db, claim_id, top=top)
            counts[result.suggested] = counts.get(result.suggested, 0) + 1
            batch.append((claim_id, result))
            if len(batch) >= SUGGEST_BATCH:
                suggestions.store_many(db, batch)
                batch = []
        if batch:
            suggestions.store_many(db, batch)

    if sys.stderr.isatty():
        with click.progressbar(ids, label="Linking claims", file=sys.stderr) as bar:
            run(bar)
    else:
        run(ids)
    click.echo(f"{len(ids)} claims linked: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
