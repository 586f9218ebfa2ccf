"""The `workbench` group imports a command's module only when that command runs.

``COMMAND_MODULES`` names the module of every command: a command missing from it
would not be found. ``workbench review`` then starts without the modules only other
commands or later actions need (reports, ingestion, web fetching, the other command
modules), so the review screen shows its first claim sooner.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

from click.testing import CliRunner

import workbench.cli
from workbench.cli import COMMAND_MODULES, cli

# Loaded by `workbench review` only when an action needs them (export, `w`, agreement, ...).
NOT_AT_REVIEW_START = [
    "workbench.agreement",
    "workbench.ingestion",
    "workbench.passages",
    "workbench.reports",
    "workbench.segment",
    "workbench.storage.export",
    "workbench.storage.importer",
    "workbench.tui.export",
    "workbench.web",
] + [f"workbench.cli.{module}" for module in set(COMMAND_MODULES.values()) - {"review"}]


def test_every_command_is_in_the_name_to_module_map():
    for info in pkgutil.iter_modules(workbench.cli.__path__):
        importlib.import_module(f"workbench.cli.{info.name}")
    registered = {name: command.callback.__module__ for name, command in cli.commands.items()}
    assert registered == {name: f"workbench.cli.{module}" for name, module in COMMAND_MODULES.items()}


def test_help_lists_every_command_with_its_short_help():
    out = CliRunner().invoke(cli, ["--help"], terminal_width=200).output
    listed = out.split("Commands:")[1]
    for name in COMMAND_MODULES:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert f" {name}" in listed and command.get_short_help_str(limit=40)[:20] in listed


def test_an_unknown_command_is_one_usage_error_from_the_default_command(tmp_path):
    # DefaultGroup hands an unknown name to `review`, which the group must load for it
    # (a fresh process: here every command module is loaded already).
    code = "import sys; from workbench.cli import main; sys.argv[0] = 'workbench'; main()"
    args = ["--db", str(tmp_path / "x.db"), "nosuchcommand"]
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "Got unexpected extra argument (nosuchcommand)" in out.stderr
    assert "Traceback" not in out.stderr


# Runs `workbench --db PATH review` headless (no terminal in a subprocess) until the first
# claim is on the screen, then prints which workbench modules are loaded.
PROBE = """
import asyncio, sys, time
import workbench.cli.review as review_cli
from workbench.cli import main
from workbench.tui.app import ReviewApp

review_cli.missing_terminal = lambda: None

def run(self):
    async def first_claim():
        async with self.run_test(size=(120, 40)) as pilot:
            deadline = time.monotonic() + 60
            while getattr(self.screen, "context", None) is None and time.monotonic() < deadline:
                await pilot.pause(0.02)
            assert self.screen.context is not None, "no claim shown"
            print(" ".join(m for m in sys.modules if m.startswith("workbench")))
    asyncio.run(first_claim())

ReviewApp.run = run
sys.argv = ["workbench", "--db", sys.argv[1], "review", "--reviewer", "probe"]
main()
"""


def test_review_starts_without_the_modules_only_other_actions_need(seed_db_path):
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(seed_db_path)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    loaded = set(out.stdout.split())
    assert "workbench.tui.screens.review" in loaded  # the probe did reach the review screen
    early = sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_AT_REVIEW_START))
    assert early == []


async def test_the_palette_exports_with_reports_imported_only_when_it_opens(seed_db_path):
    import asyncio

    from workbench.config import Config
    from workbench.tui.app import ReviewApp

    app = ReviewApp(seed_db_path, reviewer="tester", config=Config(), judge_stale=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Export report as csv")
        await pilot.pause(0.3)
        await pilot.press("enter")
        for _ in range(600):  # a busy machine: wait for the file, not for a fixed time
            if list(seed_db_path.parent.glob("*-report-*.csv")):
                break
            await asyncio.sleep(0.05)
    assert len(list(seed_db_path.parent.glob("*-report-*.csv"))) == 1


# Loaded when the reviewer rests, in workers or at the first mark of a fact: never on the
# way to the first claim (the linker, the judgement and its stemmer, clustering, numpy).
NOT_ON_THE_WAY_TO_THE_FIRST_CLAIM = [
    "workbench.clustering",
    "workbench.embeddings",
    "workbench.facts",
    "workbench.judgement",
    "workbench.linking",
    "workbench.suggesting",
    "numpy",
    "snowballstemmer",
]


def test_the_review_screens_modules_load_no_linker_stemmer_or_numpy():
    code = (
        "import sys\n"
        "import workbench.cli.review, workbench.tui.app, workbench.tui.screens.review\n"
        "from workbench.storage import connect\n"
        "print(' '.join(sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(out.stdout.split())
    assert "workbench.tui.screens.review" in loaded
    early = sorted(m for m in NOT_ON_THE_WAY_TO_THE_FIRST_CLAIM if m in loaded)
    assert early == []
