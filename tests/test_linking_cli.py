"""`workbench link` and `workbench suggest` from the command line, including bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, corpus, suggestions


def run(db_path, *args, input=None):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input)


def test_link_json_keys_and_order(seed_db_path):
    res = run(seed_db_path, "link", "China expressed understanding and support", "--top", "3", "--json")
    assert res.exit_code == 0, res.output
    result = json.loads(res.output)
    assert list(result) == ["suggested", "suggestion", "sources", "coverage", "candidates"]
    assert result["suggested"] in ("sourced", "contested", "unsupported")
    assert set(result["coverage"]) == {"corroborated", "contradicted", "not_found", "related_only"}
    data = result["candidates"]
    assert 1 <= len(data) <= 3
    assert set(data[0]) == {
        "passage_id",
        "doc",
        "title",
        "source",
        "text",
        "score",
        "span",
        "flags",
        "stance",
        "reasons",
    }
    assert all(d["stance"] in ("supports", "contradicts", "related") for d in data)
    assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)
    start, end = data[0]["span"]
    assert 0 <= start < end <= len(data[0]["text"])


def test_link_plain_output_prints_markup_literally(seed_db_path, tmp_path):
    article = tmp_path / "markup.txt"
    article.write_text(
        "Zanzibar officials said [bold]Zorblax[/bold] <b>deployed</b> 7 drones.\n", encoding="utf-8"
    )
    assert run(seed_db_path, "ingest", str(article)).exit_code == 0
    res = run(seed_db_path, "link", "Zorblax deployed drones in Zanzibar", "--top", "2")
    assert res.exit_code == 0 and "suggested:" in res.output
    assert "[bold]Zorblax[/bold] <b>deployed</b>" in res.output


@pytest.mark.parametrize("claim", ["", "!!!", '"', "NEAR(", "AND", "'; DROP TABLE claims; --"])
def test_link_hostile_claims(seed_db_path, claim):
    res = run(seed_db_path, "link", claim, "--json")
    assert res.exit_code == 0, res.output
    assert isinstance(json.loads(res.output)["candidates"], list)
    assert "Traceback" not in res.output


def test_link_needs_a_claim(seed_db_path):
    res = run(seed_db_path, "link")
    assert res.exit_code != 0
    assert res.output.count("error:") == 1


def test_link_batch(seed_db_path, tmp_path):
    path = tmp_path / "claims.jsonl"
    path.write_text(
        '{"id": "a", "text": "troops near the border"}\n\n{"id": 7, "text": ""}\n', encoding="utf-8"
    )
    res = run(seed_db_path, "link", "--claims", str(path), "--top", "2")
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.output.splitlines()]
    assert [x["id"] for x in lines] == ["a", 7]
    assert 1 <= len(lines[0]["candidates"]) <= 2 and lines[1]["candidates"] == []


@pytest.mark.parametrize("bad", ["not json", "[1, 2]", '{"id": 1}', '{"id": 1, "text": 5}'])
def test_link_batch_malformed_line(seed_db_path, tmp_path, bad):
    path = tmp_path / "claims.jsonl"
    path.write_text('{"id": 1, "text": "Lavrov"}\n' + bad + "\n", encoding="utf-8")
    res = run(seed_db_path, "link", "--claims", str(path))
    assert res.exit_code != 0
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and ":2:" in errors[0]
    assert json.loads(res.stdout.splitlines()[0])["id"] == 1  # the good line still went out
    assert "Traceback" not in res.output


def test_link_batch_unreadable(seed_db_path, tmp_path):
    missing = run(seed_db_path, "link", "--claims", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code != 0 and "error:" in missing.output
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    res = run(seed_db_path, "link", "--claims", str(binary))
    assert res.exit_code != 0 and "error:" in res.output and "Traceback" not in res.output


def test_suggest_stores_every_claim_then_is_up_to_date(seed_db_path):
    db = connect(seed_db_path)
    total = corpus.count_claims(db)
    res = run(seed_db_path, "suggest")
    assert res.exit_code == 0, res.output
    assert f"{total} claims linked" in res.output
    assert suggestions.missing_or_stale(db) == []
    first = corpus.list_claims(db, limit=1)[0]
    assert suggestions.load(db, first.id) is not None
    db.close()
    again = run(seed_db_path, "suggest")
    assert again.exit_code == 0 and "up to date" in again.output
