"""`workbench ingest URL`: fetch limits, WARC archive, versions and re-anchoring (issue #15).

Every page comes from a server on 127.0.0.1 started by the test; the tests pass
--allow-private for it (the guard itself is tested in reliability/test_hostile_web.py).
No test touches the internet: connections off this machine fail the test.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from webserver import Reply, Site, article, loopback_only

from workbench.cli import cli
from workbench.storage import connect, corpus
from workbench.storage.review import set_link

KEEP = "The ministry said 30 soldiers crossed the border on Monday morning near the town of Kesh."
EDIT_BEFORE = "Officials in the capital denied that any fighting took place during the night of the attack."
EDIT_AFTER = (
    "Officials in the capital denied that any heavy fighting took place during the night of the attack."
)
DROP = "The president will visit the region next week to meet local leaders, his office announced."
NEW = "Aid groups said at least 4,000 families have left their homes since the start of the month."

V1 = article("Troops move north", [KEEP, EDIT_BEFORE, DROP])
V2 = article("Troops move north", [NEW, KEEP, EDIT_AFTER])


@pytest.fixture
def site(monkeypatch):
    loopback_only(monkeypatch)
    with Site() as s:
        s.pages["/news/troops"] = Reply(body=V1)
        s.pages["/other"] = Reply(
            body=article(
                "Grain prices rise",
                [
                    "Wheat futures rose 12 percent in Chicago on Tuesday after the export ban was announced.",
                    "Traders said the ban would remove about 10 million tonnes from world markets this year.",
                ],
            )
        )
        s.pages["/plain.txt"] = Reply(
            body=(
                b"Storm warning issued for the coast\n\nThe weather service said winds"
                b" of 120 km/h were expected on Friday night.\n"
            ),
            content_type="text/plain; charset=utf-8",
        )
        s.pages["/moved"] = Reply(301, headers={"Location": "/news/troops"})
        s.pages["/hop1"] = Reply(302, headers={"Location": "/hop2"})
        s.pages["/hop2"] = Reply(307, headers={"Location": "/other"})
        s.pages["/loop-a"] = Reply(302, headers={"Location": "/loop-b"})
        s.pages["/loop-b"] = Reply(302, headers={"Location": "/loop-a"})
        for i in range(7):
            s.pages[f"/chain{i}"] = Reply(302, headers={"Location": f"/chain{i + 1}"})
        s.pages["/chain7"] = Reply(body=V1)
        s.pages["/slow"] = Reply(body=V1, delay=5.0)
        s.pages["/huge"] = Reply(body=b"<html>", declared_length=30_000_000)
        s.pages["/huge-streamed"] = Reply(body=b"<html><p>", stream_bytes=21_000_000)
        s.pages["/report.pdf"] = Reply(body=b"%PDF-1.4 ...", content_type="application/pdf")
        s.pages["/gone"] = Reply(410, b"gone", "text/plain")
        yield s


def run(db_path, *args):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "ingest", "--no-link", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def documents(db_path):
    db = connect(db_path)
    try:
        return db.execute(
            "SELECT id, name, url, fetched_url, fetched_at, http_status, content_hash, warc_file, warc_offset,"
            " warc_record_id, version, previous_id, superseded_by FROM documents ORDER BY id"
        ).fetchall()
    finally:
        db.close()


def test_url_is_fetched_extracted_archived_and_stored(tmp_path, site):
    db_path = tmp_path / "w.db"
    result = run(db_path, "--allow-private", site.url("/moved"), site.url("/plain.txt"))
    assert result.exit_code == 0, result.output
    assert "2 documents added" in result.output
    (doc, plain) = documents(db_path)
    _, name, url, fetched_url, fetched_at, status, digest, warc_file, offset, record_id, version, *_ = doc
    assert url == name == site.url("/news/troops")  # the final URL, after the redirect
    assert fetched_url == site.url("/moved")
    assert status == 200 and fetched_at.endswith("Z") and version == 1
    db = connect(db_path)
    text = corpus.document_text(db, doc[0])
    assert KEEP in text and "Home | World" not in text and "Copyright" not in text  # the article only
    assert digest == corpus.content_hash(text)
    db.close()
    assert plain[2] == site.url("/plain.txt") and plain[5] == 200
    # The WARC file holds the redirect and the page; the stored offset opens the page's record.
    warc = tmp_path / "archive" / warc_file
    with open(warc, "rb") as handle:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.http_headers.get_statuscode() if r.rec_type == "response" else None,
                r.content_stream().read(),
            )
            for r in ArchiveIterator(handle)
        ]
    responses = [(uri, code) for kind, uri, code, _ in records if kind == "response"]
    assert responses[:2] == [(site.url("/moved"), "301"), (site.url("/news/troops"), "200")]
    with open(warc, "rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        assert record.rec_headers.get_header("WARC-Record-ID") == record_id
        assert record.content_stream().read() == V1


def test_url_file_with_comments(tmp_path, site):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# reading list\n\n{site.url('/other')}\n{site.url('/plain.txt')}\n")
    result = run(tmp_path / "w.db", "--allow-private", "--urls", str(listing))
    assert result.exit_code == 0, result.output
    assert "2 documents added" in result.output


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/gone", "HTTP 410"),
        ("/loop-a", "redirect loop"),
        ("/chain0", "more than 5 redirects"),
        ("/huge", "too large (30 MB, the limit is 20 MB)"),
        ("/huge-streamed", "too large (over the 20 MB limit)"),
        ("/report.pdf", "content type application/pdf is not a web page or text"),
        ("/slow", "timed out after 0.5 s"),
    ],
)
def test_each_failed_url_is_one_line_and_the_others_go_in(tmp_path, site, path, message):
    result = run(tmp_path / "w.db", "--allow-private", "--timeout", "0.5", site.url(path), site.url("/other"))
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {site.url(path)}: {message}"] or (
        len(errors) == 1 and message in errors[0] and site.url(path) in errors[0]
    ), result.stderr
    assert "Traceback" not in result.output
    assert "1 documents added" in result.stdout


def test_redirects_are_followed_each_hop(tmp_path, site):
    result = run(tmp_path / "w.db", "--allow-private", site.url("/hop1"))
    assert result.exit_code == 0, result.output
    assert documents(tmp_path / "w.db")[0][2] == site.url("/other")
    assert site.hits.count("/hop2") == 1


def test_unreachable_network_and_bad_urls_are_one_line_each(tmp_path, site):
    closed = Site()  # bound, never started, then closed: connection refused
    port = closed.port
    closed.server.server_close()
    result = run(
        tmp_path / "w.db",
        "--allow-private",
        f"http://127.0.0.1:{port}/x",
        "http://no-such-host.invalid/",
        "ftp://example.org/file",
        "file:///etc/passwd",
        site.url("/other"),
    )
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 4, errors
    assert "cannot connect" in errors[0]
    assert "cannot resolve host 'no-such-host.invalid'" in errors[1]
    assert "only http and https URLs are fetched, not ftp:" in errors[2]
    assert "not file:" in errors[3]
    assert "1 documents added" in result.stdout


def test_only_failures_exits_2_and_nothing_needed_on_usage(tmp_path, site):
    assert run(tmp_path / "w.db", "--allow-private", site.url("/missing")).exit_code == 2
    result = run(tmp_path / "w.db")
    assert result.exit_code == 2 and "give files, folders or URLs" in result.output


def test_same_page_again_changes_nothing(tmp_path, site):
    run(tmp_path / "w.db", "--allow-private", site.url("/news/troops"))
    result = run(tmp_path / "w.db", "--allow-private", site.url("/news/troops"))
    assert "0 documents added, 1 skipped" in result.output
    assert len(documents(tmp_path / "w.db")) == 1


# --- versions and re-anchoring -------------------------------------------------------


def _claim_on(db, text):
    return db.execute("SELECT id FROM claims WHERE text = ?", [text]).fetchone()[0]


def _passage(db, document_id, text):
    return db.execute(
        "SELECT id FROM passages WHERE document_id = ? AND text = ?", [document_id, text]
    ).fetchone()[0]


def test_changed_page_is_a_new_version_and_links_follow_their_sentence(tmp_path, site):
    db_path = tmp_path / "w.db"
    other = site.url("/other")
    run(db_path, "--allow-private", site.url("/news/troops"), other)
    db = connect(db_path)
    troops = db.execute("SELECT id FROM documents WHERE url = ?", [site.url("/news/troops")]).fetchone()[0]
    wheat = db.execute("SELECT id FROM claims WHERE text LIKE 'Wheat futures%'").fetchone()[0]
    # One claim of another page linked to each of the three sentences; a verdict on a claim of this page.
    for sentence in (KEEP, EDIT_BEFORE, DROP):
        set_link(db, wheat, _passage(db, troops, sentence), "supports", reviewer="ana")
    keep_claim, edit_claim, drop_claim = (_claim_on(db, t) for t in (KEEP, EDIT_BEFORE, DROP))
    db.execute(
        "INSERT INTO verdicts (claim_id, status, updated_at) VALUES (?, 'sourced', 'now')", [edit_claim]
    )
    db.conn.commit()
    db.close()

    site.pages["/news/troops"] = Reply(body=V2)
    result = run(db_path, "--allow-private", site.url("/news/troops"))
    assert result.exit_code == 0, result.output
    assert "1 new versions" in result.output

    docs = documents(db_path)
    old, new = (d for d in docs if d[2] == site.url("/news/troops"))
    assert (old[10], new[10]) == (1, 2) and new[11] == old[0] and old[12] == new[0]  # version chain
    assert old[6] != new[6]  # both texts kept
    db = connect(db_path)
    assert EDIT_BEFORE in corpus.document_text(db, old[0]) and EDIT_AFTER in corpus.document_text(db, new[0])
    links = {
        db.execute("SELECT text FROM passages WHERE id = ?", [p]).fetchone()[0]: p
        for (p,) in db.execute("SELECT passage_id FROM evidence_links WHERE claim_id = ?", [wheat])
    }
    # Kept and edited sentences: the link moved to the new version; deleted: it stays on the old one.
    assert links[KEEP] == _passage(db, new[0], KEEP)
    assert links[EDIT_AFTER] == _passage(db, new[0], EDIT_AFTER)
    assert links[DROP] == _passage(db, old[0], DROP)
    # The claims of the page moved too (verdict kept), the fresh duplicates are gone.
    assert db.execute("SELECT document_id FROM claims WHERE id = ?", [edit_claim]).fetchone()[0] == new[0]
    assert (
        db.execute("SELECT status FROM verdicts WHERE claim_id = ?", [edit_claim]).fetchone()[0] == "sourced"
    )
    assert db.execute("SELECT text FROM claims WHERE id = ?", [edit_claim]).fetchone()[0] == EDIT_AFTER
    assert db.execute("SELECT count(*) FROM claims WHERE text = ?", [KEEP]).fetchone()[0] == 1
    assert db.execute("SELECT document_id FROM claims WHERE id = ?", [keep_claim]).fetchone()[0] == new[0]
    assert db.execute("SELECT document_id FROM claims WHERE id = ?", [drop_claim]).fetchone()[0] == old[0]
    # The old version no longer turns up in search.
    hits = db.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'soldiers'").fetchall()
    assert [h[0] for h in hits] == [_passage(db, new[0], KEEP)]
    db.close()

    result = CliRunner().invoke(cli, ["--db", str(db_path), "stale", "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    summary = sorted((c["kind"], c["state"], c["old_text"], c["new_text"]) for c in changes)
    assert summary == sorted(
        [
            ("link", "changed", EDIT_BEFORE, EDIT_AFTER),
            ("link", "gone", DROP, None),
            ("claim", "changed", EDIT_BEFORE, EDIT_AFTER),
            ("claim", "gone", DROP, None),
        ]
    )
    assert all(
        c["url"] == site.url("/news/troops") and (c["old_version"], c["new_version"]) == (1, 2)
        for c in changes
    )
    text = CliRunner().invoke(cli, ["--db", str(db_path), "stale"]).output
    assert f"claim {wheat}: evidence changed in v2" in text and f"now: {EDIT_AFTER}" in text
    assert f"claim {wheat}: evidence gone in v2" in text


def test_stale_with_nothing_changed(tmp_path, site):
    run(tmp_path / "w.db", "--allow-private", site.url("/other"))
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "w.db"), "stale"])
    assert result.exit_code == 0 and "no evidence changed" in result.output
    assert CliRunner().invoke(cli, ["--db", str(tmp_path / "w.db"), "stale", "--json"]).output.strip() == "[]"


def test_changed_evidence_is_flagged_until_seen(tmp_path, site):
    db_path = tmp_path / "w.db"
    run(db_path, "--allow-private", site.url("/news/troops"), site.url("/other"))
    db = connect(db_path)
    wheat = db.execute("SELECT id FROM claims WHERE text LIKE 'Wheat futures%'").fetchone()[0]
    troops = db.execute("SELECT id FROM documents WHERE url = ?", [site.url("/news/troops")]).fetchone()[0]
    set_link(db, wheat, _passage(db, troops, EDIT_BEFORE), "supports")
    assert wheat not in [c.id for c in corpus.list_claims(db, status="flagged")]
    db.close()
    site.pages["/news/troops"] = Reply(body=V2)
    run(db_path, "--allow-private", site.url("/news/troops"))
    db = connect(db_path)
    assert wheat in [c.id for c in corpus.list_claims(db, status="flagged")]
    assert [c.state for c in corpus.changes(db, claim_id=wheat)] == ["changed"]
    assert corpus.mark_changes_seen(db, wheat) == 1
    assert wheat not in [c.id for c in corpus.list_claims(db, status="flagged")]
    assert (
        corpus.changes(db, claim_id=wheat) == [] and len(corpus.changes(db, claim_id=wheat, seen=True)) == 1
    )
    db.close()


def test_a_hand_written_claim_keeps_its_part_of_the_sentence(tmp_path, site):
    db_path = tmp_path / "w.db"
    run(db_path, "--allow-private", site.url("/news/troops"))
    db = connect(db_path)
    troops = db.execute("SELECT id FROM documents").fetchone()[0]
    passage = corpus.get_passage(db, _passage(db, troops, EDIT_BEFORE))
    part = "denied that any fighting took place"
    at = passage.start + passage.text.index(part)
    claim = corpus.add_claim(db, troops, part, passage_id=passage.id, start=at, end=at + len(part))
    db.close()
    site.pages["/news/troops"] = Reply(body=V2)
    run(db_path, "--allow-private", site.url("/news/troops"))
    db = connect(db_path)
    moved = corpus.get_claim(db, claim)
    assert moved.document_id != troops and moved.text == part
    new_text = corpus.document_text(db, moved.document_id)
    # The part was edited ("any heavy fighting"): its span is found again, fuzzily, in the new sentence.
    assert (
        new_text[moved.start : moved.end].startswith("denied that any")
        and "took place" in new_text[moved.start : moved.end]
    )
    db.close()


def test_finder_prefers_exact_then_nearest_then_similar():
    from workbench.models import Passage
    from workbench.web.anchoring import Finder

    ps = [
        Passage(i + 1, 9, i, i, 0, 0, t)
        for i, t in enumerate(
            [
                "Same line here.",
                "Something else entirely, about grain.",
                "Same line here.",
                "The mayor said 12 bridges were closed on Friday.",
            ]
        )
    ]
    finder = Finder(ps)
    assert finder.find("Same line here.", ordinal=3).passage.id == 3  # the nearer of two copies
    edited = finder.find("The mayor said 14 bridges were closed on Friday.")
    assert edited.passage.id == 4 and 90 < edited.similarity < 100 and not edited.exact
    assert finder.find("A sentence that is nowhere in the new version of the page.") is None


def test_the_archive_reads_without_warcio_too(tmp_path, site):
    """A second reader: plain gzip members, each a WARC/1.1 record whose Content-Length is exact."""
    import gzip
    import zlib

    run(tmp_path / "w.db", "--allow-private", site.url("/moved"))
    (warc,) = (tmp_path / "archive").iterdir()
    data = warc.read_bytes()
    records = []
    while data:
        member = zlib.decompressobj(31)
        record = member.decompress(data)
        data = member.unused_data
        head, _, rest = record.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        assert lines[0] == "WARC/1.1"
        fields = dict(line.split(": ", 1) for line in lines[1:])
        length = int(fields["Content-Length"])
        assert rest[length:] == b"\r\n\r\n"  # block then the record's closing CRLF CRLF
        records.append((fields["WARC-Type"], fields.get("WARC-Target-URI")))
    assert records[0][0] == "warcinfo"
    assert ("response", site.url("/news/troops")) in records and ("request", site.url("/moved")) in records
    assert gzip.decompress(warc.read_bytes()).count(b"WARC/1.1\r\n") == len(records)


def test_a_bad_url_file_is_one_line_and_no_database(tmp_path):
    result = run(tmp_path / "w.db", "--urls", str(tmp_path / "missing.txt"))
    assert (
        result.exit_code == 2 and result.stderr.strip() == f"error: {tmp_path / 'missing.txt'}: no such file"
    )
    (tmp_path / "empty.txt").write_text("# nothing yet\n\n")
    result = run(tmp_path / "w.db", "--urls", str(tmp_path / "empty.txt"))
    assert result.exit_code == 2 and "no URLs in the file" in result.stderr
    assert not (tmp_path / "w.db").exists()


# --- reports cite their sources (item 4 of the issue) -------------------------------


def test_reports_cite_the_page_its_fetch_and_archived_copy_and_json_round_trips(tmp_path, site):
    db_path = tmp_path / "w.db"
    run(db_path, "--allow-private", site.url("/moved"), site.url("/other"))
    db = connect(db_path)
    wheat = db.execute("SELECT id FROM claims WHERE text LIKE 'Wheat futures%'").fetchone()[0]
    troops = db.execute("SELECT id FROM documents WHERE url = ?", [site.url("/news/troops")]).fetchone()[0]
    set_link(db, wheat, _passage(db, troops, KEEP), "supports")
    db.close()
    site.pages["/news/troops"] = Reply(body=V2)  # a second version: the link moves to it
    run(db_path, "--allow-private", site.url("/news/troops"))
    new = documents(db_path)[-1]
    (
        _,
        _,
        url,
        fetched_url,
        fetched_at,
        _status,
        digest,
        warc_file,
        offset,
        record_id,
        _version,
        previous,
        _,
    ) = new
    export = lambda fmt, db=db_path: (
        CliRunner().invoke(cli, ["--db", str(db), "export", "--format", fmt, "-o", "-"]).output
    )

    data = json.loads(export("json"))
    (claim,) = [c for c in data["claims"] if c["id"] == wheat]
    assert claim["links"][0]["cite"] == {
        "url": url,
        "fetched_at": fetched_at,
        "content_hash": digest,
        "warc_file": warc_file,
        "warc_offset": offset,
        "warc_record_id": record_id,
    }
    (doc,) = [d for d in data["documents"] if d["id"] == new[0]]
    assert doc["capture"] == {
        "fetched_url": fetched_url,
        "fetched_at": fetched_at,
        "http_status": 200,
        "warc_file": warc_file,
        "warc_offset": offset,
        "warc_record_id": record_id,
        "version": 2,
        "previous_id": previous,
        "superseded_by": None,
    }
    assert {d["capture"] is None for d in data["documents"]} == {False}
    html = export("html")
    assert f'<a href="{url}" rel="noopener noreferrer nofollow">' in html
    assert f"archived copy {warc_file} record {record_id.replace('<', '&lt;').replace('>', '&gt;')}" in html
    assert digest in html and fetched_at in html
    md = export("md")
    assert (
        "Source: " in md
        and digest in md
        and fetched_at in md
        and warc_file.replace("-", "-") in md.replace("\\", "")
    )

    # Import into a new database: the captures and the version chain come back, and
    # exporting again gives the same documents and citations.
    (tmp_path / "review.json").write_text(export("json"))
    other = tmp_path / "other.db"
    result = CliRunner().invoke(cli, ["--db", str(other), "import", str(tmp_path / "review.json")])
    assert result.exit_code == 0, result.output
    again = json.loads(export("json", other))
    assert [d["capture"] for d in again["documents"]] == [d["capture"] for d in data["documents"]]
    (claim_again,) = [c for c in again["claims"] if c["text"] == claim["text"]]
    assert claim_again["links"][0]["cite"] == claim["links"][0]["cite"]
    db = connect(other)
    old_passages = db.execute(
        "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'soldiers'"
    ).fetchone()[0]
    assert old_passages == 1  # the superseded version stays out of search after an import too
    db.close()


def test_an_imported_capture_naming_a_path_is_refused(tmp_path, site):
    run(tmp_path / "w.db", "--allow-private", site.url("/other"))
    data = json.loads(
        CliRunner()
        .invoke(cli, ["--db", str(tmp_path / "w.db"), "export", "--format", "json", "-o", "-"])
        .output
    )
    data["documents"][0]["capture"]["warc_file"] = "../../etc/passwd"
    (tmp_path / "bad.json").write_text(json.dumps(data))
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "new.db"), "import", str(tmp_path / "bad.json")])
    assert result.exit_code == 2 and "warc_file must be a file name" in result.output
    assert not (tmp_path / "new.db").exists()
