"""History with 10 years of sessions: how long it takes to open, and how late a session's cue
is when History is opened in the middle of a session.

1. Open: push History on home and wait until it is drawn and filled in, next to pushing an empty
   screen in the same app (the floor for any screen change); wall time and the event loop's
   CPU time, medians. Meanwhile a probe on the event loop wakes every 5 ms and records how late
   it woke: the longest stall is how late any timer due then (a cue, a digit) would be.
2. Cue lateness: a real session (`SystemClock`, the real event loop, headless) of the built-in
   `express` routine; shortly before a glide's boundary (0 to 300 ms), History is pushed over
   the session screen, then closed and the session resumed. Each glide's cue is as late as the
   step's elapsed time when the screen handles its start. The same with an empty screen pushed
   instead is the baseline.

    python bench/history.py [--years 10] [--rounds 7]
    PYTHONPATH=/path/to/other/src python bench/history.py   # another version, same machine
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from stats import FIRST_DAY, build_history

from facecoach.adherence.session_log import SessionLog
from facecoach.companion.core import Companion
from facecoach.safety.records import SafetyRecords
from facecoach.session.clock import FakeClock, SystemClock

OFFSETS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3)  # seconds before a glide's boundary


def prepare(folder: Path, years: int) -> Path:
    database = folder / "facecoach.db"
    with SessionLog.open(database) as store:
        build_history(store, years)
        SafetyRecords(store.database).record_screening({}, datetime.now(UTC))
    return database


def filled(app: object) -> bool:
    from textual.widgets import DataTable

    screen = app.screen  # type: ignore[attr-defined]
    tables = screen.query(DataTable)
    return bool(tables) and tables.first().row_count > 0


async def open_history(database: Path, years: int, rounds: int) -> None:
    from textual.screen import Screen

    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.history import HistoryScreen

    today = FIRST_DAY + timedelta(days=365 * years, hours=12)
    app = FacecoachApp(Companion(FakeClock(start=today), database.parent / "c", database))
    samples: dict[str, list[tuple[float, float]]] = {"empty": [], "history": []}
    stalls: dict[str, list[float]] = {"empty": [], "history": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        for _ in range(rounds):
            for name in ("empty", "history"):
                probe = asyncio.create_task(stall_probe(stalls[name]))
                await asyncio.sleep(0.02)
                wall, cpu = time.perf_counter(), time.process_time()
                if name == "empty":
                    await app.push_screen(Screen())
                    await pilot.pause()
                else:
                    await app.push_screen(HistoryScreen(app.companion))
                    while not filled(app):  # the table's rows come from a worker thread
                        await asyncio.sleep(0.001)
                samples[name].append((time.perf_counter() - wall, time.process_time() - cpu))
                await asyncio.sleep(0.05)
                probe.cancel()
                app.pop_screen()
                await pilot.pause()
    for name, values in samples.items():
        wall = statistics.median(v[0] for v in values) * 1000
        cpu = statistics.median(v[1] for v in values) * 1000
        print(
            f"  open {name:8} wall {wall:6.1f} ms   CPU {cpu:6.1f} ms  (median of {rounds}),"
            f" longest event-loop stall {max(stalls[name]) * 1000:6.1f} ms"
        )


async def stall_probe(stalls: list[float], period: float = 0.005) -> None:
    """Wakes every `period` and records how late each wake-up was."""
    while True:
        due = time.perf_counter() + period
        await asyncio.sleep(period)
        stalls.append(time.perf_counter() - due)


async def cue_lateness(database: Path, cover: str) -> list[float]:
    from textual.screen import Screen

    from facecoach.session.engine import EventKind
    from facecoach.session.timeline import StepKind
    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.history import HistoryScreen
    from facecoach.tui.screens.session import SessionScreen

    companion = Companion(SystemClock(), database.parent / "c", database)
    routine = companion.program_service.routine_for_session("express").model_copy(
        update={"prep": None}
    )
    app = FacecoachApp(companion)
    late: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        screen = SessionScreen(companion, routine)
        handle = screen.handle

        def timed(event, session):  # type: ignore[no-untyped-def]
            step = event.step
            if event.kind is EventKind.STEP_STARTED and step and step.kind is StepKind.GLIDE:
                late.append(session.snapshot().step_elapsed)
            handle(event, session)

        screen.handle = timed  # type: ignore[method-assign]
        await app.push_screen(screen)
        for offset in OFFSETS:
            snapshot = screen.session.snapshot()
            await asyncio.sleep(max(0.0, snapshot.step_remaining - offset))
            covering = HistoryScreen(companion) if cover == "history" else Screen()
            await app.push_screen(covering)
            await asyncio.sleep(0.6)
            app.pop_screen()
            await pilot.pause()
            if screen.live.paused_because:
                screen.action_toggle_pause()
            await asyncio.sleep(0.2)
        screen.live.interrupt()
    return late[1:]  # the first glide starts with the screen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = prepare(Path(folder), arguments.years)
        print(f"History with {arguments.years} years:")
        asyncio.run(open_history(database, arguments.years, arguments.rounds))
        for cover in ("empty", "history"):
            late = [value * 1000 for value in asyncio.run(cue_lateness(database, cover))]
            print(
                f"  cue lateness, {cover:7} screen pushed before the boundary:"
                f" max {max(late):6.1f} ms, median {statistics.median(late):5.1f} ms"
                f" ({len(late)} cues)"
            )


if __name__ == "__main__":
    main()
