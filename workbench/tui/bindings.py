"""Textual ``Binding`` objects built from the plain binding table in ``workbench.keymap``.

Every binding has a stable id, so ``App.set_keymap`` can rebind it from the
user's config and the help screen can list it.
"""

from __future__ import annotations

from textual.binding import Binding

from ..keymap import SPECS


def bindings_for(scope: str) -> list[Binding]:
    return [
        Binding(
            spec.keys, spec.action, spec.description, show=spec.show, id=spec.id,
            key_display=spec.key_display, tooltip=spec.description,
        )
        for spec in SPECS
        if spec.scope == scope
    ]
