"""Drives a live session in real time on an event loop: wait for the next boundary, poll, repeat.

The wait is an `asyncio` wait, so a signal handler (Ctrl-C, a closed terminal) ends it at once
and the device's commands run on the same loop as the timer.
"""

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any, Protocol, TypeVar

from facecoach.cli.time_source import time_source
from facecoach.companion.live_session import STOP_TIMEOUT, LiveSession

T = TypeVar("T")

# Nothing pauses the plain coach, but a paused session still wakes up now and then.
PAUSED_POLL_SECONDS = 0.25


def run_to_the_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, on the event loop of the command's time source."""
    with asyncio.Runner(loop_factory=time_source().loop_factory) as runner:
        return runner.run(coroutine)


class Waiter(Protocol):
    """Waits up to `seconds`; returns early when `wake` is called."""

    async def wait(self, seconds: float) -> None: ...

    def wake(self) -> None: ...


class EventWaiter:
    """Waits on an asyncio.Event, so a signal handler can end the wait at once."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), max(0.0, seconds))
        self._event.clear()  # a wake ends one wait, not every wait after it (Ctrl-Z, then fg)

    def wake(self) -> None:
        self._event.set()


class CoachRunner:
    """Runs a live session to its end, or until a stop is requested (then ends it the way the
    request says: stopped by the user, or interrupted)."""

    def __init__(self, live: LiveSession, waiter: Waiter) -> None:
        self.live = live
        self._waiter = waiter
        self._stop: bool | None = None  # None: go on; True: the user stops; False: interrupted

    def request_stop(self, *, by_user: bool = True) -> None:
        """Ask the session to end; safe to call from a signal handler."""
        self._stop = by_user if self._stop is None else self._stop
        self._waiter.wake()

    async def suspend(self, stop_the_process: Callable[[], None]) -> None:
        """Ctrl-Z: the session pauses, and with it the device's output (as at every pause);
        once that has reached the device (or the wait for it ran out), the process stops.
        When it is continued (`fg`), the session resumes where it was."""
        paused = bool(self.live.pause()) if self._stop is None else False
        if paused and self.live.commands is not None:
            await self.live.commands.drain(STOP_TIMEOUT)
        stop_the_process()
        if paused:
            self.live.resume()
        self._waiter.wake()

    async def run(self) -> LiveSession:
        self.live.start()
        while not self.live.is_over:
            if self._stop is not None:
                if self._stop:
                    self.live.stop()
                else:
                    self.live.interrupt()
                break
            delay = self.live.seconds_to_next_boundary()
            # Waking a hair late is harmless (the engine computes position from the clock);
            # waking early just loops once more.
            await self._waiter.wait(PAUSED_POLL_SECONDS if delay is None else delay)
            self.live.poll()
        await self.live.finish()
        return self.live
