"""Turning untrusted text (claims, passages, notes, titles) into literal Rich ``Text``.

Nothing here parses markup: ``Text(...)`` and ``Text.append`` take the string
as it is, so ``[bold red]x`` stays seven visible characters. Control, bidi and
invisible characters are shown as escapes (``\\x1b``, ``⟨U+202E⟩``) by the
core's ``textsafety.visible``: an ESC or a carriage return written to the
terminal would move the cursor or restyle the screen, and a right-to-left
override would make ``txt.exe`` read as ``exe.txt``.
"""

from __future__ import annotations

from rich.text import Text

from ..textsafety import visible

STATUS_MARKS = {
    None: ("·", "dim"),
    "sourced": ("✓", "bold green"),
    "contested": ("!", "bold yellow"),
    "unsupported": ("✗", "bold red"),
}

#: Tabs and carriage returns take one cell each (a tab would jump columns, a CR return to the line start).
_SPACES = str.maketrans({"\t": " ", "\r": " "})


def clean(text: str | None, *, keep_newlines: bool = False) -> str:
    """``text`` made harmless: tabs and CRs become spaces, other unsafe characters visible escapes.

    Each character is replaced on its own (no context), so cleaning the parts
    of a string gives the parts of the cleaned string (``clean_span`` relies on it).
    """
    if not text:
        return ""
    text = text.translate(_SPACES)
    if not keep_newlines:
        text = text.replace("\n", " ")
    return visible(text, keep="\n")


def clean_span(text: str, span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    """``clean(text)`` with ``span`` (offsets into ``text``) moved to the same characters.

    An escape is longer than the character it shows, so offsets after it shift;
    a span outside the text is returned unchanged (``highlighted`` ignores it).
    """
    start, end = span
    if not 0 <= start <= end <= len(text):
        return clean(text), span
    head, middle, tail = clean(text[:start]), clean(text[start:end]), clean(text[end:])
    return head + middle + tail, (len(head), len(head) + len(middle))


def one_line(text: str | None) -> str:
    """Whitespace collapsed to single spaces, for one-line rows."""
    return " ".join(clean(text).split())


def short(text: str | None, limit: int) -> str:
    """``one_line(text)`` cut to at most ``limit`` characters, with "…" where it was cut."""
    line = one_line(text)
    return line if len(line) <= limit else line[: max(0, limit - 1)] + "…"


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
