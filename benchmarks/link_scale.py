"""Linker speed at 10k / 100k / 1M passages against brute-force rapidfuzz.

Builds news-like corpora (seed passages, Climate-FEVER evidence sentences and
claims cut into clauses and recombined, 2–4 clauses a passage; names drawn from a
long-tail lexicon of the sources' own capitalised words and blends of them;
figures redrawn; a quarter of the content words swapped for same-ending corpus
words — see benchmarks/README.md), caches each under /tmp, then for each size
prints the median and p95 latency of ``link_text(top=10)`` and of
``rapidfuzz.process.extract`` (token_set_ratio) over all passages, their ratio,
recall@10 of both on the same paraphrased queries (a corpus passage with ~25 %
of its words dropped, up to two synonyms, two neighbours swapped), index build
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
import re
import resource
import statistics
import time
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from workbench import linking
from workbench.ingestion import split_passages
from workbench.models import LinkResult, PassageDraft, RawDocument
from workbench.storage import connect, corpus

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval" / "climate_fever" / "passages.jsonl"
CLAIMS = EVAL.with_name("claims.jsonl")
CACHE = Path("/tmp/workbench-link-scale")
PER_DOC = 1000  # passages per synthetic document: one transaction each


# Clause boundaries: a phrase ends after , ; : and before these words, so a passage is
# built from clauses of several different sentences rather than two long halves.
_BREAK_BEFORE = frozenset(
    "and but which while that because after when whereas although who where"
    " as with in on to for from by during since".split()
)
_CORE = re.compile(r"^([^\w]*)([\w’'.-]*?\w)([^\w]*)$")
_FIGURE = re.compile(r"^\d[\d,.]*$")
# Hand-written synonyms for the paraphrased queries (news and climate wording, both ways).
SYNONYMS = {
    "said": "stated",
    "talks": "discussions",
    "troops": "soldiers",
    "meeting": "talks",
    "increase": "rise",
    "rise": "increase",
    "warming": "heating",
    "global": "worldwide",
    "large": "big",
    "big": "large",
    "began": "started",
    "started": "began",
    "show": "indicate",
    "shows": "indicates",
    "support": "backing",
    "expressed": "voiced",
    "countries": "nations",
    "country": "nation",
    "president": "leader",
    "minister": "official",
    "government": "administration",
    "temperature": "heat",
    "temperatures": "heat",
    "levels": "amounts",
    "level": "amount",
    "caused": "led to",
    "cause": "lead to",
    "reduce": "cut",
    "reduced": "cut",
    "major": "main",
    "important": "key",
    "almost": "nearly",
    "nearly": "almost",
    "about": "around",
    "around": "about",
    "because": "since",
    "however": "but",
    "announced": "declared",
    "agreed": "consented",
    "scientists": "researchers",
    "researchers": "scientists",
    "study": "research",
    "years": "decades",
    "recent": "latest",
    "people": "persons",
    "war": "conflict",
    "conflict": "war",
    "attack": "assault",
    "significant": "considerable",
    "emissions": "discharges",
    "weather": "climate",
    "world": "globe",
}


def source_sentences() -> list[str]:
    """Seed passages, Climate-FEVER evidence sentences and Climate-FEVER claims (news-like)."""
    sentences = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [p.text for p in split_passages(text)]
    if EVAL.exists():
        sentences += [json.loads(line)["text"] for line in EVAL.open(encoding="utf-8")]
    if CLAIMS.exists():
        sentences += [json.loads(line)["claim"] for line in CLAIMS.open(encoding="utf-8")]
    return [s for s in sentences if len(s.split()) >= 6]


def phrases(sentences: list[str]) -> list[list[str]]:
    """Every sentence cut into clauses/phrases of 3–12 words (whitespace tokens, punctuation kept)."""
    out = []
    for s in sentences:
        cur: list[str] = []
        for w in s.split():
            if cur and len(cur) >= 3 and w.lower() in _BREAK_BEFORE:
                out.append(cur)
                cur = []
            cur.append(w)
            if len(cur) >= 12 or (len(cur) >= 3 and w[-1] in ",;:"):
                out.append(cur)
                cur = []
        if len(cur) >= 3:
            out.append(cur)
        elif cur and out:
            out[-1] = out[-1] + cur
    return out


def _name_parts(name: str) -> tuple[str, str] | None:
    m = re.match(r"^([^aeiouy]*[aeiouy]+[^aeiouy]?)(.*)$", name, re.I)
    if not m or len(name) < 4:
        return None
    head = m.group(1)
    tail = re.search(r"[aeiouy]+[^aeiouy]*$", name[len(head) :] or name[-3:], re.I)
    return head, tail.group() if tail else name[-3:]


def names_lexicon(rng: random.Random, sentences: list[str], blended: int) -> list[str]:
    """The corpora's own capitalised words, most frequent first, then ``blended`` new names made
    of the head of one and the tail of another ("Lav" + "ington"): real news has a long tail of
    rare names, places and outlets that ~3,800 source sentences cannot supply."""
    counts: dict[str, int] = {}
    for s in sentences:
        for w in s.split()[1:]:
            m = _CORE.match(w)
            core = m.group(2) if m else ""
            if core[:1].isupper() and core.isalpha() and len(core) > 2 and not core.isupper():
                counts[core] = counts.get(core, 0) + 1
    real = sorted(counts, key=lambda w: (-counts[w], w))
    parts = [p for p in map(_name_parts, real) if p]
    made: set[str] = set(real)
    out = list(real)
    while len(out) < len(real) + blended:
        # Head + tail, sometimes with a middle syllable (~885 heads x 371 tails alone would
        # run out of new names before 1M passages need them).
        middle = rng.choice(parts)[0] if rng.random() < 0.4 else ""
        name = (rng.choice(parts)[0] + middle + rng.choice(parts)[1]).capitalize()
        if name not in made and 4 <= len(name) <= 16:
            made.add(name)
            out.append(name)
    return out


#: Share of lower-case content words replaced by another corpus word of the same ending:
#: without it each of the ~17k source clauses recurs ~60 times at 100k and ~180 times at 1M
#: passages, so passages differ only in which clauses they combine — unlike news.
WORD_SWAP = 0.25
_FUNCTION_WORDS = frozenset(
    "that with from this have were which their there been would could should"
    " about into than they them when what while where these those also other"
    " some such only over more most very just said".split()
)


class Generator:
    """Passages of 2–4 clauses drawn from different sentences; capitalised words replaced by
    names drawn log-uniformly from the lexicon (a Zipf-like long tail: a few names are
    everywhere, most appear a handful of times), figures varied in value and format, a
    quarter of the other content words swapped for a corpus word of the same ending."""

    def __init__(self, seed: int, blended: int) -> None:
        self.rng = random.Random(seed)
        sentences = source_sentences()
        self.phrases = phrases(sentences)
        self.names = names_lexicon(self.rng, sentences, blended)
        # Lower-case content words of the sources, with repetition (so drawing from a bucket
        # keeps each word's corpus frequency), bucketed by their last three letters: a
        # substitute of the same ending is mostly the same part of speech ("-ing", "-ed").
        self.by_ending: dict[str, list[str]] = {}
        for s in sentences:
            for w in s.split():
                if w.isalpha() and w.islower() and len(w) >= 4 and w not in _FUNCTION_WORDS:
                    self.by_ending.setdefault(w[-3:], []).append(w)

    def name(self) -> str:
        return self.names[int(len(self.names) ** self.rng.random()) - 1]

    def figure(self) -> str:
        rng = self.rng
        n = int(10 ** rng.uniform(0, 6.5))
        kind = rng.random()
        if kind < 0.5:
            return f"{n:,}" if n >= 10_000 else str(n)
        if kind < 0.7:
            return f"{n / 10:.1f}"
        if kind < 0.85:
            return str(rng.randint(1900, 2030))
        return f"{rng.randint(1, 99)}%"

    def passage(self) -> str:
        rng = self.rng
        words: list[str] = []
        for _ in range(rng.choice((2, 3, 3, 4))):
            words += rng.choice(self.phrases)
        while len(words) < 14:  # sentence-length, like the passages the segmenter makes
            words += rng.choice(self.phrases)
        words = words[:45]
        out = []
        for i, w in enumerate(words):
            m = _CORE.match(w)
            if m:
                pre, core, post = m.groups()
                if _FIGURE.match(core):
                    w = pre + self.figure() + post
                elif i and core[:1].isupper() and core.isalpha() and rng.random() < 0.7:
                    w = pre + self.name() + post
                elif core in self.by_ending.get(core[-3:], ()) and rng.random() < WORD_SWAP:
                    w = pre + rng.choice(self.by_ending[core[-3:]]) + post
            out.append(w)
        if rng.random() < 0.35:  # attribution, as news sentences have
            out[-1] = out[-1].rstrip(".,;:") + ","
            out += [self.name(), self.name(), "said"]
        text = " ".join(out).rstrip(",;: ")
        text = text[:1].upper() + text[1:]
        return text if text[-1] in '.!?"”' else text + "."


def build(size: int, path: Path) -> dict:
    gen = Generator(size, blended=max(20_000, size // 3))
    db = connect(path)
    build_s = 0.0  # time in add_document only (FTS5 index included), not text generation
    made = 0
    seen: set[int] = set()
    duplicates = 0
    while made < size:
        n = min(PER_DOC, size - made)
        texts = [gen.passage() for _ in range(n)]
        for t in texts:
            h = hash(t)
            duplicates += h in seen
            seen.add(h)
        drafts, pos = [], 0
        for i, t in enumerate(texts):
            drafts.append(PassageDraft(i, i, pos, pos + len(t), t))
            pos += len(t) + 1
        body = "\n".join(texts)
        doc = RawDocument(
            name=f"synthetic-{size}-{made}", text=body, title=None, source=f"outlet-{made // PER_DOC % 50}"
        )
        t0 = time.perf_counter()
        corpus.add_document(db, doc, f"{size}-{made}", drafts)
        build_s += time.perf_counter() - t0
        made += n
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, passages_fts, row)")
    terms, rare = db.conn.execute("SELECT count(*), sum(doc <= 10) FROM temp.v").fetchone()
    db.close()
    return {
        "build_s": build_s,
        "phrases": len(gen.phrases),
        "names": len(gen.names),
        "duplicates": duplicates,
        "terms": terms,
        "terms_df_le_10": rare,
    }


def paraphrase(rng: random.Random, text: str) -> str:
    """~25 % of the words dropped, up to two swapped for a synonym, two neighbours swapped."""
    words = [w for w in text.split() if rng.random() > 0.25] or text.split()
    slots = [i for i, w in enumerate(words) if w.lower().strip(".,;:") in SYNONYMS]
    for i in rng.sample(slots, min(2, len(slots))):
        words[i] = SYNONYMS[words[i].lower().strip(".,;:")]
    if len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _child_build(size: int, path: str, out: mp.Queue) -> None:
    out.put(build(size, Path(path)))


def _unjudged(claim: str, candidates: tuple, own_source: str | None = None) -> LinkResult:
    """The ranking alone, as before the evidence judgement: the baseline of the paired timing."""
    return LinkResult(candidates, 0, "unsupported")


def measure(size: int, queries: int, brute_queries: int) -> dict:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"corpus-v3-{size}.db"  # v3: clause-level recombination, long-tail names, word swaps
    meta = CACHE / f"corpus-v3-{size}.json"
    if not path.exists() or not meta.exists():
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        q: mp.Queue = mp.Queue()
        child = mp.Process(target=_child_build, args=(size, str(path), q))  # keeps build memory apart
        child.start()
        stats = q.get()
        child.join()
        meta.write_text(json.dumps(stats))
    stats = json.loads(meta.read_text())
    build_s = stats["build_s"]
    print(
        f"  corpus {size:,}: {stats['phrases']:,} source phrases, {stats['names']:,} names,"
        f" {stats['duplicates']:,} duplicate passages, {stats['terms']:,} distinct terms"
        f" ({stats['terms_df_le_10']:,} in at most 10 passages)",
        flush=True,
    )
    db = connect(path)
    rng = random.Random(7)
    max_id = db.execute("SELECT max(id) FROM passages").fetchone()[0]
    targets = []
    while len(targets) < queries:
        row = db.execute("SELECT id, text FROM passages WHERE id = ?", [rng.randint(1, max_id)]).fetchone()
        if row:
            targets.append((row[0], paraphrase(rng, row[1])))
    linking.link_text(db, "warm up the page cache", top=10)
    link_times, plain_times, link_hits = [], [], 0
    judged = linking.summarise
    for pid, text in targets:
        # Paired: the same query without the evidence judgement (#10), i.e. ranking only as
        # before it, then the product's full path; the ratio is the judgement's cost.
        linking.summarise = _unjudged
        t0 = time.perf_counter()
        linking.link_text(db, text, top=10)
        plain_times.append(time.perf_counter() - t0)
        linking.summarise = judged
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
        hits = process.extract(
            default_process(text), choices, scorer=fuzz.token_set_ratio, limit=10, processor=None
        )
        brute_times.append(time.perf_counter() - t0)
        brute_hits += any(ids[i] == pid for _, _, i in hits)
    rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists()) / 2**20
    linked_recall_same = (
        sum(  # linker recall on the brute-force subset, for a like-for-like figure
            any(c.passage_id == pid for c in linking.link_text(db, text, top=10).candidates)
            for pid, text in targets[:brute_queries]
        )
        / len(brute_times)
    )
    db.close()
    return {
        "size": size,
        "build_s": build_s,
        "db_mb": size_mb,
        "link_med": statistics.median(link_times) * 1000,
        "link_p95": pct(link_times, 0.95) * 1000,
        "plain_med": statistics.median(plain_times) * 1000,
        "plain_p95": pct(plain_times, 0.95) * 1000,
        "brute_med": statistics.median(brute_times) * 1000,
        "brute_p95": pct(brute_times, 0.95) * 1000,
        "link_r10": link_hits / len(targets),
        "link_r10_same": linked_recall_same,
        "brute_r10": brute_hits / len(brute_times),
        "queries": len(targets),
        "brute_queries": len(brute_times),
        "rss_link_mb": rss_link,
        "rss_brute_mb": rss_all,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=200, help="linker queries per size")
    ap.add_argument(
        "--brute-queries",
        type=int,
        default=0,
        help="brute-force queries per size (default: 200 / 100 / 50 at 10k / 100k / 1M)",
    )
    args = ap.parse_args()
    print(
        f"{'passages':>9} {'build s':>8} {'DB MB':>7} {'link med':>9} {'link p95':>9} {'brute med':>10}"
        f" {'brute p95':>10} {'speed-up':>9} {'R@10 link':>10} {'R@10 brute':>11} {'RSS link':>9} {'RSS +brute':>11}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        brute_q = args.brute_queries or (200 if size <= 10_000 else 100 if size <= 100_000 else 50)
        m = measure(size, args.queries, min(brute_q, args.queries))
        print(
            f"{m['size']:>9} {m['build_s']:8.1f} {m['db_mb']:7.1f} {m['link_med']:8.2f}ms {m['link_p95']:8.2f}ms"
            f" {m['brute_med']:9.1f}ms {m['brute_p95']:9.1f}ms {m['brute_med'] / m['link_med']:8.0f}x"
            f" {m['link_r10']:10.3f} {m['brute_r10']:6.3f}/{m['link_r10_same']:.3f}"
            f" {m['rss_link_mb']:8.0f}M {m['rss_brute_mb']:10.0f}M",
            flush=True,
        )
        print(
            f"{'':>9} judgement (#10): median {m['link_med']:.2f} ms vs {m['plain_med']:.2f} ms ranking only"
            f" ({m['link_med'] / m['plain_med']:.2f}x), p95 {m['link_p95']:.2f} vs {m['plain_p95']:.2f} ms"
            f" ({m['link_p95'] / m['plain_p95']:.2f}x)",
            flush=True,
        )
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (2 cores shared with other jobs)")
    print(
        "R@10 brute shown as brute/linker on the same brute-force query subset;"
        " RSS is the process peak (build runs in a child process)."
    )


if __name__ == "__main__":
    main()
