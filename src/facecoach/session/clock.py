"""Clocks: the session engine reads time only through these, so tests can drive it."""

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Monotonic time for durations and wall time for calendar dates."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never goes backwards."""
        ...

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that only moves when told to; `sleep` advances it instantly."""

    def __init__(self, start: datetime | None = None, monotonic_origin: float = 1000.0) -> None:
        self._wall_origin = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._origin = monotonic_origin
        self._elapsed = 0.0

    def monotonic(self) -> float:
        return self._origin + self._elapsed

    def now(self) -> datetime:
        return self._wall_origin + timedelta(seconds=self._elapsed)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go backwards")
        self._elapsed += seconds

    def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))
