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
  cursor does not count). Keys 30-150 ms apart (reading), then held ``j`` (a
  key every 33 ms, as terminal auto-repeat). ``frames_per_key`` counts frames;
- Pilot's ``press`` (waits for idle, ~40-80 ms of its own) next to an unbound
  key as the baseline, and the synchronous work of one move timed directly;
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
                    future.set_result(time.perf_counter())

        app._display = timed_display
        loop = asyncio.get_running_loop()
        rng = random.Random(3)

        async def press_and_time(key: str, step: int) -> float:
            target = claims.row(claims.cursor + step)
            waiting.update(future=loop.create_future(), marker=f"claim #{target.id}")
            t = time.perf_counter()
            app._driver.send_message(events.Key(key, key))
            painted = await asyncio.wait_for(waiting["future"], 5)
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
    starts = [first_claim_in_terminal(path) for _ in range(3)]
    figures["first_claim_terminal_s_median_of_3"] = statistics.median(starts)
    figures["first_claim_terminal_s_max_of_3"] = max(starts)
    for key, value in figures.items():
        print(f"{key:<26} {value:10.2f}")
    print(
        f"{'j_cost_over_baseline_ms':<26} {figures['press_j_median_ms'] - figures['press_unbound_median_ms']:10.2f}"
        f"   (ratio {figures['press_j_median_ms'] / figures['press_unbound_median_ms']:.2f})"
    )


if __name__ == "__main__":
    main()
