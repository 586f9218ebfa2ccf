"""The article's sentence list (#11): how sentences are cleaned and where their lines break."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from workbench.models import Passage
from workbench.tui import text as txt
from workbench.tui.widgets.sentence_list import line_starts, one_line, sentences_of

UNTRUSTED = [
    "plain sentence",
    "  leading and trailing  ",
    "doubled  space",
    "  spaces   inside\tand\nnewlines\r\n",
    "no-break\xa0space and\xa0\xa0two",
    "an \x1b[31mescape\x1b[0m and a bell\x07",
    "bidi \u202eexe.txt and a zero\u200bwidth",
    "[bold red]markup[/] stays text",
    "thin\u2009space, ideographic\u3000space",
    "",
]


@pytest.mark.parametrize("text", UNTRUSTED)
def test_one_line_is_the_tuis_one_line(text):
    assert one_line(text) == txt.one_line(text)


def lines_of(text: str, width: int) -> list[str]:
    starts = line_starts(text, width)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)])]


@pytest.mark.parametrize("width", [1, 5, 12, 40, 200])
@pytest.mark.parametrize(
    "text",
    [
        "The ministry said exports rose by 12% in March, the highest since 2019.",
        "“Curly quotes” — and dashes… are one cell each, as are ¶ and ◀ marks",
        "a  ◀ opened here  [linked: supports]",
        "averyveryverylongwordthatcannotfitonalineatall and then short ones",
        "中国外交部表示 the statement was 很重要 for both sides",
        "x",
    ],
)
def test_lines_fit_the_width_and_give_back_the_text(text, width):
    lines = lines_of(text, width)
    # (a character wider than the whole line is put on a line of its own)
    assert all(cell_len(line.rstrip(" ")) <= width or len(line.rstrip(" ")) == 1 for line in lines)
    assert "".join(lines) == text  # nothing lost, nothing added
    assert all(line.strip(" ") for line in lines)  # no line of spaces only


def test_words_are_kept_whole_when_they_fit():
    text = "one two three four five six seven eight nine ten"
    for line in lines_of(text, 14):
        assert line.strip() and all(word in text.split() for word in line.split())
    assert len(lines_of(text, 14)) == 4


def test_sentences_mark_new_paragraphs_the_target_and_links():
    passages = [Passage(i, 1, i, i // 2, 0, 1, f"Sentence {i}.\n") for i in range(5)]
    listed = sentences_of(passages, target_id=2, relations={3: "supports"})
    assert [s.new_paragraph for s in listed] == [False, False, True, False, True]
    assert [s.target for s in listed] == [False, False, True, False, False]
    assert listed[2].shown == "Sentence 2.  ◀ opened here"
    assert listed[3].shown == "Sentence 3.  [linked: supports]"


async def test_stored_text_is_painted_as_text_never_markup_or_escapes():
    from textual.app import App

    from workbench.tui.widgets.sentence_list import SentenceList

    texts = ["[bold red]not bold[/] and [link=http://x]no link[/]", "an \x1b[2J escape and \u202eexe.txt"]
    passages = [Passage(i, 1, i, i, 0, 1, t) for i, t in enumerate(texts)]

    class One(App):
        def compose(self):
            yield SentenceList()

    async with One().run_test(size=(60, 8)) as pilot:
        listed = pilot.app.query_one(SentenceList)
        listed.show(sentences_of(passages, target_id=None, relations={}))
        await pilot.pause()
        shown = " ".join(line.strip() for line in listed.render_lines_for_tests())
        strips = [listed.render_line(y) for y in range(4)]
    assert "[bold red]not bold[/] and [link=http://x]no link[/]" in shown
    assert "\\x1b[2J escape" in shown and "⟨U+202E⟩exe.txt" in shown
    assert not any(
        seg.style and (seg.style.link or (seg.style.color and seg.style.color.name == "red"))
        for strip in strips
        for seg in strip
    )
