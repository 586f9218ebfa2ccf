"""The core never imports Textual: it stays headless and fast to start.

import-linter checks the same statically (``make lint``); this checks what really
gets loaded, including imports made while modules initialise.
"""

import subprocess
import sys

CORE = [
    "workbench.storage",
    "workbench.ingestion",
    "workbench.extraction",
    "workbench.segment",
    "workbench.linking",
    "workbench.judgement",
    "workbench.facts",
    "workbench.suggesting",
    "workbench.reports",
    "workbench.cli",
    "workbench.config",
    "workbench.keymap",
    "workbench.locations",
    # The group imports its command modules only when a command runs: check each one.
    "workbench.cli.clusters",
    "workbench.cli.corpus",
    "workbench.cli.linking",
    "workbench.cli.reports",
    "workbench.cli.review",
    "workbench.cli.serve",
    "workbench.cli.team",
    "workbench.cli.verdicts",
]


def test_core_modules_do_not_import_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_command_module_is_checked():
    from workbench.cli import COMMAND_MODULES

    assert {f"workbench.cli.{m}" for m in COMMAND_MODULES.values()} <= set(CORE)
