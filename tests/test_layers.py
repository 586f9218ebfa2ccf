"""The layer contracts in pyproject.toml hold, and import-linter really catches a broken one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(
    LINT_IMPORTS is None, reason="import-linter not installed (make lint installs it)"
)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LINT_IMPORTS, *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_the_contracts_are_kept():
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails(tmp_path):
    # The same kind of contract as "headless-core", aimed at the one package that does import
    # Textual: import-linter must report it broken.
    config = tmp_path / "broken.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "workbench"\ninclude_external_packages = true\n\n'
        '[[tool.importlinter.contracts]]\nname = "tui without textual"\ntype = "forbidden"\n'
        'source_modules = ["workbench.tui"]\nforbidden_modules = ["textual"]\n',
        encoding="utf-8",
    )
    result = run("--config", str(config))
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "workbench.tui" in result.stdout
