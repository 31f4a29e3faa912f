"""The log: the facecoach database (opened on first use, shared with the safety records), the
session log in it, the day's integrity check and backup before the first write, and what is
read from it (stats, recent sessions, skip days), and its corrections (edit, delete, undo),
timed by the core's one clock. One job of the core.

A database that cannot be opened stops nothing: the reason is kept in `log_problem` and added
to the core's problems once, and sessions run without being logged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.errors import FacecoachError
from facecoach.storage.database import Database, StoreError

if TYPE_CHECKING:
    from facecoach.adherence.session_log import SessionLog, SessionRecord
    from facecoach.adherence.stats import AdherenceStats
    from facecoach.companion.program import ProgramService
    from facecoach.session.clock import Clock


class LogService:
    def __init__(
        self,
        clock: Clock,
        path: Path,
        program: Callable[[], ProgramService],
        problems: list[str],
        *,
        existed: bool,
    ) -> None:
        """`existed`: whether the database was there when the core was made (a log this run
        creates has nothing in it to check or back up yet). `program` gives the program
        service when it is needed: opening the database (the app's first frame) needs none."""
        self.clock = clock
        self.path = path
        self._program = program
        self.problems = problems
        self._existed = existed
        self._database: Database | None = None
        self._store: SessionLog | None = None
        self._opened = False
        self._backed_up = False
        self.log_problem: str | None = None

    @property
    def program(self) -> ProgramService:
        return self._program()

    # --- the database, opened on first use -------------------------------------------------

    def database(self) -> Database | None:
        """The facecoach database, opened (made, if there is none) once; None when it cannot
        be (the reason is in `log_problem`). The session log and the safety records share it."""
        if not self._opened:
            self._opened = True
            try:
                self._database = Database.open(self.path)
            except StoreError as exc:
                self.log_problem = str(exc)
                self.problems.append(f"{exc}\nSessions will run but will not be logged.")
        return self._database

    @property
    def store(self) -> SessionLog | None:
        """The session log; None when it cannot be opened (the reason is in `log_problem`)."""
        database = self.database()
        return self._session_log(database) if database is not None else None

    def _session_log(self, database: Database) -> SessionLog:
        # The log's records load with it, after the app's first frame: that frame needs only
        # to know whether the safety questions were answered.
        if self._store is None:
            from facecoach.adherence.session_log import SessionLog

            self._store = SessionLog(database)
        return self._store

    def daily_backup(self) -> str | None:
        """Today's backup of the log, if none was made yet (the app makes it in a thread after
        its first frame). A failure comes back as a problem to show; it stops nothing."""
        from facecoach.storage.backups import Backups

        if not self._existed or self.store is None:
            return None  # a log this run creates has nothing in it to back up yet
        try:
            Backups(self.path).daily(self.clock.now(), self.program.home_settings().backup_days)
        except (StoreError, OSError) as exc:
            return f"The daily backup of the session log failed: {exc}"
        return None

    def existing_store(self) -> SessionLog | None:
        """The session log for reading, or None when there is none yet: reading never creates
        one (a mistyped folder must not look like an empty history)."""
        if not self.path.exists() and not self.path.is_symlink():
            return None
        if self._database is None:
            # Reading opens the log without the daily backup: that is for writers.
            self._opened = True
            self._database = Database.open(self.path)
        return self._session_log(self._database)

    def require_store(self) -> SessionLog:
        """The session log, to write to: today's backup is made first if there is none."""
        store = self.store
        if store is None:
            raise StoreError(self.log_problem or "the session log is unavailable")
        if not self._backed_up:
            self._start_the_days_writing(store)
            self._backed_up = True  # only once the check has passed
        return store

    def _start_the_days_writing(self, store: SessionLog) -> None:
        """Before the day's first write (until a backup, which makes the same check, exists
        for the day): the full integrity check, whose failure stops the write (damage the
        quick check at open misses, such as an index out of step with its table), then the
        daily backup, whose failure is only reported."""
        from facecoach.storage.backups import Backups

        backups = Backups(self.path)
        now = self.clock.now()
        if not self._existed or not backups.due(now):
            return  # a log this run creates has nothing in it to check or back up yet
        store.database.check_integrity()
        try:
            backups.daily(now, self.program.settings.backup_days, checked=True)
        except (StoreError, OSError) as exc:
            self.problems.append(f"The daily backup of the session log failed: {exc}")

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None
        self._store = None

    # --- reading -----------------------------------------------------------------------------

    def stats(self) -> AdherenceStats | None:
        from facecoach.adherence.stats import stats_from_store

        store = self.store
        if store is None:
            return None
        program = self.program
        return stats_from_store(store, program.counting_settings(), today=program.today())

    def stats_so_far(self) -> AdherenceStats:
        """The stats for reading: of the log if there is one, of an empty one if not."""
        from facecoach.adherence.stats import empty_stats, stats_from_store

        program = self.program
        store = self.existing_store()
        if store is None:
            return empty_stats(program.counting_settings(), today=program.today())
        return stats_from_store(store, program.counting_settings(), today=program.today())

    def skip_days(self) -> frozenset[date]:
        store = self.store
        return frozenset(store.skip_days()) if store is not None else frozenset()

    def recent_sessions(self, limit: int) -> list[SessionRecord]:
        store = self.store
        return store.sessions(limit=limit) if store is not None else []

    # --- correcting the log (every front end, one clock) -----------------------------------

    def find(self, short_id: str) -> SessionRecord:
        """The session whose id starts with `short_id` (as `history` shows it)."""
        return self.require_store().find(short_id)

    def edit(
        self,
        session_id: int,
        *,
        started: datetime | None = None,
        active_seconds: float | None = None,
        note: str | None = None,
    ) -> SessionRecord:
        """Corrects a session (its start, in the zone it was given in, its time, its note);
        the old values are noted in the record. Raises FacecoachError for a start to come."""
        now = self.clock.now()
        if started is not None and started > now + timedelta(minutes=1):
            raise FacecoachError("a session cannot start in the future")
        offset = started.utcoffset() if started is not None else None
        return self.require_store().edit(
            session_id,
            now=now,
            started=started,
            utc_offset_minutes=int(offset.total_seconds() // 60) if offset is not None else None,
            active_seconds=active_seconds,
            note=note,
        )

    def delete(self, session_id: int) -> None:
        """Marks the session deleted: gone from history and stats, restorable with `undo`."""
        self.require_store().delete(session_id, self.clock.now())

    def undo_delete(self) -> SessionRecord | None:
        """Restores the session deleted last; None when nothing is waiting to be restored."""
        return self.require_store().undo_delete()

    def purge_deleted(self) -> int:
        """Removes deleted sessions for good; returns how many."""
        return self.require_store().purge_deleted()
