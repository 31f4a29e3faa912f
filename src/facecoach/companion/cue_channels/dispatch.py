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
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from facecoach.companion.cue_channels.machine import ChannelName
from facecoach.cues.model import Cue, counts_for, cues_for, needs_you
from facecoach.session.engine import (
    EventKind,
    MonotonicClock,
    Session,
    SessionEvent,
    SessionStatus,
)

CLOSE_TIMEOUT = 3.0


class CueChannel(Protocol):
    """A way to reach the user. A channel with a true `counts` attribute (the voice) also gets
    the spoken count of a glide's last seconds; the others never see it."""

    name: ChannelName
    blocking: bool

    def deliver(self, cue: Cue) -> str | None:
        """Starts the cue on this channel; returns what went wrong, if anything did."""
        ...

    def close(self) -> str | None: ...


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class CueTimer(Protocol):
    """Calls back after a delay, off the event loop; the counts inside a glide need it, since
    the engine speaks only at the glide's boundaries."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable: ...


class ThreadTimer:
    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        timer = threading.Timer(delay, callback)
        timer.daemon = True
        timer.start()
        return timer


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
        *,
        count_seconds: int = 0,
        timer: CueTimer | None = None,
    ) -> None:
        self.channels = list(channels)
        self._clock = clock
        self._on_problem = on_problem
        self._count_seconds = count_seconds
        self._timer = timer if timer is not None else ThreadTimer()
        self._pending_counts: list[Cancellable] = []
        self._reported: set[ChannelName] = set()
        self._lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        for channel in self.channels:
            # A channel that finds trouble later, on a thread of its own (a hook's watcher),
            # reports it here too: once per session, with the channel's name.
            if hasattr(channel, "on_problem"):
                channel.on_problem = lambda text, name=channel.name: self.report(name, text)
        self._end_reason: str | None = None
        self._workers = [_Worker(c, self) for c in self.channels if c.blocking]
        self._inline = [c for c in self.channels if not c.blocking]
        self._offset = 0.0
        self._closed = False

    # --- from the session --------------------------------------------------------------------

    def handle(self, event: SessionEvent, session: Session) -> None:
        self._offset = event.offset
        now = self._clock.monotonic()
        for cue in cues_for(event, session):
            if cue.notifies and self._end_reason and event.kind is EventKind.ABORTED:
                cue = replace(cue, message=self._end_reason)
            # The engine notices a boundary when the loop wakes; the plan says when it was.
            late = 0.0
            if event.kind is EventKind.STEP_STARTED and cue.step is not None:
                late = max(0.0, event.position - cue.step.start)
            self._send(cue, now - late)
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            self._wind_down()
        elif self._count_seconds:
            self._plan_counts(session, now)

    def _plan_counts(self, session: Session, now: float) -> None:
        """The counts left in the glide now under way, from the session's position: after a
        pause, a skip or a late wake-up they follow the plan, not the old timers."""
        with self._lock:
            for pending in self._pending_counts:
                pending.cancel()
            self._pending_counts.clear()
        if session.status is not SessionStatus.RUNNING:
            return
        snapshot = session.snapshot()
        for planned in counts_for(snapshot.step, self._count_seconds):
            delay = planned.at - snapshot.position
            if delay <= 0:
                continue
            when = now + delay

            def say(cue: Cue = planned.cue, when: float = when) -> None:
                self._send(cue, when, counting=True)

            handle = self._timer.call_later(delay, say)
            with self._lock:
                self._pending_counts.append(handle)

    def ending_because(self, reason: str) -> None:
        """The session is about to end for `reason` (the device went on its charger): the
        end's own cue says so, rather than a second cue that the end would cut short."""
        self._end_reason = reason

    def needs_you(self, message: str) -> None:
        """Calls the user back: the device dropped, or something else needs them."""
        self._send(needs_you(self._offset, message), self._clock.monotonic())

    def _send(self, cue: Cue, boundary: float, *, counting: bool = False) -> None:
        if self._closed:
            return
        for worker in self._workers:
            if not counting or getattr(worker.channel, "counts", False):
                worker.submit(cue, boundary)
        for channel in self._inline:
            if not counting or getattr(channel, "counts", False):
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
        with self._lock:
            for pending in self._pending_counts:
                pending.cancel()
            self._pending_counts.clear()
        for worker in self._workers:
            worker.stop()
        # The inline channels close in `close()`, off the event loop: a hook's close waits for
        # its commands, and this runs on the loop.

    @property
    def closes_at_once(self) -> bool:
        """Whether `close` returns at once (no worker to wait for, no channel that waits):
        then it need not go to a thread."""
        return not self._workers and all(
            getattr(channel, "closes_at_once", False) for channel in self._inline
        )

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Ends the dispatcher and waits (bounded) until every channel has closed. Blocks
        unless `closes_at_once`: the core calls it from a thread."""
        self._wind_down()
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            worker.join(deadline - time.monotonic())
        with self._lock:
            inline, self._inline = self._inline, []
        for channel in inline:
            self.closed(channel)
