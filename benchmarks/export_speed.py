"""Export speed at 100k claims: workbench export vs a bare dump baseline, same run.

    python benchmarks/export_speed.py [--claims 100000] [--keep DIR]

Builds a synthetic reviewed database (seed sentences recombined into 1,000
documents; every sentence a claim; 30% with a verdict and history, 10% with a
linked passage, 20% with stored linker suggestions, some flagged) through
``workbench import`` itself, then times, each in a fresh process so peak RSS
is per run:
  * workbench: ``reports.export_to`` for json, csv (target: <= 5 s each), md, html;
  * baseline: one SELECT of the claim rows joined with their verdicts, then a
    plain ``json.dumps`` (or ``csv.writer``) of all of them to a file - the floor
    cost of writing the same rows with nothing else.
It prints seconds, claims/s, peak RSS, output size and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_S = 5.0
T0 = "2026-01-01T00:00:00.000+00:00"


def synthetic_export(n_claims: int, seed: int = 5) -> dict:
    """A format-version-1 export dict with ``n_claims`` claims (see reports/json_format.py)."""
    from corpus_gen import seed_sentences

    rng = random.Random(seed)
    sentences = seed_sentences()
    per_doc = 100
    documents, claims = [], []
    pid = cid = hid = 0
    for d in range(1, n_claims // per_doc + 1):
        chosen = [rng.choice(sentences) for _ in range(per_doc)]
        text, passages, offset = "", [], 0
        for i, sentence in enumerate(chosen):
            pid += 1
            passages.append(
                {
                    "id": pid,
                    "ordinal": i,
                    "paragraph": i // 4,
                    "start": offset,
                    "end": offset + len(sentence),
                    "text": sentence,
                }
            )
            text += sentence + ("\n" if i % 4 == 3 else " ")
            offset = len(text)
        text += f"Document {d}."
        documents.append(
            {
                "id": d,
                "name": f"doc{d}.txt",
                "title": chosen[0][:80],
                "source": f"outlet{d % 40}",
                "url": None,
                "published": None,
                "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                "ingested_at": T0,
                "text": text,
                "passages": passages,
            }
        )
        for p in passages:
            cid += 1
            r = rng.random()
            verdict = (
                None if r > 0.3 else ("sourced" if r < 0.15 else "contested" if r < 0.22 else "unsupported")
            )
            history, links, suggestions = [], [], []
            if verdict:
                hid += 1
                history.append(
                    {
                        "id": hid,
                        "kind": "status",
                        "passage_id": None,
                        "old": None,
                        "new": verdict,
                        "reviewer": "ana",
                        "at": T0,
                        "undoes": None,
                    }
                )
            other = rng.randint(1, pid)
            if rng.random() < 0.1:
                links.append(
                    {
                        "passage_id": other,
                        "relation": "supports",
                        "reviewer": "ana",
                        "created_at": T0,
                        "span": [0, 0],
                        "span_origin": "computed",
                        "flags": [],
                    }
                )
                hid += 1
                history.append(
                    {
                        "id": hid,
                        "kind": "link",
                        "passage_id": other,
                        "old": None,
                        "new": "supports",
                        "reviewer": "ana",
                        "at": T0,
                        "undoes": None,
                    }
                )
            if rng.random() < 0.2:
                suggestions = [
                    {
                        "rank": k,
                        "passage_id": rng.randint(1, pid),
                        "score": 50.0 - k,
                        "span": [0, 10],
                        "flags": ["number-mismatch"] if k == 0 and rng.random() < 0.3 else [],
                    }
                    for k in range(3)
                ]
            claims.append(
                {
                    "id": cid,
                    "document_id": d,
                    "document": f"doc{d}.txt",
                    "passage_id": p["id"],
                    "text": p["text"],
                    "start": p["start"],
                    "end": p["end"],
                    "score": 0.5,
                    "reasons": ["number"],
                    "origin": "extracted",
                    "created_at": T0,
                    "verdict": verdict,
                    "note": "checked" if verdict else "",
                    "reviewer": "ana" if verdict else None,
                    "updated_at": T0 if verdict else None,
                    "context": {"before": "", "after": ""},
                    "flags": [],
                    "links": links,
                    "suggestions": suggestions,
                    "history": history,
                }
            )
    return {
        "format": "workbench-review",
        "format_version": 1,
        "exported_at": T0,
        "filters": {},
        "summary": {},
        "documents": documents,
        "claims": claims,
    }


def build(db_path: str, n_claims: int) -> dict:
    from workbench import reports
    from workbench.storage import connect

    source = Path(db_path).with_suffix(".src.json")
    source.write_text(json.dumps(synthetic_export(n_claims)), encoding="utf-8")
    start = time.perf_counter()
    stats = reports.import_file(connect(db_path), source)
    return {"import_s": time.perf_counter() - start, "claims": stats.claims_added}


def run_workbench(db_path: str, fmt: str, out: str) -> dict:
    from workbench import reports
    from workbench.storage import connect

    db = connect(db_path)
    start, cpu = time.perf_counter(), time.process_time()
    reports.export_to(db, fmt, out)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def run_baseline(db_path: str, fmt: str, out: str) -> dict:
    """All claim rows with their verdicts in one query, dumped with no further work."""
    import csv

    from workbench.storage import connect

    db = connect(db_path)
    start, cpu = time.perf_counter(), time.process_time()
    cur = db.execute(
        "SELECT c.id, c.document_id, c.text, c.score, v.status, v.note, v.reviewer, v.updated_at"
        " FROM claims c LEFT JOIN verdicts v ON v.claim_id = c.id ORDER BY c.id"
    )
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    with open(out, "w", encoding="utf-8", newline="") as handle:
        if fmt == "json":
            handle.write(json.dumps([dict(zip(cols, r)) for r in rows], ensure_ascii=False))
        else:
            writer = csv.writer(handle)
            writer.writerow(cols)
            writer.writerows(rows)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--keep", help="folder to keep the database and outputs in")
    ap.add_argument("--child", nargs="*")
    a = ap.parse_args()
    if a.child is not None:
        kind, *rest = a.child
        fn = {"build": build, "workbench": run_workbench, "baseline": run_baseline}[kind]
        result = fn(rest[0], int(rest[1])) if kind == "build" else fn(*rest)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    folder = Path(a.keep or tempfile.mkdtemp(prefix="export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db_path = str(folder / "bench.db")
    if not Path(db_path).exists():
        built = child(["build", db_path, str(a.claims)])
        print(
            f"built {built['claims']:,} claims via import in {built['import_s']:.1f} s "
            f"(peak RSS {built['rss_mb']:.0f} MB)"
        )
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers when busy;"
        " CPU seconds in brackets)"
    )
    print(
        f"{'format':<6} {'workbench s':>16} {'claims/s':>10} {'RSS MB':>7} {'MB out':>7}"
        f" {'baseline s':>15} {'ratio':>6}  target"
    )
    for fmt in ("json", "csv", "md", "html"):
        out = str(folder / f"out.{fmt}")
        wb = child(["workbench", db_path, fmt, out])
        size = Path(out).stat().st_size / 1e6
        line = f"{fmt:<6} {wb['seconds']:>9.2f} ({wb['cpu']:.2f}) {a.claims / wb['seconds']:>10,.0f} {wb['rss_mb']:>7.0f} {size:>7.1f}"
        if fmt in ("json", "csv"):
            base = child(["baseline", db_path, fmt, str(folder / f"base.{fmt}")])
            ok = "ok" if wb["seconds"] <= TARGET_S else "MISSED"
            line += f" {base['seconds']:>8.2f} ({base['cpu']:.2f}) {wb['seconds'] / base['seconds']:>5.1f}x  <= {TARGET_S:.0f} s {ok}"
        print(line)
    print(f"(files in {folder})")


if __name__ == "__main__":
    main()
