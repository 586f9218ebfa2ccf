"""Splitting a document into passages, serially or on every core.

``analyse_chunk`` is a pure function over one slice of a document (cut at a
paragraph boundary): it returns sentence offsets and check-worthiness, not the
text, so it is cheap to ship to a worker process. ``split_passages`` runs it
in-process; ``ParallelSplitter`` runs it in a process pool for large inputs, so
segmenting and scoring (two thirds of ingest time) use both cores while the
main process writes to SQLite.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, groupby
from multiprocessing import get_context
from typing import TypeVar

from .extraction import claim_for, is_boilerplate
from .models import ClaimDraft, PassageDraft
from .segment import split_sentences

#: Documents are analysed in slices of about this many characters.
CHUNK_CHARS = 1 << 19

_PARAGRAPH = re.compile(r"[^\n]+")
_BLANK_LINE_PARAGRAPH = re.compile(r"\S(?:.|\n(?!\s*\n))*", re.MULTILINE)

K = TypeVar("K")

# (paragraph within chunk, start, end within chunk, score or None, reasons)
Analysed = tuple[int, int, int, float | None, tuple[str, ...]]


def paragraphs(text: str, *, blank_line_separated: bool = False) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph: a line, or with Markdown a blank-line-separated block."""
    pattern = _BLANK_LINE_PARAGRAPH if blank_line_separated else _PARAGRAPH
    for m in pattern.finditer(text):
        if m.group().strip():
            yield m.start(), m.end()


def chunks(text: str, *, blank_line_separated: bool = False, size: int = CHUNK_CHARS) -> Iterator[int]:
    """Start offsets of slices of ``text`` cut at paragraph boundaries."""
    separator = "\n\n" if blank_line_separated else "\n"
    start = 0
    while start < len(text):
        yield start
        cut = text.find(separator, start + size)
        if cut < 0:
            return
        start = cut + len(separator)


def analyse_chunk(text: str, blank_line_separated: bool = False) -> tuple[list[Analysed], int]:
    """Sentences of one slice with offsets and claim scores, and its paragraph count."""
    out: list[Analysed] = []
    count = 0
    for number, (p_start, p_end) in enumerate(paragraphs(text, blank_line_separated=blank_line_separated)):
        count = number + 1
        para = text[p_start:p_end]
        if is_boilerplate(para):
            continue
        for s, e in split_sentences(para):
            claim = claim_for(para[s:e])
            out.append(
                (
                    number,
                    p_start + s,
                    p_start + e,
                    claim.score if claim else None,
                    claim.reasons if claim else (),
                )
            )
    return out, count


class _Assembler:
    """Turns analysed slices back into numbered PassageDrafts of the whole document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ordinal = 0
        self.paragraph_base = 0

    def add(self, base: int, analysed: list[Analysed], paragraph_count: int) -> Iterator[PassageDraft]:
        for number, start, end, score, reasons in analysed:
            yield PassageDraft(
                ordinal=self.ordinal,
                paragraph=self.paragraph_base + number,
                start=base + start,
                end=base + end,
                text=self.text[base + start : base + end],
                claim=None if score is None else ClaimDraft(score, reasons),
            )
            self.ordinal += 1
        self.paragraph_base += paragraph_count


def _slices(text: str, blank_line_separated: bool) -> Iterator[tuple[int, str]]:
    starts = list(chunks(text, blank_line_separated=blank_line_separated, size=CHUNK_CHARS))
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        yield start, text[start:end]


def split_passages(text: str, *, blank_line_separated: bool = False) -> Iterator[PassageDraft]:
    """Sentences of the document with exact offsets; boilerplate paragraphs are dropped."""
    assembler = _Assembler(text)
    for base, piece in _slices(text, blank_line_separated):
        analysed, count = analyse_chunk(piece, blank_line_separated)
        yield from assembler.add(base, analysed, count)


def analyse_many(pieces: list[tuple[str, bool]]) -> list[tuple[list[Analysed], int]]:
    """``analyse_chunk`` over several slices: one round trip to a worker for many small documents."""
    return [analyse_chunk(text, blank) for text, blank in pieces]


class ParallelSplitter:
    """Segments and scores documents in worker processes, handing them back in order.

    Work is cut into slices (a small document is one slice, a huge one many),
    batched to about ``batch_chars`` per task, with at most ``window`` tasks in
    flight: memory stays bounded however large the corpus or a document is.
    """

    def __init__(self, workers: int = 2, window: int = 6, batch_chars: int = CHUNK_CHARS) -> None:
        # spawn, not fork: the parent may hold an SQLite connection and threads.
        self.pool = ProcessPoolExecutor(
            workers,
            mp_context=get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
        self.window = window
        self.batch_chars = batch_chars

    def run(self, documents: Iterable[tuple[K, str, bool]]) -> Iterator[tuple[K, Iterator[PassageDraft]]]:
        """For each ``(key, text, blank_line_separated)``, in order: ``(key, passages)``.

        Each ``passages`` iterator must be used up (or dropped) before the next
        document is taken.
        """
        numbered = (
            (number, key, text, blank, base, piece)
            for number, (key, text, blank) in enumerate(documents)
            for base, piece in _slices(text, blank)
        )
        for _, group in groupby(self._analysed(numbered), key=lambda r: r[0]):
            first = next(group)
            # Callers use up each document before taking the next (see docstring).
            yield first[1], _drafts(first, group)  # noqa: B031

    def _analysed(self, slices: Iterator[tuple]) -> Iterator[tuple]:
        inflight: deque[tuple[list[tuple], Future]] = deque()
        batch: list[tuple] = []
        size = 0

        def send() -> None:
            nonlocal batch, size
            pieces = [(piece, blank) for _, _, _, blank, _, piece in batch]
            inflight.append((batch, self.pool.submit(analyse_many, pieces)))
            batch, size = [], 0

        def receive() -> Iterator[tuple]:
            done, future = inflight.popleft()
            for (number, key, text, _, base, _), (analysed, count) in zip(done, future.result()):
                yield number, key, text, base, analysed, count

        for item in slices:
            batch.append(item)
            size += len(item[5])
            if size >= self.batch_chars:
                send()
                if len(inflight) >= self.window:
                    yield from receive()
        if batch:
            send()
        while inflight:
            yield from receive()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent(parent_pid: int) -> None:
    """Worker start-up: leave as soon as the parent is gone.

    A killed ingest (SIGKILL, OOM) cannot shut its pool down, and the workers
    would wait forever on a queue whose write end they themselves hold,
    keeping the parent's stdout open too.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _drafts(first: tuple, rest: Iterator[tuple]) -> Iterator[PassageDraft]:
    """One document's passages from its analysed slices (``first`` names the document)."""
    assembler = _Assembler(first[2])
    for _, _, _, base, analysed, count in chain([first], rest):
        yield from assembler.add(base, analysed, count)
