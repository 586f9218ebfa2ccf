"""The review TUI (Textual). Only this package imports Textual."""
