"""The SQLite session log: durability, partial sessions, bad files, concurrency, round trips."""

import hashlib
import multiprocessing
import os
import sqlite3
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facecoach.adherence.days import counting_day
from facecoach.adherence.session_log import (
    RecordStatus,
    SessionLog,
    SessionRecord,
    StoreError,
    ZonePlan,
)
from facecoach.adherence.transfer import export_data, import_data, parse_export, to_csv, to_json
from facecoach.storage.database import checked_stamp_path, unchanged_since_checked
from facecoach.storage.leases import SessionLease

T0 = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


def begin(store: SessionLog, started: datetime = T0, uid: str | None = None) -> int:
    return store.begin_session(
        routine_id="lift-5",
        routine_name="5-minute lift",
        started=started,
        utc_offset_minutes=60,
        planned_seconds=300,
        zones=[ZonePlan(0, "forehead", 6), ZonePlan(1, "neck", 6)],
        source="test",
        uid=uid,
    )


def glide(store: SessionLog, session_id: int, n: int, zone_index: int = 0) -> None:
    store.record_glide(
        session_id,
        step_index=n,
        zone_index=zone_index,
        side="left",
        glide=n % 3 + 1,
        seconds=5,
        completed_offset=5.0 * (n + 1),
        active_seconds=5.0 * (n + 1),
        now=T0 + timedelta(seconds=5 * (n + 1)),
    )


def test_session_is_written_at_start_and_glide_by_glide(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    lease = SessionLease(path, "live")
    assert lease.acquire()  # the owner of a live session holds its lease
    with SessionLog.open(path) as store:
        sid = begin(store, uid="live")
        for n in range(4):
            glide(store, sid, n)
    # A second connection (as another process would) sees everything already.
    with SessionLog.open(path) as reader:
        (session,) = reader.sessions()
        assert session.status == "in_progress"
        assert session.glides_done == 4
        assert session.zones[0].glides_done == 4
        assert session.active_seconds == 20
        assert len(reader.glides(sid)) == 4


def test_an_abandoned_session_shows_up_as_partial_with_its_zones(tmp_path: Path) -> None:
    with SessionLog.open(tmp_path / "log.db") as store:
        sid = begin(store)
        for n in range(7):
            glide(store, sid, n, zone_index=0 if n < 6 else 1)
        # No one holds its lease: the owner is gone, so it is partial at once, not in 30 min.
        (session,) = store.sessions()
    assert session.status == "partial"
    assert [(z.zone, z.glides_done) for z in session.zones] == [("forehead", 6), ("neck", 1)]


def test_finished_sessions_keep_their_status(tmp_path: Path) -> None:
    with SessionLog.open(tmp_path / "log.db") as store:
        sid = begin(store)
        store.finish_session(
            sid, status=RecordStatus.ABORTED, ended=T0 + timedelta(minutes=1), active_seconds=42
        )
        (session,) = store.sessions()
    assert (session.status, session.active_seconds) == ("aborted", 42)
    assert session.ended_utc == T0 + timedelta(minutes=1)
    assert session.started_local.utcoffset() == timedelta(minutes=60)


def test_the_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "log.db"
    SessionLog.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    path.write_bytes(os.urandom(4096))
    before = digest(path)
    with pytest.raises(StoreError, match=r"not an SQLite database.*has not been changed"):
        SessionLog.open(path)
    assert digest(path) == before


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    before = digest(path)
    with pytest.raises(StoreError, match="another program's database"):
        SessionLog.open(path)
    assert digest(path) == before


def test_a_damaged_log_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    with SessionLog.open(path) as store:
        sid = begin(store)
        for n in range(50):
            glide(store, sid, n)
    assert unchanged_since_checked(path)  # facecoach left it sound...
    data = bytearray(path.read_bytes())
    data[4096:8192] = os.urandom(4096)  # ...then something scribbles over a page
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError, match=r"damaged|not a usable"):
        SessionLog.open(path)
    assert digest(path) == before


def test_a_log_from_a_newer_facecoach_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    SessionLog.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer facecoach"):
        SessionLog.open(path)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="root ignores file permissions (and a folder's mode is POSIX only)",
)
def test_a_read_only_folder_gives_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="cannot create the session log"):
            SessionLog.open(folder / "log.db")
    finally:
        folder.chmod(0o700)


def test_a_read_only_log_gives_a_clear_error_on_write(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    SessionLog.open(path).close()
    store = SessionLog.open(path)
    # Query-only mode makes SQLite refuse writes exactly as a read-only file does, even as root.
    store.database.read("PRAGMA query_only = ON")
    with pytest.raises(StoreError, match=r"read-only|failed"):
        begin(store)
    store.close()


def _writer(path: str, worker: int, count: int) -> None:
    with SessionLog.open(Path(path)) as store:
        sid = begin(store, started=T0 + timedelta(minutes=worker))
        for n in range(count):
            glide(store, sid, n)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    SessionLog.open(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), w, 150)) for w in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    with SessionLog.open(path) as store:
        sessions = store.sessions()
    assert sorted(s.glides_done for s in sessions) == [150, 150]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trip_is_idempotent(tmp_path: Path, fmt: str) -> None:
    with SessionLog.open(tmp_path / "a.db") as source:
        for k in range(3):
            sid = begin(source, started=T0 + timedelta(days=k))
            for n in range(k + 2):
                glide(source, sid, n)
            source.finish_session(
                sid,
                status=RecordStatus.COMPLETED,
                ended=T0 + timedelta(days=k, minutes=5),
                active_seconds=300,
            )
        source.add_skip_days(
            T0.date() + timedelta(days=5), T0.date() + timedelta(days=6), "vacation"
        )
        export = export_data(source, with_glides=fmt == "json")
        text = to_json(export) if fmt == "json" else to_csv(export)
        original = source.sessions()
    parsed = parse_export(text, f"export.{fmt}")
    with SessionLog.open(tmp_path / "b.db") as target:
        assert import_data(target, parsed) == (3, 0)
        assert import_data(target, parsed) == (0, 3)
        copied = target.sessions()
        assert len(target.skip_days()) == 2
        if fmt == "json":
            assert len(target.glides(copied[0].id)) == len(parsed.sessions[-1].glides)

    def strip(s: SessionRecord) -> tuple[object, ...]:
        return (
            s.uid,
            s.started_utc,
            s.status,
            s.active_seconds,
            s.zones,
            s.utc_offset_minutes,
        )

    assert [strip(s) for s in copied] == [strip(s) for s in original]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "invalid JSON"),
        ('{"format": "other", "version": 1, "sessions": []}', "format"),
        ("a,b\n1,2\n", "no 'kind' column"),
        ("kind,uid\nsession,xyz\n", "session 1, uid"),
    ],
)
def test_bad_import_files_are_explained(text: str, expected: str) -> None:
    from facecoach.adherence.transfer import TransferError

    with pytest.raises(TransferError) as caught:
        parse_export(text, "in.json")
    assert "in.json" in str(caught.value)
    assert expected in str(caught.value)


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(-12 * 60, 14 * 60),
    st.integers(0, 23),
)
def test_counting_day_is_the_local_date_shifted_by_the_day_start(
    moment: datetime, offset: int, day_start: int
) -> None:
    from datetime import timezone

    local = moment.astimezone(timezone(timedelta(minutes=offset)))
    day = counting_day(moment, offset, day_start)
    expected = local.date() if local.hour >= day_start else local.date() - timedelta(days=1)
    assert day == expected


def test_half_past_midnight_counts_for_the_day_before() -> None:
    # 00:30 in Paris in winter (UTC+1) is 23:30 UTC the day before.
    moment = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)
    assert counting_day(moment, 60, 3).isoformat() == "2026-01-10"
    assert counting_day(moment, 60, 0).isoformat() == "2026-01-11"


def test_daylight_saving_night_neither_duplicates_nor_loses_a_day() -> None:
    # Europe/Paris springs forward on 2026-03-29 at 02:00 local. Sessions at 09:00 local on the
    # days around it, each with the offset in force then, count for three distinct days.
    sessions = [
        (datetime(2026, 3, 28, 8, 0, tzinfo=UTC), 60),
        (datetime(2026, 3, 29, 7, 0, tzinfo=UTC), 120),
        (datetime(2026, 3, 30, 7, 0, tzinfo=UTC), 120),
    ]
    assert [counting_day(m, o, 3).day for m, o in sessions] == [28, 29, 30]


def test_an_unchanged_log_is_not_scanned_again_but_any_change_is(tmp_path: Path) -> None:
    """The quick check reads the whole file; it runs again only when something else changed
    the file since facecoach last checked it and closed it."""
    path = tmp_path / "log.db"
    with SessionLog.open(path) as store:
        begin(store)
        assert not unchanged_since_checked(path)  # open: the write-ahead log is in use
    assert unchanged_since_checked(path)
    stamp = checked_stamp_path(path)
    assert stat.S_IMODE(stamp.stat().st_mode) == 0o600
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1))  # another tool touched it
    assert not unchanged_since_checked(path)
    SessionLog.open(path).close()  # checked again, and stamped again
    assert unchanged_since_checked(path)
    stamp.write_text("garbage")
    assert not unchanged_since_checked(path)
    stamp.write_bytes(os.urandom(5000))
    assert not unchanged_since_checked(path)
