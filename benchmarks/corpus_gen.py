"""Synthetic news-like corpora for benchmarks: the seed sentences recombined.

Not random words: real sentences from the seeds, shuffled across documents,
so segmentation, claim scoring and the FTS index see realistic text.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def seed_sentences() -> list[str]:
    from workbench.segment import split_sentences

    out = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            out += [line[s:e] for s, e in split_sentences(line) if e - s > 20]
    return out


def write_jsonl(path: Path, megabytes: float, seed: int = 7) -> Path:
    """About ``megabytes`` MB of JSONL, one ~3 kB article a line."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    target = int(megabytes * 1_000_000)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        n = 0
        while written < target:
            paras = ["  ".join(rng.sample(sentences, rng.randint(2, 5))) for _ in range(rng.randint(4, 9))]
            text = "\n".join(paras) + f"\nReported on day {n}."  # unique content hash
            line = json.dumps({"id": f"doc{n}", "text": text, "source": f"outlet{n % 40}"}) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return path


def write_text(path: Path, megabytes: float, seed: int = 11) -> Path:
    """One big plain-text file of about ``megabytes`` MB."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    target = int(megabytes * 1_000_000)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            para = " ".join(rng.sample(sentences, rng.randint(2, 6))) + "\n"
            out.write(para)
            written += len(para.encode("utf-8"))
    return path
