"""Review screen at scale: first paint, keypress-to-frame and memory with 100k claims.

Builds (and caches under /tmp) a database of seed sentences recombined, with
one claim every ``passages / claims`` passages, then drives the real app with
Pilot:

- first claim on screen: seconds from interpreter start to the first painted
  frame showing the claim list (in-process, so this includes the imports);
- next claim after ``j``: Pilot's ``press`` waits for the app to go idle, which
  includes Pilot's own overhead. The same run presses an unbound key as the
  baseline; the difference is the cost of the key. The script also times the
  synchronous work of one move directly (cursor move, claim context, list
  lines painted) with no Pilot in the way;
- RSS at the end (ru_maxrss).

    python benchmarks/tui_scale.py                         # 100k claims, 1M passages (slow first build)
    python benchmarks/tui_scale.py --passages 200000       # quicker build
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import hashlib  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
from pathlib import Path  # noqa: E402

from workbench.ingestion import split_passages  # noqa: E402
from workbench.models import ClaimDraft, PassageDraft, RawDocument  # noqa: E402
from workbench.storage import connect, corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CACHE = Path("/tmp/workbench-tui-scale")
PER_DOC = 1000


def build(path: Path, claims: int, passages: int) -> None:
    pool = []
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        pool += [p.text for p in split_passages(seed.read_text(encoding="utf-8"))]
    rng = random.Random(7)
    every = max(1, passages // claims)
    db = connect(path)
    made = 0
    for d in range(passages // PER_DOC):
        drafts = []
        offset = 0
        for i in range(PER_DOC):
            text = f"{rng.choice(pool)} ({rng.randint(2, 250000)})"
            claim = ClaimDraft(0.5, ("number or quantity",)) if (made + i) % every == 0 else None
            drafts.append(PassageDraft(i, i // 5, offset, offset + len(text), text, claim))
            offset += len(text) + 1
        made += PER_DOC
        body = "\n".join(p.text for p in drafts)
        raw = RawDocument(name=f"doc{d:05}.txt", text=body, title=f"Synthetic document {d}")
        corpus.add_document(db, raw, hashlib.sha256(body.encode()).hexdigest(), drafts)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def drive(path: Path, presses: int) -> dict[str, float]:
    from workbench.tui import candidates_source
    from workbench.tui.app import ReviewApp
    from workbench.tui.widgets.claim_list import ClaimList

    # The linker has its own benchmark; keep its worker threads out of these figures.
    candidates_source.available = lambda: False
    app = ReviewApp(path, reviewer="bench")
    figures: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        figures["first_paint_s"] = time.perf_counter() - STARTED
        claims = app.screen.query_one(ClaimList)
        figures["claims"] = claims.total
        # Keypress to painted frame, without Pilot in the way: the key goes
        # in through the driver, as a terminal's would, and the clock stops at
        # the first screen refresh that shows the claim the key moved to.
        from textual import events

        original = type(app.screen)._compositor_refresh
        waiting: dict[str, object] = {}

        def timed_refresh(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            future = waiting.get("future")
            shown = self.context.claim.id if self.context else None
            if future is not None and not future.done() and shown == waiting["claim"]:
                future.set_result(time.perf_counter())
            return result

        type(app.screen)._compositor_refresh = timed_refresh
        loop = asyncio.get_running_loop()
        to_frame = []
        for _ in range(presses):
            target = claims.row(claims.cursor + 1)
            waiting.update(future=loop.create_future(), claim=target.id)
            t = time.perf_counter()
            app._driver.send_message(events.Key("j", "j"))
            painted = await asyncio.wait_for(waiting["future"], 5)
            to_frame.append(painted - t)
            await asyncio.sleep(0.02)  # let the resume-state timer and the rest settle
        type(app.screen)._compositor_refresh = original
        keys, base = [], []
        for _ in range(presses):
            t = time.perf_counter()
            await pilot.press("j")
            keys.append(time.perf_counter() - t)
            t = time.perf_counter()
            await pilot.press("f24")  # unbound: Pilot's own cost
            base.append(time.perf_counter() - t)
        figures["key_to_frame_median_ms"] = statistics.median(to_frame) * 1000
        figures["key_to_frame_p99_ms"] = pct(to_frame, 0.99) * 1000
        figures["press_j_median_ms"] = statistics.median(keys) * 1000
        figures["press_unbound_median_ms"] = statistics.median(base) * 1000
        figures["press_j_p99_ms"] = pct(keys, 0.99) * 1000
        figures["press_unbound_p99_ms"] = pct(base, 0.99) * 1000
        direct = []
        screen = app.screen
        for _ in range(presses):
            t = time.perf_counter()
            claims.action_cursor_down()
            screen.show_claim(claims.current_id)
            claims.render_lines_for_tests()
            direct.append(time.perf_counter() - t)
        figures["move_direct_median_ms"] = statistics.median(direct) * 1000
        figures["move_direct_p99_ms"] = pct(direct, 0.99) * 1000
        t = time.perf_counter()
        await pilot.press("end")
        figures["jump_to_end_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        claims.scroll_to(y=claims.total // 2, animate=False, immediate=True)
        claims.render_lines_for_tests()
        figures["scroll_to_middle_ms"] = (time.perf_counter() - t) * 1000
        await pilot.press("q")
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"tui-{args.claims}-{args.passages}.db"
    if not path.exists():
        t = time.perf_counter()
        build(path, args.claims, args.passages)
        print(f"built {path} in {time.perf_counter() - t:.1f} s (not counted below)")
        print("rerun to measure a cold start without the build in the process")
        return
    from workbench.storage import reviewview

    db = connect(path)
    reviewview.save_resume(db, reviewview.ResumeState())  # start at the top, whatever the last run left
    db.close()
    figures = asyncio.run(drive(path, args.presses))
    for key, value in figures.items():
        print(f"{key:<26} {value:10.2f}")
    print(f"{'j_cost_over_baseline_ms':<26} {figures['press_j_median_ms'] - figures['press_unbound_median_ms']:10.2f}"
          f"   (ratio {figures['press_j_median_ms'] / figures['press_unbound_median_ms']:.2f})")


if __name__ == "__main__":
    main()
