"""`stats` shows each reviewer's progress in a team review; `workbench blind` sets the database's blind review (#13)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import connect, review, team


def run(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def test_stats_lists_reviewer_progress_and_disagreements_only_in_a_team_review(seed_db_path):
    alone = json.loads(run(seed_db_path, "stats", "--json").output)
    assert "reviewers" not in alone and "\nreviewer " not in run(seed_db_path, "stats").output
    assert (
        run(seed_db_path, "assign", "--reviewers", "ana,ben", "--overlap", "2", "--sample", "5%").exit_code
        == 0
    )
    db = connect(seed_db_path)
    claim = team.queue(db, "ana")[0]
    review.set_status(db, claim, "sourced", reviewer="ana")
    review.set_status(db, claim, "contested", reviewer="ben")
    figures = json.loads(run(seed_db_path, "stats", "--json").output)
    by_name = {p["reviewer"]: p for p in figures["reviewers"]}
    assert by_name["ana"]["decided"] == 1 and by_name["ben"]["decided"] == 1
    assert by_name["ana"]["assigned"] == by_name["ana"]["decided"] + by_name["ana"]["remaining"]
    assert figures["disagreed"] == 1
    plain = run(seed_db_path, "stats").output
    assert f"ana: 1 of {by_name['ana']['assigned']} decided" in plain and "disagreed    1" in plain


def test_blind_setting_is_stored_for_every_session(seed_db_path):
    assert run(seed_db_path, "blind").output.strip() == "blind review is off"
    assert run(seed_db_path, "blind", "on").exit_code == 0
    assert team.is_blind(connect(seed_db_path))
    assert run(seed_db_path, "blind").output.strip() == "blind review is on"
    run(seed_db_path, "blind", "off")
    assert not team.is_blind(connect(seed_db_path))
