"""Corpus commands: ingest, stale, claims, stats, documents."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import asdict

import click

from .. import clustering, ingestion, suggesting
from ..models import VERDICTS
from ..storage import clusters, corpus, team
from ..storage.claim_filter import STATUS_VALUES
from ..textsafety import one_line
from . import cli
from .common import db_path, echo_json_array, open_db
from .linking import refresh_with_progress

PROGRESS_MIN_BYTES = 2_000_000  # about a second of work: below that a bar only flickers


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--urls",
    "url_file",
    metavar="FILE",
    type=click.Path(),
    help="A file of URLs to fetch, one a line (# starts a comment).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Fetch from loopback, private and link-local addresses too (refused by default).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds to connect and between reads, per URL.",
)
@click.option(
    "--no-link",
    is_flag=True,
    help="Skip finding and judging evidence for the new claims (run `workbench suggest` later).",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    url_file: str | None,
    allow_private: bool,
    timeout: float,
    no_link: bool,
) -> None:
    """Add documents (.txt, .md, .html, .jsonl; folders recursively) and web pages (URLs).

    Re-ingesting the same content changes nothing; an edited file is added as a
    new version of its document (a file is known by its path, name and source),
    its claims and links moved as for a changed page below. Bad files are reported one
    line each and the rest still go in; the exit status is non-zero if any
    file failed. New documents' claims then get their evidence found and
    judged (suggested verdict, disagreement flags), so the review screen and the
    `flagged` filter are up to date; `--no-link` skips that on a huge corpus.

    A URL is fetched (http and https only; at most 20 MB, 5 redirects; HTML or
    plain text), its article extracted, and the raw response kept in a WARC file
    in archive/ beside the database. Addresses on this machine or a private
    network are refused unless --allow-private. A page whose text changed since
    it was last fetched is added as a new version; claims and links on the old
    version move to the same sentence in the new one (`workbench stale` lists
    those whose sentence changed or went).

    \b
    Example:
      workbench ingest seeds/ more-articles/feed.jsonl
      workbench ingest https://example.org/news/article.html --urls reading-list.txt
    """
    urls = [p for p in paths if ingestion.is_url(p)]
    files = [p for p in paths if not ingestion.is_url(p)]
    if url_file is not None:
        urls += ingestion.read_url_list(url_file)
    if not files and not urls:
        raise click.UsageError("give files, folders or URLs to ingest (or --urls FILE)")
    db = open_db(ctx)
    report = run_ingest(db, files) if files else ingestion.IngestReport()
    if urls:
        from ..web.fetch import Limits

        limits = Limits(timeout=timeout, total=max(timeout * 3, 60.0), allow_private=allow_private)
        web_report = run_url_ingest(db, urls, limits)
        report = _combined(report, web_report)
    click.echo(report.summary())
    if report.added and clusters.is_clustered(db):
        placed = clustering.cluster_new(db)  # new claims join their clusters (after `workbench clusters`)
        click.echo(f"{len(placed)} new claims placed in clusters")
    # New documents may corroborate or contradict any claim: every stale claim is judged again.
    if report.added and not no_link and (stale := suggesting.stale_claims(db)):
        counts = refresh_with_progress(db, stale)
        click.echo(
            f"evidence judged for {len(stale)} claims: "
            + ", ".join(f"{counts.get(k, 0)} {k}" for k in VERDICTS)
            + " suggested"
        )
    if report.errors:
        ctx.exit(1 if report.added or report.skipped else 2)


def _error(message: str) -> None:
    # File names, URLs and JSONL contents are untrusted: controls shown, never sent to the terminal.
    click.echo(f"error: {one_line(message)}", err=True)


def run_ingest(db, paths) -> ingestion.IngestReport:
    total = ingestion.total_size(paths)
    if total >= PROGRESS_MIN_BYTES and sys.stderr.isatty():
        with click.progressbar(length=total, label="Ingesting", file=sys.stderr) as bar:
            return ingestion.ingest_paths(db, paths, on_progress=bar.update, on_error=_error)
    return ingestion.ingest_paths(db, paths, on_error=_error)


def run_url_ingest(db, urls: list[str], limits) -> ingestion.IngestReport:
    if len(urls) > 1 and sys.stderr.isatty():
        with click.progressbar(length=len(urls), label="Fetching", file=sys.stderr) as bar:
            return ingestion.ingest_urls(db, urls, limits=limits, on_progress=bar.update, on_error=_error)
    return ingestion.ingest_urls(db, urls, limits=limits, on_error=_error)


def _combined(a: ingestion.IngestReport, b: ingestion.IngestReport) -> ingestion.IngestReport:
    return ingestion.IngestReport(
        added=a.added + b.added,
        skipped=a.skipped + b.skipped,
        passages=a.passages + b.passages,
        claims=a.claims + b.claims,
        errors=a.errors + b.errors,
        versions=b.versions,
        changed=b.changed,
        gone=b.gone,
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array of change objects.")
@click.pass_context
def stale(ctx: click.Context, as_json: bool) -> None:
    """Claims and evidence links whose sentence changed or went in a newer version of its page."""
    rows = corpus.changes(open_db(ctx, readonly=True))
    if as_json:
        echo_json_array(
            {
                "claim_id": c.claim_id,
                "kind": c.kind,
                "state": c.state,
                "claim": c.claim_text,
                "old_text": c.old_text,
                "new_text": c.new_text,
                "old_passage_id": c.old_passage_id,
                "new_passage_id": c.new_passage_id,
                "old_document_id": c.old_document_id,
                "new_document_id": c.new_document_id,
                "url": c.url,
                "old_version": c.old_version,
                "new_version": c.new_version,
                "similarity": c.similarity,
                "at": c.at,
            }
            for c in rows
        )
        return
    if not rows:
        click.echo("no evidence changed since it was linked")
        return
    for c in rows:
        what = "evidence" if c.kind == "link" else "claim sentence"
        click.echo(f"claim {c.claim_id}: {what} {c.state} in v{c.new_version} of {one_line(c.url or '?')}")
        click.echo(f"    was: {one_line(' '.join(c.old_text.split()))}")
        if c.new_text is not None:
            click.echo(f"    now: {one_line(' '.join(c.new_text.split()))}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array of claim objects.")
@click.option(
    "--status",
    type=click.Choice(STATUS_VALUES),
    default="all",
    show_default=True,
    help="Which claims: all (not dismissed), unreviewed, a verdict, flagged, dismissed, disagreed.",
)
@click.option(
    "--seen-before",
    is_flag=True,
    help="Only undecided claims that match an already decided one, with that decision (a suggestion).",
)
@click.pass_context
def claims(ctx: click.Context, as_json: bool, status: str, seen_before: bool) -> None:
    """List claims: id, document, text, score, reasons, status."""
    if seen_before:
        from .clusters import seen_before as seen_before_command  # it imports this module

        ctx.invoke(seen_before_command, as_json=as_json)
        return
    db = open_db(ctx, readonly=True)
    rows = corpus.iter_claims(db, status=status)
    if as_json:
        echo_json_array(
            {
                "id": c.id,
                "document": c.doc_name,
                "text": c.text,
                "score": c.score,
                "reasons": list(c.reasons),
                "status": c.status or "unreviewed",
                "origin": c.origin,
                "dismissed_at": c.dismissed_at,
                "dismissed_by": c.dismissed_by,
                "original_text": c.original_text,
            }
            for c in rows
        )
        return
    for c in rows:
        # Stored text is untrusted: an ESC or a bidi override is shown, not obeyed by the terminal.
        text = one_line(" ".join(c.text.split()))
        name = _cut(one_line(c.doc_name), 24)
        state = "dismissed" if c.dismissed_at else c.status or "unreviewed"
        why = _cut(one_line(", ".join(r.split(":")[0] for r in c.reasons)) or "-", REASONS_WIDTH)
        click.echo(f"{c.id:>6}  {state:<11} {c.score:4.2f}  {name:<24}  {why:<{REASONS_WIDTH}}  {text}")


#: Width of the plain `claims` reasons column: the kinds of reason ("attribution, number or
#: quantity"); `--json` has them whole, with the names they found.
REASONS_WIDTH = 32


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, passages, claims and verdicts (dismissed claims apart)."""
    db = open_db(ctx, readonly=True)
    figures = corpus.stats(db)
    progress = team.reviewer_progress(db)
    if as_json:
        if progress:  # a team review: progress per reviewer and what waits for an adjudicator
            figures = {
                **figures,
                "reviewers": [p.as_dict() for p in progress],
                "disagreed": len(team.disagreed(db)),
            }
        click.echo(json.dumps(figures))
        return
    path = db_path(ctx)
    if not figures["documents"]:
        where = one_line(str(path.resolve()))
        click.echo(f"{where}: empty database, no documents yet")
        click.echo(f"add some with: workbench --db {shlex.quote(where)} ingest FILES…")
        return
    click.echo(f"{'database':<12} {one_line(str(path.resolve()))}")
    for key, value in figures.items():
        click.echo(f"{key:<12} {value}")
    for p in progress:
        click.echo(f"{'reviewer':<12} {one_line(p.reviewer)}: {p.decided} of {p.assigned} decided")
    if progress:
        click.echo(f"{'disagreed':<12} {len(team.disagreed(db))}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array of document objects.")
@click.pass_context
def documents(ctx: click.Context, as_json: bool) -> None:
    """List documents: id, title, source, passages, claims.

    The id, file name or title picks a document elsewhere (`export --doc`).
    """
    rows = corpus.document_summaries(open_db(ctx, readonly=True))
    if as_json:
        echo_json_array(asdict(d) for d in rows)
        return
    if not rows:
        click.echo("no documents yet (add some with `workbench ingest`)")
        return
    click.echo(f"{'id':>5}  {'passages':>8}  {'claims':>6}  title · source")
    for d in rows:
        # Titles, names and sources come from the documents: untrusted, shown safely.
        title = one_line(" ".join((d.title or d.name).split()))
        source = f" · {one_line(d.source)}" if d.source else ""
        click.echo(f"{d.id:>5}  {d.passages:>8}  {d.claims:>6}  {title}{source}")
