"""JSON that stays exact and never carries a character that acts when shown.

``json.dumps`` already writes C0 controls (ESC, BEL...) as ``\\u001b``; with
``ensure_ascii=False`` it still writes DEL, the C1 controls (``U+009B`` is a
CSI to some terminals), bidi overrides and invisible characters raw. ``dumps``
writes those as ``\\uXXXX`` escapes too: the decoded value is the same, but a
``cat`` of the output is inert. ``script=True`` also escapes ``<``, ``>`` and
``&``, so the JSON can sit inside ``<script type="application/ld+json">``
without ``</script>`` closing the tag (the usual JSON-LD rule).

Outside string literals JSON is plain ASCII punctuation, so replacing these
characters anywhere in the dumped text only ever touches string contents.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..textsafety import BIDI, INVISIBLE

_UNSAFE_CHARS = "\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI | INVISIBLE))
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_SCRIPT_UNSAFE = re.compile(f"[<>&{_UNSAFE_CHARS}]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def make_inert(text: str, *, script: bool = False) -> str:
    """Dumped JSON ``text`` with the unsafe characters written as ``\\uXXXX`` escapes."""
    return (_SCRIPT_UNSAFE if script else _UNSAFE).sub(_escape, text)


def dumps(obj: Any, *, script: bool = False, **kwargs: Any) -> str:
    """``json.dumps`` (UTF-8 text) whose output is inert on a terminal."""
    kwargs.setdefault("ensure_ascii", False)
    return make_inert(json.dumps(obj, **kwargs), script=script)
