"""Verdict reports: summary, filters, each format's shape and escaping, atomic writes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html.parser import HTMLParser

import pytest

from workbench import reports
from workbench.errors import InputError
from workbench.linking import LinkResult
from workbench.models import Candidate
from workbench.reports import claimreview, csv_format, fever, model
from workbench.reports.spans import matched_span
from workbench.storage import corpus, review, suggestions

XSS = "<script>alert(1)</script>"


@pytest.fixture
def reviewed(seed_db):
    """The seed database with a small, known review in it."""
    db = seed_db
    claims = [c.id for c in corpus.iter_claims(db)]
    c1, c2, c3, c4, c5 = claims[:5]
    s = review.start_session(db, "alice")
    review.set_status(db, c1, "sourced", reviewer="alice", session_id=s)
    # Link claim 1 to its own sentence: the computed span must cover the whole claim.
    own = corpus.get_claim(db, c1).passage_id
    review.set_link(db, c1, own, "supports", reviewer="alice", session_id=s)
    review.set_status(db, c2, "contested", reviewer="bob")
    review.set_note(db, c2, f"{XSS} & the date is wrong", reviewer="bob")
    review.set_status(db, c3, "unsupported", reviewer="alice", session_id=s)
    review.set_note(db, c3, '=HYPERLINK("http://evil") and -5% wrong', reviewer="alice", session_id=s)
    review.set_status(db, c4, "sourced", reviewer="alice", session_id=s)
    review.undo_last(db, s, reviewer="alice")  # c4 back to unreviewed
    c_xss = corpus.add_claim(db, 1, f"{XSS} =SUM(A1) claim", origin="manual")
    review.set_status(db, c_xss, "contested", reviewer="carol")
    other = corpus.get_claim(db, c5).passage_id
    review.set_link(db, c2, other, "contradicts", reviewer="bob")
    # A stored linker suggestion with a flag and a span for claim 2's linked passage.
    text = corpus.get_passage(db, other).text
    suggestions.store(
        db,
        c2,
        LinkResult(
            (Candidate(other, "d", None, None, text, 80.0, (0, 5), ("number-mismatch",)),),
            1,
            "contested",
        ),
    )
    return db, {
        "sourced": c1,
        "contested": c2,
        "unsupported": c3,
        "undone": c4,
        "xss": c_xss,
        "linked": other,
    }


def claims_of(db, **filters) -> list[model.ReportClaim]:
    return list(model.gather(db, reports.make_filter(db, **filters)).claims)


def test_summary_counts_reviewers_and_dates(reviewed):
    db, _ = reviewed
    s = model.gather(db).summary
    total = corpus.count_claims(db)
    assert s.claims == s.claims_in_database == total
    assert s.counts == {"sourced": 1, "contested": 2, "unsupported": 1, "unreviewed": total - 4}
    assert s.reviewed == 4 and s.flagged == 1
    names = {r.name: (r.verdicts, r.changes) for r in s.reviewers}
    # alice: 3 statuses, 1 note, 1 link, 1 undo; bob: status, note, link; carol: one status.
    assert names == {"alice": (2, 6), "bob": (1, 3), "carol": (1, 1)}
    assert s.first_change <= s.last_change
    assert sum(d.total for d in s.by_document) == total
    assert sum(sum(c.values()) for c in s.by_source.values()) == total


def test_claim_record_has_verdict_note_links_span_and_flags(reviewed):
    db, ids = reviewed
    by_id = {c.id: c for c in claims_of(db)}
    c1 = by_id[ids["sourced"]]
    assert c1.verdict == "sourced" and c1.reviewer == "alice" and c1.updated_at
    (link,) = c1.links
    assert link.relation == "supports" and link.span_origin == "computed"
    assert link.matched == c1.text  # the claim is its own sentence
    c2 = by_id[ids["contested"]]
    assert c2.note.startswith(XSS)
    assert c2.flags == ("number-mismatch",)
    (link2,) = c2.links
    assert (link2.span, link2.span_origin, link2.flags) == ((0, 5), "linker", ("number-mismatch",))
    assert [h.kind for h in c2.history] == ["status", "note", "link"]
    undone = by_id[ids["undone"]]
    assert undone.verdict is None and [h.undoes is not None for h in undone.history] == [False, True]


def test_matched_span_finds_the_claim_inside_a_passage():
    passage = "Officials said on Monday that Putin and Xi held talks in Beijing, then left."
    s0, s1 = matched_span("putin and xi held talks in beijing", passage)
    assert passage[s0:s1] == "Putin and Xi held talks in Beijing"
    assert matched_span("zzzz qqqq", passage) == (0, 0)
    assert matched_span("", passage) == (0, 0)


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"statuses": ["contested"]}, lambda c: c.verdict == "contested"),
        ({"statuses": ["sourced", "unsupported"]}, lambda c: c.verdict in ("sourced", "unsupported")),
        ({"statuses": ["unreviewed"]}, lambda c: c.verdict is None),
        ({"statuses": ["flagged"]}, lambda c: bool(c.flags)),
        ({"reviewed_only": True}, lambda c: c.verdict is not None),
    ],
)
def test_status_filters_export_exactly_the_subset(reviewed, filters, expected):
    db, _ = reviewed
    everything = claims_of(db)
    chosen = claims_of(db, **filters)
    assert chosen, "filter should match something in the fixture"
    assert [c.id for c in chosen] == [c.id for c in everything if expected(c)]
    summary = model.gather(db, reports.make_filter(db, **filters)).summary
    assert summary.claims == len(chosen)


def test_document_filter_and_unknown_document(reviewed):
    db, _ = reviewed
    doc = corpus.documents(db)[2]
    chosen = claims_of(db, documents=[doc.name])
    assert chosen and {c.document.id for c in chosen} == {doc.id}
    assert len(chosen) == corpus.count_claims(db, document_id=doc.id)
    with pytest.raises(InputError, match="no document named"):
        reports.make_filter(db, documents=["nope.txt"])


def test_reading_order_puts_contested_first(reviewed):
    db, _ = reviewed
    order = [c.status for c in model.gather(db, reading_order=True).claims]
    groups = [s for i, s in enumerate(order) if i == 0 or order[i - 1] != s]
    assert groups == ["contested", "unsupported", "sourced", "unreviewed"]


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escaped(reviewed, tmp_path):
    db, _ = reviewed
    path = reports.export_to(db, "html", tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags  # the claim and the note stay text
    text = "".join(parser.text)
    assert text.count(XSS) >= 2  # claim and note, shown literally
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # no external requests
    assert "<style>" in page and "@media print" in page
    for verdict in ("sourced", "contested", "unsupported", "unreviewed"):
        assert f"b-{verdict}" in page  # legend/badge colour classes


def test_markdown_shows_untrusted_text_literally(reviewed, tmp_path):
    db, _ = reviewed
    page = reports.export_to(db, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert XSS not in page and r"\<script\>alert(1)\</script\>" in page
    assert page.index("## Contested claims") < page.index("## Sourced claims")


def test_csv_one_row_per_claim_with_formula_guard(reviewed, tmp_path):
    db, ids = reviewed
    raw = reports.export_to(db, "csv", tmp_path / "r.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert list(rows[0].keys()) == list(csv_format.COLUMNS)
    assert len(rows) == corpus.count_claims(db)
    xss = next(r for r in rows if r["id"] == str(ids["xss"]))
    assert xss["claim"] == f"{XSS} =SUM(A1) claim"  # not at the start: left alone
    note = next(r for r in rows if r["id"] == str(ids["unsupported"]))["note"]
    assert note == '\'=HYPERLINK("http://evil") and -5% wrong'
    assert [csv_format.guard(v) for v in ("=1+2", "+1", "-1", "@x", "\tx", "\rx", "ok")] == [
        "'=1+2",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "ok",
    ]
    for r in rows:  # no cell of the file can start a formula
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values())


def test_json_has_version_and_documented_fields(reviewed, tmp_path):
    db, ids = reviewed
    data = json.loads(reports.export_to(db, "json", tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (data["format"], data["format_version"]) == ("workbench-review", 1)
    assert list(data) == [
        "format",
        "format_version",
        "exported_at",
        "filters",
        "summary",
        "documents",
        "claims",
    ]
    doc = reports.json_format.__doc__
    claim = next(c for c in data["claims"] if c["id"] == ids["contested"])
    for key in (*data, *data["summary"], *data["documents"][0], *claim):
        assert f"``{key}``" in doc or f" {key}" in doc, key
    assert claim["verdict"] == "contested" and claim["flags"] == ["number-mismatch"]
    assert claim["links"][0]["relation"] == "contradicts"
    assert len(data["documents"]) == len(corpus.documents(db))


def test_claimreview_shape_and_missing_url_warning(reviewed, tmp_path):
    db, ids = reviewed
    warnings: list[str] = []
    path = reports.export_to(
        db, "claimreview", tmp_path / "cr.jsonld", org="Daily Check", on_warning=warnings.append
    )
    items = json.loads(path.read_text(encoding="utf-8"))
    assert len(items) == 4  # reviewed claims only
    assert any("--base-url" in w for w in warnings)
    for i in items:
        assert i["@context"] == "https://schema.org" and i["@type"] == "ClaimReview"
        assert i["author"] == {"@type": "Organization", "name": "Daily Check"}
        rating = i["reviewRating"]
        assert rating["alternateName"] in {"Sourced", "Contested", "Unsupported"}
        assert rating["ratingValue"] == claimreview.RATING[rating["alternateName"].lower()][0]
        assert i["itemReviewed"]["@type"] == "Claim" and i["itemReviewed"]["appearance"]["headline"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", i["datePublished"])
        assert "url" not in i
    warnings.clear()
    path = reports.export_to(
        db,
        "claimreview",
        tmp_path / "cr2.jsonld",
        org="X",
        base_url="https://example.org/checks/",
        on_warning=warnings.append,
    )
    urls = [i["url"] for i in json.loads(path.read_text(encoding="utf-8"))]
    assert f"https://example.org/checks/claim-{ids['sourced']}" in urls and not warnings
    with pytest.raises(InputError):
        reports.export_to(db, "claimreview", tmp_path / "x", base_url="example.org")


def test_fever_labels_and_evidence(reviewed, tmp_path):
    db, ids = reviewed
    lines = reports.export_to(db, "fever", tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()
    recs = {r["id"]: r for r in map(json.loads, lines)}
    # The xss claim is contested with nothing linked: FEVER needs evidence, so it is left out.
    assert set(recs) == {ids["sourced"], ids["contested"], ids["unsupported"]}
    assert recs[ids["sourced"]]["label"] == "SUPPORTS"
    own = corpus.get_passage(db, corpus.get_claim(db, ids["sourced"]).passage_id)
    assert recs[ids["sourced"]]["evidence"] == [
        [[None, own.id, corpus.get_document(db, own.document_id).name, own.ordinal]]
    ]
    assert recs[ids["contested"]]["label"] == "REFUTES" and len(recs[ids["contested"]]["evidence"]) == 1
    unsupported = recs[ids["unsupported"]]
    assert (unsupported["label"], unsupported["verifiable"]) == ("NOT ENOUGH INFO", "NOT VERIFIABLE")
    assert unsupported["evidence"] == [[[None, None, None, None]]]
    assert set(fever.LABELS) == {"sourced", "contested", "unsupported"}


@pytest.mark.parametrize("fmt", list(reports.FORMATS))
def test_empty_and_unreviewed_databases_give_valid_reports(db, seed_db, tmp_path, fmt):
    for name, database in (("empty", db), ("unreviewed", seed_db)):
        text = reports.export_to(database, fmt, tmp_path / f"{name}.{fmt}").read_text(encoding="utf-8")
        if fmt in ("json", "claimreview"):
            data = json.loads(text)
            if fmt == "claimreview":
                assert data == []
            else:
                assert len(data["claims"]) == corpus.count_claims(database)
        elif fmt == "fever":
            assert text == ""
        elif fmt == "csv":
            assert len(list(csv.reader(io.StringIO(text)))) == 1 + corpus.count_claims(database)
        else:
            assert "Verdict report" in text and "0 of" in text


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path):
    target = tmp_path / "r.txt"
    target.write_text("old", encoding="utf-8")

    def chunks():
        yield "new part"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reports.writer.atomic_write(target, chunks())
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["r.txt"]  # no temporary file left behind
    with pytest.raises(InputError, match="does not exist"):
        reports.writer.atomic_write(tmp_path / "missing" / "r.txt", iter(["x"]))


def test_default_path_is_next_to_the_database(tmp_path):
    from datetime import datetime

    path = reports.default_path(tmp_path / "review.db", "claimreview", at=datetime(2026, 1, 2, 3, 4, 5))
    assert path == tmp_path / "review-report-20260102-030405.jsonld"


def test_export_reads_one_snapshot_while_a_reviewer_writes(reviewed, tmp_path):
    """A verdict given mid-export (another connection) shows in neither summary nor claims."""
    from workbench.storage import connect

    db, ids = reviewed
    chunks, _ = reports.prepare(db, "json")
    head = next(chunks) + next(chunks)  # the export has started reading
    other = connect(db.conn.execute("PRAGMA database_list").fetchone()[2])
    review.set_status(other, ids["undone"], "sourced", reviewer="zoe")
    data = json.loads(head + "".join(chunks))
    assert data["summary"]["counts"]["sourced"] == 1
    assert next(c for c in data["claims"] if c["id"] == ids["undone"])["verdict"] is None
    assert not db.conn.in_transaction  # the snapshot is released at the end
    assert model.gather(db).summary.counts["sourced"] == 2
