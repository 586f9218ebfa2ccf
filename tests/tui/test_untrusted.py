"""Claim and passage text is shown literally: markup, HTML, emoji, RTL, control and huge text."""

from __future__ import annotations

import html
import re

import pytest
from rich.text import Text

from workbench import ingestion
from workbench.models import Candidate
from workbench.storage import connect, corpus, reviewview
from workbench.tui.app import ReviewApp
from workbench.tui.text import clean, clean_span
from workbench.tui.widgets.candidates import candidate_prompt
from workbench.tui.widgets.claim_list import ClaimList
from workbench.tui.widgets.claim_view import ClaimView, context_text

HOSTILE = [
    "Officials said 40 troops were [in China] last week.",
    "The memo closed the tag [/b] and 3 others stayed open.",
    "A [bold red]x campaign cost 5 million dollars.",
    "The site ran <script>alert(1)</script> on 2 pages.",
    "Turnout rose 12% 🎉🇺🇦 among voters 👩‍👩‍👧.",
    "قال المسؤولون إن 30 شخصا حضروا الاجتماع.",
    "The bell \x07 rang and \x1b[31mred\x1b[0m text hid 7 words.",
    "Open the attachment invoice_\u202etxt.exe sent to 9 staff.",
    "The pass\u200bword and \u2066isolated\u2069 text fooled 4 readers.",
]
LONG = "In 2024 the ministry said " + "very " * 990 + "many things."


@pytest.fixture
def hostile_db_path(tmp_path):
    path = tmp_path / "hostile.db"
    doc = tmp_path / "hostile.md"
    doc.write_text("# Hostile [title] <b>\n\n" + " ".join(HOSTILE) + "\n\n" + LONG + "\n", encoding="utf-8")
    db = connect(path)
    ingestion.ingest_paths(db, [doc])
    # Make every passage a claim too, so each hostile sentence is listed and shown in context.
    document_id = corpus.documents(db)[0].id
    last = db.execute("SELECT max(id) FROM passages").fetchone()[0]
    for passage_id in range(1, last + 1):
        p = corpus.get_passage(db, passage_id)
        corpus.add_claim(db, document_id, p.text, passage_id=p.id, start=p.start, end=p.end)
    db.close()
    return path


def plain_svg(svg: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", svg.replace("&#160;", " ")))


def test_clean_shows_control_bidi_and_invisible_characters():
    assert clean("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07"
    assert clean("invoice_\u202etxt.exe") == "invoice_⟨U+202E⟩txt.exe"
    assert clean("pass\u200bword\ufeff") == "pass⟨U+200B⟩word⟨U+FEFF⟩"
    assert clean("a\tb\rc\nd") == "a b c d"
    assert clean("a\nb", keep_newlines=True) == "a\nb"
    assert clean("[bold]x 🎉 قال") == "[bold]x 🎉 قال"


def test_clean_span_follows_the_characters_past_escapes():
    text = "x\u202ey said 40 troops\x1b came"
    start = text.index("40")
    cleaned, (a, b) = clean_span(text, (start, start + len("40 troops")))
    assert cleaned[a:b] == "40 troops"
    assert clean_span("abc", (5, 9)) == ("abc", (5, 9))  # a bad span stays bad; highlighted ignores it


def test_candidate_highlight_lands_on_the_span_after_a_bidi_override():
    text = "\u202eRLO then the 40 troops went home"
    start = text.index("40")
    cand = Candidate(
        passage_id=1,
        document_id=1,
        doc="d",
        title="t\u202etxt.exe",
        source=None,
        text=text,
        span=(start, start + 9),
        score=0.5,
    )
    prompt = candidate_prompt(1, cand, None)
    assert "\u202e" not in prompt.plain and "⟨U+202E⟩" in prompt.plain
    underlined = [prompt.plain[s.start : s.end] for s in prompt.spans if "underline" in str(s.style)]
    assert underlined == ["40 troops"]


def test_context_text_keeps_markup_literal_and_adds_no_styles(hostile_db_path):
    db = connect(hostile_db_path)
    for claim in corpus.list_claims(db, limit=100):
        ctx = reviewview.claim_context(db, claim.id)
        text = context_text(ctx)
        assert isinstance(text, Text)
        assert clean(" ".join(claim.text.split())) in text.plain
        styles = {str(span.style) for span in text.spans}
        assert styles <= {"bold", "dim", "bold reverse"}, styles
    db.close()


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_every_hostile_claim_is_shown_literally(hostile_db_path, size):
    app = ReviewApp(hostile_db_path, reviewer="[bold]me", judge_stale=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        claims = app.screen.query_one(ClaimList)
        shown, panel = [], []
        for _ in range(claims.total):
            await pilot.pause()
            shown.append(plain_svg(app.export_screenshot()))
            panel.append(" ".join(app.screen.query_one(ClaimView).plain_lines))
            await pilot.press("j")
        await pilot.press("e", *"[red]note[/red] <i>", "ctrl+s")
        await pilot.pause()
        screen = plain_svg(app.export_screenshot())
    everything = "\n".join(shown)
    for needle in [
        "[in China]",
        "[/b]",
        "[bold red]x",
        "<script>alert(1)</script>",
        "🎉",
        "قال",
        "Hostile [title] <b>",
    ]:
        assert needle in everything, needle
    assert "\x1b" not in everything and "\x07" not in everything
    # Bidi overrides and zero-width characters are shown, not obeyed ("txt.exe" must not read "exe.txt").
    for raw in ("\u202e", "\u200b", "\u2066", "\u2069"):
        assert raw not in everything
    squeezed = re.sub(r"\s+", "", "".join(panel))  # a long word may wrap at the panel's edge
    for shown in ("invoice_⟨U+202E⟩txt.exe", "pass⟨U+200B⟩word", "⟨U+2066⟩isolated⟨U+2069⟩"):
        assert shown in squeezed, shown
    assert "[red]note[/red] <i>" in screen


def test_long_titles_and_names_are_cut_with_an_ellipsis():
    from workbench.tui import text as txt

    assert txt.short("a  b\nc", 10) == "a b c"  # short enough: one line, whole
    cut = txt.short("The foreign ministers of Russia and China today condemned the West", 30)
    assert len(cut) == 30 and cut.endswith("…") and cut.startswith("The foreign ministers")
