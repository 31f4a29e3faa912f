"""The cue dispatcher: a session event sink that turns events into cues and hands each cue to
every channel, without ever making the session wait.

A channel that may block (a player starting, a speech engine rendering, a D-Bus round trip)
gets a worker thread of its own with a queue; a channel that cannot block (the terminal, a hook
that is only started) runs inline. Each delivery records its lateness: from the plan's boundary
(not from when the event loop noticed it) to the channel having accepted the cue. A channel's
trouble is told once per session, and the session goes on.
"""

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from facecoach.companion.cue_channels.machine import ChannelName
from facecoach.cues.model import Cue, cues_for, needs_you
from facecoach.session.engine import EventKind, MonotonicClock, Session, SessionEvent

CLOSE_TIMEOUT = 3.0


class CueChannel(Protocol):
    name: ChannelName
    blocking: bool

    def deliver(self, cue: Cue) -> str | None:
        """Starts the cue on this channel; returns what went wrong, if anything did."""
        ...

    def close(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: ChannelName
    cue: Cue
    lateness: float  # seconds from the boundary to the channel accepting the cue


class _Worker:
    def __init__(self, channel: CueChannel, dispatcher: "CueDispatcher") -> None:
        self.channel = channel
        self._dispatcher = dispatcher
        self._queue: queue.SimpleQueue[tuple[Cue, float] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=f"cues-{channel.name}", daemon=True)
        self._thread.start()

    def submit(self, cue: Cue, boundary: float) -> None:
        self._queue.put((cue, boundary))

    def stop(self) -> None:
        self._queue.put(None)

    def join(self, timeout: float) -> None:
        self._thread.join(max(0.0, timeout))

    def _run(self) -> None:
        prepared = False
        while (item := self._queue.get()) is not None:
            self._dispatcher.deliver(self.channel, *item)
            if not prepared:
                # After the first cue, not before it: the session's first tone waits for
                # nothing, and the next cue is seconds away.
                prepared = True
                self._prepare()
        self._dispatcher.closed(self.channel)

    def _prepare(self) -> None:
        prepare = getattr(self.channel, "prepare", None)
        if callable(prepare):
            try:
                prepare()
            except Exception as exc:
                self._dispatcher.report(self.channel.name, str(exc) or type(exc).__name__)


class CueDispatcher:
    """Sends every cue of a session to its channels."""

    def __init__(
        self,
        channels: Sequence[CueChannel],
        clock: MonotonicClock,
        on_problem: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.channels = list(channels)
        self._clock = clock
        self._on_problem = on_problem
        self._reported: set[ChannelName] = set()
        self._lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        self._workers = [_Worker(c, self) for c in self.channels if c.blocking]
        self._inline = [c for c in self.channels if not c.blocking]
        self._offset = 0.0
        self._closed = False

    # --- from the session --------------------------------------------------------------------

    def handle(self, event: SessionEvent, session: Session) -> None:
        self._offset = event.offset
        now = self._clock.monotonic()
        for cue in cues_for(event, session):
            # The engine notices a boundary when the loop wakes; the plan says when it was.
            late = 0.0
            if event.kind is EventKind.STEP_STARTED and cue.step is not None:
                late = max(0.0, event.position - cue.step.start)
            self._send(cue, now - late)
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            self._wind_down()

    def needs_you(self, message: str) -> None:
        """Calls the user back: the device dropped, or something else needs them."""
        self._send(needs_you(self._offset, message), self._clock.monotonic())

    def _send(self, cue: Cue, boundary: float) -> None:
        if self._closed:
            return
        for worker in self._workers:
            worker.submit(cue, boundary)
        for channel in self._inline:
            self.deliver(channel, cue, boundary)

    # --- from the channels (any thread) ------------------------------------------------------

    def deliver(self, channel: CueChannel, cue: Cue, boundary: float) -> None:
        try:
            problem = channel.deliver(cue)
        except Exception as exc:  # a channel's bug must not end the session
            problem = str(exc) or type(exc).__name__
        accepted = self._clock.monotonic()
        with self._lock:
            self.deliveries.append(Delivery(channel.name, cue, accepted - boundary))
        if problem:
            self.report(channel.name, problem)

    def report(self, channel: ChannelName, problem: str) -> None:
        with self._lock:
            if channel in self._reported:
                return
            self._reported.add(channel)
        self._on_problem(f"{channel.label}: {problem}. The session goes on without it.")

    def closed(self, channel: CueChannel) -> None:
        try:
            problem = channel.close()
        except Exception as exc:
            problem = str(exc) or type(exc).__name__
        if problem:
            self.report(channel.name, problem)

    # --- the end -----------------------------------------------------------------------------

    def _wind_down(self) -> None:
        """No cue after the end: each worker sends what it has queued (the end's own cue),
        closes its channel and stops. Nothing here waits."""
        if self._closed:
            return
        self._closed = True
        for worker in self._workers:
            worker.stop()
        for channel in self._inline:
            self.closed(channel)

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Ends the dispatcher and waits (bounded) until every channel has closed."""
        import time

        self._wind_down()
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            worker.join(deadline - time.monotonic())
