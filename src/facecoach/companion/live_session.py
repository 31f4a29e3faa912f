"""LiveSession: one guided session from its start to its very end, for every front end.

It holds the engine's session, the recorder (the log comes first, so what a front end shows is
already on disk), the device's sinks and its command queue, and the front end's own sinks. Front
ends send intents (pause, skip, stop) and render events; they never touch the recorder's policy
or the device link. Every way a session ends goes through here:

- `stop()`: the user chose to stop; logged as stopped.
- `interrupt()`: not the user's choice (the app quits, the terminal closes, a signal, an
  exception); logged as interrupted.
- completion: logged as done.

In every case the device is sent `stop`, and `finish()` waits (bounded) until it was, then the
record says whether the device confirmed the stop or why it could not.
"""

import asyncio
from collections.abc import Sequence

from facecoach.adherence.recorder import SessionRecorder
from facecoach.adherence.session_log import RecordStatus, SessionEventKind
from facecoach.companion.cue_channels.dispatch import CueDispatcher
from facecoach.companion.cue_channels.setup import SessionChannels
from facecoach.companion.device_commands import DeviceCommandQueue
from facecoach.session.driver import EventSink, SessionDriver
from facecoach.session.engine import Session, SessionEvent, SessionSnapshot, SessionStatus
from facecoach.session.pauses import PauseReason

# How long the end of a session waits for the device to confirm `stop` before giving up.
STOP_TIMEOUT = 5.0


class LiveSession:
    def __init__(
        self,
        session: Session,
        sinks: Sequence[EventSink],
        *,
        recorder: SessionRecorder | None = None,
        device_sinks: Sequence[EventSink] = (),
        commands: DeviceCommandQueue | None = None,
        cues: CueDispatcher | None = None,
        channels: SessionChannels | None = None,
    ) -> None:
        self.session = session
        self.recorder = recorder
        self.commands = commands
        self.cues = cues
        # Which cue channels this session uses, and why the others are not used.
        self.channels = channels
        # Why the session is paused, while it is: the device sinks act on it.
        self.paused_because: PauseReason | None = None
        # How the session ended, once it has: done, stopped by the user, or interrupted.
        self.end_status: RecordStatus | None = None
        # Why an interrupted session ended when it was not the app going away (the device
        # was put on its charger); None otherwise.
        self.ended_because: str | None = None
        first = [recorder] if recorder is not None else []
        cue_sinks = [cues] if cues is not None else []
        self._driver = SessionDriver(session, [*first, *device_sinks, *cue_sinks, *sinks])
        self._finished = False
        # Set by the first finish() after the end: whether the device confirmed its stop.
        self._stop_delivered: bool | None = None
        # One finish at a time: the app's session screen ends its session as it goes, and a
        # quit meanwhile ends it again; the second waits for the first's outcome.
        self._finishing = asyncio.Lock()

    # --- reading -----------------------------------------------------------------------------

    @property
    def status(self) -> SessionStatus:
        return self.session.status

    @property
    def is_running(self) -> bool:
        """Started and not over (paused counts as running)."""
        return self.status in (SessionStatus.RUNNING, SessionStatus.PAUSED)

    @property
    def is_over(self) -> bool:
        return self.status.is_over

    @property
    def logged(self) -> bool:
        """Whether everything so far is in the session log."""
        return self.recorder is not None and not self.recorder.failed

    def snapshot(self) -> SessionSnapshot:
        return self.session.snapshot()

    def seconds_to_next_boundary(self) -> float | None:
        return self.session.seconds_to_next_boundary()

    # --- intents -----------------------------------------------------------------------------

    def start(self) -> list[SessionEvent]:
        return self._ended_after(self._driver.start())

    def poll(self) -> list[SessionEvent]:
        return self._ended_after(self._driver.poll())

    def pause(self, because: PauseReason = PauseReason.ASKED) -> list[SessionEvent]:
        if self.status is not SessionStatus.RUNNING:
            return []
        self.paused_because = because
        return self._driver.pause()

    def resume(self) -> list[SessionEvent]:
        if self.status is not SessionStatus.PAUSED:
            return []
        self.paused_because = None
        return self._driver.resume()

    def skip_step(self) -> list[SessionEvent]:
        return self._ended_after(self._driver.skip_step())

    def skip_zone(self) -> list[SessionEvent]:
        return self._ended_after(self._driver.skip_zone())

    def stop(self) -> list[SessionEvent]:
        """The user ends the session early."""
        return self._end(RecordStatus.ABORTED)

    def interrupt(self, because: str | None = None) -> list[SessionEvent]:
        """The session ends without the user choosing it: quit, closed terminal, a signal, or
        `because` of something the user must be told (the front end stays and says it)."""
        if self.is_running and because is not None:
            self.ended_because = because
            if self.cues is not None:
                self.cues.ending_because(because)
        return self._end(RecordStatus.PARTIAL)

    def _end(self, status: RecordStatus) -> list[SessionEvent]:
        if not self.is_running:
            return []
        self.end_status = status
        if self.recorder is not None:
            self.recorder.abort_status = status
        return self._ended_after(self._driver.abort())

    def _ended_after(self, events: list[SessionEvent]) -> list[SessionEvent]:
        if self.is_over and not self._finished:
            self._finished = True
            if self.end_status is None:
                self.end_status = RecordStatus.COMPLETED
        return events

    async def finish(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Waits until the device has had its last command (the stop), then until the cue
        channels have sent the end's own cue; False when the stop timed out.

        A stop that did not get through in time is recorded as such: the user is told to
        switch the device off by hand.
        """
        async with self._finishing:
            if self._stop_delivered is not None:
                # Finished already (the coach's end, then its shutdown): the outcome is
                # recorded once, and the commands of a stop that timed out were cancelled then.
                return self._stop_delivered
            return await self._drain_and_close(timeout)

    async def _drain_and_close(self, timeout: float) -> bool:
        delivered = True
        if self.commands is not None:
            delivered = await self.commands.drain(timeout)
            if not delivered:
                self.commands.cancel()
                if self.recorder is not None:
                    self.recorder.note(
                        SessionEventKind.DEVICE_STOP_FAILED,
                        f"the device did not answer within {timeout:g} s",
                    )
        if self.cues is not None and self.cues.closes_at_once:
            self.cues.close()
        elif self.cues is not None:
            await asyncio.to_thread(self.cues.close)
        if self.is_over:
            self._stop_delivered = delivered
        return delivered
