"""The key-binding config: parsing, clash reports, defaults without clashes (no Textual needed)."""

from __future__ import annotations

from itertools import combinations

from workbench.config import load_config, parse_config
from workbench.keymap import SPECS, _overlap, split_keys


def test_defaults_have_no_clashes():
    for a, b in combinations(SPECS, 2):
        if _overlap(a.scope, b.scope):
            assert not set(split_keys(a.keys)) & set(split_keys(b.keys)), (a.id, b.id)


def test_a_valid_rebinding_is_applied():
    config = parse_config('[review]\nadvance_on_mark = false\n[keys]\n"claim.sourced" = "S, ctrl+s"\n')
    assert config.problems == []
    assert config.keymap == {"claim.sourced": "S,ctrl+s"}
    assert config.advance_on_mark is False
    assert config.keys_for("claim.sourced") == ["S", "ctrl+s"]


def test_a_clash_with_a_default_is_reported_and_not_applied():
    config = parse_config('[keys]\n"claim.note" = "s"\n', "my.toml")
    assert config.keymap == {}
    assert len(config.problems) == 1
    assert "my.toml" in config.problems[0] and "claim.note" in config.problems[0]
    assert "claim.sourced" in config.problems[0]


def test_moving_a_default_away_frees_its_key():
    config = parse_config('[keys]\n"claim.sourced" = "S"\n"claim.note" = "s"\n')
    assert config.problems == []
    assert config.keymap == {"claim.sourced": "S", "claim.note": "s"}


def test_two_rebindings_on_one_key_both_fail():
    config = parse_config('[keys]\n"claim.note" = "y"\n"claim.add" = "y"\n')
    assert config.keymap == {}
    assert len(config.problems) == 1


def test_list_and_candidate_keys_may_share_a_key_but_not_with_the_screen():
    ok = parse_config('[keys]\n"list.down" = "ctrl+n"\n"candidates.down" = "ctrl+n"\n')
    assert ok.problems == [] and len(ok.keymap) == 2
    bad = parse_config('[keys]\n"list.down" = "e"\n')
    assert bad.keymap == {} and "claim.note" in bad.problems[0]


def test_punctuation_names_and_characters_are_the_same_key():
    config = parse_config('[keys]\n"claim.note" = "/"\n')
    assert "list.search" in config.problems[0]


def test_bad_input_is_reported_not_raised(tmp_path):
    assert "not valid TOML" in parse_config("[keys\n").problems[0]
    assert "unknown key binding id" in parse_config('[keys]\n"nope" = "z"\n').problems[0]
    assert "comma-separated" in parse_config('[keys]\n"claim.note" = 3\n').problems[0]
    assert "reserved" in parse_config('[keys]\n"claim.note" = "ctrl+p"\n').problems[0]
    assert "true or false" in parse_config('[review]\nadvance_on_mark = "yes"\n').problems[0]
    assert load_config(tmp_path / "missing.toml").problems == []
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    assert "cannot read" in load_config(tmp_path / "bin.toml").problems[0]


def test_load_config_reads_workbench_config(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text('[keys]\n"review.undo" = "U"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(path))
    config = load_config()
    assert config.path == path and config.keymap == {"review.undo": "U"}
