"""The session engine: clock, timeline planning and the session state machine (no UI imports)."""

from facecoach.session.clock import Clock, FakeClock, SystemClock
from facecoach.session.engine import (
    EventKind,
    Session,
    SessionEvent,
    SessionSnapshot,
    SessionStatus,
    StepOutcome,
    ZoneCompletion,
)
from facecoach.session.timeline import SessionTimeline, Step, StepKind, plan_timeline

__all__ = [
    "Clock",
    "EventKind",
    "FakeClock",
    "Session",
    "SessionEvent",
    "SessionSnapshot",
    "SessionStatus",
    "SessionTimeline",
    "Step",
    "StepKind",
    "StepOutcome",
    "SystemClock",
    "ZoneCompletion",
    "plan_timeline",
]
