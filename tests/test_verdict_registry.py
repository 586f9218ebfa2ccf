"""The verdict registry (models.VERDICT_SPECS) is the one source: every consumer covers it."""

from __future__ import annotations

import re

from workbench.models import STATUSES, UNREVIEWED, VERDICT, VERDICT_SPECS, VERDICTS
from workbench.reports import claimreview, common, fever, html_format, model
from workbench.storage import corpus, export


def test_registry_is_consistent():
    assert tuple(v.name for v in VERDICT_SPECS) == VERDICTS
    assert set(VERDICT) == set(VERDICTS)
    assert len({v.key for v in VERDICT_SPECS}) == len(VERDICT_SPECS)  # one key each
    assert len({v.claimreview_rating for v in VERDICT_SPECS}) == len(VERDICT_SPECS)
    assert (*VERDICTS, UNREVIEWED) == STATUSES


def test_every_report_format_maps_every_verdict():
    for name in VERDICTS:
        assert name in claimreview.RATING
        assert name in fever.LABELS
        assert name in html_format.COLOURS
        assert name in common.MEANING
        assert name in model.READING_ORDER
    assert set(model.READING_ORDER) == set(STATUSES)
    assert model.READING_ORDER[0] == "contested"  # editors read the disputed claims first


def test_every_filter_offers_every_verdict():
    assert set(VERDICTS) <= set(corpus.FILTERS)
    assert set(VERDICTS) <= set(export.STATUS_FILTERS)


def test_the_schema_allows_exactly_the_registered_verdicts(db):
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'verdicts'").fetchone()[0]
    allowed = re.search(r"status IN \(([^)]*)\)", sql).group(1)
    assert {v.strip(" '") for v in allowed.split(",")} == set(VERDICTS)
