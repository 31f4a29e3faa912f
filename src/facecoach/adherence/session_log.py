"""The session log: SQLite in the user data directory, written as a session happens.

Durability: each completed glide is its own transaction in WAL mode with `synchronous=FULL`, so a
crash, `kill -9` or power cut loses at most the glide in flight. Concurrency: writers take the
lock up front (`BEGIN IMMEDIATE`) and wait up to `BUSY_TIMEOUT_MS` for each other, so two
facecoach processes writing at once lose nothing. A file that is not a facecoach database, or is
damaged, is never modified: opening it fails with a message that says what to do.
"""

import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

from facecoach.errors import FacecoachError

APPLICATION_ID = 0x46434348  # "FCCH": marks the file as ours, so foreign databases are refused
SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"
# A session still "in progress" without a write for this long was interrupted (crash, kill,
# closed terminal). The longest quiet stretch of a live session is a pause; a later write from a
# session that was only paused sets its status again.
STALE_AFTER = timedelta(minutes=30)


class StoreError(FacecoachError):
    """The session log cannot be opened or written."""


class RecordStatus:
    """A logged session's status (the engine's SessionStatus is the live state)."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PARTIAL = "partial"  # interrupted: the process died or the terminal closed
    ABORTED = "aborted"  # the user ended it early

    ALL = (IN_PROGRESS, COMPLETED, PARTIAL, ABORTED)


_MIGRATIONS: list[str] = [
    # 1: sessions, their zones and glides, skip days.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        routine_id TEXT NOT NULL,
        routine_name TEXT NOT NULL,
        device TEXT,
        source TEXT NOT NULL,
        started_utc TEXT NOT NULL,
        utc_offset_minutes INTEGER NOT NULL,
        ended_utc TEXT,
        updated_utc TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('in_progress', 'completed', 'partial', 'aborted')),
        planned_seconds REAL NOT NULL CHECK (planned_seconds >= 0),
        active_seconds REAL NOT NULL DEFAULT 0 CHECK (active_seconds >= 0),
        note TEXT
    );
    CREATE INDEX sessions_started ON sessions (started_utc);
    CREATE TABLE session_zones (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        zone_index INTEGER NOT NULL,
        zone TEXT NOT NULL,
        glides_planned INTEGER NOT NULL,
        glides_done INTEGER NOT NULL DEFAULT 0,
        glides_skipped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, zone_index)
    ) WITHOUT ROWID;
    CREATE TABLE glides (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        step_index INTEGER NOT NULL,
        zone_index INTEGER NOT NULL,
        side TEXT NOT NULL,
        glide INTEGER NOT NULL,
        seconds REAL NOT NULL,
        completed_offset REAL NOT NULL,
        PRIMARY KEY (session_id, step_index)
    ) WITHOUT ROWID;
    CREATE TABLE skip_days (
        day TEXT PRIMARY KEY,
        reason TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 2: safety records: screening answers, injections, explicit overrides of a warning.
    """
    CREATE TABLE screenings (
        id INTEGER PRIMARY KEY,
        answered_utc TEXT NOT NULL,
        answers TEXT NOT NULL
    );
    CREATE TABLE injections (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('botox', 'filler')),
        day TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE safety_overrides (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        warning TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    """,
    # 3: things that happened to a session besides glides (a device lost and found again).
    """
    CREATE TABLE session_events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        at_utc TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX session_events_by_session ON session_events(session_id);
    """,
]


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
    status: str
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
    def started_local(self) -> datetime:
        return self.started_utc.astimezone(timezone(timedelta(minutes=self.utc_offset_minutes)))


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times stored in the session log must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class AdherenceStore:
    """The session log. Open with `AdherenceStore.open(path)`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> "AdherenceStore":
        path = path.expanduser()
        _check_existing_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # Create the file ourselves so it is private (0600) from its first byte.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except OSError as exc:
            raise StoreError(
                f"cannot create the session log at {path}: {exc.strerror}. "
                "Check the folder's permissions, or choose another with --data-dir."
            ) from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the session log at {path}: {exc}") from None
        store = cls(connection, path)
        try:
            store._prepare()
        except BaseException:
            connection.close()
            raise
        return store

    def _prepare(self) -> None:
        with _translate_errors(self.path):
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            if app_id != APPLICATION_ID and (app_id != 0 or tables):
                raise StoreError(_foreign_message(self.path, "it is another program's database"))
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the session log at {self.path} was written by a newer facecoach "
                    f"(schema {version}, this one knows {SCHEMA_VERSION}). Upgrade facecoach; "
                    "the file has not been changed."
                )
            if tables:
                problem = self._db.execute("PRAGMA quick_check").fetchone()[0]
                if problem != "ok":
                    raise StoreError(_foreign_message(self.path, f"it is damaged ({problem})"))
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"cannot use write-ahead logging for {self.path} (got {mode})")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate(version)
        _make_private(self.path)

    def _migrate(self, version: int) -> None:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.write():
                # Another process may have migrated while we waited for the lock.
                current = self._db.execute("PRAGMA user_version").fetchone()[0]
                if current >= target:
                    continue
                for statement in _MIGRATIONS[target - 1].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self._db.execute(f"PRAGMA user_version = {target}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "AdherenceStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; database errors become StoreError with a user message."""
        with _translate_errors(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

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
        with self.write() as db:
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
        with self.write() as db:
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
        with self.write() as db:
            db.execute(
                "UPDATE session_zones SET glides_skipped = glides_skipped + ?"
                " WHERE session_id = ? AND zone_index = ?",
                (count, session_id, zone_index),
            )
            db.execute(
                "UPDATE sessions SET updated_utc = ? WHERE id = ?", (utc_text(now), session_id)
            )

    def record_session_event(self, session_id: int, kind: str, detail: str, now: datetime) -> None:
        """Notes something that happened during a session, such as the device dropping out."""
        with self.write() as db:
            db.execute(
                "INSERT INTO session_events (session_id, at_utc, kind, detail) VALUES (?, ?, ?, ?)",
                (session_id, utc_text(now), kind, detail),
            )

    def session_events(self, session_id: int) -> list[tuple[datetime, str, str]]:
        rows = self.read(
            "SELECT at_utc, kind, detail FROM session_events WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [(parse_utc(at), kind, detail) for at, kind, detail in rows]

    def finish_session(
        self, session_id: int, *, status: str, ended: datetime, active_seconds: float
    ) -> None:
        if status not in RecordStatus.ALL or status == RecordStatus.IN_PROGRESS:
            raise ValueError(f"not a final status: {status}")
        with self.write() as db:
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
        with self.write() as db:
            return _insert_session(
                db,
                {
                    "uid": uuid.uuid4().hex,
                    "routine_id": routine_id,
                    "routine_name": routine_name,
                    "device": device,
                    "source": "manual",
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
        with self.write() as db:
            db.executemany(
                "INSERT INTO skip_days (day, reason) VALUES (?, ?)"
                " ON CONFLICT (day) DO UPDATE SET reason = excluded.reason",
                [(day, reason) for day in days],
            )
        return len(days)

    def remove_skip_days(self, first: date, last: date) -> int:
        with self.write() as db:
            return db.execute(
                "DELETE FROM skip_days WHERE day BETWEEN ? AND ?",
                (first.isoformat(), last.isoformat()),
            ).rowcount

    def read(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query; database errors become StoreError with a user message."""
        with _translate_errors(self.path):
            return self._db.execute(sql, parameters).fetchall()

    def skip_days(self) -> dict[date, str]:
        rows = self.read("SELECT day, reason FROM skip_days ORDER BY day")
        return {date.fromisoformat(day): reason for day, reason in rows}

    # --- reading -------------------------------------------------------------------------

    def sessions(
        self, *, limit: int | None = None, now: datetime | None = None, with_zones: bool = True
    ) -> list[SessionRecord]:
        """Sessions newest first; interrupted in-progress sessions are reported as partial.

        Without zones, each record carries its glide totals summed by SQL instead, which is
        several times faster for the whole history (stats need only the totals).
        """
        stale_before = utc_text((now or datetime.now(UTC)) - STALE_AFTER)
        totals_join = (
            ""
            if with_zones
            else " LEFT JOIN (SELECT session_id, SUM(glides_planned) AS planned,"
            " SUM(glides_done) AS done FROM session_zones GROUP BY session_id) AS totals"
            " ON totals.session_id = sessions.id"
        )
        totals_columns = "" if with_zones else ", COALESCE(planned, 0), COALESCE(done, 0)"
        with _translate_errors(self.path):
            rows = self._db.execute(
                "SELECT id, uid, routine_id, routine_name, device, source, started_utc,"
                " utc_offset_minutes, ended_utc, updated_utc,"
                " CASE WHEN status = 'in_progress' AND updated_utc < ? THEN 'partial'"
                " ELSE status END, planned_seconds, active_seconds, note"
                + totals_columns
                + " FROM sessions"
                + totals_join
                + " ORDER BY started_utc DESC, id DESC"
                + (" LIMIT ?" if limit is not None else ""),
                (stale_before, limit) if limit is not None else (stale_before,),
            ).fetchall()
            zone_rows = (
                self._zones_for([row[0] for row in rows], all_sessions=limit is None)
                if with_zones
                else {}
            )
        return [
            SessionRecord(
                id=row[0],
                uid=row[1],
                routine_id=row[2],
                routine_name=row[3],
                device=row[4],
                source=row[5],
                started_utc=parse_utc(row[6]),
                utc_offset_minutes=row[7],
                ended_utc=parse_utc(row[8] or row[9]) if row[10] != "in_progress" else None,
                status=row[10],
                planned_seconds=row[11],
                active_seconds=row[12],
                note=row[13],
                zones=tuple(zone_rows.get(row[0], ())),
                glide_totals=None if with_zones else (row[14], row[15]),
            )
            for row in rows
        ]

    def zone_glide_totals(self) -> dict[str, int]:
        """Glides done per zone over the whole log."""
        rows = self.read("SELECT zone, SUM(glides_done) FROM session_zones GROUP BY zone")
        return {zone: done for zone, done in rows if done}

    def _zones_for(self, ids: list[int], *, all_sessions: bool) -> dict[int, list[ZoneRecord]]:
        if not ids:
            return {}
        query = (
            "SELECT session_id, zone_index, zone, glides_planned, glides_done, glides_skipped"
            " FROM session_zones"
        )
        if all_sessions:
            rows = self._db.execute(query).fetchall()
        else:
            marks = ",".join("?" * len(ids))
            rows = self._db.execute(f"{query} WHERE session_id IN ({marks})", ids).fetchall()
        zones: dict[int, list[ZoneRecord]] = {}
        for session_id, *values in rows:
            zones.setdefault(session_id, []).append(ZoneRecord(*values))
        for records in zones.values():
            records.sort(key=lambda z: z.zone_index)
        return zones

    def glides(self, session_id: int) -> list[GlideRecord]:
        """A session's completed glides, in order."""
        with _translate_errors(self.path):
            rows = self._db.execute(
                "SELECT step_index, zone_index, side, glide, seconds, completed_offset FROM glides"
                " WHERE session_id = ? ORDER BY step_index",
                (session_id,),
            ).fetchall()
        return [GlideRecord(*row) for row in rows]

    def insert_imported(self, record: SessionRecord, glides: Sequence[GlideRecord]) -> bool:
        """Insert a session from an export unless its uid is already here; True if added."""
        with self.write() as db:
            exists = db.execute("SELECT 1 FROM sessions WHERE uid = ?", (record.uid,)).fetchone()
            if exists:
                return False
            status = record.status
            if status == RecordStatus.IN_PROGRESS:  # it cannot go on here: it was interrupted
                status = RecordStatus.PARTIAL
            _insert_session(
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
        return True


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


def _check_existing_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database at all."""
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a session log")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read the session log at {path}: {exc.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(_foreign_message(path, "it is not an SQLite database"))


def _foreign_message(path: Path, reason: str) -> str:
    return (
        f"{path} is not a usable facecoach session log: {reason}. The file has not been changed. "
        f"Keep it as a backup and move it aside (for example `mv '{path}' '{path}.broken'`) to "
        "start a new log, or point facecoach at another folder with --data-dir."
    )


def _make_private(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        # On media where chmod fails (read-only, some network mounts) the log still works.
        with suppress(OSError):
            if candidate.exists() and stat.S_IMODE(candidate.stat().st_mode) & 0o077:
                candidate.chmod(0o600)


@contextmanager
def _translate_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "readonly" in message or "read-only" in message:
            raise StoreError(
                f"the session log at {path} is read-only; nothing was written. Check the file "
                "and folder permissions, or use --data-dir."
            ) from None
        if "disk is full" in message:
            raise StoreError(
                f"the disk holding {path} is full; the last change was not saved. Free some "
                "space and try again: everything saved before is intact."
            ) from None
        if "locked" in message or "busy" in message:
            raise StoreError(
                f"the session log at {path} stayed locked by another facecoach process for "
                f"{BUSY_TIMEOUT_MS // 1000} s; try again."
            ) from None
        if "unable to open" in message:
            raise StoreError(f"cannot open the session log at {path}; check the folder") from None
        raise StoreError(f"the session log at {path} failed: {message}") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(_foreign_message(path, f"it is damaged ({exc})")) from None
