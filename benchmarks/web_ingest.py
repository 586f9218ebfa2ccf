"""URL ingest throughput and re-anchoring time, each beside a baseline in the same run (#15).

    python benchmarks/web_ingest.py [--pages 300] [--docs 10000] [--links 1000]

1. Pages/s: ``--pages`` synthetic articles (~3 kB of seed sentences in HTML) served by
   ``python -m http.server`` on 127.0.0.1 in another process (so the server has its own
   core), ingested as URLs (fetch, SSRF check, WARC archive, trafilatura, store) with 1
   and with 4 fetch threads; baseline: the same HTML files ingested as files.
2. Re-anchoring: ``--docs`` fetched pages stored, ``--links`` evidence links between them;
   then every page comes back changed (one sentence edited in each, one deleted in every
   tenth) and is stored as a new version with its claims and links re-anchored; baseline:
   the same changed texts stored as new documents with nothing re-anchored.
No network beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import seed_sentences

from workbench import ingestion
from workbench.models import RawDocument
from workbench.passages import split_passages
from workbench.storage import connect, corpus
from workbench.web.fetch import Limits


def article_paragraphs(rng: random.Random, sentences: list[str], n: int) -> list[str]:
    return [" ".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(rng.randint(4, 8))] + [
        f"Reported on day {n}."
    ]


def write_pages(folder: Path, count: int) -> list[str]:
    rng = random.Random(5)
    sentences = seed_sentences()
    names = []
    for n in range(count):
        paras = article_paragraphs(rng, sentences, n)
        html = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>Article {n}</title></head><body>"
            "<nav>Home | World</nav><article><h1>"
            + escape(paras[0][:60])
            + "</h1>"
            + "".join(f"<p>{escape(p)}</p>" for p in paras)
            + "</article><footer>(c) Site</footer></body></html>"
        )
        name = f"article{n:05d}.html"
        (folder / name).write_text(html, encoding="utf-8")
        names.append(name)
    return names


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_fetch(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        site = tmp / "site"
        site.mkdir()
        names = write_pages(site, pages)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            urls = [f"http://127.0.0.1:{port}/{name}" for name in names]
            limits = Limits(allow_private=True, timeout=10)
            for _ in range(100):  # wait for the server to listen
                try:
                    ingestion.ingest_urls(connect(tmp / "probe.db"), urls[:1], limits=limits)
                    break
                except Exception:
                    time.sleep(0.05)
            print(
                f"URL ingest, {pages} pages (~{sum(p.stat().st_size for p in site.iterdir()) // pages} B each),"
                f" server in its own process, {os.cpu_count()} cores:"
            )
            t0 = time.perf_counter()
            report = ingestion.ingest_paths(connect(tmp / "files.db"), [site], parallel=False)
            files_s = time.perf_counter() - t0
            print(f"  baseline: file ingest     {pages / files_s:7.1f} pages/s  ({report.added} added)")
            for threads in (1, 4):
                t0 = time.perf_counter()
                report = ingestion.ingest_urls(
                    connect(tmp / f"urls{threads}.db"), urls, limits=limits, threads=threads
                )
                s = time.perf_counter() - t0
                print(
                    f"  URL ingest, {threads} thread(s) {pages / s:7.1f} pages/s  ({report.added} added,"
                    f" {len(report.errors)} errors)  {s / files_s:.2f}x the file ingest time"
                )
            warcs = list((tmp / "archive").iterdir())
            print(f"  archive: {len(warcs)} WARC files, {sum(w.stat().st_size for w in warcs) / 1e6:.1f} MB")
        finally:
            server.terminate()
            server.wait()


def bench_reanchor(docs: int, links: int) -> None:
    rng = random.Random(9)
    sentences = seed_sentences()
    texts = ["\n".join(article_paragraphs(rng, sentences, n)) for n in range(docs)]

    def web(n: int) -> corpus.WebSource:
        return corpus.WebSource(
            f"https://news.example/{n}", "2026-11-29T12:00:00Z", 200, "x.warc.gz", 0, "<urn:x>"
        )

    def edited(text: str, n: int) -> str:
        paras = text.split("\n")
        paras[1] = paras[1].replace(" ", "  ", 1).replace("said", "stated", 1) + " It added more."
        if n % 10 == 0:
            del paras[2]
        return "\n".join(paras)

    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "r.db")
        t0 = time.perf_counter()
        for n, text in enumerate(texts):
            url = f"https://news.example/{n}"
            corpus.add_document(
                db,
                RawDocument(url, text, url=url),
                corpus.content_hash(text),
                split_passages(text),
                web=web(n),
            )
        print(f"\nRe-anchoring: {docs} pages stored in {time.perf_counter() - t0:.1f} s")
        from workbench.storage.review import set_link

        claim_ids = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY random() LIMIT ?", [links])]
        passages = db.execute("SELECT id FROM passages ORDER BY random() LIMIT ?", [links]).fetchall()
        for claim_id, (passage_id,) in zip(claim_ids, passages):
            set_link(db, claim_id, passage_id, "supports")
        new_texts = [edited(t, n) for n, t in enumerate(texts)]
        base = connect(Path(tmp) / "base.db")
        t0 = time.perf_counter()
        for n, text in enumerate(new_texts):
            url = f"https://news.example/{n}"
            corpus.add_document(
                base,
                RawDocument(url, text, url=url),
                corpus.content_hash(text),
                split_passages(text),
                web=web(n),
            )
        base_s = time.perf_counter() - t0
        print(
            f"  baseline: the {docs} changed pages stored as new documents   {base_s:6.1f} s"
            f"  ({docs / base_s:.0f} pages/s)"
        )
        report = ingestion.IngestReport()
        t0 = time.perf_counter()
        for n, text in enumerate(new_texts):
            url = f"https://news.example/{n}"
            ingestion.store_version(db, RawDocument(url, text, url=url), web(n), report)
        s = time.perf_counter() - t0
        moved = db.execute(
            "SELECT count(*) FROM evidence_links l JOIN passages p ON p.id = l.passage_id"
            " JOIN documents d ON d.id = p.document_id WHERE d.superseded_by IS NULL"
        ).fetchone()[0]
        print(
            f"  re-ingest as new versions, {links} links re-anchored        {s:6.1f} s  ({docs / s:.0f} pages/s,"
            f" {s / base_s:.2f}x the baseline)"
        )
        print(
            f"  {report.versions} new versions; claims and links: {report.changed} changed, {report.gone} gone;"
            f" {moved} of {links} links now on the newest version"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=1_000)
    args = parser.parse_args()
    bench_fetch(args.pages)
    bench_reanchor(args.docs, args.links)


if __name__ == "__main__":
    main()
