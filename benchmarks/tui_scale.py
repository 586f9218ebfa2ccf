"""Review screen at scale: first paint, keypress-to-frame and memory with 100k claims.

Builds (and caches under /tmp) a database of seed sentences recombined, with
one claim every ``passages / claims`` passages, then drives the real app with
Pilot:

- first claim on screen: the installed ``workbench`` command started in a
  pseudo-terminal (120x40), timed until its output contains the claim panel
  (``claim #``); also in-process, from interpreter start to Pilot's first pause;
- key to frame: ``j``/``k`` sent through the driver as a terminal's keys are;
  the clock stops when a frame has been turned into terminal output that
  contains the new claim's ``claim #ID`` (so a frame showing only the list's
  cursor does not count); also the UI thread's CPU time over the same span
  (``key_to_frame_cpu``), which other programs on a busy machine do not inflate. Keys 30-150 ms apart (reading), then held ``j`` (a
  key every 33 ms, as terminal auto-repeat). ``frames_per_key`` counts frames;
- Pilot's ``press`` (waits for idle, ~40-80 ms of its own) next to an unbound
  key as the baseline, and the synchronous work of one move timed directly;
- RSS at the end (ru_maxrss).

    python benchmarks/tui_scale.py                         # 100k claims, 1M passages (slow first build)
    python benchmarks/tui_scale.py --passages 200000       # quicker build
    python benchmarks/tui_scale.py --no-judging            # without the background judging worker
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
import sys  # noqa: E402
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


def first_claim_in_terminal(path: Path, size: tuple[int, int] = (120, 40)) -> float:
    """Seconds from starting ``workbench --db PATH`` in a pty to its first frame showing a claim."""
    import fcntl
    import os
    import pty
    import select
    import shutil
    import struct
    import termios

    exe = shutil.which("workbench") or str(Path(sys.executable).with_name("workbench"))
    t = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of the given size
        os.environ["TERM"] = "xterm-256color"
        os.execv(exe, [exe, "--db", str(path), "review", "--reviewer", "bench"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    seen = b""
    elapsed = float("nan")
    while time.perf_counter() - t < 20:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if b"claim #" in seen:
                elapsed = time.perf_counter() - t
                break
    os.write(fd, b"q")
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline:  # drain until it exits
        ready, _, _ = select.select([fd], [], [], 0.05)
        try:
            if ready and not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def drive(path: Path, presses: int, *, judging: bool = True) -> dict[str, float]:
    from workbench.tui import candidates_source
    from workbench.tui.app import ReviewApp
    from workbench.tui.widgets.claim_list import ClaimList

    # The linker has its own benchmark; keep its worker threads out of these figures.
    candidates_source.available = lambda: False
    # judging=False: the background judging of stale claims (the linker again) is off too.
    app = ReviewApp(path, reviewer="bench", judge_stale=judging)
    figures: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        figures["first_paint_s"] = time.perf_counter() - STARTED
        claims = app.screen.query_one(ClaimList)
        figures["claims"] = claims.total
        # Keypress to painted frame, without Pilot in the way: the key goes
        # in through the driver, as a terminal's would, and the clock stops
        # once a frame that shows the new claim has been turned into terminal
        # output. Headless apps skip that last step, so the hook does it (a
        # real terminal pays for it too) and looks for the claim panel's
        # "claim #ID" in the bytes of the frame itself.
        from textual import events
        from textual._compositor import CompositorUpdate

        display = app._display
        waiting: dict[str, object] = {"frames": 0}

        def timed_display(screen, renderable):
            display(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                output = renderable.render_segments(app.console)
                waiting["frames"] += 1
                future = waiting.get("future")
                if future is not None and not future.done() and waiting["marker"] in output:
                    waiting["cpu"] = time.thread_time()
                    future.set_result(time.perf_counter())

        app._display = timed_display
        loop = asyncio.get_running_loop()
        rng = random.Random(3)

        cpu: list[float] = []

        async def press_and_time(key: str, step: int) -> float:
            target = claims.row(claims.cursor + step)
            waiting.update(future=loop.create_future(), marker=f"claim #{target.id}")
            t, cpu_start = time.perf_counter(), time.thread_time()
            app._driver.send_message(events.Key(key, key))
            painted = await asyncio.wait_for(waiting["future"], 5)
            cpu.append(waiting["cpu"] - cpu_start)
            return painted - t

        # A reviewer reading each claim: keys 30-150 ms apart after the frame.
        to_frame, frames = [], []
        for i in range(presses):
            waiting["frames"] = 0
            to_frame.append(await press_and_time("k" if i % 4 == 3 else "j", -1 if i % 4 == 3 else 1))
            await asyncio.sleep(rng.uniform(0.03, 0.15))
            frames.append(waiting["frames"])
        # Holding j: the terminal repeats the key every ~33 ms (30 Hz), whenever the last frame is done.
        held = []
        for _ in range(presses):
            t = time.perf_counter()
            held.append(await press_and_time("j", 1))
            await asyncio.sleep(max(0.0, 1 / 30 - (time.perf_counter() - t)))
        figures.update(await time_views(app, pilot, waiting, path, rounds=max(3, presses // 25)))
        app._display = display
        keys, base = [], []
        for _ in range(presses):
            t = time.perf_counter()
            await pilot.press("j")
            keys.append(time.perf_counter() - t)
            t = time.perf_counter()
            await pilot.press("f24")  # unbound: Pilot's own cost
            base.append(time.perf_counter() - t)
        figures["key_to_frame_median_ms"] = statistics.median(to_frame) * 1000
        # The UI thread's own CPU time from key to frame: what a busy machine does not inflate.
        figures["key_to_frame_cpu_median_ms"] = statistics.median(cpu[:presses]) * 1000
        figures["key_to_frame_p99_ms"] = pct(to_frame, 0.99) * 1000
        figures["frames_per_key"] = statistics.mean(frames)
        figures["held_j_median_ms"] = statistics.median(held) * 1000
        figures["held_j_p99_ms"] = pct(held, 0.99) * 1000
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


#: What a reviewer types into the evidence search, a key at a time.
TYPED = ("beijing refused to condemn", "invasion of ukraine", "condemn the invasion 6255")


async def time_views(app, pilot, waiting: dict, path: Path, rounds: int) -> dict[str, float]:
    """Key to painted frame for the article view (o, until the claim's sentence is shown) and
    the evidence search (E, until its box is shown; then typing, until the last key's first
    hit is shown), with the screen's search as it is and with ``search.evidence_search``."""
    from textual import events

    from workbench.storage import reviewview, search
    from workbench.tui.screens import evidence

    loop = asyncio.get_running_loop()

    async def key_until(key: str, marker: str, timeout: float = 30.0) -> float:
        waiting.update(future=loop.create_future(), marker=marker)
        t = time.perf_counter()
        app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
        painted = await asyncio.wait_for(waiting["future"], timeout)
        return painted - t

    async def back() -> None:
        app._driver.send_message(events.Key("escape", None))
        await asyncio.sleep(0.3)
        await pilot.pause()

    def bounded(db, text: str, *, limit: int = 50):
        hits = search.evidence_search(db, text, limit=limit).rows
        return [reviewview.PassageHit(r.id, r.document_id, r.text, r.doc, r.title, r.source) for r in hits]

    figures: dict[str, float] = {}
    article = []
    for _ in range(rounds):
        article.append(await key_until("o", "◀"))  # the "opened here" mark may wrap
        await back()
        await pilot.press("j")
    figures["article_open_median_ms"] = statistics.median(article) * 1000
    figures["article_open_max_ms"] = max(article) * 1000
    as_is = reviewview.search_passages
    db = connect(path, migrate=False)
    try:
        # As is, one query: each keystroke's search runs to the end in its worker thread.
        for label, searcher, queries in (("as_is", as_is, TYPED[:1]), ("bounded", bounded, TYPED)):
            evidence.reviewview.search_passages = searcher
            opened, typed = [], []
            for query in queries:
                opened.append(await key_until("E", "Find evidence in every passage"))
                first = searcher(db, query)
                for ch in query[:-1]:
                    app._driver.send_message(events.Key(ch, ch))
                    await asyncio.sleep(0.04)  # typing speed
                last = query[-1]
                typed.append(await key_until(last, f"#{first[0].passage_id} ", timeout=120))
                await back()
            figures[f"evidence_open_{label}_median_ms"] = statistics.median(opened) * 1000
            figures[f"evidence_typed_{label}_median_ms"] = statistics.median(typed) * 1000
            figures[f"evidence_typed_{label}_max_ms"] = max(typed) * 1000
    finally:
        evidence.reviewview.search_passages = as_is
        db.close()
    return figures


def storage_calls(path: Path) -> None:
    """The storage calls the article view and the evidence search make, timed directly."""
    from workbench.storage import reviewview, search

    t = time.perf_counter()
    db = connect(path, migrate=False)
    print(f"{'connect_ms':<34} {(time.perf_counter() - t) * 1000:10.2f}")
    largest = db.execute("SELECT max(id) FROM documents").fetchone()[0]
    docs = [1, largest // 2, largest]
    took = []
    for d in docs:
        t = time.perf_counter()
        n = len(corpus.passages_of(db, d))
        took.append(time.perf_counter() - t)
    print(f"{'passages_of_ms (' + str(n) + ' passages) max':<34} {max(took) * 1000:10.2f}")
    for query in TYPED:
        for label, call in (
            ("as is", lambda q: reviewview.search_passages(db, q)),
            ("bounded", lambda q: search.evidence_search(db, q)),
        ):
            each = []
            for i in range(1, len(query) + 1):
                t = time.perf_counter()
                call(query[:i])
                each.append(time.perf_counter() - t)
            print(
                f"  search {query!r:30} {label:8} per keystroke median {statistics.median(each) * 1000:8.1f} ms,"
                f" max {max(each) * 1000:8.1f} ms (at {query[: each.index(max(each)) + 1]!r})"
            )
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument(
        "--no-judging", action="store_true", help="in-process figures without the background judging worker"
    )
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
    reviewview.save_resume(
        db, reviewview.ResumeState(), "bench"
    )  # start at the top, whatever the last run left
    db.close()
    figures = asyncio.run(drive(path, args.presses, judging=not args.no_judging))
    starts = [first_claim_in_terminal(path) for _ in range(3)]
    figures["first_claim_terminal_s_median_of_3"] = statistics.median(starts)
    figures["first_claim_terminal_s_max_of_3"] = max(starts)
    for key, value in figures.items():
        print(f"{key:<26} {value:10.2f}")
    storage_calls(path)  # last: its slow searches would count in first_paint_s
    print(
        f"{'j_cost_over_baseline_ms':<26} {figures['press_j_median_ms'] - figures['press_unbound_median_ms']:10.2f}"
        f"   (ratio {figures['press_j_median_ms'] / figures['press_unbound_median_ms']:.2f})"
    )


if __name__ == "__main__":
    main()
