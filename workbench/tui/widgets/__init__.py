"""Widgets of the review screen, grouped by the region they occupy."""
