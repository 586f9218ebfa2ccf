import json

from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, review


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_claims_json_lists_every_claim(seed_db_path):
    result = run("--db", seed_db_path, "claims", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    db = connect(seed_db_path)
    assert len(rows) == db.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert set(rows[0]) >= {"id", "document", "text", "score", "reasons", "status"}
    assert all(r["status"] == "unreviewed" for r in rows)


def test_stats_counts_verdicts(seed_db_path):
    run("--db", seed_db_path, "verdict", 1, "sourced")
    run("--db", seed_db_path, "verdict", 2, "contested")
    figures = json.loads(run("--db", seed_db_path, "stats", "--json").output)
    assert (figures["documents"], figures["sourced"], figures["contested"]) == (5, 1, 1)
    assert figures["reviewed"] == 2 and figures["unreviewed"] == figures["claims"] - 2


def test_verdict_command_records_history_note_and_links(seed_db_path):
    result = run(
        "--db",
        seed_db_path,
        "verdict",
        12,
        "contested",
        "--note",
        "[b]115k vs 100k",
        "--link",
        30,
        "--reviewer",
        "ana",
    )
    assert result.exit_code == 0, result.output
    db = connect(seed_db_path)
    v = review.get_verdict(db, 12)
    assert (v.status, v.note, v.reviewer) == ("contested", "[b]115k vs 100k", "ana")
    assert [link.passage_id for link in review.links(db, 12)] == [30]
    kinds = [h.kind for h in review.history(db, 12)]
    assert kinds == ["status", "note", "link"]


def test_verdict_with_unknown_ids_writes_nothing(seed_db_path):
    result = run("--db", seed_db_path, "verdict", 12, "sourced", "--link", 999999)
    assert result.exit_code == 2 and "no passage with id 999999" in result.output
    assert review.history(connect(seed_db_path)) == []
    result = run("--db", seed_db_path, "verdict", 999999, "sourced")
    assert result.exit_code == 2 and "no claim with id 999999" in result.output


def test_newer_database_gives_one_line_and_non_zero_exit(tmp_path):
    import sqlite3

    path = tmp_path / "n.db"
    connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    result = run("--db", path, "stats")
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "newer" in result.output
    assert "Traceback" not in result.output


def test_db_path_from_environment(tmp_path, monkeypatch, seed_db_path):
    monkeypatch.setenv("WORKBENCH_DB", str(seed_db_path))
    figures = json.loads(CliRunner().invoke(cli, ["stats", "--json"]).output)
    assert figures["documents"] == 5
