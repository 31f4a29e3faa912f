"""All stats (streak, strength, week, heatmap, totals, zones) at 1, 3, 10 and 30 years of
almost-daily sessions, as home, History and `facecoach stats` ask for them.

For each history it prints the median wall and CPU time of `stats_from_store` (what the app
calls), and, as the baseline in the same run, the full recomputation from every session
(`store.sessions()` then `compute_stats`). Run it on another checkout to compare:

    python bench/stats.py [--years 1 3 10 30] [--rounds 15]
    PYTHONPATH=/path/to/other/src python bench/stats.py
"""

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from facecoach.adherence.session_log import SessionLog, SessionRecord, ZoneRecord
from facecoach.adherence.stats import compute_stats, stats_from_store
from facecoach.config.settings import Settings

ZONES = ["forehead", "cheeks", "cheeks", "jawline", "neck"]  # 5 zones x 6 glides = 30 glides
FIRST_DAY = datetime(1990, 1, 1, 7, 0, tzinfo=UTC)


def build_history(store: SessionLog, years: int, seed: int = 1) -> date:
    """About one missed day in twelve, one session in ten stopped early; returns 'today'."""
    rng = random.Random(seed)
    records = []
    for day in range(365 * years):
        if rng.random() < 0.08:
            continue
        started = FIRST_DAY + timedelta(days=day, minutes=rng.randint(0, 600))
        done = 30 if rng.random() < 0.9 else rng.randint(1, 29)
        zones = tuple(
            ZoneRecord(index, zone, 6, max(0, min(6, done - index * 6)), 0)
            for index, zone in enumerate(ZONES)
        )
        records.append(
            SessionRecord(
                id=0,
                uid=uuid.uuid4().hex,
                routine_id="lift-5",
                routine_name="5-minute lift",
                device=None,
                source="bench",
                started_utc=started,
                utc_offset_minutes=60,
                ended_utc=started + timedelta(minutes=5),
                status="completed" if done == 30 else "aborted",  # type: ignore[arg-type]
                planned_seconds=300,
                active_seconds=done * 10.0,
                note=None,
                zones=zones,
            )
        )
    store.import_records([(record, ()) for record in records])
    return (FIRST_DAY + timedelta(days=365 * years)).date()


def timed(work: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `work`, after one warm-up call."""
    work()
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def full_recomputation(store: SessionLog, settings: Settings, today: date) -> object:
    return compute_stats(
        store.sessions(with_zones=False),
        store.skip_days(),
        today=today,
        program=settings.program(),
        program_start=settings.program_start,
        day_start_hour=settings.day_start_hour,
        count_share=settings.count_share,
        zone_glides=store.zone_glide_totals(),
    )


def main(years_list: list[int], rounds: int) -> None:
    settings = Settings()
    print("| history | sessions | stats_from_store wall / CPU | full recomputation wall / CPU |")
    print("|---|---|---|---|")
    for years in years_list:
        with (
            tempfile.TemporaryDirectory() as tmp,
            SessionLog.open(Path(tmp) / "facecoach.db") as store,
        ):
            today = build_history(store, years)
            count = len(store.sessions(with_zones=False))
            fast = timed(lambda: stats_from_store(store, settings, today=today), rounds)  # noqa: B023
            full = timed(lambda: full_recomputation(store, settings, today), rounds)  # noqa: B023
        print(
            f"| {years} y | {count} | {fast[0]:.1f} / {fast[1]:.1f} ms"
            f" | {full[0]:.1f} / {full[1]:.1f} ms |",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3, 10, 30])
    parser.add_argument("--rounds", type=int, default=15)
    arguments = parser.parse_args()
    main(arguments.years, arguments.rounds)
