"""Merging two reviewed copies of a 100k-claim database: workbench merge vs a bare union.

    python benchmarks/team_merge.py [--claims 100000] [--keep DIR]

Builds a synthetic corpus (seed sentences recombined into documents of 100 sentences,
every sentence a claim), gives every claim to two of three reviewers (``team.assign``),
then copies it twice: copy A holds ana's verdicts and notes, copy B ben's and cleo's,
each with history rows as the review screen writes them, and 10% of claims linked.
Then, each in a fresh process so peak RSS is per run:
  * workbench: ``storage.merge.merge`` of B into A (target: <= 30 s);
  * baseline: ATTACH B and INSERT OR IGNORE its decisions, links and history rows into A
    by row id - the floor cost of moving the same rows, with no identity mapping, no
    per-field times and no final verdicts.
A second merge of the same file (nothing to change) is timed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_S = 30.0
VERDICTS = ("sourced", "contested", "unsupported")
REVIEWERS = ("ana", "ben", "cleo")


def build_corpus(path: str, n_claims: int, seed: int = 3) -> int:
    """A database of ``n_claims`` claims (one per sentence), written with bare SQL for speed."""
    from corpus_gen import seed_sentences

    from workbench.storage import connect
    from workbench.storage.corpus import content_hash

    rng = random.Random(seed)
    sentences = seed_sentences()
    db = connect(path)
    conn = db.conn
    at = "2026-01-01T00:00:00.000+00:00"
    pid = cid = 0
    conn.execute("BEGIN")
    for d in range(1, n_claims // 100 + 1):
        chosen = [f"Item {d}-{i}: {rng.choice(sentences)}" for i in range(100)]
        text = " ".join(chosen)
        conn.execute(
            "INSERT INTO documents (id, name, content_hash, text, ingested_at) VALUES (?, ?, ?, ?, ?)",
            [d, f"doc{d:05}.txt", content_hash(text), text, at],
        )
        offset, passages, claims = 0, [], []
        for i, sentence in enumerate(chosen):
            pid += 1
            cid += 1
            passages.append((pid, d, i, i // 4, offset, offset + len(sentence), sentence))
            claims.append((cid, d, pid, sentence, offset, offset + len(sentence), 0.5, "[]", "extracted", at))
            offset += len(sentence) + 1
        conn.executemany(
            'INSERT INTO passages (id, document_id, ordinal, paragraph, start, "end", text) VALUES (?, ?, ?, ?, ?, ?, ?)',
            passages,
        )
        conn.executemany(
            'INSERT INTO claims (id, document_id, passage_id, text, start, "end", score, reasons, origin, created_at)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            claims,
        )
    conn.execute("COMMIT")
    db.close()
    return cid


def assign_all(path: str) -> None:
    from workbench.storage import connect, team

    db = connect(path)
    ids = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id")]
    team.assign(db, ids, list(REVIEWERS), overlap=2)
    db.close()


def review_as(path: str, reviewers: tuple[str, ...], seed: int) -> int:
    """Each of ``reviewers`` decides every claim assigned to them, as the screen would:
    a history row per change (the triggers keep decisions in step), then the final verdicts."""
    from workbench.storage import connect, team

    rng = random.Random(seed)
    db = connect(path)
    conn = db.conn
    rows = db.execute(
        "SELECT claim_id, reviewer FROM assignments WHERE reviewer IN (SELECT value FROM json_each(?))"
        " ORDER BY claim_id",
        [json.dumps(reviewers)],
    ).fetchall()
    history, links = [], []
    for n, (claim, who) in enumerate(rows):
        at = f"2026-02-01T{n // 3_600_000 % 24:02}:{n // 60_000 % 60:02}:{n // 1000 % 60:02}.{n % 1000:03}+00:00"
        verdict = VERDICTS[0] if rng.random() < 0.7 else rng.choice(VERDICTS)
        history.append((claim, "status", None, None, verdict, who, at))
        if rng.random() < 0.2:
            history.append((claim, "note", None, "", f"{who}: checked", who, at))
        if rng.random() < 0.1:
            links.append((claim, claim, "supports", who, at))
            history.append((claim, "link", claim, None, "supports", who, at))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO history (claim_id, kind, passage_id, old, new, reviewer, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        history,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO evidence_links (claim_id, passage_id, relation, reviewer, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        links,
    )
    for claim in sorted({c for c, _ in rows}):
        team.settle(db, claim)
    conn.execute("COMMIT")
    db.close()
    return len(rows)


def build(folder: str, n_claims: int) -> dict:
    t = time.perf_counter()
    base = str(Path(folder) / "base.db")
    n = build_corpus(base, n_claims)
    assign_all(base)
    for name, who, seed in (("a.db", ("ana",), 1), ("b.db", ("ben", "cleo"), 2)):
        shutil.copy(base, Path(folder) / name)
        review_as(str(Path(folder) / name), who, seed)
    return {"claims": n, "build_s": time.perf_counter() - t}


def run_workbench(into: str, other: str) -> dict:
    from workbench.storage import connect
    from workbench.storage.merge import merge

    db = connect(into)
    t, c = time.perf_counter(), time.process_time()
    result = merge(db, other)
    out = {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c}
    out.update(
        decisions=result.decisions,
        history=result.history,
        links=result.links,
        disagreements=result.disagreements,
        conflicts=len(result.conflicts),
        matched=result.claims_matched,
    )
    db.close()
    return out


def run_baseline(into: str, other: str) -> dict:
    conn = sqlite3.connect(into)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    t, c = time.perf_counter(), time.process_time()
    conn.execute("ATTACH DATABASE ? AS other", [other])
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT OR IGNORE INTO history (claim_id, kind, passage_id, old, new, reviewer, at)"
        " SELECT claim_id, kind, passage_id, old, new, reviewer, at FROM other.history"
    )
    conn.execute("INSERT OR REPLACE INTO decisions SELECT * FROM other.decisions")
    conn.execute("INSERT OR IGNORE INTO evidence_links SELECT * FROM other.evidence_links")
    conn.execute("COMMIT")
    out = {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c}
    conn.close()
    return out


def child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--keep", help="folder to keep the databases in")
    ap.add_argument("--child", nargs="*")
    a = ap.parse_args()
    if a.child is not None:
        kind, *rest = a.child
        if kind == "build":
            result = build(rest[0], int(rest[1]))
        else:
            result = {"workbench": run_workbench, "baseline": run_baseline}[kind](*rest)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    folder = Path(a.keep or tempfile.mkdtemp(prefix="merge-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "b.db").exists():
        built = child(["build", str(folder), str(a.claims)])
        print(f"built two reviewed copies of {built['claims']:,} claims in {built['build_s']:.1f} s")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (CPU seconds in brackets)")
    for name in ("into.db", "into_base.db"):
        shutil.copy(folder / "a.db", folder / name)
    sizes = {n: (folder / n).stat().st_size / 1e6 for n in ("a.db", "b.db")}
    print(f"a.db {sizes['a.db']:.0f} MB, b.db {sizes['b.db']:.0f} MB")
    wb = child(["workbench", str(folder / "into.db"), str(folder / "b.db")])
    again = child(["workbench", str(folder / "into.db"), str(folder / "b.db")])
    base = child(["baseline", str(folder / "into_base.db"), str(folder / "b.db")])
    ok = "ok" if wb["seconds"] <= TARGET_S else "MISSED"
    print(
        f"merge      {wb['seconds']:7.2f} s ({wb['cpu']:.2f})  peak RSS {wb['rss_mb']:4.0f} MB"
        f"  {wb['decisions']:,} decisions, {wb['history']:,} history rows, {wb['links']:,} links,"
        f" {wb['disagreements']:,} disagreements  target <= {TARGET_S:.0f} s {ok}"
    )
    print(
        f"again      {again['seconds']:7.2f} s ({again['cpu']:.2f})  peak RSS {again['rss_mb']:4.0f} MB"
        f"  {again['decisions']} decisions, {again['history']} history rows (nothing to change)"
    )
    print(
        f"baseline   {base['seconds']:7.2f} s ({base['cpu']:.2f})  peak RSS {base['rss_mb']:4.0f} MB"
        f"  bare INSERT OR IGNORE of the rows; merge/baseline {wb['seconds'] / base['seconds']:.1f}x"
    )
    print(f"(files in {folder})")


if __name__ == "__main__":
    main()
