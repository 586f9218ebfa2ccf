"""Snapshots of the review screen and the help screen on the seeds.

Candidates come from a fixed stand-in (not the live linker), so these pictures
change only when the screen does. Update with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import pytest

from workbench.facts import claim_facts
from workbench.models import Candidate, Coverage, LinkResult
from workbench.storage import connect, corpus
from workbench.tui import candidates_source
from workbench.tui.app import ReviewApp

from .conftest import settle


@pytest.fixture
def fixed_candidates(monkeypatch, seed_db_path):
    db = connect(seed_db_path)
    passages = [corpus.get_passage(db, pid) for pid in (17, 21, 48)]
    docs = {d.id: d for d in corpus.documents(db)}
    db.close()

    stances = ("supports", "contradicts", "related")
    reasons = (
        ("states: Russia · China", "does not state: Thursday"),
        ("differs: 20 billion dollars",),
        ("does not state: signed",),
    )

    def stored(db, claim_id):
        cands = tuple(
            Candidate(
                passage_id=p.id,
                doc=docs[p.document_id].name,
                title=docs[p.document_id].title,
                source=docs[p.document_id].source,
                text=p.text,
                score=90.0 - i * 10,  # the linker scores 0-100
                span=(0, min(40, len(p.text))),
                flags=("number-mismatch",) if i == 1 else (),
                document_id=p.document_id,
                stance=stances[i],
                reasons=reasons[i],
            )
            for i, p in enumerate(passages)
        )
        claim = corpus.get_claim(db, claim_id)
        labels = [f.label for f in claim_facts(claim.text)] if claim else []
        # The claim's own facts, so the marks land in its sentence.
        coverage = Coverage(
            corroborated=tuple(labels[:1]), contradicted=tuple(labels[1:2]), not_found=tuple(labels[2:3])
        )
        return LinkResult(cands, sources=0, suggested="unsupported", coverage=coverage, related_only=True)

    monkeypatch.setattr(candidates_source, "stored", stored)


def _app(path):
    return ReviewApp(path, reviewer="snapshot", judge_stale=False)


async def _ready(pilot):
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_review_screen(snap_compare, seed_db_path, fixed_candidates):
    assert snap_compare(_app(seed_db_path), terminal_size=(100, 30), run_before=_ready)


def test_review_screen_80x24(snap_compare, seed_db_path, fixed_candidates):
    async def marked(pilot):
        await _ready(pilot)
        await pilot.press("s", "c")
        await _ready(pilot)

    assert snap_compare(_app(seed_db_path), terminal_size=(80, 24), run_before=marked)


def test_review_screen_160x50(snap_compare, seed_db_path, fixed_candidates):
    assert snap_compare(_app(seed_db_path), terminal_size=(160, 50), run_before=_ready)


@pytest.mark.parametrize("size", [(80, 24), (100, 40)], ids=["80x24", "100x40"])
def test_help_screen(snap_compare, seed_db_path, fixed_candidates, size):
    async def help_open(pilot):
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(_app(seed_db_path), terminal_size=size, run_before=help_open)


def _opened(*keys):
    async def run(pilot):
        await _ready(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_evidence_search(snap_compare, seed_db_path, fixed_candidates, size):
    assert snap_compare(_app(seed_db_path), terminal_size=size, run_before=_opened("E", *"sanctions"))


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_article_view(snap_compare, seed_db_path, fixed_candidates, size):
    assert snap_compare(_app(seed_db_path), terminal_size=size, run_before=_opened("j", "j", "o"))


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
def test_empty_database(snap_compare, tmp_path, monkeypatch, size):
    monkeypatch.chdir(tmp_path)  # a relative path: the picture does not depend on the temp folder
    connect("case.db").close()
    assert snap_compare(_app("case.db"), terminal_size=size, run_before=_ready)
