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


def article_texts(count: int, seed: int = 9) -> list[str]:
    """``count`` ~3 kB articles, paragraphs one a line, each ending in a unique line."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    texts = []
    for n in range(count):
        paras = ["  ".join(rng.sample(sentences, rng.randint(2, 5))) for _ in range(rng.randint(4, 9))]
        texts.append("\n".join(paras) + f"\nReported on day {n}.")
    return texts


def edited(text: str, n: int) -> str:
    """An edit of ``text`` as a page's update: one sentence reworded, one added, and in
    every fifth document a paragraph dropped."""
    paras = text.split("\n")
    paras[0] = paras[0].replace(" the ", " the same ", 1).replace("  ", "  Officials said that ", 1)
    paras[-1] += f" Updated on day {n + 1}, with a correction."
    if n % 5 == 0 and len(paras) > 3:
        del paras[1]
    return "\n".join(paras)
