"""Registers the command modules of later features when they are present."""

from __future__ import annotations

import importlib

for _name in ("review", "verdicts", "linking", "reports"):
    try:
        importlib.import_module(f"{__package__}.{_name}")
    except ModuleNotFoundError as exc:  # feature not built yet
        if exc.name != f"{__package__}.{_name}":
            raise
