"""The user's settings: one TOML file, read in one place, every problem named.

The file is ``locations.config_path()`` (``WORKBENCH_CONFIG`` overrides)::

    [review]
    advance_on_mark = true        # after s/c/u, move on to the next unreviewed claim

    [keys]
    "claim.sourced" = "S"         # binding id = comma-separated keys (see ``keymap.SPECS``)
    "list.down" = "j,down,ctrl+n"

    [reports]
    org = "Example Desk"          # the ClaimReview author when --org is not given

Reading never raises: a setting that is wrong is left at its default and
reported, one line naming the file and the key. The review screen shows the
lines when it starts and the CLI repeats them; an export reports the lines of
``[reports]``. The key checks (clashes, unknown ids, reserved keys) live
beside the key specs in ``keymap``. Stays free of Textual: the core reads it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import locations
from .errors import MB, InputError, read_regular
from .keymap import SPEC_BY_ID, check_keymap, split_keys

#: The sections a config file may have; anything else is reported.
SECTIONS = ("review", "keys", "reports")

#: A config file is a few hundred bytes; anything near this is not one.
MAX_CONFIG_BYTES = 1 * MB


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the config file."""

    section: str
    """``review``, ``keys``, ``reports``, or ``""`` for the whole file."""
    line: str
    """What to tell the user: file, key and what is wrong, on one line."""


@dataclass
class Config:
    """Settings that passed the checks, and the problems found on the way."""

    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, for ``App.set_keymap`` (only rebindings that passed)."""
    advance_on_mark: bool = True
    """``[review] advance_on_mark``: after a verdict, move on to the next unreviewed claim."""
    org: str | None = None
    """``[reports] org``: the organisation named as the author of ClaimReview exports."""
    found: list[Problem] = field(default_factory=list)
    """Every problem, in file order."""
    path: Path | None = None
    """The file read (None: built in code)."""

    @property
    def problems(self) -> list[str]:
        """One line per problem."""
        return [p.line for p in self.found]

    def problems_in(self, section: str) -> list[str]:
        """The lines about ``section``, and those about the whole file (it could not be read)."""
        return [p.line for p in self.found if p.section in (section, "")]

    def keys_for(self, binding_id: str) -> list[str]:
        return split_keys(self.keymap.get(binding_id) or SPEC_BY_ID[binding_id].keys)


def _table(data: dict, section: str, where: str, config: Config) -> dict:
    value = data.get(section, {})
    if isinstance(value, dict):
        return value
    config.found.append(Problem(section, f"{where}: [{section}] must be a table, got {value!r}"))
    return {}


def _unknown(table: dict, section: str, known: tuple[str, ...], where: str, config: Config) -> None:
    for key in table:
        if key not in known:
            expected = ", ".join(known)
            config.found.append(
                Problem(section, f"{where}: unknown setting {section}.{key} (expected {expected})")
            )


def parse_config(text: str, where: str = "config") -> Config:
    """A ``Config`` from TOML text; never raises: problems are collected instead."""
    config = Config()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        config.found.append(Problem("", f"{where}: not valid TOML ({exc}); using the default settings"))
        return config
    for section in data:
        if section not in SECTIONS:
            expected = ", ".join(SECTIONS)
            config.found.append(
                Problem(section, f"{where}: unknown section [{section}] (expected {expected})")
            )

    review = _table(data, "review", where, config)
    _unknown(review, "review", ("advance_on_mark",), where, config)
    if "advance_on_mark" in review:
        value = review["advance_on_mark"]
        if isinstance(value, bool):
            config.advance_on_mark = value
        else:
            config.found.append(
                Problem("review", f"{where}: review.advance_on_mark must be true or false, got {value!r}")
            )

    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        config.found.append(Problem("keys", f'{where}: [keys] must be a table of binding id = "keys"'))
        keys = {}
    config.keymap, key_problems = check_keymap(keys, where)
    config.found.extend(Problem("keys", line) for line in key_problems)

    reports = _table(data, "reports", where, config)
    _unknown(reports, "reports", ("org",), where, config)
    if "org" in reports:
        value = reports["org"]
        if isinstance(value, str) and value.strip():
            config.org = value.strip()
        else:
            config.found.append(
                Problem("reports", f"{where}: reports.org must be a non-empty string, got {value!r}")
            )
    return config


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
        return Config(path=path, found=[Problem("", f"{exc}; using the default settings")])
    if text is None:
        return Config(path=path)
    config = parse_config(text, str(path))
    config.path = path
    return config


_loaded: tuple[tuple[object, ...], Config] | None = None


def _signature(path: Path) -> tuple[object, ...]:
    try:
        st = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), st.st_mtime_ns, st.st_size, st.st_ino)


def current() -> Config:
    """The settings of this process, read once: the review, the CLI and exports share them.

    Read again only when ``WORKBENCH_CONFIG`` names another file or the file changed.
    """
    global _loaded
    path = locations.config_path()
    signature = _signature(path)
    if _loaded is None or _loaded[0] != signature:
        _loaded = (signature, load_config(path))
    return _loaded[1]
