"""The seeds' headline disagreement is flagged in both directions, end to end."""

from workbench import linking
from workbench.storage import corpus


def _claim_id(db, start: str) -> int:
    return next(c.id for c in corpus.iter_claims(db) if c.text.startswith(start))


def test_115000_troops_against_100000_soldiers_is_contested_both_ways(seed_db):
    troops = _claim_id(seed_db, "Ukraine says Russia has deployed 115,000 troops")
    soldiers = _claim_id(seed_db, "NATO has been accusing Moscow")
    for claim_id, other in ((troops, "100,000 soldiers"), (soldiers, "115,000 troops")):
        result = linking.link_claim(seed_db, claim_id)
        flagged = [c for c in result.candidates if "number-mismatch" in c.flags]
        assert flagged and other in flagged[0].text
        assert result.suggested == "contested"


def test_no_number_flag_between_unrelated_figures(seed_db):
    # "76-kilometer-long border" has no counted noun in common with any other seed figure.
    border = _claim_id(seed_db, "China has a 76-kilometer-long border")
    result = linking.link_claim(seed_db, border)
    assert not any("number-mismatch" in c.flags for c in result.candidates)
