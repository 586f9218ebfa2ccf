"""Linking commands: ``link`` (one claim or a JSONL batch) and ``suggest``."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from typing import BinaryIO

import click

from .. import linking, suggesting
from ..errors import InputError, open_regular, unreadable
from ..ingestion import is_utf8
from ..models import VERDICTS, LinkResult
from ..reports.safe_json import dumps
from ..textsafety import one_line
from . import cli
from .common import open_db

MAX_LINE_BYTES = 1 << 20  # one claim per line: a sentence, not a megabyte


@cli.command()
@click.argument("claim", required=False)
@click.option(
    "--top",
    "-k",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many candidates to return.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: suggested, sources, coverage, candidates (with stance and reasons).",
)
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help='Batch: a JSONL file of {"id": ..., "text": ...} lines ("-" for stdin).',
)
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
    db = open_db(ctx, readonly=True)
    if claims_file is not None:
        stream = _open_claims(claims_file)
        with stream:
            ctx.exit(_link_batch(db, claims_file, stream, top))
    result = linking.link_text(db, claim, top=top)
    if as_json:
        click.echo(dumps(result.to_json(), indent=2))
        return
    _print_result(result)


def _print_result(result: LinkResult) -> None:
    """Candidates with stance and reasons, the claim's coverage, the suggestion.

    click.echo prints text as is (never as markup); one_line shows controls and bidi
    characters instead of letting a passage drive the terminal.
    """
    if not result.candidates:
        click.echo("no candidates")
    for i, c in enumerate(result.candidates, 1):
        flags = f"  [{one_line(', '.join(c.flags))}]" if c.flags else ""
        click.echo(f"{i:>3}. {c.score:5.1f}  {c.stance:<11} passage {c.passage_id}  {one_line(c.doc)}{flags}")
        click.echo(f"      {one_line(' '.join(c.text.split()))}")
        if c.reasons:
            click.echo(f"      why: {one_line('; '.join(c.reasons))}")
    for line in result.explanation():
        click.echo(one_line(line))


def _open_claims(path: str) -> BinaryIO:
    """The claims file as a binary stream: ``-`` is standard input; otherwise only a
    regular file (a device, FIFO or socket would never end, or block)."""
    if path == "-":
        return click.get_binary_stream("stdin")
    return open_regular(path)


def _lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line, reading at most ``limit`` bytes at a time;
    a longer line is skipped and comes out as ``None``."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def _link_batch(db, path: str, stream: BinaryIO, top: int) -> int:
    """One JSON line out per input line; a bad line is one error line, the rest still go
    out, and the exit status is non-zero."""
    failed = 0
    shown = one_line(path)
    try:
        for number, raw in _lines(stream):
            item = _parse_line(raw, first=number == 1)
            if item is None:
                continue
            if isinstance(item, str):
                click.echo(f"error: {shown}:{number}: {item}", err=True)
                failed += 1
                continue
            claim_id, text = item
            result = linking.link_text(db, text, top=top)
            click.echo(dumps({"id": claim_id, **result.to_json()}))
    except OSError as exc:
        raise unreadable(path, exc) from None
    return 1 if failed else 0


def _parse_line(raw: bytes | None, *, first: bool = False) -> tuple[object, str] | str | None:
    """``(id, text)`` of one JSONL line, what is wrong with it, or ``None`` for a blank line."""
    if raw is None:
        return f"line longer than {MAX_LINE_BYTES // (1 << 20)} MB"
    try:
        line = raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    if not line.strip():
        return None
    try:
        obj = json.loads(line, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg})"
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError as exc:  # a non-finite number, an integer of thousands of digits
        return f"not usable JSON ({one_line(str(exc))})"
    if not isinstance(obj, dict):
        return 'expected a JSON object like {"id": ..., "text": ...}'
    text = obj.get("text")
    if not isinstance(text, str):
        return 'missing "text" (a string)'
    if not is_utf8(text):
        return '"text" is not valid Unicode (a lone surrogate escape)'
    return obj.get("id"), text


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is out of range")
    return value


@cli.command()
@click.option(
    "--all", "recompute_all", is_flag=True, help="Recompute every claim, not only new or stale ones."
)
@click.option(
    "--top",
    "-k",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="How many candidates to judge and store per claim.",
)
@click.pass_context
def suggest(ctx: click.Context, recompute_all: bool, top: int) -> None:
    """Compute and store candidates for every claim, so review opens instantly.

    Only claims without suggestions for the current corpus are computed; re-run
    after ingesting new documents.
    """
    db = open_db(ctx)
    ids = suggesting.stale_claims(db, everything=recompute_all)
    if not ids:
        click.echo("suggestions are up to date")
        return
    counts = refresh_with_progress(db, ids, top)
    click.echo(f"{len(ids)} claims linked: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in VERDICTS))


def refresh_with_progress(db, ids: list[int], top: int = 10):
    """``suggesting.refresh`` with a progress bar on a terminal (ingest uses it too)."""
    if not sys.stderr.isatty():
        return suggesting.refresh(db, ids, top=top)
    with click.progressbar(length=len(ids), label="Judging evidence", file=sys.stderr) as bar:
        return suggesting.refresh(db, ids, top=top, progress=bar.update)
