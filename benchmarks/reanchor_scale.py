"""Re-anchoring at scale: a corpus ingested again after some of its documents changed (#15).

    python benchmarks/reanchor_scale.py [--docs 10000] [--links 1000] [--changed 0.2]

1. Files: a JSONL corpus of ``--docs`` ~3 kB articles (seed sentences recombined) is
   ingested with the real ``ingest_paths`` (both cores), ``--links`` evidence links are
   made between random claims and passages, then a ``--changed`` share of the documents is
   edited (a sentence reworded, one added, a paragraph dropped in every fifth) and the
   whole file ingested again: unchanged documents are skipped, changed ones become new
   versions with their claims and links re-anchored. Baselines in the same run: the edited
   file ingested into an empty database (every document new), and only the edited
   documents ingested into an empty database.
2. Pages: the same documents stored as fetched pages and the same edits stored with
   ``store_version`` (what ``ingest URL`` does after the fetch), beside the edited pages
   stored as new documents.

Re-anchoring time is the time spent inside ``web.anchoring.reanchor``, summed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import article_texts, edited

from workbench import ingestion
from workbench.models import RawDocument
from workbench.passages import split_passages
from workbench.storage import connect, corpus, versions
from workbench.storage.review import set_link
from workbench.web import anchoring


class ReanchorClock:
    """Sums the time spent in ``anchoring.reanchor`` and what it kept, changed and lost."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.kept = self.changed = self.gone = 0
        self.original = anchoring.reanchor
        anchoring.reanchor = self._timed

    def _timed(self, db, old_id: int, new_id: int):
        t = time.perf_counter()
        outcome = self.original(db, old_id, new_id)
        self.seconds += time.perf_counter() - t
        self.calls += 1
        self.kept += outcome.kept
        self.changed += outcome.changed
        self.gone += outcome.gone
        return outcome

    def reset(self) -> None:
        self.seconds, self.calls, self.kept, self.changed, self.gone = 0.0, 0, 0, 0, 0


def write_feed(path: Path, texts: list[str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n, text in enumerate(texts):
            out.write(json.dumps({"id": f"doc{n}", "text": text, "source": f"outlet{n % 40}"}) + "\n")
    return path


def link_at_random(db, links: int) -> None:
    claim_ids = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY random() LIMIT ?", [links])]
    passage_ids = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY random() LIMIT ?", [links])]
    for claim_id, passage_id in zip(claim_ids, passage_ids):
        set_link(db, claim_id, passage_id, "supports")


def links_on_newest(db) -> int:
    return db.execute(
        "SELECT count(*) FROM evidence_links l JOIN passages p ON p.id = l.passage_id"
        " JOIN documents d ON d.id = p.document_id WHERE d.superseded_by IS NULL"
    ).fetchone()[0]


def timed_ingest(db_path: Path, feed: Path) -> tuple[float, ingestion.IngestReport]:
    db = connect(db_path)
    t = time.perf_counter()
    report = ingestion.ingest_paths(db, [feed])
    seconds = time.perf_counter() - t
    db.close()
    return seconds, report


def bench_files(tmp: Path, texts: list[str], new_texts: list[str], changed: list[int], links: int) -> None:
    clock = ReanchorClock()
    feed = write_feed(tmp / "feed.jsonl", texts)
    seconds, report = timed_ingest(tmp / "files.db", feed)
    print(
        f"Files: {len(texts)} documents ({feed.stat().st_size / 1e6:.1f} MB JSONL), {report.passages} passages,"
        f" {report.claims} claims ingested in {seconds:.1f} s; {os.cpu_count()} cores"
    )
    db = connect(tmp / "files.db")
    link_at_random(db, links)
    t = time.perf_counter()
    known = versions.file_documents(db)
    lookup_ms = (time.perf_counter() - t) * 1000
    db.close()

    write_feed(feed, new_texts)  # the same file, edited in place
    only = write_feed(tmp / "only-changed.jsonl", [new_texts[n] for n in changed])
    base_all, _ = timed_ingest(tmp / "base-all.db", feed)
    base_changed, _ = timed_ingest(tmp / "base-changed.db", only)
    clock.reset()
    again, report = timed_ingest(tmp / "files.db", feed)
    db = connect(tmp / "files.db")
    on_newest = links_on_newest(db)
    db.close()
    anchoring.reanchor = clock.original
    print(
        f"  {len(changed)} of {len(texts)} documents edited ({len(changed) / len(texts):.0%}), {links} links"
    )
    print(f"  baseline: the edited file into an empty database      {base_all:7.1f} s")
    print(f"  baseline: only the {len(changed)} edited documents, empty db   {base_changed:7.1f} s")
    print(
        f"  re-ingest of the edited file                          {again:7.1f} s"
        f"  ({again / base_all:.2f}x the first baseline, {again / base_changed:.2f}x the second)"
    )
    print(
        f"    of which re-anchoring ({clock.calls} versions)           {clock.seconds:7.2f} s"
        f"  ({clock.seconds / base_changed:.2f}x the second baseline,"
        f" {clock.seconds / max(1, clock.calls) * 1000:.2f} ms a version)"
    )
    print(f"    reading the {len(known)} file documents' identities once  {lookup_ms:7.1f} ms")
    print(
        f"  {report.versions} new versions, {report.skipped} unchanged skipped; claims and links kept"
        f" {clock.kept}, changed {clock.changed}, gone {clock.gone}; {on_newest} of {links} links on the newest"
        " versions"
    )


def bench_pages(tmp: Path, texts: list[str], new_texts: list[str], changed: list[int], links: int) -> None:
    clock = ReanchorClock()

    def url(n: int) -> str:
        return f"https://news.example/{n}"

    def web(n: int) -> corpus.WebSource:
        return corpus.WebSource(url(n), "2026-11-29T12:00:00Z", 200, "x.warc.gz", 0, "<urn:x>")

    def store_new(db, n: int, text: str) -> None:
        doc = RawDocument(url(n), text, url=url(n))
        corpus.add_document(db, doc, corpus.content_hash(text), split_passages(text), web=web(n))

    db = connect(tmp / "pages.db")
    t = time.perf_counter()
    for n, text in enumerate(texts):
        store_new(db, n, text)
    print(f"\nPages: {len(texts)} fetched pages stored in {time.perf_counter() - t:.1f} s (one core)")
    link_at_random(db, links)
    base = connect(tmp / "pages-base.db")
    t = time.perf_counter()
    for n in changed:
        store_new(base, n, new_texts[n])
    base_s = time.perf_counter() - t
    clock.reset()
    report = ingestion.IngestReport()
    t = time.perf_counter()
    for n in changed:
        ingestion.store_version(db, RawDocument(url(n), new_texts[n], url=url(n)), web(n), report)
    s = time.perf_counter() - t
    anchoring.reanchor = clock.original
    print(f"  baseline: the {len(changed)} edited pages stored as new documents  {base_s:7.1f} s")
    print(
        f"  the same as new versions, claims and links re-anchored {s:7.1f} s  ({s / base_s:.2f}x the baseline)"
    )
    print(
        f"    of which re-anchoring                              {clock.seconds:7.2f} s"
        f"  ({clock.seconds / base_s:.2f}x the baseline, {clock.seconds / max(1, clock.calls) * 1000:.2f} ms a"
        " version)"
    )
    print(
        f"  claims and links kept {clock.kept}, changed {clock.changed}, gone {clock.gone};"
        f" {links_on_newest(db)} of {links} links on the newest versions"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=1_000)
    parser.add_argument("--changed", type=float, default=0.2, help="share of documents edited")
    parser.add_argument("--only", choices=("files", "pages"))
    args = parser.parse_args()
    texts = article_texts(args.docs)
    every = max(1, round(1 / args.changed)) if args.changed > 0 else args.docs + 1
    changed = [n for n in range(args.docs) if n % every == 0]
    new_texts = [edited(t, n) if n % every == 0 else t for n, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "files"):
            bench_files(Path(tmp), texts, new_texts, changed, args.links)
        if args.only in (None, "pages"):
            bench_pages(Path(tmp), texts, new_texts, changed, args.links)


if __name__ == "__main__":
    main()
