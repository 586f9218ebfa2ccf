"""Evidence-linker quality on the public Climate-FEVER half in ../shared/eval.

Ingests ``passages.jsonl`` as a JSONL corpus (one document per passage: ``id``,
``title`` = article, ``text``) into a temporary database, links every claim
that has SUPPORTS/REFUTES evidence, and prints recall@1/5/10, MRR and per-claim
latency for the workbench linker and, in the same run, for the baselines of the
data set's README: FTS5 BM25 alone (every claim word quoted and OR-ed) and
rapidfuzz ``token_set_ratio`` over all passages. Ties keep passage file order.

The data is read in place and never copied into the repository.

    python benchmarks/eval_linker.py [--eval-dir /work/shared/eval] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from workbench import ingestion, linking
from workbench.storage import connect, search

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def load(eval_dir: Path):
    base = eval_dir / "climate_fever"
    claims = [json.loads(line) for line in (base / "claims.jsonl").open(encoding="utf-8")]
    scored = []
    for c in claims:
        relevant = {e["id"] for e in c["evidence"] if e["label"] in ("SUPPORTS", "REFUTES")}
        if relevant:
            scored.append((c["claim"], relevant))
    return scored


def corpus_jsonl(eval_dir: Path, tmp: Path) -> Path:
    """The passages as the workbench's JSONL corpus format (``article`` becomes ``title``),
    written to the temporary directory only."""
    out = tmp / "passages.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for line in (eval_dir / "climate_fever" / "passages.jsonl").open(encoding="utf-8"):
            p = json.loads(line)
            f.write(
                json.dumps({"id": p["id"], "title": p["article"], "text": p["text"]}, ensure_ascii=False)
                + "\n"
            )
    return out


def build_db(eval_dir: Path, path: Path):
    db = connect(path)
    source = corpus_jsonl(eval_dir, path.parent)
    t0 = time.perf_counter()
    report = ingestion.ingest_paths(db, [source])
    build = time.perf_counter() - t0
    if report.errors:
        print("ingest errors:", report.errors[:3], file=sys.stderr)
    names = {
        r[0]: r[1]
        for r in db.execute("SELECT p.id, d.name FROM passages p JOIN documents d ON d.id = p.document_id")
    }
    return db, names, build


def metrics(ranked_lists, scored, times):
    r1 = r5 = r10 = mrr = 0.0
    for ranked, (_, relevant) in zip(ranked_lists, scored):
        rank = next((i + 1 for i, name in enumerate(ranked) if name in relevant), None)
        if rank:
            mrr += 1 / rank
            r1 += rank <= 1
            r5 += rank <= 5
            r10 += rank <= 10
    n = len(scored)
    times = sorted(times)
    return {
        "R@1": r1 / n,
        "R@5": r5 / n,
        "R@10": r10 / n,
        "MRR": mrr / n,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
    }


def run_linker(db, names, scored):
    out, times = [], []
    for text, _ in scored:
        t0 = time.perf_counter()
        result = linking.link_text(db, text, top=10)
        times.append(time.perf_counter() - t0)
        out.append([names[c.passage_id] for c in result.candidates])
    return out, times


def run_fts_all_words(db, names, scored):
    """README baseline: every claim word quoted and OR-ed, FTS5 bm25() order."""
    out, times = [], []
    for text, _ in scored:
        t0 = time.perf_counter()
        words = [w for _, _, w in linking.tokens(text)]
        hits = search.bm25_candidates(db, words, 10)
        times.append(time.perf_counter() - t0)
        out.append([names[pid] for pid, _ in hits])
    return out, times


def run_token_set(db, names, scored):
    rows = db.execute("SELECT id, text FROM passages ORDER BY id").fetchall()
    ids = [r[0] for r in rows]
    choices = [default_process(r[1]) for r in rows]
    out, times = [], []
    for text, _ in scored:
        t0 = time.perf_counter()
        hits = process.extract(
            default_process(text), choices, scorer=fuzz.token_set_ratio, limit=10, processor=None
        )
        times.append(time.perf_counter() - t0)
        # process.extract keeps choice order among equal scores (stable), i.e. file order.
        out.append([names[ids[i]] for _, _, i in hits])
    return out, times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--limit", type=int, default=0, help="only the first N scored claims")
    ap.add_argument("--only-linker", action="store_true")
    args = ap.parse_args()
    scored = load(args.eval_dir)
    if args.limit:
        scored = scored[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        db, names, build = build_db(args.eval_dir, Path(tmp) / "eval.db")
        print(
            f"{len(scored)} scored claims, {len(names)} passages; index build {build:.2f} s;"
            f" {platform.processor() or platform.machine()}, {platform.python_version()}"
        )
        runs = [("workbench linker", run_linker)]
        if not args.only_linker:
            runs += [
                ("FTS5 bm25, all words OR-ed (baseline)", run_fts_all_words),
                ("rapidfuzz token_set_ratio, all passages (baseline)", run_token_set),
            ]
        print(f"{'method':<52} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'med ms':>7} {'p95 ms':>7}")
        for label, fn in runs:
            ranked, times = fn(db, names, scored)
            m = metrics(ranked, scored, times)
            print(
                f"{label:<52} {m['R@1']:6.3f} {m['R@5']:6.3f} {m['R@10']:6.3f} {m['MRR']:6.3f}"
                f" {m['median_ms']:7.2f} {m['p95_ms']:7.2f}"
            )


if __name__ == "__main__":
    main()
