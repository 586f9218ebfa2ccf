"""Build tests/reliability/fixtures/schema_v1.db: a database from schema version 1.

Run once when the fixture was made (``python tests/reliability/make_fixture.py``);
the .db file is committed so that later versions of workbench are tested
against a file written by this one. Re-running it rewrites the fixture and its
manifest (schema_v1.json: the v1 column lists and a digest of every table),
which test_versions.py compares against after opening and migrating a copy.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixtures" / "schema_v1.db"
MANIFEST = HERE / "fixtures" / "schema_v1.json"

#: Tables and the columns they had in version 1 (later migrations may add more).
V1_COLUMNS: dict[str, list[str]] = {
    "documents": ["id", "name", "title", "source", "url", "published", "content_hash", "text", "ingested_at"],
    "passages": ["id", "document_id", "ordinal", "paragraph", "start", "end", "text"],
    "claims": [
        "id",
        "document_id",
        "passage_id",
        "text",
        "start",
        "end",
        "score",
        "reasons",
        "origin",
        "created_at",
    ],
    "verdicts": ["claim_id", "status", "note", "reviewer", "updated_at"],
    "evidence_links": ["claim_id", "passage_id", "relation", "reviewer", "created_at"],
    "review_sessions": ["id", "reviewer", "started_at", "ended_at"],
    "history": [
        "id",
        "claim_id",
        "kind",
        "passage_id",
        "old",
        "new",
        "reviewer",
        "session_id",
        "at",
        "undoes",
    ],
    "suggestions": ["claim_id", "rank", "passage_id", "score", "span_start", "span_end", "flags"],
    "suggestion_summaries": ["claim_id", "verdict", "sources", "corpus_version", "computed_at"],
    "state": ["key", "value"],
}

#: What the fixture's reviewers did: (claim index, verdict, note, [(passage index, relation)]).
SCENARIO = [
    (0, "sourced", "Confirmed by the ministry's readout.", [(3, "supports")]),
    (2, "contested", "[b]115,000[/b] vs 100,000 <script>x</script>", [(5, "contradicts"), (7, "supports")]),
    (4, "unsupported", "", []),
    (6, None, "Needs a second source — «citation» 🙂", [(1, "supports")]),
]
MANUAL_CLAIM = "Lavrov and Wang Yi met in Beijing (added by hand)."


def digest(db, table: str) -> str:
    cols = ", ".join(f'"{c}"' for c in V1_COLUMNS[table])
    h = hashlib.sha256()
    for row in db.execute(f"SELECT {cols} FROM [{table}] ORDER BY rowid"):
        h.update(repr(row).encode("utf-8"))
    return h.hexdigest()


def build(path: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from workbench import ingestion, linking
    from workbench.storage import connect, corpus, review, suggestions

    for f in path.parent.glob(path.name + "*"):
        f.unlink()
    db = connect(path)
    seeds = sorted((REPO / "seeds").glob("*.txt"))[:2]
    ingestion.ingest_paths(db, seeds)
    claims = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id")]
    passages = [r[0] for r in db.execute("SELECT id FROM passages ORDER BY id")]
    session = review.start_session(db, "fixture")
    for ci, status, note, links in SCENARIO:
        review.set_status(db, claims[ci], status, reviewer="fixture", session_id=session)
        if note:
            review.set_note(db, claims[ci], note, reviewer="fixture", session_id=session)
        for pi, relation in links:
            review.set_link(db, claims[ci], passages[pi], relation, reviewer="fixture", session_id=session)
    # An undone change, so history holds an `undoes` row.
    review.set_status(db, claims[8], "sourced", reviewer="fixture", session_id=session)
    review.undo_last(db, session, reviewer="fixture")
    review.end_session(db, session)
    corpus.add_claim(db, 1, MANUAL_CLAIM, origin="manual")
    for ci in (0, 2):
        suggestions.store(db, claims[ci], linking.link_claim(db, claims[ci]))
    review.set_state(db, "position", {"claim_id": claims[2], "filter": "all"})
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.close()

    db = connect(path)
    manifest = {
        "user_version": db.execute("PRAGMA user_version").fetchone()[0],
        "migrations": [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")],
        "counts": {t: db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in V1_COLUMNS},
        "digests": {t: digest(db, t) for t in V1_COLUMNS},
    }
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return manifest


if __name__ == "__main__":
    manifest = build(FIXTURE)
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: {FIXTURE.stat().st_size} bytes, {manifest['counts']}")
