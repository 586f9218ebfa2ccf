"""Evidence judgement: does the suggested verdict tell support from topical overlap? (#10)

Two parts, each printed beside TODAY's rule computed in the same run from the same
candidates (``old_rule`` below: a frozen copy of ``linking.summarise`` as it was before
#10, so the comparison keeps working after ``summarise`` changes):

1. **Seeds**: ``benchmarks/judgement_claims.jsonl``, claims written by hand from the five
   seed articles: fabricated ones (invented event, swapped entity, changed figure / date /
   weekday, reversed or negated action, swapped attribution) and real ones that another
   outlet's article corroborates. Each is linked with its own article left out. Aims:
   <= 5% of fabricated claims suggested *sourced*; >= 90% of real ones *sourced* or
   *contested*.
2. **Climate-FEVER public half** (``../shared/eval``, read in place, never copied): every
   claim linked against all passages; claim labels SUPPORTS -> sourced, REFUTES and
   DISPUTED -> contested, NOT_ENOUGH_INFO -> unsupported. Macro-F1 of the suggestion
   (aim >= 0.45), share of NOT_ENOUGH_INFO claims suggested sourced (aim <= 35%),
   confusion matrices; then stance accuracy on the labelled (claim, evidence sentence)
   pairs with ``workbench.judgement.stance`` when it exists.

    python benchmarks/eval_judgement.py [--no-embeddings] [--only seeds|fever] [-v]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import eval_linker  # the sibling benchmark: Climate-FEVER loader and DB build

from workbench import embeddings, ingestion, linking
from workbench.storage import connect

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
CLAIMS = Path(__file__).resolve().parent / "judgement_claims.jsonl"
VERDICTS = ("sourced", "contested", "unsupported")
STANCES = ("supports", "contradicts", "related")
FABRICATED_KINDS = (
    "invented_event",
    "swapped_entity",
    "changed_figure",
    "changed_date",
    "changed_weekday",
    "reversed_action",
    "negated_action",
    "swapped_attribution",
)
CLAIM_LABEL = {
    "SUPPORTS": "sourced",
    "REFUTES": "contested",
    "DISPUTED": "contested",
    "NOT_ENOUGH_INFO": "unsupported",
}
EVIDENCE_LABEL = {"SUPPORTS": "supports", "REFUTES": "contradicts", "NOT_ENOUGH_INFO": "related"}

# Today's rule, frozen (linking.summarise before #10).
OLD_LINK_THRESHOLD = 30.0
OLD_DISAGREEMENT_FLAGS = ("number-mismatch", "date-mismatch", "weekday-mismatch")


def old_rule(candidates) -> str:
    """Any candidate scoring >= 30 counts as corroboration; contested when one of those
    carries a disagreement flag, else sourced; unsupported when none scores 30."""
    strong = [c for c in candidates if c.score >= OLD_LINK_THRESHOLD]
    if not strong:
        return "unsupported"
    if any(f in OLD_DISAGREEMENT_FLAGS for c in strong for f in c.flags):
        return "contested"
    return "sourced"


def always_sourced(candidates) -> str:
    return "sourced"


# ---------------------------------------------------------------- helpers


def disable_embeddings() -> None:
    """The lexical path alone: ``embeddings.get`` is how every caller reaches the model."""
    embeddings.get = lambda: None


def _no_link(ingest_paths):
    """``ingest_paths`` with linking during ingest (#10 item 5) turned off when it offers
    that: this benchmark links every claim itself, and the build stays comparable."""
    import inspect

    params = inspect.signature(ingest_paths).parameters
    off = {name: False for name in ("link", "with_links") if name in params}
    return lambda db, paths, **kw: ingest_paths(db, paths, **{**kw, **off})


def ingest(db, paths) -> None:
    report = _no_link(ingestion.ingest_paths)(db, paths)
    if report.errors:
        sys.exit(f"ingest failed: {report.errors[0]}")


def field(obj, name, default=None):
    """An attribute or a mapping key: the shape of coverage objects may still change."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def macro_f1(gold: list[str], pred: list[str], classes) -> float:
    f1s = []
    for k in classes:
        tp = sum(g == k and p == k for g, p in zip(gold, pred))
        fp = sum(g != k and p == k for g, p in zip(gold, pred))
        fn = sum(g == k and p != k for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def confusion(gold, pred, classes, title: str) -> None:
    counts = Counter(zip(gold, pred))
    width = max(len(k) for k in classes) + 2
    print(f"  {title}: rows = gold, columns = predicted")
    print("  " + " " * width + "".join(f"{k:>{width}}" for k in classes))
    for g in classes:
        print(f"  {g:<{width}}" + "".join(f"{counts[(g, p)]:>{width}}" for p in classes))


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}%" if d else "   n/a"


# ---------------------------------------------------------------- part 1: seeds


def load_claims(path: Path) -> list[dict]:
    try:
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    except (OSError, ValueError) as e:
        sys.exit(f"cannot read the claims set {path}: {e}")
    for r in rows:
        if r.get("kind") not in (*FABRICATED_KINDS, "real") or r.get("expected") not in VERDICTS:
            sys.exit(f"{path}: claim {r.get('id')!r} has an unknown kind or expected verdict")
    return rows


def run_seeds(claims: list[dict], set_name: str, verbose: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "seeds.db")
        ingest(db, [SEEDS])
        doc_id = {name: i for i, name in db.execute("SELECT id, name FROM documents")}
        missing = sorted({c["from_doc"] for c in claims} - set(doc_id))
        if missing:
            sys.exit(f"{set_name}: from_doc not among the seeds: {missing[0]}")
        results = []
        t0 = time.perf_counter()
        for c in claims:
            res = linking.link_text(db, c["text"], top=10, exclude_document_id=doc_id[c["from_doc"]])
            results.append((c, res, res.suggested, old_rule(res.candidates)))
        elapsed = time.perf_counter() - t0
        db.close()

    print(
        f"\n== Seeds: {len(claims)} hand-written claims ({set_name}), own article left out;"
        f" {1000 * elapsed / len(claims):.1f} ms / claim"
    )
    kinds = [*FABRICATED_KINDS, "real"]
    print(
        f"  {'kind':<20} {'n':>3}  {'new: src/con/uns':>17}  {'old: src/con/uns':>17}"
        f"  {'new = expected':>14}  {'old = expected':>14}"
    )
    for kind in kinds:
        rows = [r for r in results if r[0]["kind"] == kind]
        if not rows:
            continue
        new = Counter(r[2] for r in rows)
        old = Counter(r[3] for r in rows)
        new_ok = sum(r[2] == r[0]["expected"] for r in rows)
        old_ok = sum(r[3] == r[0]["expected"] for r in rows)
        print(
            f"  {kind:<20} {len(rows):>3}  {new['sourced']:>7}/{new['contested']:>3}/{new['unsupported']:>3}"
            f"     {old['sourced']:>5}/{old['contested']:>3}/{old['unsupported']:>3}"
            f"  {new_ok:>9}/{len(rows):<4}  {old_ok:>9}/{len(rows):<4}"
        )

    fab = [r for r in results if r[0]["kind"] != "real"]
    real = [r for r in results if r[0]["kind"] == "real"]
    print("\n  headline                                         new     old   aim")
    print(
        f"  fabricated suggested sourced                  {pct(sum(r[2] == 'sourced' for r in fab), len(fab))}"
        f"  {pct(sum(r[3] == 'sourced' for r in fab), len(fab))}  <= 5%"
    )
    print(
        f"  real suggested sourced or contested           {pct(sum(r[2] != 'unsupported' for r in real), len(real))}"
        f"  {pct(sum(r[3] != 'unsupported' for r in real), len(real))}  >= 90%"
    )
    print(
        f"  fabricated with the ideal verdict             {pct(sum(r[2] == r[0]['expected'] for r in fab), len(fab))}"
        f"  {pct(sum(r[3] == r[0]['expected'] for r in fab), len(fab))}"
    )
    print(
        f"  real with the expected verdict                {pct(sum(r[2] == r[0]['expected'] for r in real), len(real))}"
        f"  {pct(sum(r[3] == r[0]['expected'] for r in real), len(real))}"
    )
    coverage_summary(results)
    if verbose:
        print("\n  per claim (new / old / expected):")
        for c, res, new, old in results:
            mark = "  " if new == c["expected"] else "! "
            print(f"  {mark}{c['id']:<9} {new:<11} {old:<11} {c['expected']:<11} {c['text'][:90]}")
            not_found = field(field(res, "coverage"), "not_found")
            if not_found:
                print(f"             not found: {' · '.join(map(str, not_found))}")


def coverage_summary(results) -> None:
    """What the new per-claim coverage and per-candidate stance say, when the code has them."""
    if not any(field(res, "coverage") is not None for _, res, _, _ in results):
        print("\n  (no claim coverage on LinkResult yet: skipped)")
    else:
        print("\n  coverage: claims with some fact contradicted / not found in any evidence")
        for label, rows in (
            ("fabricated", [r for r in results if r[0]["kind"] != "real"]),
            ("real", [r for r in results if r[0]["kind"] == "real"]),
        ):
            contra = sum(bool(field(field(res, "coverage"), "contradicted")) for _, res, _, _ in rows)
            nf = sum(bool(field(field(res, "coverage"), "not_found")) for _, res, _, _ in rows)
            print(f"  {label:<11} {contra:>3} / {nf:>3} of {len(rows)}")
    if not any(field(c, "stance") is not None for _, res, _, _ in results for c in res.candidates):
        print("  (no candidate stance yet: skipped)")
        return
    print("  stance of the best candidate (supports / contradicts / related):")
    for label, rows in (
        ("fabricated", [r for r in results if r[0]["kind"] != "real"]),
        ("real", [r for r in results if r[0]["kind"] == "real"]),
    ):
        top = Counter(
            field(res.candidates[0], "stance") if res.candidates else "none" for _, res, _, _ in rows
        )
        print(
            f"  {label:<11} {top['supports']:>3} / {top['contradicts']:>3} / {top['related']:>3}"
            f" of {len(rows)}"
        )


# ---------------------------------------------------------------- part 2: Climate-FEVER


def load_fever(eval_dir: Path) -> list[dict]:
    path = eval_dir / "climate_fever" / "claims.jsonl"
    try:
        return [json.loads(line) for line in path.open(encoding="utf-8")]
    except (OSError, ValueError) as e:
        sys.exit(f"cannot read {path}: {e}")


def run_fever(eval_dir: Path) -> None:
    claims = load_fever(eval_dir)
    gold = [CLAIM_LABEL[c["label"]] for c in claims]
    with tempfile.TemporaryDirectory() as tmp:
        # eval_linker.build_db calls ingestion.ingest_paths itself (reused, not copied).
        real_ingest = ingestion.ingest_paths
        ingestion.ingest_paths = _no_link(real_ingest)
        try:
            db, names, build = eval_linker.build_db(eval_dir, Path(tmp) / "fever.db")
        finally:
            ingestion.ingest_paths = real_ingest
        new, old = [], []
        t0 = time.perf_counter()
        for c in claims:
            res = linking.link_text(db, c["claim"], top=10)
            new.append(res.suggested)
            old.append(old_rule(res.candidates))
        elapsed = time.perf_counter() - t0
        db.close()

    base = ["sourced"] * len(claims)
    print(
        f"\n== Climate-FEVER public half: {len(claims)} claims, {len(names)} passages"
        f" (index {build:.1f} s); {1000 * elapsed / len(claims):.1f} ms / claim"
    )
    print(f"  gold: {dict(Counter(gold))}")
    nei = [i for i, g in enumerate(gold) if g == "unsupported"]
    print(f"  {'suggestion':<22} {'macro-F1':>9} {'NEI -> sourced':>15} {'accuracy':>9}")
    for label, pred in (("new (summarise)", new), ("old rule", old), ("always sourced", base)):
        acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
        print(
            f"  {label:<22} {macro_f1(gold, pred, VERDICTS):9.3f}"
            f" {pct(sum(pred[i] == 'sourced' for i in nei), len(nei)):>15} {acc:9.3f}"
        )
    print("  aims: macro-F1 >= 0.45; NOT_ENOUGH_INFO suggested sourced <= 35%")
    for label, pred in (("new (summarise)", new), ("old rule", old), ("always sourced", base)):
        confusion(gold, pred, VERDICTS, label)
    run_stance(claims)


def run_stance(claims: list[dict]) -> None:
    try:
        from workbench import judgement
    except ImportError:
        print("\n  stance: workbench.judgement does not exist yet: skipped")
        return
    stance = getattr(judgement, "stance", None)
    if stance is None:
        print("\n  stance: workbench.judgement.stance does not exist yet: skipped")
        return
    gold, pred = [], []
    t0 = time.perf_counter()
    for c in claims:
        # The product judges with the embedding similarity when the model is installed.
        sims = judgement.similarities(c["claim"], [e["text"] for e in c["evidence"]])
        for e, sim in zip(c["evidence"], sims):
            gold.append(EVIDENCE_LABEL[e["label"]])
            pred.append(stance(c["claim"], e["text"], sim).stance)
    elapsed = time.perf_counter() - t0
    majority = Counter(gold).most_common(1)[0][0]
    base = [majority] * len(gold)
    print(
        f"\n  stance on {len(gold)} labelled (claim, evidence sentence) pairs"
        f" ({1000 * elapsed / len(gold):.2f} ms / pair); gold: {dict(Counter(gold))}"
    )
    print(f"  {'method':<32} {'accuracy':>9} {'macro-F1':>9}")
    for label, p in (("judgement.stance", pred), (f"majority class ({majority})", base)):
        acc = sum(g == q for g, q in zip(gold, p)) / len(gold)
        print(f"  {label:<32} {acc:9.3f} {macro_f1(gold, p, STANCES):9.3f}")
    confusion(gold, pred, STANCES, "judgement.stance")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-embeddings", action="store_true", help="lexical path only")
    ap.add_argument("--only", choices=("seeds", "fever"))
    ap.add_argument("--claims", type=Path, default=CLAIMS, help="the hand-written seed claims (JSONL)")
    ap.add_argument("--eval-dir", type=Path, default=eval_linker.DEFAULT_EVAL)
    ap.add_argument("-v", "--verbose", action="store_true", help="every seed claim's verdicts")
    args = ap.parse_args()
    # Bad input: one line and a non-zero exit before any work.
    claims = load_claims(args.claims) if args.only != "fever" else []
    if args.only != "seeds" and not (args.eval_dir / "climate_fever" / "claims.jsonl").is_file():
        sys.exit(f"no Climate-FEVER data under {args.eval_dir} (use --eval-dir or --only seeds)")
    if args.no_embeddings:
        disable_embeddings()
    model = (
        "off (--no-embeddings)"
        if args.no_embeddings
        else ("on" if embeddings.get() is not None else "off (wordllama not installed)")
    )
    print(
        f"eval_judgement: embeddings {model}; {platform.processor() or platform.machine()},"
        f" Python {platform.python_version()}"
    )
    if args.only != "fever":
        run_seeds(claims, args.claims.name, args.verbose)
    if args.only != "seeds":
        run_fever(args.eval_dir)


if __name__ == "__main__":
    main()
