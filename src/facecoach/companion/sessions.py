"""Sessions: every gate before a session in its order, the live session with its recorder,
device and cue channels, and its end. One job of the core; the front ends (the app, the plain
coach) render and send intents."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from typing import TYPE_CHECKING

from facecoach.errors import FacecoachError
from facecoach.storage.database import StoreError

if TYPE_CHECKING:
    from facecoach.adherence.session_log import SessionSource
    from facecoach.companion.cue_channels.setup import CueChoices
    from facecoach.companion.cues import CueService
    from facecoach.companion.devices import DeviceService
    from facecoach.companion.live_session import LiveSession
    from facecoach.companion.log import LogService
    from facecoach.companion.preflight import Gate
    from facecoach.companion.program import ProgramService
    from facecoach.companion.safety_service import SafetyService
    from facecoach.routines.model import Routine
    from facecoach.session.clock import Clock
    from facecoach.session.driver import EventSink


class SessionService:
    def __init__(
        self,
        clock: Clock,
        program: ProgramService,
        log: LogService,
        safety: SafetyService,
        cues: CueService,
        device: Callable[[], DeviceService],
    ) -> None:
        """`device` gives the device service (made on first use by the core)."""
        self.clock = clock
        self.program = program
        self.log = log
        self.safety = safety
        self.cues = cues
        self._device = device
        self.live: LiveSession | None = None

    @property
    def device(self) -> DeviceService:
        return self._device()

    # --- before a session --------------------------------------------------------------------

    async def preflight(self) -> AsyncGenerator[Gate, None]:
        """Every gate before a session, in order, for every front end.

        The front end passes each gate as it comes (answers the questions, records an override
        with `record_override`, shows a notice, has the checks confirmed) or stops asking: a
        refused gate means no session. Gates after an answer are worked out from that answer.
        """
        from facecoach.companion.preflight import (
            CHECKS_GATE,
            GateAction,
            device_gates,
            screening_gates,
        )

        for gate in self.safety.gates():
            yield gate
            if gate.action is GateAction.ANSWER and self.safety.screening() is not None:
                # The answers just given may themselves advise against use.
                for later in screening_gates(self.safety.screening()):
                    yield later
        problem = await self.device.refresh_status()
        for gate in device_gates(self.device.start_blocker(), problem):
            yield gate
        yield CHECKS_GATE

    # --- the session -------------------------------------------------------------------------

    def begin(
        self,
        routine: Routine,
        sinks: Sequence[EventSink],
        *,
        source: SessionSource,
        log: bool = True,
        on_log_error: Callable[[StoreError], None] | None = None,
        on_device_message: Callable[[str], None] = lambda text: None,
        on_device_problem: Callable[[str], None] = lambda text: None,
        cues: CueChoices | None = None,
        terminal_write: Callable[[str], None] | None = None,
        on_cue_problem: Callable[[str], None] = lambda text: None,
    ) -> LiveSession:
        """A live session ready to start: the log first, then the device (when one is
        connected), then the cue channels, then `sinks`. Call from the event loop when a
        device is connected.

        `terminal_write` writes to the front end's terminal (the bell, terminal
        notifications); `on_cue_problem` is called from the channels' threads, once per
        channel that fails."""
        from facecoach.adherence.recorder import SessionRecorder
        from facecoach.adherence.session_log import SessionEventKind
        from facecoach.companion.live_session import LiveSession
        from facecoach.session.engine import Session
        from facecoach.session.timeline import plan_timeline

        if self.live is not None and self.live.is_running:
            raise FacecoachError("a session is already running")
        device = self.device
        blocker = device.start_blocker()  # a device may have connected since the gates
        if blocker is not None:
            raise FacecoachError(blocker)
        session = Session(plan_timeline(routine), self.clock)
        store = None
        if log:
            try:
                store = self.log.require_store()  # the day's check and backup, for coach users
            except StoreError as exc:
                if self.log.log_problem is None:
                    self.log.log_problem = str(exc)
                if on_log_error is not None:
                    on_log_error(exc)
        link = device.link if device.is_connected else None
        recorder = None
        if store is not None:
            recorder = SessionRecorder(
                store,
                self.clock,
                source=source,
                device=device.paired.name if link and device.paired else None,
                on_error=on_log_error,
            )
        from facecoach.companion.cue_channels.dispatch import CueDispatcher
        from facecoach.companion.cue_channels.setup import build_channels

        choices = cues or self.cues.choices()
        channels = build_channels(
            choices,
            self.cues.machine,
            routine_id=routine.id,
            terminal_write=terminal_write,
            tones_folder=self.cues.tones_folder,
        )
        dispatcher = CueDispatcher(
            channels.channels, self.clock, on_cue_problem, count_seconds=choices.voice_count
        )

        device_sinks: list[EventSink] = []
        commands = None
        if link is not None:
            # Loaded with the first connected device: the profile schema costs start-up time.
            from facecoach.companion.device_commands import DeviceCommandQueue
            from facecoach.companion.device_sinks import (
                DeviceProgramSink,
                DeviceTroubleNotes,
                DeviceWatch,
            )

            if recorder is not None:
                device_sinks.append(DeviceTroubleNotes(link, recorder))

            def charging(text: str) -> None:
                if recorder is not None:
                    recorder.note(SessionEventKind.DEVICE_CHARGING, text)
                on_device_problem(text)
                if self.live is not None:
                    self.live.interrupt(because=text)

            device_sinks.append(DeviceWatch(link, dispatcher, charging))
            # Programs to select, or a level and a stop (FOREO's, which has no programs).
            if link.profile.programs or link.profile.commands:
                commands = DeviceCommandQueue()

                def stopped(ok: bool, detail: str) -> None:
                    if recorder is not None:
                        kind = (
                            SessionEventKind.DEVICE_STOPPED
                            if ok
                            else SessionEventKind.DEVICE_STOP_FAILED
                        )
                        recorder.note(kind, detail)

                device_sinks.append(
                    DeviceProgramSink(
                        link,
                        commands,
                        intensity=self.program.settings.device_intensity,
                        on_message=on_device_message,
                        on_problem=on_device_problem,
                        on_stopped=stopped,
                    )
                )
        self.live = LiveSession(
            session,
            sinks,
            recorder=recorder,
            device_sinks=device_sinks,
            commands=commands,
            cues=dispatcher,
            channels=channels,
        )
        return self.live

    def counts_toward_goal(self, live: LiveSession) -> bool:
        """Whether the session just run counts toward the goal (the rule stats apply)."""
        from facecoach.adherence.stats import glides_count
        from facecoach.session.engine import SessionStatus

        zones = live.session.zone_completion()
        return glides_count(
            sum(z.glides_planned for z in zones),
            sum(z.glides_done for z in zones),
            completed=live.status is SessionStatus.COMPLETED,
            count_share=self.program.counting_settings().count_share,
        )

    async def end(self) -> None:
        """Ends a live session, if there is one (its device stopped, it is logged as
        interrupted if it was still running). Safe to call more than once."""
        live = self.live
        if live is not None:
            try:
                live.interrupt()
            finally:
                await live.finish()
