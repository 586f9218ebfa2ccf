"""Static word embeddings: a non-lexical signal for the linker's rerank.

Lexical scoring misses paraphrases that share no stem ("troops" / "soldiers",
"warming" / "temperature rise"). The WordLlama ``l2_supercat`` model (a 32,000
× 256 token-embedding table distilled from Llama 2, shipped *inside* the
``wordllama`` wheel together with its tokenizer file) gives every text a
vector: the sum of its tokens' vectors, normalised, so cosine similarity is a
dot product. On the Climate-FEVER eval half it adds ~+0.03 recall@5 on top of
BM25 and the title (benchmarks/README.md).

Nothing is downloaded: the files are found inside the installed package
without importing it (its loader would try the network for the tokenizer, and
its import configures the root logger). When the package is absent or its files
are unreadable, ``get()`` returns None and the linker ranks lexically. Setting
``WORKBENCH_EMBEDDINGS=off`` does the same with the package installed (the test
suite runs once that way: what users without the extra get).

Speed: texts are split into words the way the linker does, and each distinct
word's summed token vector is cached, so a warm query costs dictionary lookups
and one numpy sum per text, not a tokenizer run over ~100 candidate passages.
"""

from __future__ import annotations

import bisect
import importlib.util
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MODEL_FILES = ("weights/l2_supercat_256.safetensors", "tokenizers/l2_supercat_tokenizer_config.json")
TENSOR = "embedding.weight"
#: Cached word vectors (float32, 256 each: 1 KiB, so at most 64 MiB); cleared when full.
WORD_CACHE_MAX = 65_536

_WORD_RE = re.compile(r"[^\W_]+")
_lock = threading.Lock()
_model: Embedder | None = None
_tried = False


def model_paths() -> tuple[Path, Path] | None:
    """Weights and tokenizer files inside the installed ``wordllama`` package, if present."""
    if os.environ.get("WORKBENCH_EMBEDDINGS", "").lower() in ("off", "0", "no", "false"):
        return None
    try:
        spec = importlib.util.find_spec("wordllama")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations)))
    weights, tokenizer = (base / f for f in MODEL_FILES)
    return (weights, tokenizer) if weights.is_file() and tokenizer.is_file() else None


def _read_safetensors(path: Path, key: str) -> Any:
    """One float16/float32 tensor from a .safetensors file (8-byte header size, JSON header, data)."""
    import numpy as np

    with path.open("rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(size))
        info = header[key]
        dtype = {"F16": np.float16, "F32": np.float32}[info["dtype"]]
        start, end = info["data_offsets"]
        f.seek(8 + size + start)
        data = np.frombuffer(f.read(end - start), dtype=dtype)
    return data.reshape(info["shape"]).astype(np.float32)


def _segment_sums(table: Any, ids: Sequence[int], lengths: Sequence[int]) -> Any:
    """Row i of the result = the sum of ``table``'s rows ``ids`` of segment i (``lengths``
    consecutive ids each; an empty segment sums to zero).

    As one (segments x ids) 0/1 matrix product: numpy's ``add.reduceat`` along axis 0
    took 85 us for 120 rows of 256 and 215 us for 780, the product 27 and 128 us.
    """
    import numpy as np

    n = len(ids)
    out_rows = len(lengths)
    if not n:
        return np.zeros((out_rows, table.shape[1]), dtype=np.float32)
    picked = table[np.fromiter(ids, dtype=np.intp, count=n)]
    segment = np.repeat(np.arange(out_rows), lengths)
    select = np.zeros((out_rows, n), dtype=np.float32)
    select[segment, np.arange(n)] = 1.0
    return select @ picked


class Embedder:
    """Text → unit vector. Thread-safe: the word cache is only touched under a lock."""

    def __init__(self, table: Any, tokenizer: Any) -> None:
        import numpy as np

        self._np = np
        self._table = table
        self._tok = tokenizer
        self._tok.no_padding()
        self._tok.no_truncation()
        self.dim = table.shape[1]
        # word -> row of _rows (its tokens' summed vector); row 0 is the zero vector.
        self._index: dict[str, int] = {}
        self._rows = np.zeros((1024, self.dim), dtype=np.float32)
        self._used = 1

    def _add_words(self, missing: list[str]) -> None:
        np = self._np
        if self._used + len(missing) > WORD_CACHE_MAX:
            self._index.clear()
            self._used = 1
        need = self._used + len(missing)
        if need > len(self._rows):
            grown = np.zeros((max(need, 2 * len(self._rows)), self.dim), dtype=np.float32)
            grown[: self._used] = self._rows[: self._used]
            self._rows = grown
        encoded = self._encode_words(missing)
        flat = [i for word_ids in encoded for i in word_ids]
        # A word without tokens gets the zero vector (an empty segment of the sum).
        self._rows[self._used : self._used + len(missing)] = _segment_sums(
            self._table, flat, [len(word_ids) for word_ids in encoded]
        )
        for k, w in enumerate(missing):
            self._index[w] = self._used + k
        self._used += len(missing)

    def _encode_words(self, words: list[str]) -> list[list[int]]:
        """Each word's token ids as the tokenizer gives them for the word alone.

        One encode() of the words joined by spaces, cut back into words by the tokens'
        offsets: ~2x cheaper than an encode() per word (encode_batch's thread pool cost
        more than either). The tokenizer (Llama 2 BPE, no pre-tokenizer) marks each word's
        start with "▁" and has no token with "▁" inside, so no token spans two words and a
        word's tokens are those it gets alone (checked on 22k corpus words, tests too). A
        token whose offsets disagree falls back to an encode() per word.
        """
        if not words:
            return []
        enc = self._tok.encode(" ".join(words), add_special_tokens=False)
        out: list[list[int]] = [[] for _ in words]
        # A word's first token starts at the space before it (its "▁"), hence start + 1.
        starts = []
        pos = 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        for tid, (start, end) in zip(enc.ids, enc.offsets):
            k = bisect.bisect_right(starts, start + 1) - 1
            if k < 0 or end > starts[k] + len(words[k]):
                return [self._tok.encode(w, add_special_tokens=False).ids for w in words]
            out[k].append(tid)
        return out

    def embed(self, texts: Sequence[str]) -> Any:
        """A (len(texts), dim) float32 array of unit vectors (zero rows for texts without words)."""
        return self.embed_words([_WORD_RE.findall(t) for t in texts])

    def embed_words(self, word_lists: Sequence[Sequence[str]]) -> Any:
        """Like ``embed`` for texts already split into words (the linker has them).

        Figures are left out: the tokenizer spells them digit by digit, which says
        little about meaning, and each new figure would be a tokenizer call.
        """
        np = self._np
        # "" → row 0, the zero vector, so every text has at least one row to sum.
        split = [[w for w in ws if not w.isdigit()] or [""] for ws in word_lists]
        with _lock:
            index = self._index
            missing = list({w for ws in split for w in ws if w and w not in index})
            if missing:
                self._add_words(missing)
            rows = [index.get(w, 0) for ws in split for w in ws]
            # One gather and one segmented sum for all texts instead of a sum per text.
            out = _segment_sums(self._rows, rows, [len(ws) for ws in split])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (out / norms).astype(np.float32, copy=False)


def load(paths: tuple[Path, Path]) -> Embedder:
    from tokenizers import Tokenizer

    weights, tokenizer = paths
    return Embedder(_read_safetensors(weights, TENSOR), Tokenizer.from_file(str(tokenizer)))


def get() -> Embedder | None:
    """The shared embedder, loaded on first use (~0.2 s); None when the model is unavailable."""
    global _model, _tried
    if _tried:
        return _model
    with _lock:
        if not _tried:
            paths = model_paths()
            if paths is not None:
                try:
                    _model = load(paths)
                except (ImportError, OSError, KeyError, ValueError):
                    _model = None  # a broken install ranks lexically rather than failing
            _tried = True
    return _model
