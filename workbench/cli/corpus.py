"""Corpus commands: ingest, claims, stats."""

from __future__ import annotations

import json
import re
import sys

import click

from .. import ingestion, suggesting
from ..storage import corpus
from ..textsafety import BIDI, INVISIBLE, one_line
from . import cli
from .common import open_db
from .linking import refresh_with_progress

PROGRESS_MIN_BYTES = 2_000_000  # about a second of work: below that a bar only flickers


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--no-link", is_flag=True,
              help="Skip finding and judging evidence for the new claims (run `workbench suggest` later).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], no_link: bool) -> None:
    """Add documents (.txt, .md, .html, .jsonl; folders recursively).

    Re-ingesting the same content changes nothing. Bad files are reported one
    line each and the rest still go in; the exit status is non-zero if any
    file failed. New documents' claims then get their evidence found and
    judged (suggested verdict, disagreement flags), so the review screen and the
    `flagged` filter are up to date; `--no-link` skips that on a huge corpus.

    \b
    Example:
      workbench ingest seeds/ more-articles/feed.jsonl
    """
    db = open_db(ctx)
    report = run_ingest(db, paths)
    click.echo(report.summary())
    if not no_link and (stale := suggesting.stale_claims(db)):
        counts = refresh_with_progress(db, stale)
        click.echo(f"evidence judged for {len(stale)} claims: "
                   + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("sourced", "contested", "unsupported"))
                   + " suggested")
    if report.errors:
        ctx.exit(1 if report.added or report.skipped else 2)


def run_ingest(db, paths) -> ingestion.IngestReport:
    def error(message: str) -> None:
        # File names and JSONL contents are untrusted: controls shown, never sent to the terminal.
        click.echo(f"error: {one_line(message)}", err=True)

    total = ingestion.total_size(paths)
    if total >= PROGRESS_MIN_BYTES and sys.stderr.isatty():
        with click.progressbar(length=total, label="Ingesting", file=sys.stderr) as bar:
            return ingestion.ingest_paths(db, paths, on_progress=bar.update, on_error=error)
    return ingestion.ingest_paths(db, paths, on_error=error)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array of claim objects.")
@click.option("--status", type=click.Choice(corpus.FILTERS), default="all", show_default=True)
@click.pass_context
def claims(ctx: click.Context, as_json: bool, status: str) -> None:
    """List claims: id, document, text, score, reasons, status."""
    db = open_db(ctx, readonly=True)
    rows = corpus.iter_claims(db, status=status)
    if as_json:
        out = sys.stdout
        out.write("[")
        for i, c in enumerate(rows):
            out.write(("," if i else "") + "\n  " + _json({
                "id": c.id, "document": c.doc_name, "text": c.text, "score": c.score,
                "reasons": list(c.reasons), "status": c.status or "unreviewed", "origin": c.origin,
            }))
        out.write("\n]\n")
        return
    for c in rows:
        # Stored text is untrusted: an ESC or a bidi override is shown, not obeyed by the terminal.
        text = one_line(" ".join(c.text.split()))
        name = one_line(c.doc_name)[:24]
        click.echo(f"{c.id:>6}  {c.status or 'unreviewed':<11} {c.score:4.2f}  {name:<24}  {text}")


#: Characters json.dumps(ensure_ascii=False) writes raw that a terminal may obey or that
#: reorder text (DEL, C1 controls such as the 8-bit CSI, bidi, invisibles, line separators).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI | INVISIBLE)) + "]")


def _json(obj: object) -> str:
    """Exact JSON (the same value when parsed), readable Unicode, no raw control characters.

    json.dumps escapes C0 controls itself; the rest can only occur inside strings,
    where a \\uXXXX escape means the same character.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, passages, claims and verdicts."""
    figures = corpus.stats(open_db(ctx, readonly=True))
    if as_json:
        click.echo(json.dumps(figures))
        return
    for key, value in figures.items():
        click.echo(f"{key:<12} {value}")
