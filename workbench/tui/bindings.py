"""Textual ``Binding`` objects built from the plain binding table in ``workbench.keymap``.

Every binding has a stable id, so ``App.set_keymap`` can rebind it from the
user's config and the help screen can list it.
"""

from __future__ import annotations

from textual.binding import Binding

from ..config import Config
from ..keymap import SPEC_BY_ID, SPECS

#: Bindings that act when the app reads the key, before it routes the keys after it.
#: The search key: the keys of a burst typed right after it ("/lavrov") then go to
#: the box it focuses, not to the list (where "l" would link and "a" add a claim).
PRIORITY = frozenset({"list.search"})


def bindings_for(scope: str) -> list[Binding]:
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.description,
            show=spec.show,
            id=spec.id,
            key_display=spec.key_display,
            tooltip=spec.description,
            priority=spec.id in PRIORITY,
        )
        for spec in SPECS
        if spec.scope == scope
    ]


def shown_key(config: Config, binding_id: str) -> str:
    """The first key bound to ``binding_id`` now, as hints write it: hints follow a rebinding."""
    from .screens.help import key_label  # the help screen's spelling of keys, shared

    spec = SPEC_BY_ID[binding_id]
    if binding_id not in config.keymap and spec.key_display:
        return spec.key_display
    return key_label(config.keys_for(binding_id)[0])
