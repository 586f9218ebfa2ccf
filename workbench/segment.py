"""Sentence segmentation with exact character offsets.

blingfire (a fast finite-state segmenter) was chosen on measured quality and
speed: see ``benchmarks/segmenters.py`` and ``benchmarks/README.md`` (40/40 gold
cases with the fixes below, ~10 MB/s; pysbd 0.4 MB/s, syntok 1.2 MB/s). Two
light fixes on top handle abbreviations and the seeds' machine-translation
debris.
"""

from __future__ import annotations

import ctypes
import re
import threading

import blingfire


def trim_spans(text: str, spans) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# blingfire's own C entry point, called directly: its Python wrapper maps byte
# offsets to characters in pure Python, 2.5x slower for identical spans.
_BF = blingfire.blingfire  # the loaded ctypes CDLL
_TLS = threading.local()  # reusable output buffers (allocation was ~40% of the cost)


def _bf_buffers(cap: int):
    buf = getattr(_TLS, "buf", None)
    if buf is None or buf[0] < cap:
        cap = max(cap, 1 << 15)
        buf = (cap, ctypes.create_string_buffer(cap), (ctypes.c_int32 * cap)(), (ctypes.c_int32 * cap)())
        _TLS.buf = buf
    return buf


def _bf_spans(text: str) -> list[tuple[int, int]]:
    """Raw blingfire TextToSentencesWithOffsets, char offsets into `text`."""
    b = text.encode("utf-8")
    n = len(b)
    if n == 0:
        return []
    cap, out, starts, ends = _bf_buffers(2 * n + 16)
    rc = _BF.TextToSentencesWithOffsets(b, n, out, starts, ends, cap)
    if rc <= 0 or rc > cap:
        return [(0, len(text))]
    # rc = output length incl. the NUL; sentences are separated by '\n'
    k = ctypes.string_at(out, rc).count(b"\n") + 1
    st, en = starts[:k], ends[:k]  # byte offsets; end is inclusive
    if n == len(text):  # pure ASCII: bytes == chars
        return [(s, e + 1) for s, e in zip(st, en)]
    # Non-ASCII: byte offsets -> char offsets by decoding the gaps between
    # consecutive boundaries (boundaries fall on UTF-8 char starts; end is inclusive).
    res, bpos, cpos = [], 0, 0
    for s, e in zip(st, en):
        cpos += len(b[bpos:s].decode("utf-8", "replace"))
        cs = cpos
        cpos += len(b[s : e + 1].decode("utf-8", "replace"))
        bpos = e + 1
        res.append((cs, cpos))
    return res


# Titles: always glued to the following (capitalised) name.
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "sen",
           "rep", "gov", "pres"}  # fmt: skip
# Words that end in '.' without ending a sentence (compared lower-cased).
_ABBREV = _TITLES | {"st", "dec"}
_LAST_WORD = re.compile(r"([A-Za-z]+)\.$")
# "<lowercase word>. <letter>" inside a span: blingfire keeps e.g. "said no. China",
# "said so. Mr. Peskov" and the MT debris "its actions. invasion of ..." together.
# (?<![A-Za-z.]) skips "U.S.", "e.g.", "p.m.", "Lt." ; abbreviations are filtered below.
_INNER_STOP = re.compile(r"(?<![A-Za-z.])([a-z]{2,})\.([\"'”’)\]]*)\s+(?=[\"'“‘(\[]*[A-Za-z])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) char offsets into `text`, whitespace-trimmed.

    blingfire + two light fixes:
      1. merge a split made right after an abbreviation: after a title (Gen., Dr.)
         always; after other abbreviations (Jan., etc.) only if the next piece
         starts lower-case or with a digit.
      2. split inside a span at "<lowercase word>. <Word>" unless the word is an
         abbreviation ("said no. China", "said so. Mr. X"), and at
         "<lowercase word of 4+ letters>. <lowercase word>" (MT debris
         "its actions. invasion of ..."; "bn. in" stays). A period glued to the next word
         ("affairs.with one voice»", "Skai.gr", "vis-.-Vis") is never split.
    """
    spans = trim_spans(text, _bf_spans(text))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged:
            ps, pe = merged[-1]
            m = _LAST_WORD.search(text, ps, pe)
            if m:
                w = m.group(1).lower()
                if w in _TITLES or (w in _ABBREV and not text[s].isupper()):
                    merged[-1] = (ps, e)
                    continue
        merged.append((s, e))
    out: list[tuple[int, int]] = []
    for s, e in merged:
        prev = s
        for m in _INNER_STOP.finditer(text, s, e):
            w = m.group(1)
            # before a lower-case word demand a >=4-letter word ("actions. invasion")
            # so unknown short abbreviations ("bn. in", "pct. in") are left alone
            if w not in _ABBREV and (len(w) >= 4 or not text[m.end()].islower()):
                out.append((prev, m.end(2)))
                prev = m.end(2)
        out.append((prev, e))
    return trim_spans(text, out)
