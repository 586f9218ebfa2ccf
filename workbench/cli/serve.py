"""`workbench serve`: the review screen in a browser, through textual-serve (issue #13)."""

from __future__ import annotations
