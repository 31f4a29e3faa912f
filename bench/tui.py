"""TUI speed: launch to the first painted home screen, and opening history on 10 years of data.

Launch is timed in fresh processes (imports included), alternating with a bare Textual app
that exits once its first frame is painted: the floor any Textual app pays. History is timed in
process, next to pushing an empty screen in the same app (the floor for any screen change).

    python bench/tui.py [--runs 10] [--years 10]
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from adherence import synthetic_history

from facecoach.adherence.session_log import SessionLog
from facecoach.companion.core import Companion
from facecoach.safety.records import SafetyRecords
from facecoach.session.clock import FakeClock

BARE_APP = """
from textual.app import App
class Bare(App):
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True)
"""

# The same path as `facecoach` with no arguments, plus an exit after the home screen's first
# paint.
FACECOACH_APP = """
import facecoach.cli.main
from facecoach.companion.core import Companion
from facecoach.config.paths import config_dir, database_path
from facecoach.session.clock import SystemClock
from facecoach.tui.app import FacecoachApp
class Timed(FacecoachApp):
    def on_mount(self):
        super().on_mount()
        self.home.call_after_refresh(self.exit)
Timed(Companion(SystemClock(), config_dir(), database_path())).run(headless=True)
"""


def time_process(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def launch(runs: int, tmp: Path) -> None:
    env = dict(os.environ)
    env["FACECOACH_CONFIG_DIR"] = str(tmp / "config")
    env["FACECOACH_DATA_DIR"] = str(tmp / "data")
    with SessionLog.open(tmp / "data" / "facecoach.db") as store:  # screening done
        SafetyRecords(store.database).record_screening({}, datetime.now(UTC))
    bare, ours = [], []
    time_process(BARE_APP, env)  # warm the file cache for both
    time_process(FACECOACH_APP, env)
    for _ in range(runs):
        bare.append(time_process(BARE_APP, env))
        ours.append(time_process(FACECOACH_APP, env))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"launch to first painted frame, median of {runs}:")
    print(f"  bare Textual app:      {b * 1000:7.1f} ms")
    print(f"  facecoach home screen: {o * 1000:7.1f} ms  ({o / b:.2f}x the bare app)")


def history(years: int, tmp: Path) -> None:
    from textual.screen import Screen

    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.history import HistoryScreen

    database = tmp / "history.db"
    with SessionLog.open(database) as store:
        synthetic_history(store, years)
        SafetyRecords(store.database).record_screening({}, datetime.now(UTC))
        sessions = len(store.sessions())
    clock = FakeClock(start=datetime(2016, 1, 1, 20, 0, tzinfo=UTC) + timedelta(days=365 * years))
    app = FacecoachApp(Companion(clock, tmp / "config", database))
    empty: list[float] = []
    full: list[float] = []

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for _ in range(7):
                start = time.perf_counter()
                await app.push_screen(Screen())
                await pilot.pause()
                empty.append(time.perf_counter() - start)
                app.pop_screen()
                await pilot.pause()
                start = time.perf_counter()
                await app.push_screen(HistoryScreen(app.companion))
                await pilot.pause()
                full.append(time.perf_counter() - start)
                app.pop_screen()
                await pilot.pause()

    asyncio.run(main())
    print(f"open history with {years} years ({sessions} sessions), median of 7:")
    print(f"  empty screen:   {statistics.median(empty) * 1000:6.1f} ms")
    print(f"  history screen: {statistics.median(full) * 1000:6.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        launch(args.runs, Path(tmp))
        history(args.years, Path(tmp))
