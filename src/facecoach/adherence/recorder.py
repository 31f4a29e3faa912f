"""Writes a live session to the session log as its events happen.

The recorder runs before any renderer sees an event, so a glide the user was told is done is
already on disk. A failed write (full disk, read-only file) is reported once through `on_error`
and the session goes on; later writes are still attempted.
"""

import uuid
from collections.abc import Callable

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
        # How an abort is logged: "aborted" when the user stops, "partial" when interrupted.
        self.abort_status = RecordStatus.ABORTED

    def handle(self, event: SessionEvent, session: Session) -> None:
        try:
            self._handle(event, session)
        except StoreError as exc:
            if not self.failed and self._on_error is not None:
                self._on_error(exc)
            self.failed = True

    def note(self, kind: SessionEventKind, detail: str) -> None:
        """Adds something that happened to the session record (a device dropping out)."""
        if self.session_id is None:
            return
        try:
            self._store.record_session_event(self.session_id, kind, detail, self._clock.now())
        except StoreError as exc:
            if not self.failed and self._on_error is not None:
                self._on_error(exc)
            self.failed = True

    def _handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind is EventKind.STARTED:
            self._begin(session)
            return
        if self.session_id is None:
            return
        step = event.step
        now = self._clock.now()
        if step is not None and step.kind is StepKind.GLIDE and step.zone_index is not None:
            if event.kind is EventKind.STEP_COMPLETED:
                assert step.side is not None
                self._store.record_glide(
                    self.session_id,
                    step_index=step.index,
                    zone_index=step.zone_index,
                    side=step.side.value,
                    glide=step.glide,
                    seconds=step.duration,
                    completed_offset=event.offset,
                    active_seconds=session.snapshot().active_seconds,
                    now=now,
                )
            elif event.kind is EventKind.STEP_SKIPPED:
                self._store.record_skipped_glides(self.session_id, step.zone_index, 1, now)
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            status = (
                RecordStatus.COMPLETED if event.kind is EventKind.COMPLETED else self.abort_status
            )
            try:
                self._store.finish_session(
                    self.session_id,
                    status=status,
                    ended=now,
                    active_seconds=session.snapshot().active_seconds,
                )
            finally:
                self.release()

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
        try:
            self.session_id = self._store.begin_session(
                uid=uid,
                routine_id=routine.id,
                routine_name=routine.name,
                started=started,
                utc_offset_minutes=self._offset
                if self._offset is not None
                else local_offset_minutes(started),
                planned_seconds=session.timeline.total_seconds,
                zones=zones,
                source=self._source,
                device=self._device,
            )
        except BaseException:
            self.release()  # no session row: nothing for the lease to guard
            raise
