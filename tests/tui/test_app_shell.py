"""The application shell: which database opens how, the empty state, the palette, reserved keys."""

from __future__ import annotations

from click.testing import CliRunner
from textual.widgets import Static

from workbench.cli import cli
from workbench.storage import connect
from workbench.tui.screens.empty import EmptyScreen
from workbench.tui.screens.review import ReviewScreen

from .conftest import SIZE, settle


async def test_an_empty_database_opens_on_a_screen_that_says_how_to_ingest(make_app, tmp_path):
    path = tmp_path / "my case.db"
    connect(path).close()
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EmptyScreen)
        shown = str(app.screen.query_one("#empty-message", Static).content)
        assert "workbench --db" in shown and "ingest FILES" in shown
        assert "my case.db" in shown  # which database is open
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_the_seeded_database_opens_on_the_review_screen_and_names_itself(make_app, seed_db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.sub_title == str(seed_db_path)
        assert any(seed_db_path.name in (n.title or "") for n in app._notifications)


def test_the_ingest_command_shown_is_quoted_for_a_shell(tmp_path):
    from workbench.tui.screens.empty import ingest_command

    assert ingest_command(tmp_path / "my case.db") == f"workbench --db '{tmp_path}/my case.db' ingest FILES…"


def test_another_folder_gets_no_silent_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(tmp_path / "db" / "workbench.db") in lines[0] and "--db" in lines[0]
    assert not (tmp_path / "db").exists()
    # An existing default database there is opened as before.
    (tmp_path / "db").mkdir()
    connect(tmp_path / "db" / "workbench.db").close()
    assert CliRunner().invoke(cli, ["stats"]).exit_code == 0


async def _palette_titles(app) -> list[str]:
    from workbench.tui.commands import ReviewCommands

    provider = ReviewCommands(app.screen)
    titles = [hit.text async for hit in provider.discover()]
    return titles + [c.title for c in app.get_system_commands(app.screen)]


async def test_the_palette_offers_every_action_once_from_the_key_registry(make_app):
    from workbench import reports
    from workbench.tui.commands import palette_specs

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = await _palette_titles(app)
        assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
        assert "Keys" not in titles and titles.count("Help") == 1  # one entry for the key list
        for spec in palette_specs():
            assert spec.description in titles
        for name in ("claim.dismiss", "claim.history", "review.redo", "claim.edit_text"):
            assert any(s.id == name for s in palette_specs())  # newer keys are in without an edit
        for fmt in reports.FORMATS:
            assert f"Export report as {fmt}" in titles


async def test_a_palette_command_runs_its_action(make_app, check_db):
    from workbench.storage import corpus, review

    from .conftest import saved

    first = corpus.list_claims(check_db, limit=1)[0].id
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Unsupported")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await saved(pilot)
        assert review.get_verdict(check_db, first).status == "unsupported"


def test_a_rebinding_to_a_reserved_key_is_refused_in_one_line():
    from workbench.config import parse_config
    from workbench.keymap import RESERVED

    for key in sorted(RESERVED):
        config = parse_config(f'[keys]\n"claim.sourced" = "{key}"\n', "cfg.toml")
        assert config.keymap == {}, key
        (line,) = config.problems
        assert line.startswith("cfg.toml: claim.sourced") and "reserved" in line and key in line
    assert "ctrl+q" in RESERVED


async def test_ctrl_q_quits_only_once_the_pending_verdict_is_written(make_app, seed_db_path, check_db):
    import asyncio
    import time

    from workbench.storage import corpus, review

    from .test_write_lock import LockHolder

    first = corpus.list_claims(check_db, limit=1)[0].id
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with LockHolder(seed_db_path) as lock:
            await pilot.press("s", "ctrl+q")
            await pilot.pause(0.3)
            assert app.return_code is None  # still open: the verdict waits for the lock
            assert any("not saved yet" in n.message for n in app._notifications)
            lock.release()
            deadline = time.monotonic() + 30
            while app.return_code is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
    assert app.return_code == 0 and not app.unsaved_on_exit
    verdict = review.get_verdict(check_db, first)
    assert (verdict.status, verdict.reviewer) == ("sourced", "tester")
