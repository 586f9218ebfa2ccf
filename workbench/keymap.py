"""Key bindings of the review screen, and the checks on the user's rebindings.

This module stays free of Textual (the core never imports it): it describes
every binding as plain data and checks rebindings (the ``[keys]`` section of
the settings file, read by ``workbench.config``) for clashes. The TUI turns
the specs into ``textual.binding.Binding`` objects and the checked rebindings
into ``App.set_keymap``.

A rebinding that clashes with another binding active at the same time, names
an unknown id, has no keys or takes a key the app reserves is not applied; it
is reported (one line each) when the review screen starts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Where a binding lives. Bindings of "screen" are active all the time; the
#: claims list and the candidate list are never focused together, so the same
#: key may move the cursor in both.
SCOPES = ("screen", "list", "candidates")

#: Keys the application itself owns (command palette, interrupt, focus cycling, and
#: ctrl+q, which quits in every Textual app: here it quits like q, after the
#: decisions still queued are written). A rebinding to one of them is refused.
RESERVED = frozenset({"ctrl+p", "ctrl+c", "ctrl+q", "tab", "shift+tab", "escape"})


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
    KeySpec("claim.decisions", "v", "decisions", "Each reviewer's decision, side by side", show=False),
    KeySpec("claim.link_url", "w", "link_url", "Link a web page (URL) as evidence", show=False),
    KeySpec("list.collapse", "z", "toggle_collapse", "One row per cluster (toggle)", show=False),
    KeySpec(
        "claim.take_out",
        "minus",
        "take_out",
        "Take the claim out of its cluster",
        show=False,
        key_display="-",
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
