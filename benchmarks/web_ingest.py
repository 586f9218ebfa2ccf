"""URL ingest throughput beside file ingest of the same pages, in the same run (#15).

    python benchmarks/web_ingest.py [--pages 300]

``--pages`` synthetic articles (~3 kB of seed sentences in HTML) served by
``python -m http.server`` on 127.0.0.1 in another process, ingested as URLs (fetch, SSRF
check, WARC archive, trafilatura, store) with 1 and with 4 fetch threads; baselines: the
same HTML files ingested as files, on one core and on both. Each line gives pages/s and
the CPU this process used per second of wall time (2.0 = both cores busy).
Re-anchoring after a re-ingest is measured by ``reanchor_scale.py``. No network beyond
127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
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
from workbench.storage import connect
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


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the ingest's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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
            files_s = 0.0
            for parallel in (False, True):
                t0, c0 = time.perf_counter(), cpu_seconds()
                report = ingestion.ingest_paths(
                    connect(tmp / f"files{parallel}.db"), [site], parallel=parallel
                )
                s, cpu = time.perf_counter() - t0, cpu_seconds() - c0
                files_s = files_s or s
                print(
                    f"  baseline: file ingest, {'both cores' if parallel else 'one core  '} {pages / s:7.1f} pages/s"
                    f"  CPU {cpu / s:.2f}  ({report.added} added)"
                )
            for threads in (1, 4):
                t0, c0 = time.perf_counter(), cpu_seconds()
                report = ingestion.ingest_urls(
                    connect(tmp / f"urls{threads}.db"), urls, limits=limits, threads=threads
                )
                s, cpu = time.perf_counter() - t0, cpu_seconds() - c0
                print(
                    f"  URL ingest, {threads} fetch thread(s)  {pages / s:7.1f} pages/s  CPU {cpu / s:.2f}"
                    f"  ({report.added} added, {len(report.errors)} errors)  {s / files_s:.2f}x the one-core"
                    " file ingest time"
                )
            warcs = list((tmp / "archive").iterdir())
            print(f"  archive: {len(warcs)} WARC files, {sum(w.stat().st_size for w in warcs) / 1e6:.1f} MB")
        finally:
            server.terminate()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    bench_fetch(args.pages)


if __name__ == "__main__":
    main()
