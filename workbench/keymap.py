"""Key bindings of the review screen and the user's TOML config that rebinds them.

This module stays free of Textual (the core never imports it): it describes
every binding as plain data, reads ``config.toml`` with stdlib ``tomllib`` and
checks the user's rebindings for clashes. The TUI turns the result into
``textual.binding.Binding`` objects and ``App.set_keymap``.

A config file looks like::

    [review]
    advance_on_mark = true        # after s/c/u, move on to the next unreviewed claim

    [keys]
    "claim.sourced" = "S"         # binding id = comma-separated keys
    "list.down" = "j,down,ctrl+n"

A rebinding that clashes with another binding active at the same time, names
an unknown id or has no keys is not applied; it is reported (one line each)
when the review screen starts.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import locations
from .errors import MB, InputError, read_regular

#: Where a binding lives. Bindings of "screen" are active all the time; the
#: claims list and the candidate list are never focused together, so the same
#: key may move the cursor in both.
SCOPES = ("screen", "list", "candidates")

#: Keys the application itself owns (command palette, interrupt, focus cycling).
RESERVED = frozenset({"ctrl+p", "ctrl+c", "tab", "shift+tab", "escape"})


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str
    action: str
    description: str
    scope: str = "screen"
    show: bool = True
    key_display: str | None = None


#: Every binding of the review screen, in the order the help screen lists them.
SPECS: tuple[KeySpec, ...] = (
    KeySpec("list.down", "j,down", "cursor_down", "Next claim", "list", show=False),
    KeySpec("list.up", "k,up", "cursor_up", "Previous claim", "list", show=False),
    KeySpec("list.page_down", "pagedown", "page_down", "Page down", "list", show=False),
    KeySpec("list.page_up", "pageup", "page_up", "Page up", "list", show=False),
    KeySpec("list.first", "home,g", "first", "First claim", "list", show=False),
    KeySpec("list.last", "end,G", "last", "Last claim", "list", show=False),
    KeySpec("claim.next_unreviewed", "n", "next_unreviewed", "Next unreviewed", show=False),
    KeySpec("claim.prev_unreviewed", "p", "prev_unreviewed", "Previous unreviewed", show=False),
    KeySpec("claim.sourced", "s", "verdict('sourced')", "Sourced"),
    KeySpec("claim.contested", "c", "verdict('contested')", "Contested"),
    KeySpec("claim.unsupported", "u", "verdict('unsupported')", "Unsupported"),
    KeySpec("claim.clear", "x", "verdict('')", "Clear", show=False),
    KeySpec("candidate.link", "l,enter", "link('supports')", "Link", show=False, key_display="l"),
    KeySpec("candidate.contradicts", "L", "link('contradicts')", "Link as contradicting", show=False),
    KeySpec(
        "claim.link_top",
        "t",
        "link_top",
        "Link the top supporting candidate (offered on sourced)",
        show=False,
    ),
    KeySpec(
        "candidate.next",
        "right_square_bracket",
        "candidate(1)",
        "Next candidate",
        show=False,
        key_display="]",
    ),
    KeySpec(
        "candidate.prev",
        "left_square_bracket",
        "candidate(-1)",
        "Previous candidate",
        show=False,
        key_display="[",
    ),
    KeySpec("candidates.down", "j,down", "cursor_down", "Next candidate", "candidates", show=False),
    KeySpec("candidates.up", "k,up", "cursor_up", "Previous candidate", "candidates", show=False),
    KeySpec(
        "claim.scroll_down",
        "J,shift+down",
        "scroll_claim(2)",
        "Scroll the claim panel down",
        show=False,
        key_display="J",
    ),
    KeySpec(
        "claim.scroll_up",
        "K,shift+up",
        "scroll_claim(-2)",
        "Scroll the claim panel up",
        show=False,
        key_display="K",
    ),
    KeySpec("claim.find_evidence", "E", "find_evidence", "Find evidence in every passage", show=False),
    KeySpec(
        "claim.article", "o", "open_article('claim')", "Open the claim's article at its sentence", show=False
    ),
    KeySpec(
        "candidate.article",
        "O",
        "open_article('candidate')",
        "Open the highlighted candidate's article at its sentence",
        show=False,
    ),
    KeySpec(
        "claim.cluster_verdict",
        "A",
        "cluster_verdict",
        "Apply the claim's verdict to its whole cluster",
        show=False,
    ),
    KeySpec("claim.note", "e", "edit_note", "Note"),
    KeySpec("claim.add", "a", "add_claim", "Add claim", show=False),
    KeySpec("list.search", "slash", "search", "Search", key_display="/"),
    KeySpec("list.filter", "f", "cycle_filter", "Filter", show=False),
    KeySpec("claim.dismiss", "d", "dismiss", "Dismiss as not check-worthy (again: restore)", show=False),
    KeySpec("claim.edit_text", "i", "edit_claim", "Edit the claim's text or boundaries", show=False),
    KeySpec("claim.history", "h", "claim_history", "History of this claim", show=False),
    KeySpec("claim.link_url", "w", "link_url", "Link a web page (URL) as evidence", show=False),
    KeySpec("list.collapse", "z", "toggle_collapse", "One row per cluster (toggle)", show=False),
    KeySpec(
        "claim.take_out", "minus", "take_out", "Take the claim out of its cluster", show=False, key_display="-"
    ),
    KeySpec(
        "claim.join",
        "plus",
        "join_cluster",
        "Join clusters: mark a claim, then press on another",
        show=False,
        key_display="+",
    ),
    KeySpec("review.undo", "ctrl+z", "undo", "Undo"),
    KeySpec("review.redo", "ctrl+y", "redo", "Redo", show=False),
    KeySpec("review.help", "question_mark", "help", "Help", key_display="?"),
    KeySpec("review.quit", "q", "quit", "Quit"),
)

SPEC_BY_ID = {spec.id: spec for spec in SPECS}

# Key names Textual uses for punctuation that differ from the Unicode name.
_REPLACEMENTS = {"solidus": "slash", "reverse_solidus": "backslash"}


def normalize_key(key: str) -> str:
    """The canonical name of one key: ``/`` and ``slash`` are the same key."""
    key = key.strip()
    if len(key) == 1 and not key.isalnum():
        try:
            key = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            return key
    return _REPLACEMENTS.get(key, key)


def split_keys(keys: str) -> list[str]:
    return [normalize_key(k) for k in keys.split(",") if k.strip()]


def _overlap(a: str, b: str) -> bool:
    """Whether bindings of scopes ``a`` and ``b`` can be active at the same time."""
    return a == b or "screen" in (a, b)


@dataclass
class Config:
    """The user's settings: rebindings that passed the checks, plus the problems found."""

    keymap: dict[str, str] = field(default_factory=dict)
    advance_on_mark: bool = True
    problems: list[str] = field(default_factory=list)
    path: Path | None = None

    def keys_for(self, binding_id: str) -> list[str]:
        return split_keys(self.keymap.get(binding_id) or SPEC_BY_ID[binding_id].keys)


def check_keymap(requested: dict[str, str], where: str = "config") -> tuple[dict[str, str], list[str]]:
    """Split rebindings into those that can be applied and one line per problem.

    A rebinding clashes when one of its keys is also bound (by default or by
    another rebinding) to a different binding active at the same time; both
    sides of a clash between two rebindings are dropped, so neither key
    silently wins.
    """
    problems: list[str] = []
    candidate: dict[str, str] = {}
    for binding_id, value in requested.items():
        if binding_id not in SPEC_BY_ID:
            problems.append(f"{where}: unknown key binding id {binding_id!r} (see the help screen, ?)")
        elif not isinstance(value, str) or not split_keys(value):
            problems.append(f"{where}: {binding_id} needs a string of comma-separated keys, got {value!r}")
        elif reserved := [k for k in split_keys(value) if k in RESERVED]:
            problems.append(f"{where}: {binding_id} = {value!r}: {reserved[0]} is reserved by the app")
        else:
            candidate[binding_id] = ",".join(split_keys(value))
    clashing: set[str] = set()
    effective = {s.id: candidate.get(s.id) or ",".join(split_keys(s.keys)) for s in SPECS}
    for binding_id in candidate:
        spec = SPEC_BY_ID[binding_id]
        for other in SPECS:
            if other.id == binding_id or not _overlap(spec.scope, other.scope):
                continue
            shared = set(effective[binding_id].split(",")) & set(effective[other.id].split(","))
            if shared:
                clashing.add(binding_id)
                if other.id in candidate and other.id < binding_id:
                    continue  # the pair was reported from the other side
                if other.id in candidate:
                    clashing.add(other.id)
                problems.append(
                    f"{where}: {binding_id} = {requested[binding_id]!r} clashes with {other.id}"
                    f" on {', '.join(sorted(shared))}; keeping the default"
                    f" {SPEC_BY_ID[binding_id].keys!r}"
                )
    applied = {k: v for k, v in candidate.items() if k not in clashing}
    return applied, problems


def parse_config(text: str, where: str = "config") -> Config:
    """A ``Config`` from TOML text; never raises: problems are collected instead."""
    config = Config()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{where}: not valid TOML ({exc}); using the default keys")
        return config
    review = data.get("review", {})
    if isinstance(review, dict) and "advance_on_mark" in review:
        value = review["advance_on_mark"]
        if isinstance(value, bool):
            config.advance_on_mark = value
        else:
            config.problems.append(f"{where}: review.advance_on_mark must be true or false, got {value!r}")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        config.problems.append(f'{where}: [keys] must be a table of binding id = "keys"')
        keys = {}
    config.keymap, problems = check_keymap(keys, where)
    config.problems.extend(problems)
    return config


#: A config file is a few hundred bytes; anything near this is not one.
MAX_CONFIG_BYTES = 1 * MB


def read_config_text(path: Path) -> str | None:
    """The config file's text, ``None`` when there is none; else InputError (one line).

    Only a regular file of at most ``MAX_CONFIG_BYTES`` is read: ``WORKBENCH_CONFIG``
    pointing at /dev/zero or a FIFO is refused instead of read forever.
    """
    if not path.exists():
        return None
    try:
        return read_regular(path, MAX_CONFIG_BYTES, "the config file").decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read (not UTF-8 text)") from None


def load_config(path: Path | None = None) -> Config:
    """Read the config file (``locations.config_path()`` by default); a missing file is fine."""
    path = path or locations.config_path()
    try:
        text = read_config_text(path)
    except InputError as exc:
        return Config(path=path, problems=[f"{exc}; using the default keys"])
    if text is None:
        return Config(path=path)
    config = parse_config(text, str(path))
    config.path = path
    return config
