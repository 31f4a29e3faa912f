"""Session log at scale: 10 years of daily sessions (~3,650 sessions, ~100,000 glides).

Prints: time to compute all stats (read + compute), time per durably persisted glide next to a
bare SQLite durable insert in the same database settings (the floor), and the database size.

    python bench/adherence.py [--years 10]
"""

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from facecoach.adherence.session_log import (
    GlideRecord,
    SessionLog,
    SessionRecord,
    ZonePlan,
    ZoneRecord,
)
from facecoach.adherence.stats import stats_from_store
from facecoach.config.settings import Settings

ZONES = ["forehead", "cheeks", "cheeks", "jawline", "neck"]  # 5 zones x 6 glides = 30 glides


def synthetic_history(store: SessionLog, years: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    start = datetime(2016, 1, 1, 7, 0, tzinfo=UTC)
    glide_total = 0
    for day in range(365 * years):
        if rng.random() < 0.08:  # about one missed day in twelve
            continue
        started = start + timedelta(days=day, minutes=rng.randint(0, 600))
        done = 30 if rng.random() < 0.9 else rng.randint(1, 29)
        zones = []
        glides = []
        for index, zone in enumerate(ZONES):
            zone_done = max(0, min(6, done - index * 6))
            zones.append(ZoneRecord(index, zone, 6, zone_done, 0))
            for g in range(zone_done):
                step = index * 7 + g
                side = "left" if g < 3 else "right"
                glides.append(GlideRecord(step, index, side, g % 3 + 1, 5.0, step * 5.0))
        glide_total += len(glides)
        record = SessionRecord(
            id=0,
            uid=uuid.uuid4().hex,
            routine_id="lift-5",
            routine_name="5-minute lift",
            device=None,
            source="bench",
            started_utc=started,
            utc_offset_minutes=60,
            ended_utc=started + timedelta(minutes=5),
            status="completed" if done == 30 else "aborted",
            planned_seconds=300,
            active_seconds=done * 10.0,
            note=None,
            zones=tuple(zones),
        )
        store.import_records([(record, glides)])
    return glide_total


def time_stats(store: SessionLog, today: date, rounds: int = 15) -> float:
    """Median time of all stats as the app reads them (see bench/stats.py for more)."""
    settings = Settings()
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        stats_from_store(store, settings, today=today)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def time_glide_writes(store: SessionLog, count: int = 400) -> list[float]:
    sid = store.begin_session(
        routine_id="lift-5",
        routine_name="5-minute lift",
        started=datetime.now(UTC),
        utc_offset_minutes=60,
        planned_seconds=300,
        zones=[ZonePlan(0, "forehead", count)],
        source="bench",
    )
    samples = []
    for n in range(count):
        t0 = time.perf_counter()
        store.record_glide(
            sid,
            step_index=n,
            zone_index=0,
            side="left",
            glide=1,
            seconds=5,
            completed_offset=n * 5.0,
            active_seconds=n * 5.0,
            now=datetime.now(UTC),
        )
        samples.append(time.perf_counter() - t0)
    return samples


def time_bare_inserts(path: Path, count: int = 400) -> list[float]:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b REAL)")
    samples = []
    for n in range(count):
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?, ?)", (n, n * 1.5))
        db.execute("COMMIT")
        samples.append(time.perf_counter() - t0)
    db.close()
    return samples


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return f"median {statistics.median(samples) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


def main(years: int) -> None:
    with tempfile.TemporaryDirectory(dir=Path.home() if Path.home().exists() else None) as tmp:
        path = Path(tmp) / "facecoach.db"
        with SessionLog.open(path) as store:
            t0 = time.perf_counter()
            glides = synthetic_history(store, years)
            built = time.perf_counter() - t0
            sessions = len(store.sessions())
            print(
                f"history: {years} years, {sessions} sessions, {glides} glides "
                f"(built in {built:.1f} s)"
            )
            spent = time_stats(store, date(2016, 1, 1) + timedelta(days=365 * years))
            print(f"all stats (stats_from_store): {spent * 1000:.1f} ms, median of 15")
            glide_samples = time_glide_writes(store)
        bare = time_bare_inserts(Path(tmp) / "bare.db")
        print(f"persist one glide (WAL, synchronous=FULL): {describe(glide_samples)}")
        print(f"bare SQLite durable insert, same settings:  {describe(bare)}")
        print(f"database size: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    main(parser.parse_args().years)
