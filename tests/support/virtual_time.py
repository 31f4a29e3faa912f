"""An asyncio event loop whose clock jumps to the next timer instead of waiting for it.

Timeouts, backoff delays and late replies in the Bluetooth tests take no real time, so the tests
exercise the real asyncio timing code without sleeping.
"""

import asyncio
import selectors
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from facecoach.cli.time_source import TimeSource

T = TypeVar("T")


# With no timer set, the loop can only be woken by input or by a thread it waits for (a
# `to_thread` call wakes it when done): that is waited for in real time, up to this long.
THREAD_WAIT_SECONDS = 60.0


class _VirtualSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if ready:
            return ready
        if timeout is None:
            ready = super().select(THREAD_WAIT_SECONDS)
            if ready:
                return ready
            raise RuntimeError("the event loop would wait forever (nothing scheduled)")
        self.now += timeout
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._virtual = _VirtualSelector()
        super().__init__(self._virtual)

    def time(self) -> float:
        return self._virtual.now


def run_virtual(coro: Coroutine[Any, Any, T]) -> T:
    """Runs `coro` to completion on a fresh virtual-time loop; then, as `asyncio.run` does,
    cancels what it left running (a link's keep-alive, a peripheral's advertising) and lets it
    end before the loop closes. (A loop closed under a pending task leaves the task to the
    garbage collector: "Task was destroyed but it is pending!", whenever it runs.)"""
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(coro)


def loop_clock() -> float:
    """The running loop's time, and 0 before it runs (where a virtual loop starts): the clock
    for simulated devices, so their own timers (battery, keep-alive) keep virtual time."""
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        return 0.0


class LoopClock:
    """A session clock that reads the running virtual-time loop's time, whose loops each start
    at 0, and stands still between loops; its wall time starts now and moves with it."""

    def __init__(self) -> None:
        self._started = datetime.now(UTC)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._offset = 0.0  # what the clock read when this loop's time was 0
        self._last = 0.0

    def monotonic(self) -> float:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._last
        if loop is not self._loop:  # a new loop's 0 is where the last one left off
            self._loop, self._offset = loop, self._last
        self._last = max(self._last, self._offset + loop.time())
        return self._last

    def now(self) -> datetime:
        return self._started + timedelta(seconds=self.monotonic())


VIRTUAL_TIME = TimeSource(clock=LoopClock, loop_factory=VirtualTimeLoop)
"""Commands run in this process on a virtual-time loop, with the core's clock on it."""
