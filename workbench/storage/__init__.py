"""Storage: the only package that speaks SQL.

``connect`` opens and migrates a database; ``corpus`` holds documents,
passages and claims; ``review`` holds verdicts, links, notes, history and the
resume state; ``suggestions`` holds stored linker output.
"""

from .connection import connect, write

__all__ = ["connect", "write"]
