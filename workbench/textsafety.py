"""Untrusted text made visible: control, bidi and invisible characters shown, never obeyed.

Documents, notes, titles, file names and imports are untrusted. Written raw to a
terminal, an ESC starts an escape sequence (retitle the window, write the
clipboard, clear the screen); a bidi override makes ``txt.exe`` read as
``exe.txt``; a zero-width space hides inside a word. ``visible`` replaces each such
character with a readable stand-in (``\\x1b``, ``⟨U+202E⟩``) so the reader sees
that it is there and nothing acts on it. Exact machine formats (``--json``) keep
the text as it is: JSON escapes controls itself.
"""

from __future__ import annotations

import unicodedata

#: Bidirectional formatting characters: embeddings, overrides, isolates and marks.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Invisible characters that change how text reads or compares without showing.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")


def _needs_escape(ch: str) -> bool:
    return ch in BIDI or ch in INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")


def escape_char(ch: str) -> str:
    """The visible stand-in for one unsafe character."""
    code = ord(ch)
    if code < 0x100 and unicodedata.category(ch) == "Cc":
        return f"\\x{code:02x}"
    return f"⟨U+{code:04X}⟩"


def visible(text: str | None, *, keep: str = "\n\t") -> str:
    """``text`` with every control, bidi and invisible character shown as an escape.

    Characters in ``keep`` (newline and tab by default) pass through unchanged.
    """
    if not text:
        return ""
    if text.isprintable():
        return text  # the common case: every character above is non-printable
    return "".join(escape_char(ch) if ch not in keep and _needs_escape(ch) else ch for ch in text)


def one_line(text: str | None) -> str:
    """``visible`` for a single output line: newlines and tabs are escaped too."""
    return visible(text, keep="")
