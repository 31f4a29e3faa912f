"""What a link tells the app (LinkEvent), and the announcer that tells it and keeps the trace."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from facecoach.devices.protocol.trace import TraceEventKind, TraceWriter


class LinkEventKind(StrEnum):
    CONNECTED = "connected"
    DROPPED = "dropped"
    RECONNECTED = "reconnected"
    GAVE_UP = "gave_up"
    STATUS = "status"
    BAD_FRAME = "bad_frame"
    # The device stopped stimulating by itself: its keep-alive did not come in time.
    KEEPALIVE_LOST = "keepalive_lost"


@dataclass(frozen=True, slots=True)
class LinkEvent:
    kind: LinkEventKind
    text: str


LinkListener = Callable[[LinkEvent], None]


class LinkAnnouncer:
    """Tells the link's listeners what happened, and records frames and connection events in
    the trace while one is set (`facecoach devices record`)."""

    def __init__(self, listener: LinkListener | None) -> None:
        self.trace: TraceWriter | None = None
        self._listeners: list[LinkListener] = [listener] if listener else []

    def subscribe(self, listener: LinkListener) -> Callable[[], None]:
        """Adds `listener`; returns what removes it again."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, kind: LinkEventKind, text: str) -> None:
        if kind in (LinkEventKind.DROPPED, LinkEventKind.GAVE_UP):
            self.record(TraceEventKind.DISCONNECTED)
        event = LinkEvent(kind, text)
        for listener in list(self._listeners):
            listener(event)

    def record(
        self, kind: TraceEventKind, data: bytes | None = None, uuid: str | None = None
    ) -> None:
        if self.trace is not None:
            # The event loop's clock: the one the link's own timeouts run on (monotonic, as
            # the trace's start is).
            try:
                now = asyncio.get_running_loop().time()
            except RuntimeError:
                now = time.monotonic()
            self.trace.record(now, kind, data, uuid)
