"""The core never imports Textual: it stays headless and fast to start."""

import subprocess
import sys

CORE = ["workbench.storage", "workbench.ingestion", "workbench.extraction", "workbench.segment",
        "workbench.cli.corpus", "workbench.cli.verdicts"]
OPTIONAL = ["workbench.linking", "workbench.reports"]


def test_core_modules_do_not_import_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        f"for name in {OPTIONAL!r}:\n"
        "    try: importlib.import_module(name)\n"
        "    except ModuleNotFoundError: pass\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
