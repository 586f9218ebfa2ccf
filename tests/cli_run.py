"""Running the CLI in-process on a database file, and the one-line error every bad input gets."""

from __future__ import annotations

from click.testing import CliRunner

from workbench.cli import cli


def run(path, *args):
    return CliRunner().invoke(cli, ["--db", str(path), *map(str, args)])


def one_error(result) -> str:
    """The single ``error:`` line of a refused command (non-zero exit, no traceback)."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]
