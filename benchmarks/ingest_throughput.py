"""Ingest throughput and memory: workbench vs a bare-insert baseline, same run.

    python benchmarks/ingest_throughput.py [--mb 50]

For each corpus (a JSONL feed and one big .txt file) it runs, in a fresh
process each so peak RSS is per run:
  * workbench: the real `ingest_paths` (segmenting, claim scoring, FTS5 index,
    one transaction per document);
  * baseline: read the same file, split on newlines, executemany the lines
    into a plain table - the floor cost of just storing the text.
It prints MB/s, passages/s, peak RSS and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def run_workbench(corpus: str, db_path: str) -> dict:
    from workbench import ingestion
    from workbench.storage import connect

    db = connect(db_path)
    t0 = time.perf_counter()
    report = ingestion.ingest_paths(db, [corpus])
    elapsed = time.perf_counter() - t0
    return {
        "seconds": elapsed,
        "passages": report.passages,
        "claims": report.claims,
        "documents": report.added,
    }


def run_baseline(corpus: str, db_path: str) -> dict:
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE lines (id INTEGER PRIMARY KEY, text TEXT)")
    t0 = time.perf_counter()
    n = 0
    with open(corpus, encoding="utf-8") as handle, conn:
        batch = []
        for line in handle:
            batch.append((line,))
            if len(batch) >= 5000:
                conn.executemany("INSERT INTO lines (text) VALUES (?)", batch)
                n += len(batch)
                batch = []
        conn.executemany("INSERT INTO lines (text) VALUES (?)", batch)
        n += len(batch)
    return {"seconds": time.perf_counter() - t0, "passages": n, "claims": 0, "documents": 0}


def child(kind: str, corpus: str, db_path: str) -> None:
    result = (run_workbench if kind == "workbench" else run_baseline)(corpus, db_path)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(kind: str, corpus: Path, tmp: Path) -> dict:
    db_path = tmp / f"{kind}-{corpus.stem}.db"
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(corpus), str(db_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    import corpus_gen

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        corpora = [
            corpus_gen.write_jsonl(tmp / "feed.jsonl", args.mb),
            corpus_gen.write_text(tmp / "big.txt", args.mb),
        ]
        print(
            f"{'corpus':<12} {'run':<10} {'MB':>6} {'s':>7} {'MB/s':>7} {'passages/s':>11}"
            f" {'claims':>8} {'peak RSS MB':>12} {'time vs baseline':>17}"
        )
        for corpus in corpora:
            size_mb = corpus.stat().st_size / 1e6
            base = measure("baseline", corpus, tmp)
            ours = measure("workbench", corpus, tmp)
            for name, r in (("baseline", base), ("workbench", ours)):
                print(
                    f"{corpus.name:<12} {name:<10} {size_mb:6.1f} {r['seconds']:7.2f}"
                    f" {size_mb / r['seconds']:7.2f} {r['passages'] / r['seconds']:11.0f}"
                    f" {r['claims']:8d} {r['peak_rss_mb']:12.0f}"
                    f" {r['seconds'] / base['seconds']:16.1f}x"
                )


if __name__ == "__main__":
    main()
