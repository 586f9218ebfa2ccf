#!/usr/bin/env python
"""Sentence-segmenter benchmark: quality (gold cases) and speed (synthetic ~50 MB corpus).

Run from anywhere:  python benchmarks/segmenters.py  [--mb 50] [--slow-mb 5]

Every segmenter is wrapped to return (start, end) character offsets into the
original paragraph, whitespace-trimmed, so outputs are directly comparable.
Candidates: regex baseline, pysbd, syntok, blingfire, and `split_sentences`
(the recommended wrapper: blingfire + light post-processing, defined below).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
import tracemalloc
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
# The recommended wrapper is the product's own segmenter, not a copy.
sys.path.insert(0, str(REPO))
import blingfire  # noqa: E402
import pysbd  # noqa: E402
import syntok.segmenter as syntok_seg  # noqa: E402

from workbench.segment import split_sentences, trim_spans  # noqa: E402

# ---------------------------------------------------------------------------
# Segmenter wrappers: text -> list[(start, end)] (trimmed, into original text)
# ---------------------------------------------------------------------------
_REGEX_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]*[A-Z0-9])")


def seg_regex(text: str) -> list[tuple[int, int]]:
    """Baseline: end punctuation (+closing quotes) then whitespace then capital/digit."""
    spans, start = [], 0
    for m in _REGEX_BOUNDARY.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return trim_spans(text, spans)


_PYSBD = pysbd.Segmenter(language="en", clean=False, char_span=True)


def seg_pysbd(text: str) -> list[tuple[int, int]]:
    # char_span=True returns TextSpan(sent, start, end); spans include trailing
    # whitespace. NB: pysbd recovers spans by re-finding each sentence in the
    # original text, and silently drops a sentence it cannot find.
    if not text:
        return []
    return trim_spans(text, [(t.start, t.end) for t in _PYSBD.segment(text)])


def seg_syntok(text: str) -> list[tuple[int, int]]:
    # syntok tokens carry .offset into the input; sentence = first..last token.
    # (syntok also splits paragraphs on blank lines; we flatten them.)
    spans = []
    for para in syntok_seg.analyze(text):
        for sent in para:
            spans.append((sent[0].offset, sent[-1].offset + len(sent[-1].value)))
    return trim_spans(text, spans)


def seg_blingfire(text: str) -> list[tuple[int, int]]:
    # Library call as shipped: maps UTF-8 byte offsets back to str offsets with
    # a pure-Python per-byte loop (this is most of its cost).
    if not text.strip():
        return []
    return trim_spans(text, blingfire.text_to_sentences_and_offsets(text)[1])


# --- recommended: blingfire via ctypes with fast offset mapping + post-processing


SEGMENTERS = {
    "regex (baseline)": seg_regex,
    "pysbd": seg_pysbd,
    "syntok": seg_syntok,
    "blingfire": seg_blingfire,
    "split_sentences (blingfire+fixes)": split_sentences,
}

# ---------------------------------------------------------------------------
# Gold cases: (id, paragraph, [accepted cut lists]). A cut list names, in order,
# the text at which each sentence after the first begins. Gold spans are the
# whitespace-trimmed pieces between cuts. Several cut lists = several accepted
# answers (used only where either reading is defensible).
# ---------------------------------------------------------------------------
CASES: list[tuple[str, str, list[list[str]]]] = [
    # ---- from seeds/ (exact paragraphs) ----
    (
        "seed000:5 quote, attribution",
        '"The parties agreed on their positions on various international and regional issues of mutual interest, including the situation in Ukraine, Afghanistan, the Korean Peninsula, as well as cooperation within the BRICS," the Chinese Foreign Ministry said.',
        [[]],
    ),
    (
        "seed001:3 caption + credit",
        "FILE - Russian President Vladimir Putin, right, reviews a military honour guard with Chinese President Xi Jinping during a welcome ceremony outside the Great Hall of the People in Beijing, June 8, 2018. Amid the soaring tensions over Ukraine, President Vladimir Putin is heading to Beijing on a trip intended to help strengthen Russia's ties with China and coordinate their policies amid Western pressure. (Greg Baker/Pool via AP, File)",
        [["Amid the", "(Greg Baker"], ["Amid the"]],
    ),
    (
        "seed001:17 number with comma",
        "Ukraine says Russia has deployed 115,000 troops near its borders, raising fears of a looming attack. Moscow denies any such plan, but international concern that Russia may be preparing for war is high.",
        [["Moscow denies"]],
    ),
    (
        "seed002:7 dateline MOSCOW, June 1. /TASS/.",
        "MOSCOW, June 1. /TASS/. Moscow appreciates Beijing’s support in its efforts to uphold Russia’s principal approaches to the formation of Europe’s security architecture and values China’s stance regarding the situation in Ukraine, Russian Foreign Minister Sergey Lavrov said on Wednesday.",
        [["/TASS/", "Moscow appreciates"], ["Moscow appreciates"]],
    ),
    (
        "seed002:17 quote, he noted. quote",
        '"Together with our friends from China, we maintain a constructive approach in building relations with third-party countries," he noted. "At the same time, our positions on the vast majority of key issues on the global and regional agenda either coincide or are extremely close."',
        [['"At the same']],
    ),
    (
        "seed002:21 long quote, dashes",
        '"We are united with our Chinese friends by our drive towards the democratization of international life so that the voices of all countries - whether large or small - are heard, and a narrow clique of the Western countries led by the United States, will no longer be able to dictate to the world its own rules of the game," he said. "We reject all illegitimate and unilateral sanctions as an unscrupulous instrument of political diktat."',
        [['"We reject']],
    ),
    (
        "seed002:23 [in China] + split inside quote",
        'Lavrov also noted that "the philosophy of dialogue and mutually-equal cooperation shared by Russia and China are at the heart of the ‘Global Security Initiative,’ voiced by Chinese leader Xi Jinping at the opening of the Boao Forum for Asia\'s annual conference [in China] on April 21. Moscow and Beijing are doing their utmost to fight against terrorism and extremism."',
        [["Moscow and Beijing are"]],
    ),
    (
        "seed002:29 many [brackets]",
        '"Our countries are closely coordinating their positions in the United Nations, the G20, the SCO [the Shanghai Cooperation Organization], BRICS [Brazil, Russia, India, China, South Africa], APEC [Asia-Pacific Economic Cooperation] and on other international platforms," Lavrov stated. "Special attention is being paid to bolstering regional integration processes, particularly within the framework of the EAEU [the Eurasian Economic Union] and China’s ‘Belt and Road’ initiative."',
        [['"Special attention']],
    ),
    (
        "seed003:1 MT debris '. invasion of Ukraineas'",
        "The foreign ministers of Russia and China today condemned the West’s illegal and counterproductive sanctions against Moscow over its actions. invasion of Ukraineas stated in a statement the Russian Foreign Ministry.",
        [["invasion of Ukraineas"]],
    ),
    (
        "seed003:6 curly quote opens 2nd sentence",
        "“The ministers had a thorough exchange of views on the situation around Ukraine. “The Russian Foreign Minister briefed his Chinese counterpart on the progress of the special military operation… and the dynamics of the negotiation process with the Kiev regime,” the Russian Foreign Ministry said in a statement.",
        [["“The Russian Foreign"]],
    ),
    (
        "seed003:8 MT debris 'affairs.with one voice»'",
        "The ministry said the two ministers agreed that Russia and China would continue to strengthen their strategic cooperation and discuss international affairs.with one voice».",
        [[]],
    ),
    (
        "seed003:12 'Pakistan. Iran,' debris",
        "Lavrov, who said yesterday that Russia’s relations with China were at the strongest level ever, had traveled to China for talks with Wang, who were to include representatives from the Afghan-ruled Taliban and Pakistan. Iran, Tajikistan, Turkmenistan and Uzbekistan.",
        [["Iran, Tajikistan"]],
    ),
    (
        "seed003:18 '(…)' + 'orderHe said'",
        "“I am convinced that, at the end of this stage, the international situation will be much clearer and we (…) will move towards a multipolar, just, democratic world orderHe said to his host.",
        [[]],
    ),
    (
        "seed003:23 'vis-.-Vis' debris",
        "Lavrov therefore had to content himself with a reaffirmation of the unlimited friendship between the two countries vis-.-Vis their common rival, the United States.",
        [[]],
    ),
    (
        "seed003:24 unbalanced curly quotes",
        "“THE Sino-Russian cooperation is without limits. “Our quest for peace is limitless, our defense of security is limitless, our opposition to hegemony is limitless,” said Chinese Foreign Ministry spokesman Wang Wenbin, when asked about the Russian minister’s visit.",
        [["“Our quest"]],
    ),
    (
        "seed003:27 ends with ”.",
        "A few weeks before the war, Vladimir Putin himself had been warmly received by his Chinese counterpart Xi Jinping in Beijing. The two countries have since spoken of a “borderless” friendship and have denounced NATO “expansion”.",
        [["The two countries"]],
    ),
    ("seed003:37 domain 'Skai.gr', no final period", "Follow Skai.gr on Google News", [[]]),
    (
        "seed004:5 caption + (Photo by EPA)",
        "Chinese Foreign Minister Wang Yi (R) and Russian Foreign Minister Sergey Lavrov meet ahead of a G20 event in Bali in July, 2022. (Photo by EPA)",
        [["(Photo by"], []],
    ),
    (
        "seed004:7 trailing space",
        "Nikolay Patrushev, the secretary of Russia's Security Council, has told China's top diplomat that the two countries must stick together over a range of issues against the West. ",
        [[]],
    ),
    (
        'seed004:25 ends inside quote ."',
        'Chinese Foreign Minister Qin Gang on Tuesday expressed "deep concern" about escalation in the Ukraine-Russia war, urging Western countries to "stop fueling the fire" and warning of the possibility that it could "spiral out of control."',
        [[]],
    ),
    (
        "seed004:31 nested quotes .'\"",
        "Elsewhere in his remarks on Tuesday, Qin called on Western countries to \"stop hyping up 'today Ukraine, tomorrow Taiwan.'\"",
        [[]],
    ),
    (
        "seed004:33 'The US, too,'",
        "China has sovereignty over Chinese Taipei, and under the One China policy, almost all world countries recognize that sovereignty. The US, too, recognizes Chinese sovereignty over the island but has long courted Taipei in an attempt to unnerve Beijing.",
        [["The US, too"]],
    ),
    # ---- synthetic ----
    (
        "syn Gen./Dr./Jan.",
        "Gen. Mark Milley met Dr. Jane Smith in Washington on Jan. 5. They discussed Ukraine.",
        [["They discussed"]],
    ),
    ("syn U.S. mid-sentence", "The U.S. said no. China disagreed.", [["China disagreed"]]),
    (
        "syn U.S. + capitalised title",
        "U.S. Secretary of State Antony Blinken spoke on Tuesday. He warned China.",
        [["He warned"]],
    ),
    ("syn U.S. ends sentence", "He arrived in the U.S. The visit was brief.", [["The visit"]]),
    ("syn a.m./p.m.", "The talks began at 10 a.m. on Monday and ended at 4 p.m. on Tuesday.", [[]]),
    (
        "syn Lt. Gen. / Mr.",
        "Lt. Gen. Igor Kirillov, head of the unit, said so. Mr. Peskov declined to comment.",
        [["Mr. Peskov"]],
    ),
    (
        "syn “…,” the ministry said.",
        "“We will never accept this,” the ministry said. “The sanctions are illegal.”",
        [["“The sanctions"]],
    ),
    ("syn ? inside quote", "“Is this a war?” he asked. “No,” said the spokesman.", [["“No,”"]]),
    (
        "syn decimals and $",
        "The fund grew 3.5 percent to $1.2 billion in 2021. Analysts were surprised.",
        [["Analysts were"]],
    ),
    (
        "syn St. + [asides] + Feb.",
        "Officials met in St. Petersburg [the former capital] on Feb. 24. The meeting [which lasted two hours] ended without a deal.",
        [["The meeting"]],
    ),
    (
        "syn (R-Fla.) + Sen.",
        "Sen. Marco Rubio (R-Fla.) criticized the plan. Others agreed.",
        [["Others agreed"]],
    ),
    (
        "syn e.g./vs./etc. + lowercase",
        "Exports rose, e.g. oil and gas, vs. last year, while imports of grain, fertiliser, etc. were hit.",
        [[]],
    ),
    (
        "syn ! and ?",
        "Talks failed again! What happens next? Nobody knows.",
        [["What happens", "Nobody knows"]],
    ),
    ("syn URLs", "See www.presstv.co.uk and Skai.gr for details. Both sites were down.", [["Both sites"]]),
    ("syn sentence then Dr.", "He left. Dr. Peskov arrived later.", [["Dr. Peskov"]]),
    ("syn Sgt. Maj. / Rep. / Gov.", "Sgt. Maj. Brown met Rep. Jones and Gov. Hochul.", [[]]),
    ("syn approx. + lowercase", "Prices rose approx. five percent in Moscow.", [[]]),
    ("syn Mr. and Mrs. / p.m. Monday", "Mr. and Mrs. Smith left at 5 p.m. Monday.", [[]]),
]


def gold_spans(text: str, cuts: list[str]) -> list[tuple[int, int]]:
    bounds, pos = [0], 0
    for c in cuts:
        i = text.find(c, pos + 1 if bounds[-1] else pos)
        assert i > 0, (c, text)
        bounds.append(i)
        pos = i
    bounds.append(len(text))
    return trim_spans(text, list(pairwise(bounds)))


def integrity_problems(text: str, spans) -> int:
    """0 if spans are ordered, non-overlapping, inside text and cover every non-space char."""
    bad, prev = 0, 0
    for s, e in spans:
        if not (prev <= s < e <= len(text)):
            bad += 1
        if text[prev:s].strip():
            bad += 1  # dropped text
        prev = max(prev, e)
    if text[prev:].strip():
        bad += 1
    return bad


def run_quality():
    results = {}
    for name, fn in SEGMENTERS.items():
        ok, fails, crashes = 0, [], 0
        for cid, text, alts in CASES:
            try:
                got = fn(text)
            except Exception as ex:  # must not crash
                crashes += 1
                fails.append((cid, f"CRASH {ex!r}"))
                continue
            if any(got == gold_spans(text, a) for a in alts):
                ok += 1
            else:
                fails.append((cid, [text[s:e][:40] for s, e in got]))
        results[name] = (ok, fails, crashes)
    return results


# ---------------------------------------------------------------------------
# Speed corpus: seed sentences shuffled across synthetic paragraphs
# ---------------------------------------------------------------------------
def build_corpus(target_mb: float, seed: int = 1234) -> list[str]:
    paras = [
        ln
        for f in sorted(SEEDS.glob("*.txt"))
        for ln in f.read_text(encoding="utf-8").splitlines()
        if ln.strip()
    ]
    pool, sizes = [], []
    for p in paras:
        sents = [p[s:e] for s, e in seg_regex(p)]
        pool.extend(sents)
        sizes.append(len(sents))
    rng = random.Random(seed)
    out, total, target = [], 0, int(target_mb * 1e6)
    while total < target:
        k = rng.choice(sizes)
        p = " ".join(rng.choice(pool) for _ in range(k))
        out.append(p)
        total += len(p.encode("utf-8")) + 1
    return out


def mb(paras) -> float:
    return sum(len(p.encode("utf-8")) for p in paras) / 1e6


def run_speed(fn, paras):
    t = time.perf_counter()
    n = 0
    for p in paras:
        n += len(fn(p))
    return time.perf_counter() - t, n


def slice_mb(paras, target_mb):
    out, tot = [], 0
    for p in paras:
        if tot >= target_mb * 1e6:
            break
        out.append(p)
        tot += len(p.encode("utf-8"))
    return out


def peak_mem(fn, paras) -> float:
    """tracemalloc peak (MB) while segmenting `paras` and keeping all spans."""
    tracemalloc.start()
    keep = [fn(p) for p in paras]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del keep
    return peak / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size (MB of UTF-8)")
    ap.add_argument("--slow-mb", type=float, default=5.0, help="slice for slow libraries")
    ap.add_argument("-v", "--verbose", action="store_true", help="list failing cases")
    args = ap.parse_args()
    t0 = time.perf_counter()

    quality = run_quality()

    corpus = build_corpus(args.mb)
    corpus_mb = mb(corpus)
    slow = {"pysbd"}  # ~0.4 MB/s: 50 MB would take ~2 min on its own
    speed, notes = {}, {}
    for name, fn in SEGMENTERS.items():
        paras = slice_mb(corpus, args.slow_mb) if name in slow else corpus
        dt, nsent = run_speed(fn, paras)
        m = mb(paras)
        speed[name] = m / dt
        notes[name] = (
            f"{m:.1f} MB measured, extrapolated" if paras is not corpus else f"{m:.1f} MB"
        ) + f", {nsent} sents"
    mem_slice = slice_mb(corpus, 1.0)
    mem = {name: peak_mem(fn, mem_slice) for name, fn in SEGMENTERS.items()}
    integ = {
        name: sum(integrity_problems(p, fn(p)) for p in slice_mb(corpus, 1.0))
        for name, fn in SEGMENTERS.items()
    }

    base = speed["regex (baseline)"]
    print(f"Corpus: {len(corpus)} paragraphs, {corpus_mb:.1f} MB; gold cases: {len(CASES)}\n")
    hdr = f"{'segmenter':36} {'correct':>8} {'MB/s':>8} {'vs regex':>9} {'peak MB*':>9} {'span errs':>9}  measured on"
    print(hdr)
    print("-" * len(hdr))
    for name in SEGMENTERS:
        ok, fails, crashes = quality[name]
        print(
            f"{name:36} {ok:>3}/{len(CASES):<4} {speed[name]:8.2f} {speed[name] / base:8.3f}x "
            f"{mem[name]:9.1f} {integ[name]:9d}  {notes[name]}"
        )
    print(
        "\n* peak MB = tracemalloc peak while segmenting a 1 MB slice and keeping all spans."
        "\n  span errs = dropped/overlapping spans over a 1 MB slice (offset integrity)."
        f"\n  process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB;"
        f" total run time {time.perf_counter() - t0:.0f}s"
    )
    if args.verbose:
        for name in SEGMENTERS:
            ok, fails, crashes = quality[name]
            print(f"\n== {name}: failing cases ({len(fails)}; crashes {crashes})")
            for cid, got in fails:
                print(f"  - {cid}: {got}")


if __name__ == "__main__":
    main()
