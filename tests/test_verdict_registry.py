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


#: Builds the registry with one more verdict before anything imports it, then renders a claim
#: carrying it in every format: run in a fresh interpreter, so every table derived from the
#: registry at import time is derived from the copy (the real registry is left alone).
_NEW_VERDICT_SCRIPT = r"""
import csv, dataclasses, io, json, sys
import workbench.models as m

spec = m.VerdictSpec("misleading", "m", "Misleading", "true in part, but it leaves a false impression",
                     "~", "bold magenta", ("#7b1fa2", "#f3e5f5"), 1, 4, "REFUTES", "contradicts")
m.VERDICT_SPECS = (*m.VERDICT_SPECS, spec)
m.VERDICTS = tuple(v.name for v in m.VERDICT_SPECS)
m.VERDICT = {v.name: v for v in m.VERDICT_SPECS}
m.STATUSES = (*m.VERDICTS, m.UNREVIEWED)

from workbench import reports
from workbench.reports import model

doc = model.DocRef(1, "a.txt", "A title", "Outlet")
link = model.LinkedPassage(9, doc, 0, "contradicts", "ana", "2026-01-01T00:00:00+00:00",
                           "The passage says otherwise.", (0, 11), "computed")
claim = model.ReportClaim(1, doc, "The claim.", verdict="misleading", reviewer="ana",
                          updated_at="2026-01-01T00:00:00+00:00", links=(link,))
counts = {s: int(s == "misleading") for s in m.STATUSES}
summary = model.Summary(1, counts, (model.DocumentCounts(doc, counts),), {"Outlet": counts})
report = model.Report("2026-01-01T00:00:00+00:00", {}, summary, [claim])
out = {fmt: "".join(reports.render(report, fmt, org="Desk")) for fmt in reports.FORMATS}
print(json.dumps(out))
"""


def test_a_verdict_added_to_a_copy_of_the_registry_renders_in_every_format():
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _NEW_VERDICT_SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"md", "html", "json", "csv", "claimreview", "fever"}
    assert "## Misleading claims (1)" in out["md"] and "leaves a false impression" in out["md"]
    assert (
        'class="badge b-misleading"' in out["html"]
        and ".b-misleading { background: #7b1fa2; }" in out["html"]
    )
    assert json.loads(out["json"])["claims"][0]["verdict"] == "misleading"
    assert json.loads(out["json"])["summary"]["counts"]["misleading"] == 1
    assert "misleading" in out["csv"].splitlines()[1]
    (review,) = json.loads(out["claimreview"])
    rating = review["reviewRating"]
    assert (rating["alternateName"], rating["ratingValue"], rating["bestRating"]) == ("Misleading", 4, 4)
    record = json.loads(out["fever"])
    assert (record["label"], record["evidence"]) == ("REFUTES", [[[None, 9, "a.txt", 0]]])


def test_each_format_mapping_covers_exactly_the_registry():
    """No mapping may hold a verdict the registry lacks (a renamed one left behind)."""
    assert set(claimreview.RATING) == set(fever.LABELS) == set(VERDICTS)
    assert set(html_format.COLOURS) >= set(STATUSES)
    assert set(common.MEANING) >= set(STATUSES)
    ratings = sorted(r for r, _ in claimreview.RATING.values())
    assert (ratings[0], ratings[-1]) == (claimreview.WORST, claimreview.BEST)
