"""The session state machine: clock readings and user intents in, events out.

Where the session stands is a function of the clock, never a count of timer ticks: the plan
position is `base + (now - running_since)` while running and `base` while paused. A late redraw or
a slow event loop therefore only delays when a boundary is *noticed*; it never stretches or
shortens a glide, and the next boundary is still computed from the original schedule.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from facecoach.routines.zones import Zone
from facecoach.session.timeline import SessionTimeline, Step


class MonotonicClock(Protocol):
    def monotonic(self) -> float: ...


class SessionStatus(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    ABORTED = "aborted"

    @property
    def is_over(self) -> bool:
        return self in (SessionStatus.COMPLETED, SessionStatus.ABORTED)


class EventKind(StrEnum):
    STARTED = "started"
    ZONE_CHANGED = "zone_changed"  # precedes the first step of a new zone entry
    STEP_STARTED = "step_started"  # a glide step starting is the glide-change cue
    STEP_COMPLETED = "step_completed"
    STEP_SKIPPED = "step_skipped"
    PAUSED = "paused"
    RESUMED = "resumed"
    COMPLETED = "completed"
    ABORTED = "aborted"


class StepOutcome(StrEnum):
    COMPLETED = "completed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """Something that happened. `offset` is clock seconds since start, pauses included."""

    kind: EventKind
    offset: float
    position: float  # seconds of the plan behind us (done or skipped)
    step: Step | None = None


@dataclass(frozen=True, slots=True)
class SessionSnapshot:
    """Everything a front end needs to draw the session at one instant."""

    status: SessionStatus
    step: Step | None
    step_elapsed: float
    step_remaining: float
    position: float
    total: float
    offset: float
    active_seconds: float
    skipped_seconds: float

    @property
    def progress(self) -> float:
        return self.position / self.total if self.total else 1.0

    @property
    def remaining(self) -> float:
        return max(0.0, self.total - self.position)


@dataclass(frozen=True, slots=True)
class ZoneCompletion:
    """How many of a zone entry's glides were done, counted over all its sides."""

    zone_index: int
    zone: Zone
    glides_planned: int
    glides_done: int
    glides_skipped: int

    @property
    def is_complete(self) -> bool:
        return zone_is_complete(self.glides_planned, self.glides_done)


def zone_is_complete(glides_planned: int, glides_done: int) -> bool:
    """The one rule, for live sessions and logged ones: a zone is complete when it had glides
    and every one of them was done (a zone with nothing planned was not done)."""
    return glides_planned > 0 and glides_done >= glides_planned


@dataclass(slots=True)
class _Progress:
    cursor: int = 0
    base: float = 0.0  # plan position when the clock last stopped counting or we jumped
    running_since: float | None = None
    skipped_seconds: float = 0.0
    outcomes: dict[int, StepOutcome] = field(default_factory=dict)


class Session:
    """Runs one timeline against a clock. Intents that make no sense in a state are ignored."""

    def __init__(self, timeline: SessionTimeline, clock: MonotonicClock) -> None:
        self.timeline = timeline
        self._clock = clock
        self._status = SessionStatus.READY
        self._started_at: float | None = None
        self._ended_at: float | None = None
        self._p = _Progress()

    # --- reading state -------------------------------------------------------------------

    @property
    def status(self) -> SessionStatus:
        return self._status

    @property
    def current_step(self) -> Step | None:
        """The step in progress (after an abort: the step that was in flight)."""
        steps = self.timeline.steps
        return steps[self._p.cursor] if self._p.cursor < len(steps) else None

    @property
    def outcomes(self) -> dict[int, StepOutcome]:
        """Step index to outcome, for every step that finished or was skipped."""
        return dict(self._p.outcomes)

    def zone_completion(self) -> list[ZoneCompletion]:
        """Per zone entry of the routine, in order: glides planned, done and skipped."""
        outcomes = self._p.outcomes
        result = []
        for zone_index, entry in enumerate(self.timeline.routine.zones):
            glides = self.timeline.zone_glides(zone_index)
            result.append(
                ZoneCompletion(
                    zone_index=zone_index,
                    zone=entry.zone,
                    glides_planned=len(glides),
                    glides_done=sum(
                        1 for s in glides if outcomes.get(s.index) is StepOutcome.COMPLETED
                    ),
                    glides_skipped=sum(
                        1 for s in glides if outcomes.get(s.index) is StepOutcome.SKIPPED
                    ),
                )
            )
        return result

    def snapshot(self) -> SessionSnapshot:
        """State at the current clock reading; does not consume events (`poll` does)."""
        now = self._clock.monotonic()
        position = self._position(now)
        step = self.current_step
        if step is not None:
            step_elapsed = min(max(0.0, position - step.start), step.duration)
            step_remaining = step.duration - step_elapsed
        else:
            step_elapsed = step_remaining = 0.0
        offset = self._offset(now)
        return SessionSnapshot(
            status=self._status,
            step=step,
            step_elapsed=step_elapsed,
            step_remaining=step_remaining,
            position=position,
            total=self.timeline.total_seconds,
            offset=offset,
            active_seconds=max(0.0, position - self._p.skipped_seconds),
            skipped_seconds=self._p.skipped_seconds,
        )

    def seconds_to_next_boundary(self) -> float | None:
        """How long until the current step ends, or None if time is not running."""
        if self._status is not SessionStatus.RUNNING:
            return None
        step = self.current_step
        if step is None:
            return None
        return max(0.0, step.end - self._position(self._clock.monotonic()))

    # --- intents -------------------------------------------------------------------------

    def start(self) -> list[SessionEvent]:
        if self._status is not SessionStatus.READY:
            return []
        now = self._clock.monotonic()
        self._started_at = now
        self._p.running_since = now
        self._status = SessionStatus.RUNNING
        events = [self._event(EventKind.STARTED, now)]
        events += self._enter_step(now, previous=None)
        return events

    def poll(self) -> list[SessionEvent]:
        """Advance to the clock's current reading and report every boundary crossed since."""
        if self._status is not SessionStatus.RUNNING:
            return []
        now = self._clock.monotonic()
        position = self._position(now)
        events: list[SessionEvent] = []
        steps = self.timeline.steps
        while self._p.cursor < len(steps) and steps[self._p.cursor].end <= position:
            step = steps[self._p.cursor]
            self._p.outcomes[step.index] = StepOutcome.COMPLETED
            events.append(self._event(EventKind.STEP_COMPLETED, now, step))
            self._p.cursor += 1
            events += self._enter_step(now, previous=step)
            if self._status.is_over:
                break
        return events

    def pause(self) -> list[SessionEvent]:
        events = self.poll()
        if self._status is not SessionStatus.RUNNING:
            return events
        now = self._clock.monotonic()
        self._p.base = self._position(now)
        self._p.running_since = None
        self._status = SessionStatus.PAUSED
        return [*events, self._event(EventKind.PAUSED, now, self.current_step)]

    def resume(self) -> list[SessionEvent]:
        if self._status is not SessionStatus.PAUSED:
            return []
        now = self._clock.monotonic()
        self._p.running_since = now
        self._status = SessionStatus.RUNNING
        return [self._event(EventKind.RESUMED, now, self.current_step)]

    def skip_step(self) -> list[SessionEvent]:
        """Skip the rest of the current step."""
        events = self.poll()
        step = self.current_step
        if step is None or self._status.is_over:
            return events
        return events + self._skip_to(step.index + 1)

    def skip_zone(self) -> list[SessionEvent]:
        """Skip the rest of the current zone entry (the prep step counts as its own zone)."""
        events = self.poll()
        step = self.current_step
        if step is None or self._status.is_over:
            return events
        steps = self.timeline.steps
        target = step.index + 1
        while target < len(steps) and steps[target].zone_index == step.zone_index:
            target += 1
        return events + self._skip_to(target)

    def abort(self) -> list[SessionEvent]:
        """End the session early; the step in flight is neither completed nor skipped."""
        events = self.poll()
        if self._status not in (SessionStatus.RUNNING, SessionStatus.PAUSED):
            return events
        now = self._clock.monotonic()
        self._freeze(now)
        self._status = SessionStatus.ABORTED
        return [*events, self._event(EventKind.ABORTED, now, self.current_step)]

    # --- internals -----------------------------------------------------------------------

    def _position(self, now: float) -> float:
        position = self._p.base
        if self._p.running_since is not None:
            position += now - self._p.running_since
        return min(position, self.timeline.total_seconds)

    def _offset(self, now: float) -> float:
        if self._started_at is None:
            return 0.0
        end = self._ended_at if self._ended_at is not None else now
        return end - self._started_at

    def _freeze(self, now: float) -> None:
        self._p.base = self._position(now)
        self._p.running_since = None
        self._ended_at = now

    def _skip_to(self, target: int) -> list[SessionEvent]:
        if self._status not in (SessionStatus.RUNNING, SessionStatus.PAUSED):
            return []
        now = self._clock.monotonic()
        steps = self.timeline.steps
        target = min(target, len(steps))
        position = self._position(now)
        events: list[SessionEvent] = []
        previous = None
        while self._p.cursor < target:
            step = steps[self._p.cursor]
            self._p.outcomes[step.index] = StepOutcome.SKIPPED
            self._p.skipped_seconds += step.end - max(position, step.start)
            events.append(self._event(EventKind.STEP_SKIPPED, now, step))
            previous = step
            self._p.cursor += 1
        jump_to = steps[target - 1].end if target > 0 else 0.0
        self._p.base = jump_to
        if self._status is SessionStatus.RUNNING:
            self._p.running_since = now
        events += self._enter_step(now, previous=previous)
        return events

    def _enter_step(self, now: float, previous: Step | None) -> list[SessionEvent]:
        steps = self.timeline.steps
        if self._p.cursor >= len(steps):
            self._freeze(now)
            self._status = SessionStatus.COMPLETED
            return [self._event(EventKind.COMPLETED, now)]
        step = steps[self._p.cursor]
        events = []
        if step.zone_index is not None and (
            previous is None or previous.zone_index != step.zone_index
        ):
            events.append(self._event(EventKind.ZONE_CHANGED, now, step))
        events.append(self._event(EventKind.STEP_STARTED, now, step))
        return events

    def _event(self, kind: EventKind, now: float, step: Step | None = None) -> SessionEvent:
        return SessionEvent(
            kind=kind, offset=self._offset(now), position=self._position(now), step=step
        )
