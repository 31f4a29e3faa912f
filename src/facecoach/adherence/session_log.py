"""The session log: sessions, their zones and glides, skip days, written as a session happens.

Durability: each completed glide is its own write transaction (see `storage.database`), so a
crash, `kill -9` or power cut loses at most the glide in flight. Whether a session without a
final status is still running is known from its owner's lease (`storage.leases`): a session whose
owner is gone reads as partial at once.
"""

import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from facecoach.adherence.streaks import Checkpoint
from facecoach.session.engine import zone_is_complete
from facecoach.storage.database import Database, StoreError, parse_utc, utc_text
from facecoach.storage.leases import owner_is_alive
from facecoach.storage.log_holders import other_holders
from facecoach.storage.schema import DAY_RECOUNT_TRIGGERS

if TYPE_CHECKING:
    # The streaks and the session engine load with the first read of the numbers, not with
    # the log: the app's first frame opens the log but shows no numbers.
    from facecoach.adherence.streaks import Checkpoint

__all__ = ["RecordStatus", "SessionEventKind", "SessionLog", "SessionSource", "StoreError"]


class RecordStatus(StrEnum):
    """A logged session's status (the engine's SessionStatus is the live state)."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PARTIAL = "partial"  # interrupted: the process died or the terminal closed
    ABORTED = "aborted"  # the user ended it early


class SessionEventKind(StrEnum):
    """Something that happened to a session besides its glides."""

    DEVICE_DROPPED = "device_dropped"
    DEVICE_RECONNECTED = "device_reconnected"
    DEVICE_GAVE_UP = "device_gave_up"  # reconnection stopped trying
    DEVICE_STOPPED = "device_stopped"  # the device confirmed `stop` at the end
    DEVICE_PAUSED = "device_paused"  # the device confirmed `stop` for a pause
    DEVICE_STOP_FAILED = "device_stop_failed"  # it could not be stopped: the detail says why
    DEVICE_CHARGING = "device_charging"  # put on its charger mid-session: the session ended
    EDITED = "edited"  # the user corrected it; the detail keeps the old values


SHORT_ID_LENGTH = 6  # of a session's uid, as history shows it


class SessionSource(StrEnum):
    """Where a logged session came from."""

    TUI = "tui"
    COACH = "coach"
    MANUAL = "manual"  # logged afterwards with `facecoach log`


@dataclass(frozen=True, slots=True)
class ZonePlan:
    zone_index: int
    zone: str
    glides_planned: int


class GlideRecord(NamedTuple):
    """One completed glide as stored."""

    step_index: int
    zone_index: int
    side: str
    glide: int
    seconds: float
    completed_offset: float


class ZoneRecord(NamedTuple):
    """A zone of a session as stored: glides planned, done and skipped."""

    zone_index: int
    zone: str
    glides_planned: int
    glides_done: int
    glides_skipped: int

    @property
    def is_complete(self) -> bool:
        return zone_is_complete(self.glides_planned, self.glides_done)


class DayTotals(NamedTuple):
    """One counting day of the log, as stats need it (the `day_totals` table)."""

    day: int  # date.toordinal() of the day the sessions count for
    sessions: int
    counted: int  # sessions that count towards the goal
    completed: int
    finished: int  # not in progress (as written: see `SessionLog.interrupted_count`)
    active_seconds: float


@dataclass(frozen=True, slots=True)
class LogSummary:
    """What stats read from the log: none of it grows with the log's length except the
    counted days, and with a checkpoint those only from `first_day_needed` on."""

    first_counted: int | None  # the first day with a counted session
    counted_days: list[int]  # days with a counted session (from some day on), in order
    totals: DayTotals  # `day` is the number of days with a session
    recent: list[DayTotals]  # every day with a session from the heatmap's first day on

    @classmethod
    def of(cls, days: Sequence[DayTotals], since: int) -> "LogSummary":
        """The summary of all these per-day totals (in day order), recent from `since`."""
        counted = [t.day for t in days if t.counted]
        return cls(
            first_counted=counted[0] if counted else None,
            counted_days=counted,
            totals=DayTotals(
                len(days),
                sum(t.sessions for t in days),
                sum(t.counted for t in days),
                sum(t.completed for t in days),
                sum(t.finished for t in days),
                sum(t.active_seconds for t in days),
            ),
            recent=[t for t in days if t.day >= since],
        )


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A session as stored, with its zones."""

    id: int
    uid: str
    routine_id: str
    routine_name: str
    device: str | None
    source: str
    started_utc: datetime
    utc_offset_minutes: int
    ended_utc: datetime | None
    status: RecordStatus
    planned_seconds: float
    active_seconds: float
    note: str | None
    zones: tuple[ZoneRecord, ...]
    # (planned, done) summed by SQL when the zones were not loaded (`with_zones=False`).
    glide_totals: tuple[int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def glides_planned(self) -> int:
        if self.glide_totals is not None:
            return self.glide_totals[0]
        return sum(z.glides_planned for z in self.zones)

    @property
    def glides_done(self) -> int:
        if self.glide_totals is not None:
            return self.glide_totals[1]
        return sum(z.glides_done for z in self.zones)

    @property
    def short_id(self) -> str:
        """The id `history` shows and `log edit` and `log delete` take."""
        return self.uid[:SHORT_ID_LENGTH]

    @property
    def started_local(self) -> datetime:
        return self.started_utc.astimezone(timezone(timedelta(minutes=self.utc_offset_minutes)))


def _stored_int(value: object) -> int:
    """A whole number as facecoach stores it; anything else (text put there by another tool)
    is a ValueError, which the reader's `decoding()` says is damage."""
    if type(value) is not int:
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _stored_float(value: object) -> float:
    if type(value) not in (int, float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)  # type: ignore[arg-type]


class SessionLog:
    """The session log of an open facecoach database. `SessionLog.open(path)` opens both."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @classmethod
    def open(cls, path: Path) -> "SessionLog":
        return cls(Database.open(path))

    @property
    def path(self) -> Path:
        return self.database.path

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> "SessionLog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- recording a live session --------------------------------------------------------

    def begin_session(
        self,
        *,
        routine_id: str,
        routine_name: str,
        started: datetime,
        utc_offset_minutes: int,
        planned_seconds: float,
        zones: Sequence[ZonePlan],
        source: str,
        device: str | None = None,
        uid: str | None = None,
    ) -> int:
        """Write a new in-progress session and its planned zones; returns its id."""
        with self.database.write() as db:
            return _insert_session(
                db,
                {
                    "uid": uid or uuid.uuid4().hex,
                    "routine_id": routine_id,
                    "routine_name": routine_name,
                    "device": device,
                    "source": source,
                    "started_utc": utc_text(started),
                    "utc_offset_minutes": utc_offset_minutes,
                    "updated_utc": utc_text(started),
                    "status": RecordStatus.IN_PROGRESS,
                    "planned_seconds": planned_seconds,
                    "active_seconds": 0.0,
                },
                [ZoneRecord(z.zone_index, z.zone, z.glides_planned, 0, 0) for z in zones],
            )

    def record_glide(
        self,
        session_id: int,
        *,
        step_index: int,
        zone_index: int,
        side: str,
        glide: int,
        seconds: float,
        completed_offset: float,
        active_seconds: float,
        now: datetime,
    ) -> None:
        """Persist one completed glide (durably, before this returns)."""
        with self.database.write() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO glides (session_id, step_index, zone_index, side, glide,"
                " seconds, completed_offset) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_id, step_index, zone_index, side, glide, seconds, completed_offset),
            ).rowcount
            if inserted:
                db.execute(
                    "UPDATE session_zones SET glides_done = glides_done + 1"
                    " WHERE session_id = ? AND zone_index = ?",
                    (session_id, zone_index),
                )
            db.execute(
                "UPDATE sessions SET active_seconds = ?, updated_utc = ?,"
                " status = CASE WHEN status = 'partial' THEN 'in_progress' ELSE status END"
                " WHERE id = ?",
                (active_seconds, utc_text(now), session_id),
            )

    def record_skipped_glides(
        self, session_id: int, zone_index: int, count: int, now: datetime
    ) -> None:
        with self.database.write() as db:
            db.execute(
                "UPDATE session_zones SET glides_skipped = glides_skipped + ?"
                " WHERE session_id = ? AND zone_index = ?",
                (count, session_id, zone_index),
            )
            db.execute(
                "UPDATE sessions SET updated_utc = ? WHERE id = ?", (utc_text(now), session_id)
            )

    def record_session_event(
        self, session_id: int, kind: SessionEventKind, detail: str, now: datetime
    ) -> None:
        """Notes something that happened during a session, such as the device dropping out."""
        with self.database.write() as db:
            db.execute(
                "INSERT INTO session_events (session_id, at_utc, kind, detail) VALUES (?, ?, ?, ?)",
                (session_id, utc_text(now), kind, detail),
            )

    def session_events(self, session_id: int) -> list[tuple[datetime, str, str]]:
        rows = self.database.read(
            "SELECT at_utc, kind, detail FROM session_events WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        with self.database.decoding():
            return [(parse_utc(at), kind, detail) for at, kind, detail in rows]

    def finish_session(
        self, session_id: int, *, status: RecordStatus, ended: datetime, active_seconds: float
    ) -> None:
        if status is RecordStatus.IN_PROGRESS:
            raise ValueError(f"not a final status: {status}")
        with self.database.write() as db:
            db.execute(
                "UPDATE sessions SET status = ?, ended_utc = ?, updated_utc = ?, active_seconds = ?"
                " WHERE id = ?",
                (status, utc_text(ended), utc_text(ended), active_seconds, session_id),
            )

    # --- sessions done without the app ---------------------------------------------------

    def log_manual_session(
        self,
        *,
        routine_id: str,
        routine_name: str,
        started: datetime,
        utc_offset_minutes: int,
        seconds: float,
        zones: Sequence[ZonePlan],
        note: str | None = None,
        device: str | None = None,
    ) -> int:
        """Record a completed session done without the app (every planned glide counts)."""
        with self.database.write() as db:
            return _insert_session(
                db,
                {
                    "uid": uuid.uuid4().hex,
                    "routine_id": routine_id,
                    "routine_name": routine_name,
                    "device": device,
                    "source": SessionSource.MANUAL,
                    "started_utc": utc_text(started),
                    "utc_offset_minutes": utc_offset_minutes,
                    "ended_utc": utc_text(started + timedelta(seconds=seconds)),
                    "updated_utc": utc_text(started),
                    "status": RecordStatus.COMPLETED,
                    "planned_seconds": seconds,
                    "active_seconds": seconds,
                    "note": note,
                },
                [
                    ZoneRecord(z.zone_index, z.zone, z.glides_planned, z.glides_planned, 0)
                    for z in zones
                ],
            )

    # --- skip days -----------------------------------------------------------------------

    def add_skip_days(self, first: date, last: date, reason: str) -> int:
        """Mark every day from `first` to `last` as a skip day; returns how many."""
        if last < first:
            raise StoreError(f"the skip range ends ({last}) before it starts ({first})")
        if (last - first).days > 366:
            raise StoreError("a skip range can cover at most a year")
        days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
        with self.database.write() as db:
            db.executemany(
                "INSERT INTO skip_days (day, reason) VALUES (?, ?)"
                " ON CONFLICT (day) DO UPDATE SET reason = excluded.reason",
                [(day, reason) for day in days],
            )
        return len(days)

    def remove_skip_days(self, first: date, last: date) -> int:
        with self.database.write() as db:
            return db.execute(
                "DELETE FROM skip_days WHERE day BETWEEN ? AND ?",
                (first.isoformat(), last.isoformat()),
            ).rowcount

    def skip_days(self) -> dict[date, str]:
        rows = self.database.read("SELECT day, reason FROM skip_days ORDER BY day")
        with self.database.decoding():
            return {date.fromisoformat(day): reason for day, reason in rows}

    # --- reading -------------------------------------------------------------------------

    def sessions(self, *, limit: int | None = None, with_zones: bool = True) -> list[SessionRecord]:
        """Sessions newest first, deleted ones left out; one whose owner is gone (its lease is
        free) reads as partial.

        Without zones, each record carries its glide totals summed by SQL instead, which is
        several times faster for the whole history (stats need only the totals).
        """
        return self._records("WHERE deleted_utc IS NULL", (), limit=limit, with_zones=with_zones)

    def _records(
        self,
        where: str,
        parameters: Sequence[object],
        *,
        limit: int | None = None,
        with_zones: bool = True,
    ) -> list[SessionRecord]:
        totals_join = (
            ""
            if with_zones
            else " LEFT JOIN (SELECT session_id, SUM(glides_planned) AS planned,"
            " SUM(glides_done) AS done FROM session_zones GROUP BY session_id) AS totals"
            " ON totals.session_id = sessions.id"
        )
        totals_columns = "" if with_zones else ", COALESCE(planned, 0), COALESCE(done, 0)"
        rows = self.database.read(
            "SELECT id, uid, routine_id, routine_name, device, source, started_utc,"
            " utc_offset_minutes, ended_utc, updated_utc, status, planned_seconds,"
            " active_seconds, note"
            + totals_columns
            + " FROM sessions"
            + totals_join
            + f" {where}"
            + " ORDER BY started_utc DESC, id DESC"
            + (" LIMIT ?" if limit is not None else ""),
            (*parameters, limit) if limit is not None else tuple(parameters),
        )
        whole_log = limit is None and where == "WHERE deleted_utc IS NULL"
        zone_rows = (
            self._zones_for([row[0] for row in rows], all_sessions=whole_log) if with_zones else {}
        )
        with self.database.decoding():
            return self._decoded(rows, zone_rows, with_zones=with_zones)

    def _decoded(
        self,
        rows: list[tuple[Any, ...]],
        zone_rows: dict[int, list[ZoneRecord]],
        *,
        with_zones: bool,
    ) -> list[SessionRecord]:
        records = []
        for row in rows:
            _check_stored_types(row)
            status = RecordStatus(row[10])
            if status is RecordStatus.IN_PROGRESS and not owner_is_alive(self.path, row[1]):
                status = RecordStatus.PARTIAL
            records.append(
                SessionRecord(
                    id=row[0],
                    uid=row[1],
                    routine_id=row[2],
                    routine_name=row[3],
                    device=row[4],
                    source=row[5],
                    started_utc=parse_utc(row[6]),
                    utc_offset_minutes=_stored_int(row[7]),
                    ended_utc=None
                    if status is RecordStatus.IN_PROGRESS
                    else parse_utc(row[8] or row[9]),
                    status=status,
                    planned_seconds=_stored_float(row[11]),
                    active_seconds=_stored_float(row[12]),
                    note=row[13],
                    zones=tuple(zone_rows.get(row[0], ())),
                    glide_totals=None if with_zones else (row[14], row[15]),
                )
            )
        return records

    def use_counting_rules(self, *, day_start_hour: int, count_share: float) -> None:
        """Count days under these rules from now on. The database keeps its per-day totals
        up to date as it is written; new rules recount every day, once."""
        rules = self.database.read("SELECT day_start_hour, count_share FROM stats_rules")
        if rules != [(day_start_hour, count_share)]:
            with self.database.write() as db:
                db.execute(
                    "UPDATE stats_rules SET day_start_hour = ?, count_share = ? WHERE id = 1",
                    (day_start_hour, count_share),
                )

    def day_totals(self, *, since: int = 0) -> list[DayTotals]:
        """Every day with a session from day number `since` on, in order."""
        rows = self.database.read(
            "SELECT day, sessions, counted, completed, finished, active_seconds FROM day_totals"
            " WHERE day >= ? ORDER BY day",
            (since,),
        )
        return [DayTotals(*row) for row in rows]

    def totals(self) -> DayTotals:
        """The sums over every day (`day` is the number of days with a session)."""
        rows = self.database.read(
            "SELECT days, sessions, counted, completed, finished, active_seconds FROM log_totals"
        )
        with self.database.decoding():  # its one row gone (edited by another tool): damage
            (row,) = rows
        return DayTotals(*row)

    def counted_days(self, *, since: int = 0) -> list[int]:
        """The days with a counted session from day number `since` on, in order."""
        # One string rather than a row per day: a tenth of the time for ten years.
        ((days,),) = self.database.read(
            "SELECT group_concat(day) FROM (SELECT day FROM day_totals"
            " WHERE counted > 0 AND day >= ? ORDER BY day)",
            (since,),
        )
        return [int(day) for day in days.split(",")] if days else []

    def first_counted_day(self) -> int | None:
        ((day,),) = self.database.read("SELECT min(day) FROM day_totals WHERE counted > 0")
        return int(day) if day is not None else None

    def streak_checkpoint(self, inputs: str) -> "Checkpoint | None":
        """The checkpoint saved for these inputs, if it still holds (see `Checkpoint`)."""
        rows = self.database.read(
            "SELECT day, score, best, run_start, valid_before FROM streak_checkpoint"
            " WHERE inputs = ?",
            (inputs,),
        )
        return Checkpoint(*rows[0]) if rows else None

    def save_streak_checkpoint(self, inputs: str, checkpoint: "Checkpoint") -> None:
        with self.database.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO streak_checkpoint"
                " (id, inputs, day, score, best, run_start, valid_before)"
                " VALUES (1, ?, ?, ?, ?, ?, ?)",
                (
                    inputs,
                    checkpoint.day,
                    checkpoint.score,
                    checkpoint.best,
                    checkpoint.run_start,
                    checkpoint.valid_before,
                ),
            )

    def interrupted_count(self) -> int:
        """Sessions written as in progress whose owner has gone: they read as partial."""
        rows = self.database.read(
            "SELECT uid FROM sessions WHERE status = 'in_progress' AND deleted_utc IS NULL"
        )
        return sum(1 for (uid,) in rows if not owner_is_alive(self.path, uid))

    def zone_glide_totals(self) -> dict[str, int]:
        """Glides done per zone over the whole log (kept by the database as it is written)."""
        rows = self.database.read("SELECT zone, glides_done FROM zone_totals WHERE glides_done")
        return dict(rows)

    def _zones_for(self, ids: list[int], *, all_sessions: bool) -> dict[int, list[ZoneRecord]]:
        if not ids:
            return {}
        query = (
            "SELECT session_id, zone_index, zone, glides_planned, glides_done, glides_skipped"
            " FROM session_zones"
        )
        if all_sessions:
            rows = self.database.read(query)
        else:
            marks = ",".join("?" * len(ids))
            rows = self.database.read(f"{query} WHERE session_id IN ({marks})", ids)
        zones: dict[int, list[ZoneRecord]] = {}
        for session_id, *values in rows:
            zones.setdefault(session_id, []).append(ZoneRecord(*values))
        for records in zones.values():
            records.sort(key=lambda z: z.zone_index)
        return zones

    def glides(self, session_id: int) -> list[GlideRecord]:
        """A session's completed glides, in order."""
        rows = self.database.read(
            "SELECT step_index, zone_index, side, glide, seconds, completed_offset FROM glides"
            " WHERE session_id = ? ORDER BY step_index",
            (session_id,),
        )
        return [GlideRecord(*row) for row in rows]

    # --- correcting the log ------------------------------------------------------------------

    def find(self, short_id: str) -> SessionRecord:
        """The session whose id starts with `short_id` (as `history` shows it)."""
        prefix = short_id.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{4,32}", prefix):
            raise StoreError(
                f"{short_id!r} is not a session id: use the ID column of `facecoach history` "
                "(at least 4 characters)"
            )
        rows = self.database.read(
            "SELECT id FROM sessions WHERE uid LIKE ? AND deleted_utc IS NULL LIMIT 2",
            (prefix + "%",),
        )
        if not rows:
            raise StoreError(f"no session with id {prefix} (see `facecoach history`)")
        if len(rows) > 1:
            raise StoreError(f"more than one session starts with {prefix}; give more of the id")
        return self.session(rows[0][0])

    def session(self, session_id: int) -> SessionRecord:
        (record,) = self._records("WHERE sessions.id = ?", (session_id,))
        return record

    def delete(self, session_id: int, now: datetime) -> None:
        """Marks the session deleted: gone from history and stats, restorable with `undo`."""
        with self.database.write() as db:
            db.execute(
                "UPDATE sessions SET deleted_utc = ? WHERE id = ? AND deleted_utc IS NULL",
                (utc_text(now), session_id),
            )

    def undo_delete(self) -> SessionRecord | None:
        """Restores the session deleted last; None when nothing is waiting to be restored."""
        with self.database.write() as db:
            row = db.execute(
                "SELECT id FROM sessions WHERE deleted_utc IS NOT NULL"
                " ORDER BY deleted_utc DESC, id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE sessions SET deleted_utc = NULL WHERE id = ?", (row[0],))
        return self.session(row[0])

    def purge_deleted(self) -> int:
        """Removes deleted sessions for good; returns how many."""
        with self.database.write() as db:
            count: int = db.execute("DELETE FROM sessions WHERE deleted_utc IS NOT NULL").rowcount
        return count

    def edit(
        self,
        session_id: int,
        *,
        now: datetime,
        started: datetime | None = None,
        utc_offset_minutes: int | None = None,
        active_seconds: float | None = None,
        note: str | None = None,
    ) -> SessionRecord:
        """Changes what the user may correct, and notes the old values in the record."""
        before = self.session(session_id)
        changes: dict[str, object] = {}
        said: list[str] = []
        if before.ended_utc is not None and (started is not None or active_seconds is not None):
            # The end moves with the start, and with the length: by as much as the length
            # changed, so pauses within the session keep their place in its span.
            span = before.ended_utc - before.started_utc
            if active_seconds is not None:
                span = max(
                    span + timedelta(seconds=active_seconds - before.active_seconds),
                    timedelta(seconds=active_seconds),
                )
            changes["ended_utc"] = utc_text((started or before.started_utc) + span)
        if started is not None:
            changes["started_utc"] = utc_text(started)
            changes["utc_offset_minutes"] = (
                utc_offset_minutes if utc_offset_minutes is not None else before.utc_offset_minutes
            )
            said.append(f"started was {before.started_local.isoformat(timespec='minutes')}")
        if active_seconds is not None:
            changes["active_seconds"] = active_seconds
            said.append(f"time was {before.active_seconds:g} s")
        if note is not None:
            changes["note"] = note or None
            said.append(f"note was {before.note!r}")
        if not changes:
            return before
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self.database.write() as db:
            db.execute(
                f"UPDATE sessions SET {assignments}, updated_utc = ? WHERE id = ?",
                (*changes.values(), utc_text(now), session_id),
            )
            db.execute(
                "INSERT INTO session_events (session_id, at_utc, kind, detail) VALUES (?, ?, ?, ?)",
                (session_id, utc_text(now), SessionEventKind.EDITED, "; ".join(said)),
            )
        return self.session(session_id)

    def import_records(
        self,
        records: Sequence[tuple[SessionRecord, Sequence[GlideRecord]]],
        skip_days: Sequence[tuple[date, str]] = (),
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> tuple[int, int]:
        """Insert sessions whose uid is not here yet, then skip days (and whatever `also`
        writes). Returns (added, already there).

        In short transactions (`IMPORT_TRANSACTION_SECONDS`), so that a live session's write
        never waits long for the lock; each recounts the days it touched once, not once per row
        (linear in the sessions, however many share a day). A failure keeps the batches
        written before it: importing the same file again adds the rest, and nothing twice."""
        added = present = 0
        waiting = list(reversed(records))
        try:
            while waiting:
                if added or present:
                    _let_others_write(self.path)
                with self.database.write() as db, _days_recounted_once(db) as touched:
                    began = time.monotonic()
                    while waiting and time.monotonic() - began < IMPORT_TRANSACTION_SECONDS:
                        record, glides = waiting.pop()
                        exists = db.execute("SELECT 1 FROM sessions WHERE uid = ?", (record.uid,))
                        if exists.fetchone():
                            present += 1
                            continue
                        touched.append(_insert_imported(db, record, glides))
                        added += 1
            with self.database.write() as db:
                db.executemany(
                    "INSERT INTO skip_days (day, reason) VALUES (?, ?)"
                    " ON CONFLICT (day) DO UPDATE SET reason = excluded.reason",
                    [(day.isoformat(), reason) for day, reason in skip_days],
                )
                if also is not None:
                    also(db)
        except StoreError as exc:
            if not added:
                raise
            raise StoreError(
                f"{exc} {added} new session{'' if added == 1 else 's'} had been imported before "
                "this; importing the same file again adds the rest (nothing twice)."
            ) from None
        return added, present


# How long an import holds the write lock at a time: a live session's glide waits no longer.
IMPORT_TRANSACTION_SECONDS = 0.05
# How long it lets go between two when another process has the log open: longer than SQLite's
# longest sleep between two tries for a lock (100 ms), so a writer waiting is sure to get in.
IMPORT_PAUSE_SECONDS = 0.12


def _let_others_write(database: Path) -> None:
    if any(other_holders(database)):
        time.sleep(IMPORT_PAUSE_SECONDS)


@contextmanager
def _days_recounted_once(db: sqlite3.Connection) -> Iterator[list[int]]:
    """Inside a write transaction: the triggers that recount a whole day for every row written
    are lifted; the ids of the sessions inserted go into the list yielded, and at the end their
    contributions are added to the totals of their days, once per day (whatever else that day
    holds). A failure rolls the transaction back, triggers included."""
    marks = ",".join("?" * len(DAY_RECOUNT_TRIGGERS))
    triggers = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        DAY_RECOUNT_TRIGGERS,
    ).fetchall()
    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    inserted: list[int] = []
    yield inserted
    for _, sql in triggers:
        db.execute(sql)
    if not inserted:
        return
    marks = ",".join("?" * len(inserted))
    added = db.execute(
        "SELECT day, count(*), sum(counted), sum(completed), sum(finished), total(active_seconds)"
        f" FROM session_contributions WHERE session_id IN ({marks}) AND day IS NOT NULL"
        " GROUP BY day",
        inserted,
    ).fetchall()
    for day, *more in added:
        before = db.execute(
            "SELECT sessions, counted, completed, finished, active_seconds FROM day_totals"
            " WHERE day = ?",
            (day,),
        ).fetchone()
        if before is not None:
            # Deleted and inserted again, never updated: the triggers that keep the log's
            # totals and the streak checkpoint follow inserts and deletes of days.
            db.execute("DELETE FROM day_totals WHERE day = ?", (day,))
            more = [old + new for old, new in zip(before, more, strict=True)]
        db.execute(
            "INSERT INTO day_totals (day, sessions, counted, completed, finished, active_seconds)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (day, *more),
        )


def _check_stored_types(row: tuple[Any, ...]) -> None:
    """The values of a session row are of the kinds facecoach writes: another tool may have put
    a blob, text where a number belongs, or an offset no clock has (ValueError, said as damage)."""
    # Text where text belongs (a blob another tool wrote reads as bytes)...
    for column in (1, 2, 3, 5, 6, 9, 10):
        if not isinstance(row[column], str):
            raise ValueError(f"a stored {type(row[column]).__name__} where text belongs")
    for column in (4, 8, 13):
        if row[column] is not None and not isinstance(row[column], str):
            raise ValueError(f"a stored {type(row[column]).__name__} where text belongs")
    # ...and numbers where numbers belong.
    offset, planned, active = row[7], row[11], row[12]
    if not isinstance(offset, int) or not -MAX_STORED_OFFSET <= offset <= MAX_STORED_OFFSET:
        raise ValueError(f"the stored UTC offset {offset!r} is not one")
    for seconds in (planned, active):
        if not isinstance(seconds, int | float) or not 0 <= seconds <= MAX_STORED_SECONDS:
            raise ValueError(f"the stored length {seconds!r} is not one")


# Bounds of what a session row can hold: an offset within a day (minutes), a length within a
# year (seconds); the import and the recorder keep far tighter ones.
MAX_STORED_OFFSET = 24 * 60
MAX_STORED_SECONDS = 366 * 24 * 3600


def _insert_imported(
    db: sqlite3.Connection, record: SessionRecord, glides: Sequence[GlideRecord]
) -> int:
    status = record.status
    if status == RecordStatus.IN_PROGRESS:  # it cannot go on here: it was interrupted
        status = RecordStatus.PARTIAL
    return _insert_session(
        db,
        {
            "uid": record.uid,
            "routine_id": record.routine_id,
            "routine_name": record.routine_name,
            "device": record.device,
            "source": record.source,
            "started_utc": utc_text(record.started_utc),
            "utc_offset_minutes": record.utc_offset_minutes,
            "ended_utc": utc_text(record.ended_utc) if record.ended_utc else None,
            "updated_utc": utc_text(record.ended_utc or record.started_utc),
            "status": status,
            "planned_seconds": record.planned_seconds,
            "active_seconds": record.active_seconds,
            "note": record.note,
        },
        record.zones,
        glides,
    )


SESSION_COLUMNS = (
    "uid",
    "routine_id",
    "routine_name",
    "device",
    "source",
    "started_utc",
    "utc_offset_minutes",
    "ended_utc",
    "updated_utc",
    "status",
    "planned_seconds",
    "active_seconds",
    "note",
)


def _insert_session(
    db: sqlite3.Connection,
    columns: dict[str, object],
    zones: Sequence[ZoneRecord],
    glides: Sequence[GlideRecord] = (),
) -> int:
    """Insert one session row (missing columns are NULL), its zones and its glides."""
    cursor = db.execute(
        f"INSERT INTO sessions ({', '.join(SESSION_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(SESSION_COLUMNS))})",
        [columns.get(name) for name in SESSION_COLUMNS],
    )
    session_id = cursor.lastrowid
    assert session_id is not None
    db.executemany(
        "INSERT INTO session_zones (session_id, zone_index, zone, glides_planned, glides_done,"
        " glides_skipped) VALUES (?, ?, ?, ?, ?, ?)",
        [(session_id, *zone) for zone in zones],
    )
    db.executemany(
        "INSERT INTO glides (session_id, step_index, zone_index, side, glide, seconds,"
        " completed_offset) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(session_id, *glide) for glide in glides],
    )
    return session_id
