"""Passes a session's events to its sinks, in order, whichever front end sends the intents."""

from collections.abc import Sequence
from typing import Protocol

from facecoach.session.engine import Session, SessionEvent


class EventSink(Protocol):
    """Anything that reacts to session events: a renderer, the session log, a device."""

    def handle(self, event: SessionEvent, session: Session) -> None: ...


class SessionDriver:
    """Sends intents to a session and hands every resulting event to each sink.

    Sinks run in the order given: the session log comes first, so anything a renderer has
    shown is already on disk.
    """

    def __init__(self, session: Session, sinks: Sequence[EventSink]) -> None:
        self.session = session
        self._sinks = list(sinks)

    def start(self) -> list[SessionEvent]:
        return self._emit(self.session.start())

    def poll(self) -> list[SessionEvent]:
        return self._emit(self.session.poll())

    def pause(self) -> list[SessionEvent]:
        return self._emit(self.session.pause())

    def resume(self) -> list[SessionEvent]:
        return self._emit(self.session.resume())

    def skip_step(self) -> list[SessionEvent]:
        return self._emit(self.session.skip_step())

    def skip_zone(self) -> list[SessionEvent]:
        return self._emit(self.session.skip_zone())

    def abort(self) -> list[SessionEvent]:
        return self._emit(self.session.abort())

    def _emit(self, events: list[SessionEvent]) -> list[SessionEvent]:
        # Every sink hears every event even when one fails (a renderer on a closed pipe must
        # not keep the log from recording the end or the device from being stopped); the first
        # failure is raised once all have run.
        failure: Exception | None = None
        for event in events:
            for sink in self._sinks:
                try:
                    sink.handle(event, self.session)
                except Exception as exc:
                    failure = failure or exc
        if failure is not None:
            raise failure
        return events
