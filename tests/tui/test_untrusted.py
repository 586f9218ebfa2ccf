"""Claim and passage text is shown literally: markup, HTML, emoji, RTL, control and huge text."""

from __future__ import annotations

import html
import re

import pytest
from rich.text import Text

from workbench import ingestion
from workbench.storage import connect, corpus, reviewview
from workbench.tui.app import ReviewApp
from workbench.tui.text import REPLACEMENT, clean
from workbench.tui.widgets.claim_list import ClaimList
from workbench.tui.widgets.claim_view import context_text

HOSTILE = [
    "Officials said 40 troops were [in China] last week.",
    "The memo closed the tag [/b] and 3 others stayed open.",
    "A [bold red]x campaign cost 5 million dollars.",
    "The site ran <script>alert(1)</script> on 2 pages.",
    "Turnout rose 12% 🎉🇺🇦 among voters 👩‍👩‍👧.",
    "قال المسؤولون إن 30 شخصا حضروا الاجتماع.",
    "The bell \x07 rang and \x1b[31mred\x1b[0m text hid 7 words.",
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


def test_clean_replaces_control_characters_only():
    assert clean("a\x1b[31mb\x07") == f"a{REPLACEMENT}[31mb{REPLACEMENT}"
    assert clean("[bold]x 🎉 قال") == "[bold]x 🎉 قال"


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
    app = ReviewApp(hostile_db_path, reviewer="[bold]me")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        claims = app.screen.query_one(ClaimList)
        shown = []
        for _ in range(claims.total):
            await pilot.pause()
            shown.append(plain_svg(app.export_screenshot()))
            await pilot.press("j")
        await pilot.press("e", *"[red]note[/red] <i>", "ctrl+s")
        await pilot.pause()
        screen = plain_svg(app.export_screenshot())
    everything = "\n".join(shown)
    for needle in ["[in China]", "[/b]", "[bold red]x", "<script>alert(1)</script>", "🎉", "قال",
                   "Hostile [title] <b>"]:
        assert needle in everything, needle
    assert "\x1b" not in everything and "\x07" not in everything
    assert "[red]note[/red] <i>" in screen

