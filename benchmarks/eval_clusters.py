"""Claim clustering (#14): quality against a baseline, decisions saved on the seeds, speed.

Quality: benchmarks/cluster_pairs.jsonl, hand-labelled pairs from the seeds (a real
claim and the same claim as another outlet would word it; the same claim with one
fact changed: figure, actor, action, negation, time; related seed claims). Reported
side by side, in the same run:

- ``pair rule``: ``clustering.same_claim`` on each pair;
- ``clustering``: every text of the set clustered together (``clustering.cluster``),
  a pair counted as grouped when both texts end up in one cluster;
- ``baseline``: rapidfuzz token_set_ratio >= 85 on each pair, and its clusters
  (connected components of that rule over the whole set).

Effect: review decisions needed for the seeds, one per claim against one per cluster.

Speed (``--sizes``): synthetic claims (benchmarks/link_scale.py's generator; 15 % are
near copies of an earlier claim, as outlets repeat wire copy) stored in a database,
then ``recluster`` end to end (read, pair, store), ``cluster_new`` for 100 new claims,
and ``seen_before`` for 200 new claims with every stored claim decided; peak memory
of each size's process.

    python benchmarks/eval_clusters.py                      # quality + seeds
    python benchmarks/eval_clusters.py --sizes 10000,100000 # + speed
    python benchmarks/eval_clusters.py --seen-sizes 1000000 # seen-before latency only
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from workbench import clustering, ingestion  # noqa: E402
from workbench.models import ClaimDraft, PassageDraft, RawDocument  # noqa: E402
from workbench.storage import clusters as store  # noqa: E402
from workbench.storage import connect, corpus  # noqa: E402

PAIRS = REPO / "benchmarks" / "cluster_pairs.jsonl"
BASELINE_THRESHOLD = 85


def baseline_same(a: str, b: str) -> bool:
    return fuzz.token_set_ratio(a, b, processor=default_process) >= BASELINE_THRESHOLD


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, int, int, int]:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp, fp, fn)


def _components(texts: list[str], same) -> dict[str, int]:
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if same(texts[i], texts[j]):
                parent[find(i)] = find(j)
    return {t: find(i) for i, t in enumerate(texts)}


def quality() -> dict:
    pairs = [json.loads(line) for line in PAIRS.open(encoding="utf-8")]
    gold = [p["same"] for p in pairs]
    texts = list(dict.fromkeys(t for p in pairs for t in (p["a"], p["b"])))
    refs = [clustering.ClaimRef(i + 1, t) for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    result = clustering.cluster(refs)
    cluster_s = time.perf_counter() - t0
    of = result.cluster_of()
    id_of = {t: i + 1 for i, t in enumerate(texts)}
    base_comp = _components(texts, baseline_same)
    preds = {
        "pair rule": [clustering.same_claim(p["a"], p["b"]).same for p in pairs],
        "clustering": [of[id_of[p["a"]]] == of[id_of[p["b"]]] for p in pairs],
        "baseline pair (token_set>=85)": [baseline_same(p["a"], p["b"]) for p in pairs],
        "baseline clusters (components)": [base_comp[p["a"]] == base_comp[p["b"]] for p in pairs],
    }
    print(
        f"Quality: {sum(gold)} positive, {len(gold) - sum(gold)} hard negative pairs "
        f"({len(texts)} texts clustered in {cluster_s:.2f} s: {len(result.clusters)} decisions"
        f" instead of {len(texts)})"
    )
    print(f"  {'':32} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    out = {}
    for name, pred in preds.items():
        p, r, tp, fp, fn = prf(pred, gold)
        out[name] = {"precision": round(p, 3), "recall": round(r, 3), "tp": tp, "fp": fp, "fn": fn}
        print(f"  {name:32} {p:9.3f} {r:7.3f} {tp:4} {fp:4} {fn:4}")
    kinds = sorted({p["kind"] for p in pairs})
    print("  by kind (share grouped: ours clustering / baseline pair):")
    for kind in kinds:
        idx = [i for i, p in enumerate(pairs) if p["kind"] == kind]
        ours = sum(preds["clustering"][i] for i in idx)
        base = sum(preds["baseline pair (token_set>=85)"][i] for i in idx)
        label = "same" if pairs[idx[0]]["same"] else "differ"
        print(f"    {kind:16} ({label:6}) n={len(idx):3}  ours {ours:3}  baseline {base:3}")
    misses = [p for p, ok in zip(pairs, preds["pair rule"]) if ok != p["same"]]
    print("  pair-rule errors:")
    for p in misses:
        print(
            f"    {'missed' if p['same'] else 'WRONGLY GROUPED'} #{p['claim']} ({p['kind']}): "
            f"{clustering.same_claim(p['a'], p['b']).reason}"
        )
    return out


def seeds_decisions() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "seeds.db")
        ingestion.ingest_paths(db, [REPO / "seeds"])
        claims = len(store.claim_refs(db))
        result = clustering.recluster(db)
        db.close()
    multi = [c for c in result.clusters if len(c.members) > 1]
    print(
        f"Seeds: {claims} claims -> {len(result.clusters)} decisions with clusters "
        f"({len(multi)} cluster(s) of 2+: {[list(c.members) for c in multi]}), {claims} without"
    )
    return {"claims": claims, "decisions_with_clusters": len(result.clusters), "multi": len(multi)}


# --- speed -----------------------------------------------------------------------


def _near_copy(rng: random.Random, text: str) -> str:
    """The same claim as another outlet carries it: punctuation, case or attribution changed."""
    kind = rng.random()
    if kind < 0.4:
        return text.rstrip(".") + ", officials said."
    if kind < 0.7:
        return text.replace(",", "").replace("  ", " ")
    return text.rstrip(".").upper()[:1] + text.rstrip(".")[1:] + "."


def synthetic_claims(n: int, seed: int = 5) -> list[str]:
    from link_scale import Generator

    gen = Generator(seed, blended=max(20_000, n // 3))
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        if out and rng.random() < 0.15:
            out.append(_near_copy(rng, rng.choice(out)))
        else:
            out.append(gen.passage())
    return out


def _store(db, texts: list[str], name: str, rng: random.Random) -> None:
    per_doc = 1000
    for start in range(0, len(texts), per_doc):
        chunk = texts[start : start + per_doc]
        drafts, pos = [], 0
        for i, t in enumerate(chunk):
            drafts.append(PassageDraft(i, i, pos, pos + len(t), t, ClaimDraft(round(rng.random(), 2), ())))
            pos += len(t) + 1
        doc = RawDocument(
            name=f"{name}-{start}",
            text="\n".join(chunk),
            title=None,
            source=f"outlet-{start // per_doc % 40}",
        )
        corpus.add_document(db, doc, f"{name}-{start}-{len(texts)}", drafts)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure(size: int, out: mp.Queue, full: bool = True) -> None:
    rng = random.Random(size)
    texts = synthetic_claims(size + 300, seed=size)
    stored, new, lookups = texts[:size], texts[size : size + 100], texts[size + 100 :]
    # Half the seen-before look-ups are near copies of stored claims, as a new outlet's wire copy.
    lookups = [(_near_copy(rng, rng.choice(stored)) if i % 2 else t) for i, t in enumerate(lookups)]
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        db = connect(Path(tmp) / "scale.db")
        t0 = time.perf_counter()
        _store(db, stored, "stored", rng)
        build_s = time.perf_counter() - t0
        row: dict = {"size": size, "build_s": round(build_s, 1)}
        if full:
            t0, c0 = time.perf_counter(), time.process_time()
            result = clustering.recluster(db)
            row["recluster_s"] = round(time.perf_counter() - t0, 1)
            row["recluster_cpu_s"] = round(time.process_time() - c0, 1)
            sizes = Counter(len(c.members) for c in result.clusters)
            row.update(
                clusters=len(result.clusters),
                in_multi=sum(k * v for k, v in sizes.items() if k > 1),
                largest=max(sizes),
                disagreements=len(result.disagreements),
            )
            _store(db, new, "new", rng)
            new_ids = store.unclustered_ids(db)
            t0 = time.perf_counter()
            clustering.cluster_new(db, new_ids)
            row["cluster_new_100_s"] = round(time.perf_counter() - t0, 2)
        # Every stored claim decided (benchmark setup: one bulk insert, not 100k reviews).
        db.conn.execute(
            "INSERT INTO verdicts (claim_id, status, reviewer, updated_at)"
            " SELECT id, 'contested', 'bench', '2026-11-20T10:00:00' FROM claims"
        )
        db.conn.commit()
        _store(db, lookups, "lookup", rng)
        lookup_ids = [i for i in store.undecided_ids(db)]
        times, found = [], 0
        for claim_id in lookup_ids:
            t0 = time.perf_counter()
            hit = clustering.seen_before(db, claim_id)
            times.append((time.perf_counter() - t0) * 1000)
            found += hit is not None
        db.close()
    row.update(
        seen_before_median_ms=round(statistics.median(times), 2),
        seen_before_p95_ms=round(_pct(times, 0.95), 2),
        seen_before_found=found,
        seen_before_queries=len(times),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        load_average=round(os.getloadavg()[0], 1),
    )
    out.put(row)


def speed(sizes: list[int], full: bool = True) -> list[dict]:
    ctx = mp.get_context("fork")
    rows = []
    for size in sizes:
        q = ctx.Queue()
        proc = ctx.Process(target=measure, args=(size, q, full))
        proc.start()
        row = q.get()
        proc.join()
        rows.append(row)
        print("Speed:", json.dumps(row))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="", help="comma-separated claim counts for the speed runs")
    parser.add_argument(
        "--seen-sizes", default="", help="comma-separated decided-claim counts for seen-before latency only"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    figures = {"quality": quality(), "seeds": seeds_decisions()}
    if args.sizes:
        figures["speed"] = speed([int(s) for s in args.sizes.split(",") if s])
    if args.seen_sizes:
        figures["seen_before"] = speed([int(s) for s in args.seen_sizes.split(",") if s], full=False)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
