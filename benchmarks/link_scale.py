"""Linker speed at 10k / 100k / 1M passages against brute-force rapidfuzz.

Builds news-like corpora (seed sentences and the Climate-FEVER evidence
sentences recombined: halves of two real sentences joined, figures varied),
caches each under /tmp, then for each size prints the median and p95 latency
of ``link_text(top=10)`` and of ``rapidfuzz.process.extract`` (token_set_ratio)
over all passages, their ratio, recall@10 of both on paraphrased queries
(a corpus passage with words dropped and neighbours swapped), index build
time, database size and peak memory.

    python benchmarks/link_scale.py --sizes 10000,100000        # quick
    python benchmarks/link_scale.py                               # 10k, 100k, 1M
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import time
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from workbench import linking
from workbench.ingestion import split_passages
from workbench.models import PassageDraft, RawDocument
from workbench.storage import connect, corpus

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval" / "climate_fever" / "passages.jsonl"
CACHE = Path("/tmp/workbench-link-scale")
PER_DOC = 1000  # passages per synthetic document: one transaction each


def source_sentences() -> list[str]:
    sentences = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [p.text for p in split_passages(text)]
    if EVAL.exists():
        sentences += [json.loads(line)["text"] for line in EVAL.open(encoding="utf-8")]
    return [s for s in sentences if len(s.split()) >= 6]


def recombine(rng: random.Random, pool: list[str]) -> str:
    a, b = rng.choice(pool).split(), rng.choice(pool).split()
    cut_a, cut_b = rng.randint(3, max(3, len(a) - 1)), rng.randint(1, max(1, len(b) - 3))
    words = a[:cut_a] + b[cut_b:]
    # Vary figures so numbers are not all the same few.
    return " ".join(str(rng.randint(2, 250_000)) if w.isdigit() else w for w in words)


def build(size: int, path: Path) -> float:
    rng = random.Random(size)
    pool = source_sentences()
    db = connect(path)
    t0 = time.perf_counter()
    made = 0
    while made < size:
        n = min(PER_DOC, size - made)
        texts = [recombine(rng, pool) for _ in range(n)]
        drafts, pos = [], 0
        for i, t in enumerate(texts):
            drafts.append(PassageDraft(i, i, pos, pos + len(t), t))
            pos += len(t) + 1
        body = "\n".join(texts)
        doc = RawDocument(name=f"synthetic-{size}-{made}", text=body, title=None,
                          source=f"outlet-{made // PER_DOC % 50}")
        corpus.add_document(db, doc, f"{size}-{made}", drafts)
        made += n
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.perf_counter() - t0


def paraphrase(rng: random.Random, text: str) -> str:
    words = [w for w in text.split() if rng.random() > 0.3]
    if len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _child_build(size: int, path: str, out: mp.Queue) -> None:
    out.put(build(size, Path(path)))


def measure(size: int, queries: int, brute_queries: int) -> dict:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"corpus-{size}.db"
    meta = CACHE / f"corpus-{size}.json"
    if not path.exists() or not meta.exists():
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        q: mp.Queue = mp.Queue()
        child = mp.Process(target=_child_build, args=(size, str(path), q))  # keeps build memory apart
        child.start()
        build_s = q.get()
        child.join()
        meta.write_text(json.dumps({"build_s": build_s}))
    build_s = json.loads(meta.read_text())["build_s"]
    db = connect(path)
    rng = random.Random(7)
    max_id = db.execute("SELECT max(id) FROM passages").fetchone()[0]
    targets = []
    while len(targets) < queries:
        row = db.execute("SELECT id, text FROM passages WHERE id = ?", [rng.randint(1, max_id)]).fetchone()
        if row:
            targets.append((row[0], paraphrase(rng, row[1])))
    linking.link_text(db, "warm up the page cache", top=10)
    link_times, link_hits = [], 0
    for pid, text in targets:
        t0 = time.perf_counter()
        result = linking.link_text(db, text, top=10)
        link_times.append(time.perf_counter() - t0)
        link_hits += any(c.passage_id == pid for c in result.candidates)
    rss_link = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = db.execute("SELECT id, text FROM passages ORDER BY id").fetchall()
    ids = [r[0] for r in rows]
    choices = [default_process(r[1]) for r in rows]
    del rows
    brute_times, brute_hits = [], 0
    for pid, text in targets[:brute_queries]:
        t0 = time.perf_counter()
        hits = process.extract(default_process(text), choices, scorer=fuzz.token_set_ratio,
                               limit=10, processor=None)
        brute_times.append(time.perf_counter() - t0)
        brute_hits += any(ids[i] == pid for _, _, i in hits)
    rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists()) / 2**20
    linked_recall_same = sum(  # linker recall on the brute-force subset, for a like-for-like figure
        any(c.passage_id == pid for c in linking.link_text(db, text, top=10).candidates)
        for pid, text in targets[:brute_queries]
    ) / len(brute_times)
    db.close()
    return {
        "size": size, "build_s": build_s, "db_mb": size_mb,
        "link_med": statistics.median(link_times) * 1000, "link_p95": pct(link_times, 0.95) * 1000,
        "brute_med": statistics.median(brute_times) * 1000, "brute_p95": pct(brute_times, 0.95) * 1000,
        "link_r10": link_hits / len(targets), "link_r10_same": linked_recall_same,
        "brute_r10": brute_hits / len(brute_times), "queries": len(targets), "brute_queries": len(brute_times),
        "rss_link_mb": rss_link, "rss_brute_mb": rss_all,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=200, help="linker queries per size")
    ap.add_argument("--brute-queries", type=int, default=0,
                    help="brute-force queries per size (default: 200 / 50 / 10 at 10k / 100k / 1M)")
    args = ap.parse_args()
    print(f"{'passages':>9} {'build s':>8} {'DB MB':>7} {'link med':>9} {'link p95':>9} {'brute med':>10}"
          f" {'brute p95':>10} {'speed-up':>9} {'R@10 link':>10} {'R@10 brute':>11} {'RSS link':>9} {'RSS +brute':>11}")
    for size in (int(s) for s in args.sizes.split(",")):
        brute_q = args.brute_queries or (200 if size <= 10_000 else 50 if size <= 100_000 else 10)
        m = measure(size, args.queries, min(brute_q, args.queries))
        print(f"{m['size']:>9} {m['build_s']:8.1f} {m['db_mb']:7.1f} {m['link_med']:8.2f}ms {m['link_p95']:8.2f}ms"
              f" {m['brute_med']:9.1f}ms {m['brute_p95']:9.1f}ms {m['brute_med'] / m['link_med']:8.0f}x"
              f" {m['link_r10']:10.3f} {m['brute_r10']:6.3f}/{m['link_r10_same']:.3f}"
              f" {m['rss_link_mb']:8.0f}M {m['rss_brute_mb']:10.0f}M", flush=True)
    print("R@10 brute shown as brute/linker on the same brute-force query subset;"
          " RSS is the process peak (build runs in a child process).")


if __name__ == "__main__":
    main()
