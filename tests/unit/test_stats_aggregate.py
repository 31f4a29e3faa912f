"""The database's per-day and per-zone totals against a full recomputation from the sessions.

Random sequences of everything that writes sessions (a live session glide by glide, a manual
log, an import, an edit that moves a session to another day, delete, undo, purge, a session
removed by another tool) and of the counting rules; after each sequence the totals the triggers
kept must equal the totals counted in Python from every session, and the stats must agree.
"""

import functools
import sqlite3
import threading
from collections import Counter
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facecoach.adherence.goals import DEFAULT_PROGRAM
from facecoach.adherence.session_log import SessionLog, ZonePlan
from facecoach.adherence.stats import (
    AdherenceStats,
    compute_stats,
    day_totals_of,
    heatmap_start,
    stats_from_store,
)
from facecoach.config.settings import Settings
from facecoach.storage.database import statements
from facecoach.storage.schema import APPLICATION_ID, MIGRATIONS
from tests.support.scratch_logs import open_empty_log, scratch_folder

T0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
ZONES = ("forehead", "cheeks", "neck")

moments = st.builds(
    lambda day, minute: T0 + timedelta(days=day, minutes=minute),
    st.integers(0, 20),
    st.integers(0, 24 * 60 - 1),
)
offsets = st.integers(-14 * 60, 14 * 60)
live = st.tuples(
    st.just("live"),
    moments,
    offsets,
    st.integers(0, 9),
    st.sampled_from(["stop", "finish", "leave"]),
)
manual = st.tuples(st.just("manual"), moments, offsets, st.integers(1, 900))
edit = st.tuples(st.just("edit"), st.integers(0, 30), moments, offsets)
delete = st.tuples(st.just("delete"), st.integers(0, 30))
undo = st.tuples(st.just("undo"))
purge = st.tuples(st.just("purge"))
remove = st.tuples(st.just("remove"), st.integers(0, 30))
rules = st.tuples(st.just("rules"), st.integers(0, 23), st.sampled_from([0.25, 0.5, 0.7, 1.0]))
operations = st.lists(
    st.one_of(live, manual, edit, delete, undo, purge, remove, rules), min_size=1, max_size=25
)


def apply(store: SessionLog, operation: tuple[object, ...], state: dict[str, object]) -> None:
    kind = operation[0]
    ids = [record.id for record in store.sessions(with_zones=False)]
    if kind == "live":
        _, started, offset, glides, ending = operation
        assert isinstance(started, datetime)
        assert isinstance(offset, int)
        assert isinstance(glides, int)
        session = store.begin_session(
            routine_id="r",
            routine_name="R",
            started=started,
            utc_offset_minutes=offset,
            planned_seconds=45,
            zones=[ZonePlan(i, zone, 3) for i, zone in enumerate(ZONES)],
            source="test",
        )
        for n in range(glides):
            store.record_glide(
                session,
                step_index=n,
                zone_index=n // 3,
                side="left",
                glide=n % 3 + 1,
                seconds=5,
                completed_offset=5.0 * (n + 1),
                active_seconds=5.0 * (n + 1) + 0.1,
                now=started + timedelta(seconds=5 * (n + 1)),
            )
        if ending != "leave":
            status = "completed" if ending == "finish" else "aborted"
            store.finish_session(
                session,
                status=status,  # type: ignore[arg-type]
                ended=started + timedelta(minutes=1),
                active_seconds=5.0 * glides + 0.3,
            )
    elif kind == "manual":
        _, started, offset, seconds = operation
        assert isinstance(started, datetime)
        assert isinstance(offset, int)
        assert isinstance(seconds, int)
        store.log_manual_session(
            routine_id="r",
            routine_name="R",
            started=started,
            utc_offset_minutes=offset,
            seconds=seconds,
            zones=[ZonePlan(0, "neck", 6)],
        )
    elif kind == "edit" and ids:
        _, pick, started, offset = operation
        assert isinstance(pick, int)
        assert isinstance(started, datetime)
        assert isinstance(offset, int)
        store.edit(
            ids[pick % len(ids)], now=T0, started=started, utc_offset_minutes=offset, note="moved"
        )
    elif kind == "delete" and ids:
        _, pick = operation
        assert isinstance(pick, int)
        store.delete(ids[pick % len(ids)], T0)
    elif kind == "undo":
        store.undo_delete()
    elif kind == "purge":
        store.purge_deleted()
    elif kind == "remove" and ids:  # another tool deletes a live session's row outright
        _, pick = operation
        assert isinstance(pick, int)
        with store.database.write() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (ids[pick % len(ids)],))
    elif kind == "rules":
        _, hour, share = operation
        assert isinstance(hour, int)
        assert isinstance(share, float)
        state["rules"] = (hour, share)
        store.use_counting_rules(day_start_hour=hour, count_share=share)


def assert_same_stats(kept: AdherenceStats, counted: AdherenceStats) -> None:
    for field in fields(AdherenceStats):
        left, right = getattr(kept, field.name), getattr(counted, field.name)
        if field.name in {"week_minutes", "total_minutes"}:
            assert left == pytest.approx(right), field.name
        elif field.name == "heatmap":
            assert left.keys() == right.keys()
            for day in left:
                assert left[day].sessions == right[day].sessions
                assert left[day].minutes == pytest.approx(right[day].minutes)
        else:
            assert left == right, field.name


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations, st.integers(0, 25))
def test_kept_totals_equal_a_full_recount(
    sequence: list[tuple[object, ...]], today_offset: int
) -> None:
    with scratch_folder() as folder, open_empty_log(Path(folder) / "f.db") as store:
        state: dict[str, object] = {"rules": (3, 0.5)}
        for operation in sequence:
            apply(store, operation, state)
        rules = state["rules"]
        assert isinstance(rules, tuple)
        hour, share = int(rules[0]), float(rules[1])
        store.use_counting_rules(day_start_hour=hour, count_share=share)
        sessions = store.sessions()

        expected_days = day_totals_of(sessions, day_start_hour=hour, count_share=share)
        kept_days = store.day_totals()
        # Per day as written; an in-progress session whose owner is gone reads as partial
        # (finished) only when read, so the finished totals agree once those are added.
        assert [d[:4] for d in kept_days] == [d[:4] for d in expected_days]
        assert sum(d.finished for d in kept_days) + store.interrupted_count() == sum(
            d.finished for d in expected_days
        )
        for kept, expected in zip(kept_days, expected_days, strict=True):
            assert kept.active_seconds == pytest.approx(expected.active_seconds)

        zones: Counter[str] = Counter()
        for session in sessions:
            for zone in session.zones:
                zones[zone.zone] += zone.glides_done
        assert store.zone_glide_totals() == {zone: n for zone, n in zones.items() if n}

        today = T0.date() + timedelta(days=today_offset)
        settings_ = Settings(day_start_hour=hour, count_share=share)
        kept_stats = stats_from_store(store, settings_, today=today)
        counted_stats = compute_stats(
            sessions,
            store.skip_days(),
            today=today,
            program=DEFAULT_PROGRAM,
            program_start=None,
            day_start_hour=hour,
            count_share=share,
        )
        assert_same_stats(kept_stats, counted_stats)
        assert heatmap_start(today) <= today.toordinal()


def test_an_empty_log_has_empty_stats(tmp_path: Path) -> None:
    with SessionLog.open(tmp_path / "f.db") as store:
        stats = stats_from_store(store, Settings(), today=date(2026, 3, 1))
        assert (stats.total_sessions, stats.streak.current, stats.strength) == (0, 0, 0.0)
        assert stats.completion_rate is None
        assert stats.heatmap == {}


def test_the_migration_counts_an_existing_log(tmp_path: Path) -> None:
    """A log from before the totals existed gets them when this facecoach first opens it."""
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("BEGIN")
    for script in MIGRATIONS[:4]:
        for statement in statements(script):
            old.execute(statement)
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute("PRAGMA user_version = 4")
    for n in range(12):
        started = (T0 + timedelta(days=n // 2, hours=n)).isoformat(timespec="milliseconds")
        old.execute(
            "INSERT INTO sessions (id, uid, routine_id, routine_name, source, started_utc,"
            " utc_offset_minutes, updated_utc, status, planned_seconds, active_seconds,"
            " deleted_utc) VALUES (?, ?, 'r', 'R', 'tui', ?, 60, ?, ?, 60, 30, ?)",
            (n + 1, f"u{n}", started, started, "completed" if n % 3 else "aborted",
             started if n == 5 else None),
        )  # fmt: skip
        old.execute("INSERT INTO session_zones VALUES (?, 0, 'neck', 6, ?, 0)", (n + 1, n % 7))
    old.execute("COMMIT")
    old.close()
    with SessionLog.open(path) as store:
        sessions = store.sessions()
        assert len(sessions) == 11
        assert store.day_totals() == day_totals_of(sessions, day_start_hour=3, count_share=0.5)
        assert store.zone_glide_totals() == {"neck": sum(s.zones[0].glides_done for s in sessions)}


# --- the streak checkpoint, over a log long enough to have one ------------------------------

LONG_START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
LONG_DAYS = 800


@functools.cache
def long_log() -> bytes:
    """Two years or so of sessions on most days, as the bytes of a database file."""
    with scratch_folder() as folder:
        path = Path(folder) / "long.db"
        with SessionLog.open(path) as store:
            for n in range(LONG_DAYS):
                if n % 11 in (3, 4) or n % 97 < 9:  # short and long gaps
                    continue
                store.log_manual_session(
                    routine_id="r",
                    routine_name="R",
                    started=LONG_START + timedelta(days=n, minutes=(n * 37) % 600),
                    utc_offset_minutes=60,
                    seconds=300,
                    zones=[ZonePlan(0, "neck", 6)],
                )
        return path.read_bytes()


old_changes = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.integers(0, 600), st.integers(-3, 3)),
        st.tuples(st.just("delete"), st.integers(0, 600)),
        st.tuples(st.just("skip"), st.integers(0, LONG_DAYS), st.integers(0, 20)),
        st.tuples(st.just("unskip"), st.integers(0, LONG_DAYS), st.integers(0, 20)),
        st.tuples(st.just("log"), st.integers(0, LONG_DAYS)),
        st.tuples(st.just("read"), st.integers(-5, 200)),
    ),
    max_size=8,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old_changes, st.sampled_from([None, date(2024, 2, 1), date(2025, 6, 1)]))
def test_stats_going_on_from_a_checkpoint_equal_a_full_recount(
    changes: list[tuple[object, ...]], program_start: date | None
) -> None:
    today = (LONG_START + timedelta(days=LONG_DAYS)).date()
    settings_ = Settings(program_start=program_start)
    with scratch_folder() as folder:
        path = Path(folder) / "f.db"
        path.write_bytes(long_log())
        with SessionLog.open(path) as store:

            def check(on: date) -> None:
                kept = stats_from_store(store, settings_, today=on)
                counted = compute_stats(
                    store.sessions(),
                    store.skip_days(),
                    today=on,
                    program=settings_.program(),
                    program_start=program_start,
                    day_start_hour=3,
                    count_share=0.5,
                )
                # The checkpoint path keeps only the weeks the chart shows.
                weeks = counted.strength_by_week
                counted = replace(
                    counted,
                    strength_by_week=[(d, s) for d, s in weeks if d >= kept.strength_by_week[0][0]],
                )
                assert_same_stats(kept, counted)

            check(today)
            assert store.database.read("SELECT count(*) FROM streak_checkpoint") == [(1,)]
            ids = [r.id for r in sorted(store.sessions(with_zones=False), key=lambda r: r.id)]
            for change in changes:
                kind, *values = change
                numbers = [int(v) for v in values]  # type: ignore[call-overload]
                if kind == "move":
                    record = store.session(ids[numbers[0] % len(ids)])
                    store.edit(
                        record.id, now=T0, started=record.started_utc + timedelta(days=numbers[1])
                    )
                elif kind == "delete":
                    store.delete(ids[numbers[0] % len(ids)], T0)
                elif kind == "skip":
                    first = (LONG_START + timedelta(days=numbers[0])).date()
                    store.add_skip_days(first, first + timedelta(days=numbers[1]), "travel")
                elif kind == "unskip":
                    first = (LONG_START + timedelta(days=numbers[0])).date()
                    store.remove_skip_days(first, first + timedelta(days=numbers[1]))
                elif kind == "log":
                    store.log_manual_session(
                        routine_id="r",
                        routine_name="R",
                        started=LONG_START + timedelta(days=numbers[0], hours=5),
                        utc_offset_minutes=0,
                        seconds=120,
                        zones=[ZonePlan(0, "neck", 6)],
                    )
                else:
                    check(today + timedelta(days=numbers[0]))
            check(today)


def test_stats_read_in_a_thread_while_a_session_writes_its_glides(tmp_path: Path) -> None:
    """History reads stats in a worker thread during a session: one connection, taken in turn."""
    path = tmp_path / "f.db"
    path.write_bytes(long_log())
    with SessionLog.open(path) as store:
        today = (LONG_START + timedelta(days=LONG_DAYS)).date()
        started = LONG_START + timedelta(days=LONG_DAYS, hours=1)
        session = store.begin_session(
            routine_id="r",
            routine_name="R",
            started=started,
            utc_offset_minutes=60,
            planned_seconds=600,
            zones=[ZonePlan(0, "neck", 120)],
            source="test",
        )
        problems: list[BaseException] = []

        def read_stats() -> None:
            for hour in range(40):
                try:
                    # Another day start each time: the rules change, so the read writes too.
                    stats_from_store(store, Settings(day_start_hour=hour % 24), today=today)
                except BaseException as exc:
                    problems.append(exc)

        reader = threading.Thread(target=read_stats)
        reader.start()
        for n in range(120):
            store.record_glide(
                session,
                step_index=n,
                zone_index=0,
                side="left",
                glide=1,
                seconds=5,
                completed_offset=5.0 * n,
                active_seconds=5.0 * n,
                now=started + timedelta(seconds=5 * n),
            )
        reader.join()
        assert problems == []
        assert store.session(session).glides_done == 120
