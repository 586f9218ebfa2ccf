"""Team review commands (issue #13): assign, agreement, adjudicate, merge."""

from __future__ import annotations
