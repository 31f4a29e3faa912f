"""Writes a live session to the session log as its events happen.

The recorder runs before any renderer sees an event, so a glide the user was told is done is
already on disk. A failed write (full disk, a lock held too long, a log replaced under it) is
reported through `on_error` and the session goes on: the write is kept and tried again, in
order, before each later one, so a glide shown as done is on disk as soon as the log takes
writes again. What is still unwritten when the session ends is said plainly (`UnsavedError`),
and the session is never written as finished with glides missing.
"""

import uuid
from collections.abc import Callable
from typing import NamedTuple

from facecoach.adherence.days import local_offset_minutes
from facecoach.adherence.session_log import (
    RecordStatus,
    SessionEventKind,
    SessionLog,
    SessionSource,
    StoreError,
    ZonePlan,
)
from facecoach.session.clock import Clock
from facecoach.session.engine import EventKind, Session, SessionEvent
from facecoach.session.timeline import StepKind
from facecoach.storage.leases import SessionLease


class UnsavedError(StoreError):
    """At a session's end: some of it could not be written to the log."""


class _Write(NamedTuple):
    what: str  # a glide, a skipped glide, the session's start or end, a note
    run: Callable[[], None]


class SessionRecorder:
    """Persists one session: its start, every completed or skipped glide, and its end."""

    def __init__(
        self,
        store: SessionLog,
        clock: Clock,
        *,
        source: SessionSource,
        device: str | None = None,
        on_error: Callable[[StoreError], None] | None = None,
        utc_offset_minutes: int | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._source = source
        self._device = device
        self._on_error = on_error
        self._offset = utc_offset_minutes
        self.session_id: int | None = None
        self.lease: SessionLease | None = None
        self.failed = False
        self._pending: list[_Write] = []  # refused writes, in order, to be tried again
        # How an abort is logged: "aborted" when the user stops, "partial" when interrupted.
        self.abort_status = RecordStatus.ABORTED

    def handle(self, event: SessionEvent, session: Session) -> None:
        self._handle(event, session)

    def note(self, kind: SessionEventKind, detail: str) -> None:
        """Adds something that happened to the session record (a device dropping out)."""
        if self.session_id is None and not self._pending:
            return
        now = self._clock.now()
        self._write(
            _Write(
                "a note",
                lambda: self._store.record_session_event(self._id(), kind, detail, now),
            )
        )

    @property
    def unsaved(self) -> int:
        """Glides shown as done or skipped that are not in the log yet."""
        return sum(1 for write in self._pending if write.what == "glide")

    def _id(self) -> int:
        assert self.session_id is not None  # the start is always written first
        return self.session_id

    def _write(self, write: _Write) -> None:
        """Runs `write` after every write refused before it; a refused one is kept."""
        self._pending.append(write)
        while self._pending:
            try:
                self._pending[0].run()
            except StoreError as exc:
                if not self.failed and self._on_error is not None:
                    self._on_error(exc)
                self.failed = True
                return
            self._pending.pop(0)
        self.failed = False  # all written: a later refusal is reported again

    def _handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind is EventKind.STARTED:
            self._begin(session)
            return
        if self.session_id is None and not self._pending:
            return
        step = event.step
        now = self._clock.now()
        if step is not None and step.kind is StepKind.GLIDE and step.zone_index is not None:
            zone_index = step.zone_index
            if event.kind is EventKind.STEP_COMPLETED:
                assert step.side is not None
                side = step.side.value
                active = session.snapshot().active_seconds
                offset = event.offset
                self._write(
                    _Write(
                        "glide",
                        lambda: self._store.record_glide(
                            self._id(),
                            step_index=step.index,
                            zone_index=zone_index,
                            side=side,
                            glide=step.glide,
                            seconds=step.duration,
                            completed_offset=offset,
                            active_seconds=active,
                            now=now,
                        ),
                    )
                )
            elif event.kind is EventKind.STEP_SKIPPED:
                self._write(
                    _Write(
                        "skipped glide",
                        lambda: self._store.record_skipped_glides(self._id(), zone_index, 1, now),
                    )
                )
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            status = (
                RecordStatus.COMPLETED if event.kind is EventKind.COMPLETED else self.abort_status
            )
            active = session.snapshot().active_seconds
            try:
                self._write(
                    _Write(
                        "end",
                        lambda: self._store.finish_session(
                            self._id(), status=status, ended=now, active_seconds=active
                        ),
                    )
                )
            finally:
                self.release()
            if self._pending and self._on_error is not None:
                self._on_error(UnsavedError(self._unsaved_message()))

    def _unsaved_message(self) -> str:
        glides = self.unsaved
        if any(write.what == "start" for write in self._pending):
            return "this session could not be written to the session log at all."
        said = (
            f"{glides} of the glides shown as done {'was' if glides == 1 else 'were'} not "
            "saved, and the session is"
            if glides
            else "the session is"
        )
        return (
            f"The session log did not take the last writes: {said} kept in the log as "
            "interrupted, not as finished."
        )

    def release(self) -> None:
        """Gives up the session's lease: from now on readers see it as ended."""
        if self.lease is not None:
            self.lease.release()

    def _begin(self, session: Session) -> None:
        routine = session.timeline.routine
        started = self._clock.now()
        zones = [
            ZonePlan(zone.zone_index, zone.zone.value, zone.glides_planned)
            for zone in session.zone_completion()
        ]
        uid = uuid.uuid4().hex
        # The lease is taken before the row exists, so no reader ever sees the session ownerless.
        self.lease = SessionLease(self._store.path, uid)
        self.lease.acquire()
        offset = self._offset if self._offset is not None else local_offset_minutes(started)

        def begin() -> None:
            self.session_id = self._store.begin_session(
                uid=uid,
                routine_id=routine.id,
                routine_name=routine.name,
                started=started,
                utc_offset_minutes=offset,
                planned_seconds=session.timeline.total_seconds,
                zones=zones,
                source=self._source,
                device=self._device,
            )

        try:
            self._write(_Write("start", begin))
        except BaseException:
            self.release()  # no session row: nothing for the lease to guard
            raise
