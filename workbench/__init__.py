"""workbench: a keyboard-driven fact-check workbench for the terminal."""

__version__ = "0.1.0"
