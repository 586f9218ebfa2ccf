"""Test corpora built from the seed articles' sentences (realistic text, any size)."""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@cache
def sentences() -> tuple[str, ...]:
    from workbench.segment import split_sentences

    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            out += [line[s:e] for s, e in split_sentences(line) if e - s > 20]
    return tuple(out)


def article(rng: random.Random, n: int) -> str:
    pool = sentences()
    paras = ["  ".join(rng.sample(pool, rng.randint(2, 5))) for _ in range(rng.randint(3, 8))]
    return "\n".join(paras) + f"\nReported on day {n}."  # unique content hash


def write_jsonl(path: Path, documents: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(documents):
            out.write(json.dumps({"id": f"doc{n}", "text": article(rng, n)}) + "\n")
    return path


def write_text(path: Path, megabytes: float, seed: int = 11) -> Path:
    """One big plain-text document, paragraphs of seed sentences, streamed to disk."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    written = n = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            chunk = article(rng, n) + "\n"
            out.write(chunk)
            written += len(chunk.encode("utf-8"))
            n += 1
    return path
