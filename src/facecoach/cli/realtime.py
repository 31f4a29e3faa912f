"""Drives a session in real time: wait until the next boundary, poll, render, repeat."""

import threading
from collections.abc import Sequence
from typing import Protocol

from facecoach.session.driver import EventSink, SessionDriver
from facecoach.session.engine import Session


class Waiter(Protocol):
    """Blocks for up to `seconds`; returns early when `wake` is called."""

    def wait(self, seconds: float) -> None: ...

    def wake(self) -> None: ...


class RealTimeWaiter:
    """Waits on a threading.Event, so a signal handler can end the wait at once."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def wait(self, seconds: float) -> None:
        self._event.wait(max(0.0, seconds))

    def wake(self) -> None:
        self._event.set()


class CoachRunner:
    """Runs a session to its end, or until `request_stop`, passing every event to each sink."""

    def __init__(self, session: Session, sinks: Sequence[EventSink], waiter: Waiter) -> None:
        self.session = session
        self._driver = SessionDriver(session, sinks)
        self._waiter = waiter
        self._stop_requested = False

    def request_stop(self) -> None:
        """Ask the session to end; safe to call from a signal handler."""
        self._stop_requested = True
        self._waiter.wake()

    def run(self) -> Session:
        self._driver.start()
        while not self.session.status.is_over:
            if self._stop_requested:
                self._driver.abort()
                break
            delay = self.session.seconds_to_next_boundary()
            if delay is None:  # paused: nothing pauses the plain coach, but stay correct
                delay = 0.25
            # Waking a hair late is harmless (the engine computes position from the clock);
            # waking early just loops once more.
            self._waiter.wait(delay)
            self._driver.poll()
        return self.session
