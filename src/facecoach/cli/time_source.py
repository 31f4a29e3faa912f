"""Where a command's time comes from: the system's clock and asyncio's own event loop, unless
whoever runs the command in its own process gives another (`time_from`). Tests give a
virtual-time loop and a clock that reads it, so a session of minutes runs through the very same
code in milliseconds."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from facecoach.session.clock import Clock, SystemClock

if TYPE_CHECKING:  # `status` runs without asyncio loaded
    from asyncio import AbstractEventLoop


@dataclass(frozen=True, slots=True)
class TimeSource:
    """The clock the core reads, and the event loop a command runs on."""

    clock: Callable[[], Clock] = SystemClock
    """Makes the clock of each core a command opens."""
    loop_factory: "Callable[[], AbstractEventLoop] | None" = None
    """Makes the event loop a command runs on; None: asyncio's own."""


SYSTEM_TIME = TimeSource()
_current: ContextVar[TimeSource] = ContextVar("facecoach_time_source", default=SYSTEM_TIME)


def time_source() -> TimeSource:
    """The time source of the command running now."""
    return _current.get()


@contextmanager
def time_from(source: TimeSource) -> Iterator[None]:
    """Commands run inside this block take their time from `source`."""
    token = _current.set(source)
    try:
        yield
    finally:
        _current.reset(token)
