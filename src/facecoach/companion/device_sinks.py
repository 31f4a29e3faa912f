"""A session's events turned into device commands, and the device's trouble into the record.

`DeviceProgramSink` is an ordinary session event sink: on start, and on each zone change that
names another program, it asks the device to select that program (on start, with the user's
intensity first, and a device without programs gets that alone); on every end it sends `stop`.
A pause stops the output too (`stop`), as every exit does: a paused session must not leave the
device stimulating. A pause the user asked for stops it at once; one the user did not ask for
(the session covered, the terminal too small) only once it has lasted the grace
(`PAUSE_GRACE_SECONDS`, a timer of the event loop), and a resume within the grace sends and says
nothing. A resume sets again what the start set; a device whose level is its output (FOREO's)
runs again, while one whose stimulation starts on the device is left for the user to start, as
at the start: facecoach never sends `start`. The user is told to start it again unless the
device's own status said it was not running when the pause came. A device without `stop`
cannot be paused, and the user is told so.
The output's state on the device line is the sink's too, one rule for every front end: where the
device's status reports whether it runs, "stopped for the pause" and "start it again" last only
while it does not (the user who starts it, as told or while paused, sees the line follow), and a
resume within the grace, which sent nothing, leaves the state as it was.
Commands go through a `DeviceCommandQueue`, one at a time and in order, as tasks of the event
loop itself: never of a screen, whose workers die with it, so a quit still delivers the `stop`.
The session's clock never waits for the radio.
"""

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from facecoach.adherence.session_log import SessionEventKind
from facecoach.companion.device_commands import DeviceCommandQueue
from facecoach.companion.device_messages import DeviceMessage, DeviceMessageKind
from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.profile import (
    Capability,
    CommandName,
    DeviceProfile,
    DeviceProgram,
    NotificationKind,
)
from facecoach.devices.protocol.status import DeviceStatus
from facecoach.session.engine import EventKind, Session, SessionEvent
from facecoach.session.pauses import PAUSE_GRACE_SECONDS, PauseReason
from facecoach.session.timeline import Step, StepKind
from facecoach.wording.devices import (
    RUNNING_WHILE_PAUSED_STATE,
    START_AGAIN_STATE,
    cannot_pause_text,
    charging_ended_text,
    command_failed_text,
    connection_failed_text,
    device_state_text,
    intensity_capped_text,
    pause_failed_text,
    paused_output_state,
    paused_output_text,
    program_fallback_text,
    program_selected_text,
    resumed_output_text,
    start_again_text,
    stop_failed_text,
)

if TYPE_CHECKING:
    from facecoach.adherence.recorder import SessionRecorder
    from facecoach.companion.cue_channels.dispatch import CueDispatcher
    from facecoach.devices.link import DeviceLink, LinkEvent


class ProgramSelector(Protocol):
    """The part of DeviceLink this sink needs."""

    profile: DeviceProfile
    name: str
    status: DeviceStatus

    async def select_program(self, program_id: str) -> DeviceProgram: ...
    async def set_intensity(self, level: int) -> int: ...
    async def send(self, name: str, args: dict[str, int] | None = None) -> object: ...


def program_for(profile: DeviceProfile, wanted: str | None) -> tuple[DeviceProgram | None, str]:
    """The device program for a routine's program name, and a note when it had to fall back."""
    if not profile.programs or profile.default_program is None:
        return None, ""
    default = profile.program(profile.default_program)
    if wanted is None:
        return default, ""
    try:
        return profile.program(wanted), ""
    except KeyError:
        return default, program_fallback_text(profile.name, wanted, default.name)


def reports_running(profile: DeviceProfile) -> bool:
    """Whether the device's status says if its output runs."""
    status = profile.notification_of(NotificationKind.STATUS)
    return status is not None and "running" in status[1].names


def has_output(profile: DeviceProfile) -> bool:
    """Whether the device does anything facecoach could leave running: stimulation, or a
    level that runs at once (a device of battery and information alone has nothing)."""
    return (
        Capability.STIMULATION in profile.capabilities
        or profile.level_runs_at_once
        or any(profile.stimulates(name) for name in profile.commands)
    )


def pause_stops(profile: DeviceProfile) -> bool:
    """Whether a pause stops the device: it has an output, and a stop to send."""
    return has_output(profile) and CommandName.STOP in profile.commands


class DeviceProgramSink:
    def __init__(
        self,
        device: ProgramSelector,
        commands: DeviceCommandQueue,
        *,
        intensity: int | None = None,
        on_message: Callable[[DeviceMessage], None] = lambda message: None,
        on_problem: Callable[[str], None] = lambda text: None,
        on_stopped: Callable[[bool, str], None] = lambda ok, detail: None,
        pause_reason: Callable[[], PauseReason | None] = lambda: None,
        subscribe: "Callable[[Callable[[LinkEvent], None]], Callable[[], None]] | None" = None,
    ) -> None:
        """`subscribe` (the link's) brings the device's status reports: the output's state
        follows them."""
        self._device = device
        self._commands = commands
        self._intensity = intensity
        self._on_message = on_message
        # Problems need the user's attention; messages only report progress.
        self._on_problem = on_problem
        self._on_stopped = on_stopped
        self.current: DeviceProgram | None = None
        # Whether the last pause's stop got through: only then does a resume have output to
        # bring back.
        self._paused_output = False
        # Whether the output ran when the last pause stopped it, as the device's status said;
        # None where the device cannot tell.
        self._ran_at_pause: bool | None = None
        # The level a resume sets again: the session's, else the one the device was at when
        # the pause stopped it (set by hand, or reported); None: not known.
        self._level_at_pause: int | None = None
        # Why the session is paused (None: stop at once); the live session knows.
        self._pause_reason = pause_reason
        # The grace of a pause the user did not ask for: the device's stop, not yet sent.
        self._grace: asyncio.TimerHandle | None = None
        # The user was told to start the device again, and it has not reported running since.
        self._start_again = False
        # The output's state the front end was last given (the device line's words).
        self._state = ""
        self._unsubscribe = subscribe(self._on_link_event) if subscribe is not None else None

    def handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind is EventKind.STARTED:
            self._select(self._first_program(session), first=True)
        elif event.kind is EventKind.ZONE_CHANGED and event.step is not None:
            self._select(event.step.program, first=False)
        elif event.kind is EventKind.PAUSED:
            self._paused()
        elif event.kind is EventKind.RESUMED:
            if not self._cancel_grace():  # within the grace nothing was sent: nothing to undo
                self._commands.submit(self._resume)
        elif event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            self._cancel_grace()
            if self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None
            self._commands.submit(self._stop)

    def _running(self) -> bool | None:
        """Whether the output runs, as the device last reported; None where it cannot tell."""
        return self._device.status.running if reports_running(self._device.profile) else None

    def _output_state(self) -> str:
        """The device line's words for the output now (empty: its usual line)."""
        running = self._running()
        if self._paused_output:  # the pause's stop got through; not resumed yet
            if running is True:  # started again on the device while paused
                return RUNNING_WHILE_PAUSED_STATE
            return paused_output_state(self._device.profile.level_runs_at_once)
        if self._start_again:
            return START_AGAIN_STATE
        return ""

    def _tell(self, kind: DeviceMessageKind, text: str) -> None:
        """Says what the device did, with the output's state as it is now."""
        self._state = self._output_state()
        self._on_message(DeviceMessage(kind, text, self._state))

    def _say_state(self) -> None:
        """Gives the front end the output's state when it changed, and only then."""
        if self._output_state() != self._state:
            state = self._output_state()
            self._tell(DeviceMessageKind.OUTPUT_STATE, device_state_text(self._device.name, state))

    def _on_link_event(self, event: "LinkEvent") -> None:
        from facecoach.devices.link import LinkEventKind

        if event.kind is not LinkEventKind.STATUS or self._running() is None:
            return
        if self._running():  # started, as the user was told: nothing left to start
            self._start_again = False
        self._say_state()

    def _paused(self) -> None:
        reason = self._pause_reason()
        if reason is None or reason.stops_device_at_once:
            self._commands.submit(self._pause)
            return
        # Sinks run on the event loop, as the queue's commands do.
        loop = asyncio.get_running_loop()
        self._grace = loop.call_later(PAUSE_GRACE_SECONDS, self._grace_over)

    def _grace_over(self) -> None:
        self._grace = None
        self._commands.submit(self._pause)

    def _cancel_grace(self) -> bool:
        """Cancels a pause's grace; True when one was running (the device got nothing)."""
        grace, self._grace = self._grace, None
        if grace is None:
            return False
        grace.cancel()
        return True

    def _has_output(self) -> bool:
        return has_output(self._device.profile)

    async def _pause(self) -> None:
        self._paused_output = False
        self._ran_at_pause = (
            self._device.status.running if reports_running(self._device.profile) else None
        )
        level = self._intensity if self._intensity is not None else self._device.status.intensity
        self._level_at_pause = level or None
        if level == 0:  # off already: nothing to set again, nor to start
            self._ran_at_pause = False
        if not self._has_output():
            return
        if CommandName.STOP not in self._device.profile.commands:
            self._on_problem(cannot_pause_text(self._device.name))
            return
        try:
            await self._device.send(CommandName.STOP)
        except DeviceError as exc:
            self._on_problem(pause_failed_text(self._device.name, str(exc)))
            return
        except (OSError, EOFError) as exc:  # the radio itself went away
            self._on_problem(pause_failed_text(self._device.name, connection_failed_text(exc)))
            return
        self._paused_output = True
        self._start_again = False  # stopped now, for the pause: the resume says it anew
        level_only = self._device.profile.level_runs_at_once
        self._tell(
            DeviceMessageKind.OUTPUT_PAUSED, paused_output_text(self._device.name, level_only)
        )

    async def _resume(self) -> None:
        """Sets again what the start set: the level, then the program."""
        if not self._paused_output:
            return
        self._paused_output = False
        profile = self._device.profile
        level_back = False
        level = self._level_at_pause
        if level is not None and CommandName.SET_INTENSITY in profile.commands:
            level_back = await self._took(self._set_intensity(level), "set intensity")
        if self.current is not None:
            await self._run(self._select_program(self.current), f"select {self.current.name}")
        # A level that runs at once, at a level facecoach does not know (the user set it on
        # the device): its stop put it at 0, and only the user can set it again.
        level_unknown = profile.level_runs_at_once and level is None
        if not profile.level_runs_at_once or level_unknown:
            # Nothing to start again when its status said it was not running at the pause, or
            # says it runs now (the user started it while paused).
            if self._ran_at_pause is False or self._running() is True:
                self._say_state()
                return
            self._start_again = True
            self._tell(DeviceMessageKind.START_AGAIN, start_again_text(self._device.name))
        elif level_back:
            self._tell(DeviceMessageKind.OUTPUT_RESUMED, resumed_output_text(self._device.name))
        else:
            self._say_state()

    @staticmethod
    def _first_program(session: Session) -> str | None:
        steps: list[Step] = list(session.timeline.steps)
        return next((s.program for s in steps if s.kind is StepKind.GLIDE), None)

    def _select(self, wanted: str | None, *, first: bool) -> None:
        profile = self._device.profile
        program, note = program_for(profile, wanted)
        if first and program is None and CommandName.SET_INTENSITY in profile.commands:
            # A device with a level and no programs (FOREO's): the level is all there is.
            self._submit_intensity()
        if program is None or (program == self.current and not first):
            return
        if note:
            self._on_problem(note)
        self.current = program
        if first:
            self._submit_intensity()
        self._commands.submit(
            lambda: self._run(self._select_program(program), f"select {program.name}")
        )

    def _submit_intensity(self) -> None:
        if self._intensity is not None:
            level = self._intensity
            self._commands.submit(lambda: self._run(self._set_intensity(level), "set intensity"))

    async def _select_program(self, program: DeviceProgram) -> None:
        await self._device.select_program(program.id)
        if self._running() is None:  # it cannot tell: a program selected ends "start it again",
            self._start_again = False  # as it always did
        text = program_selected_text(self._device.name, program.name)
        self._tell(DeviceMessageKind.PROGRAM_SELECTED, text)

    async def _set_intensity(self, level: int) -> None:
        sent = await self._device.set_intensity(level)
        if sent != level:
            self._on_problem(intensity_capped_text(sent))

    async def _stop(self) -> None:
        if CommandName.STOP not in self._device.profile.commands:
            self._on_stopped(False, f"{self._device.name} has no stop command")
            return
        try:
            await self._device.send(CommandName.STOP)
        except Exception as exc:
            self._on_stopped(False, str(exc) or type(exc).__name__)
            self._on_problem(stop_failed_text(self._device.name, exc))
            return
        self._on_stopped(True, f"{self._device.name} stopped")

    async def _run(self, command: Coroutine[Any, Any, object], what: str) -> None:
        await self._took(command, what)

    async def _took(self, command: Coroutine[Any, Any, object], what: str) -> bool:
        """Runs one command; False, with the user told why, when the device did not take it."""
        try:
            await command
        except DeviceError as exc:
            # The session goes on without the device; the user is told why.
            self._on_problem(command_failed_text(what, str(exc)))
            return False
        except (OSError, EOFError) as exc:  # the radio itself went away
            self._on_problem(command_failed_text(what, f"{connection_failed_text(exc)}."))
            return False
        return True


class DeviceTroubleNotes:
    """Writes drops and reconnections of the device into the session record while it runs."""

    def __init__(self, link: "DeviceLink", recorder: "SessionRecorder") -> None:
        self._recorder = recorder
        self._unsubscribe = link.subscribe(self._on_link_event)

    def _on_link_event(self, event: "LinkEvent") -> None:
        from facecoach.devices.link import LinkEventKind

        kinds = {
            LinkEventKind.DROPPED: SessionEventKind.DEVICE_DROPPED,
            LinkEventKind.RECONNECTED: SessionEventKind.DEVICE_RECONNECTED,
            LinkEventKind.GAVE_UP: SessionEventKind.DEVICE_GAVE_UP,
        }
        if event.kind in kinds:
            self._recorder.note(kinds[event.kind], event.text)

    def handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            self._unsubscribe()


class DeviceWatch:
    """While a session runs: a device that drops out calls the user back (a tone, a voice, a
    notification), and a device put on its charger ends the session at once, since a
    microcurrent device must never be used while charging (`on_charging` ends it; the end
    stops the device as every end does, and its notification gives the reason)."""

    def __init__(
        self,
        link: "DeviceLink",
        cues: "CueDispatcher",
        on_charging: Callable[[str], None],
    ) -> None:
        self._link = link
        self._cues = cues
        self._on_charging = on_charging
        self._charging = link.status.charging
        self._unsubscribe = link.subscribe(self._on_link_event)

    def _on_link_event(self, event: "LinkEvent") -> None:
        from facecoach.devices.link import LinkEventKind

        if event.kind in (
            LinkEventKind.DROPPED,
            LinkEventKind.GAVE_UP,
            LinkEventKind.KEEPALIVE_LOST,
        ):
            self._cues.needs_you(event.text)
        elif event.kind is LinkEventKind.STATUS:
            charging = bool(self._link.status.charging)
            if charging and not self._charging:
                text = charging_ended_text(self._link.name)
                # No cue of its own: the session's end, which follows at once, says why.
                self._on_charging(text)
            self._charging = charging

    def handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            self._unsubscribe()
