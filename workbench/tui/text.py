"""Turning untrusted text (claims, passages, notes, titles) into literal Rich ``Text``.

Nothing here parses markup: ``Text(...)`` and ``Text.append`` take the string
as it is, so ``[bold red]x`` stays seven visible characters. Control
characters are replaced because an ESC or a carriage return written to the
terminal would move the cursor or restyle the screen.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

#: Shown instead of a control character (ESC, BEL, backspace...).
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"

STATUS_MARKS = {
    None: ("·", "dim"),
    "sourced": ("✓", "bold green"),
    "contested": ("!", "bold yellow"),
    "unsupported": ("✗", "bold red"),
}


def clean(text: str | None, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters made harmless (tabs become spaces)."""
    if not text:
        return ""
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: str | None) -> str:
    """Whitespace collapsed to single spaces, for one-line rows."""
    return " ".join(clean(text).split())


def literal(text: str | None, style: str = "", *, keep_newlines: bool = False) -> Text:
    return Text(clean(text, keep_newlines=keep_newlines), style=style, no_wrap=False)


def highlighted(text: str, span: tuple[int, int] | None, style: str = "reverse") -> Text:
    """``text`` with ``span`` (character offsets) highlighted; a bad span is ignored."""
    out = literal(text)
    if span is not None:
        start, end = span
        if 0 <= start < end <= len(out.plain):
            out.stylize(style, start, end)
    return out


def status_mark(status: str | None) -> Text:
    mark, style = STATUS_MARKS.get(status, ("?", "bold"))
    return Text(mark, style=style)


def status_label(status: str | None) -> str:
    return status or "unreviewed"
