"""Sessions: every gate before a session in its order, the live session with its recorder,
device and cue channels, and its end. One job of the core; the front ends (the app, the plain
coach) render and send intents."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, Protocol

from facecoach.companion.preflight import GateAction, GateReply, GatesOutcome
from facecoach.errors import FacecoachError
from facecoach.storage.database import StoreError

if TYPE_CHECKING:
    from facecoach.adherence.recorder import SessionRecorder
    from facecoach.adherence.session_log import SessionSource
    from facecoach.companion.cue_channels.dispatch import CueDispatcher
    from facecoach.companion.cue_channels.setup import CueChoices, SessionChannels
    from facecoach.companion.cues import CueService
    from facecoach.companion.device_commands import DeviceCommandQueue
    from facecoach.companion.device_messages import DeviceMessage
    from facecoach.companion.devices import DeviceService
    from facecoach.companion.live_session import LiveSession
    from facecoach.companion.log import LogService
    from facecoach.companion.preflight import Gate, GateKeeper
    from facecoach.companion.program import ProgramService
    from facecoach.companion.safety_service import SafetyService
    from facecoach.devices.link import DeviceLink
    from facecoach.routines.model import Routine
    from facecoach.session.clock import Clock
    from facecoach.session.driver import EventSink
    from facecoach.session.pauses import PauseReason


class SessionFrontEnd(Protocol):
    """What a front end gives a live session and hears from it: the sinks its events go to,
    and where the session's troubles are said. The app's session screen and the plain coach
    are each one."""

    def sinks(self) -> Sequence[EventSink]:
        """Where the session's events go (a screen, a text or JSON renderer)."""
        ...

    def log_failed(self, error: StoreError) -> None:
        """The log could not be written (the session goes on, unless the error says not)."""
        ...

    def device_message(self, message: DeviceMessage) -> None:
        """The device did something (a program selected, its output stopped for a pause or
        back after a resume): every message updates what the front end shows of the device;
        one that is `announced` is also said in its own words."""
        ...

    def device_problem(self, text: str) -> None:
        """The device is in trouble (a refused command, on its charger)."""
        ...

    def cue_problem(self, text: str) -> None:
        """A cue channel failed; called from the channels' own threads."""
        ...

    def terminal_writer(self) -> Callable[[str], None] | None:
        """Writes to the front end's terminal (the bell, terminal notifications); None: no
        cue goes to the terminal."""
        ...


class SessionOpening(NamedTuple):
    """What `SessionService.open` came to: the gates' outcome, and the session if they
    cleared."""

    gates: GatesOutcome
    live: LiveSession | None


class SessionService:
    """The gates before a session, the live session and its end: one lifecycle for every
    front end."""

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
        from facecoach.companion.preflight import CHECKS_GATE, device_gates, screening_gates

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

    async def pass_gates(self, routine_id: str, keeper: GateKeeper) -> GatesOutcome:
        """Puts every gate to the front end in order; the same rules for every front end.

        A gate that cannot be passed (a device on its charger) raises with its reason. A "no"
        ends the walk. The questions count as answered once answers are saved; passed without
        them, as an accepted risk. An accepted risk is recorded as it is accepted: it is the
        user's choice even when a later gate stops the session.
        """
        overridden: list[Gate] = []
        deferred: list[Gate] = []
        async with aclosing(self.preflight()) as gates:
            async for gate in gates:
                if gate.action is GateAction.REFUSE:
                    raise FacecoachError(gate.text)
                reply = await keeper(gate)
                if reply is GateReply.DECLINED:
                    return GatesOutcome(cleared=False)
                if reply is GateReply.DEFERRED:
                    deferred.append(gate)
                elif gate.overridable and not self._answered(gate):
                    self.safety.record_override(gate, routine_id)
                    overridden.append(gate)
        if deferred:
            return GatesOutcome(cleared=False, deferred=tuple(deferred))
        return GatesOutcome(cleared=True, overridden=tuple(overridden))

    def _answered(self, gate: Gate) -> bool:
        return gate.action is GateAction.ANSWER and self.safety.screening() is not None

    async def connect(self, front_end: SessionFrontEnd) -> None:
        """Connects the paired device, if any, for a session. One that cannot be reached is
        the front end's to say; the session then runs on the timer alone.

        A device this process tried to connect before is left as it is (connected, still
        connecting, let go on the Devices screen, or out of reach): the app connects at start
        for Home's device line and keeps the link between sessions; the coach never has."""
        from facecoach.wording.session import on_the_timer_alone

        if self.device.paired is None or self.device.connect_tried:
            return
        try:
            await self.device.connect()
        except FacecoachError as exc:
            front_end.device_problem(on_the_timer_alone(str(exc)))

    async def open(
        self,
        routine: Routine,
        front_end: SessionFrontEnd,
        keeper: GateKeeper,
        *,
        source: SessionSource,
        log: bool = True,
        cues: CueChoices | None = None,
    ) -> SessionOpening:
        """The way into a session, for every front end: the device connected, every gate
        passed, the session begun (no session when the gates did not clear). Its end is
        `end`, on every way out."""
        await self.connect(front_end)
        gates = await self.pass_gates(routine.id, keeper)
        if not gates.cleared:
            return SessionOpening(gates, None)
        live = self.begin(routine, front_end, source=source, log=log, cues=cues)
        return SessionOpening(gates, live)

    # --- the session -------------------------------------------------------------------------

    def begin(
        self,
        routine: Routine,
        front_end: SessionFrontEnd,
        *,
        source: SessionSource,
        log: bool = True,
        cues: CueChoices | None = None,
    ) -> LiveSession:
        """A live session ready to start: the log first, then the device (when one is
        connected), then the cue channels, then the front end's sinks. Call from the event
        loop when a device is connected."""
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
        link = device.link if device.is_connected else None
        recorder = self._recorder(front_end, source, log, link is not None)
        choices = cues or self.cues.choices()
        channels, dispatcher = self._cue_dispatch(routine, choices, front_end)
        device_sinks: list[EventSink] = []
        commands = None
        if link is not None:
            commands = self._device_sinks(link, recorder, dispatcher, front_end, device_sinks)
        self.live = LiveSession(
            session,
            front_end.sinks(),
            recorder=recorder,
            device_sinks=device_sinks,
            commands=commands,
            cues=dispatcher,
            channels=channels,
        )
        return self.live

    def _recorder(
        self, front_end: SessionFrontEnd, source: SessionSource, log: bool, linked: bool
    ) -> SessionRecorder | None:
        """The session's recorder; None when it is not logged (asked so, or the log cannot be
        written: the front end hears why)."""
        from facecoach.adherence.recorder import SessionRecorder

        if not log:
            return None
        try:
            store = self.log.require_store()  # the day's check and backup, for coach users too
        except StoreError as exc:
            if self.log.log_problem is None:
                self.log.log_problem = str(exc)
            front_end.log_failed(exc)
            return None
        paired = self.device.paired
        return SessionRecorder(
            store,
            self.clock,
            source=source,
            device=paired.name if linked and paired else None,
            on_error=front_end.log_failed,
        )

    def _cue_dispatch(
        self, routine: Routine, choices: CueChoices, front_end: SessionFrontEnd
    ) -> tuple[SessionChannels, CueDispatcher]:
        from facecoach.companion.cue_channels.dispatch import CueDispatcher
        from facecoach.companion.cue_channels.setup import build_channels

        channels = build_channels(
            choices,
            self.cues.machine,
            routine_id=routine.id,
            terminal_write=front_end.terminal_writer(),
            tones_folder=self.cues.tones_folder,
        )
        dispatcher = CueDispatcher(
            channels.channels, self.clock, front_end.cue_problem, count_seconds=choices.voice_count
        )
        return channels, dispatcher

    def _device_sinks(
        self,
        link: DeviceLink,
        recorder: SessionRecorder | None,
        dispatcher: CueDispatcher,
        front_end: SessionFrontEnd,
        sinks: list[EventSink],
    ) -> DeviceCommandQueue | None:
        """Adds the connected device's sinks to `sinks`; the queue of its commands, if it takes
        any. Loaded with the first connected device: the profile schema costs start-up time."""
        from facecoach.companion.device_commands import DeviceCommandQueue
        from facecoach.companion.device_sinks import (
            DeviceProgramSink,
            DeviceTroubleNotes,
            DeviceWatch,
        )

        if recorder is not None:
            sinks.append(DeviceTroubleNotes(link, recorder))
        sinks.append(DeviceWatch(link, dispatcher, partial(self._charging, recorder, front_end)))
        # Programs to select, or a level and a stop (FOREO's, which has no programs).
        if not (link.profile.programs or link.profile.commands):
            return None
        commands = DeviceCommandQueue()
        sinks.append(
            DeviceProgramSink(
                link,
                commands,
                intensity=self.program.settings.device_intensity,
                on_message=partial(self._device_message, recorder, front_end),
                on_problem=front_end.device_problem,
                on_stopped=partial(self._device_stopped, recorder),
                pause_reason=self._pause_reason,
                subscribe=link.subscribe,
            )
        )
        return commands

    def _charging(
        self, recorder: SessionRecorder | None, front_end: SessionFrontEnd, text: str
    ) -> None:
        """The device went onto its charger mid-session: noted, said, and the session ends."""
        from facecoach.adherence.session_log import SessionEventKind

        if recorder is not None:
            recorder.note(SessionEventKind.DEVICE_CHARGING, text)
        front_end.device_problem(text)
        if self.live is not None:
            self.live.interrupt(because=text)

    def device_stop_after_grace(self) -> str | None:
        """The device (its name) that a pause the user did not ask for, starting now, stops
        once it has lasted the grace; None when there is none: no session running unpaused
        (a paused one has stopped it, or its grace already runs), no device connected, or one
        with nothing to stop or no stop."""
        from facecoach.companion.device_sinks import pause_stops
        from facecoach.session.engine import SessionStatus

        live = self.live
        if live is None or live.status is not SessionStatus.RUNNING or live.commands is None:
            return None
        device = self.device
        link = device.link
        if link is None or not device.is_connected or not pause_stops(link.profile):
            return None
        summary = device.summary()
        return summary.name if summary is not None else None

    def _pause_reason(self) -> PauseReason | None:
        """Why the live session is paused: the device sink waits out a pause the user did not
        ask for before it stops the device."""
        return self.live.paused_because if self.live is not None else None

    @staticmethod
    def _device_message(
        recorder: SessionRecorder | None, front_end: SessionFrontEnd, message: DeviceMessage
    ) -> None:
        """What the device did, to the front end; its output stopped for a pause also into the
        session's record, as the end's stop is."""
        from facecoach.adherence.session_log import SessionEventKind
        from facecoach.companion.device_messages import DeviceMessageKind

        if recorder is not None and message.kind is DeviceMessageKind.OUTPUT_PAUSED:
            recorder.note(SessionEventKind.DEVICE_PAUSED, message.text)
        front_end.device_message(message)

    @staticmethod
    def _device_stopped(recorder: SessionRecorder | None, ok: bool, detail: str) -> None:
        from facecoach.adherence.session_log import SessionEventKind

        if recorder is not None:
            kind = SessionEventKind.DEVICE_STOPPED if ok else SessionEventKind.DEVICE_STOP_FAILED
            recorder.note(kind, detail)

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
