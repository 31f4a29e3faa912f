"""Turning session events, and what the device did, into lines: human text, or one JSON object
per line."""

import json
from typing import Any, Protocol, TextIO

from facecoach.companion.device_messages import DeviceMessage
from facecoach.session.engine import EventKind, Session, SessionEvent
from facecoach.session.timeline import Step
from facecoach.wording.session import (
    PAUSED_AT_A_TERMINAL,
    resumed_text,
    session_intro,
    session_outcome,
    step_cue,
    zone_heading,
)
from facecoach.wording.text import json_for_terminal, plain


def event_text(event: SessionEvent, session: Session) -> str | None:
    """The line a person hears for an event, or None for bookkeeping events."""
    routine = session.timeline.routine
    match event.kind:
        case EventKind.STARTED:
            return session_intro(routine, session.timeline.total_seconds)
        case EventKind.ZONE_CHANGED:
            assert event.step is not None
            assert event.step.zone_index is not None
            entry = routine.zones[event.step.zone_index]
            return zone_heading(entry, event.step.zone_index + 1, len(routine.zones))
        case EventKind.STEP_STARTED:
            assert event.step is not None
            return step_cue(event.step)
        case EventKind.STEP_SKIPPED:
            assert event.step is not None
            return f"Skipped: {step_cue(event.step)}"
        case EventKind.PAUSED:
            return "Paused."
        case EventKind.RESUMED:  # where the user is, after a while away
            return resumed_text(event.step, step_left(event))
        case EventKind.COMPLETED | EventKind.ABORTED:
            return session_outcome(session.snapshot(), session.zone_completion())
        case EventKind.STEP_COMPLETED:
            return None


class CoachRenderer(Protocol):
    """Where the plain coach's lines go: the session's events, and what the device did."""

    def handle(self, event: SessionEvent, session: Session) -> None: ...

    def device_message(self, message: DeviceMessage) -> None: ...


def step_left(event: SessionEvent) -> float:
    """Seconds left in the event's step at the event."""
    if event.step is None:
        return 0.0
    return max(0.0, event.step.start + event.step.duration - event.position)


class TextRenderer:
    """One line per cue (the bell and the other cues are the cue channels' business). On a
    terminal, the pause (Ctrl-Z) says how to go on; piped output keeps the bare line."""

    def __init__(self, out: TextIO, *, at_a_terminal: bool = False) -> None:
        self._out = out
        self._at_a_terminal = at_a_terminal

    def handle(self, event: SessionEvent, session: Session) -> None:
        text = event_text(event, session)
        if text is None:
            return
        if event.kind is EventKind.PAUSED and self._at_a_terminal:
            text = PAUSED_AT_A_TERMINAL
        self._write(text)

    def device_message(self, message: DeviceMessage) -> None:
        self._write(message.text)

    def _write(self, text: str) -> None:
        self._out.write(f"{plain(text)}\n")  # names come from routine files and the radio
        self._out.flush()


class JsonRenderer:
    """One JSON object per event and line, with `t`: seconds since the session started."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._session: Session | None = None  # the session whose events came last

    def device_message(self, message: DeviceMessage) -> None:
        """`{"event": "device", "message": KIND, "text": ...}`, with `t` and `position` as
        the session's events have them."""
        record: dict[str, Any] = {"event": "device", "message": message.kind.value}
        if self._session is not None:
            snapshot = self._session.snapshot()
            record["t"] = round(snapshot.offset, 4)
            record["position"] = round(snapshot.position, 4)
        record["text"] = message.text
        self._write(record)

    def handle(self, event: SessionEvent, session: Session) -> None:
        self._session = session
        record: dict[str, Any] = {
            "event": event.kind.value,
            "t": round(event.offset, 4),
            "position": round(event.position, 4),
        }
        if event.step is not None:
            record["step"] = step_record(event.step)
        if event.kind is EventKind.RESUMED:
            record["step_left"] = round(step_left(event), 4)
        if event.kind is EventKind.STARTED:
            routine = session.timeline.routine
            record["routine"] = routine.id
            record["planned_seconds"] = session.timeline.total_seconds
            record["steps"] = len(session.timeline)
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            snapshot = session.snapshot()
            record["active_seconds"] = round(snapshot.active_seconds, 4)
            record["skipped_seconds"] = round(snapshot.skipped_seconds, 4)
            record["zones_complete"] = sum(1 for z in session.zone_completion() if z.is_complete)
        text = event_text(event, session)
        if text is not None:
            record["text"] = text
        self._write(record)

    def _write(self, record: dict[str, Any]) -> None:
        # Names come from routine files and the radio: their C1 and bidi controls go out
        # escaped.
        self._out.write(json_for_terminal(json.dumps(record, ensure_ascii=False)) + "\n")
        self._out.flush()


def step_record(step: Step) -> dict[str, Any]:
    return {
        "index": step.index,
        "kind": step.kind.value,
        "start": step.start,
        "duration": step.duration,
        "zone_index": step.zone_index,
        "zone": step.zone.value if step.zone else None,
        "side": step.side.value if step.side else None,
        "glide": step.glide,
        "glides": step.glides,
        "program": step.program,
        "phase": step.phase,
    }
