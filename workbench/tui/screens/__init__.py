"""Screens of the review TUI: the main review screen and its small dialogs."""
