"""DeviceProgramSink: a session's zones turned into program selections on the paired device.

It is an ordinary session event sink: on start, and on each zone change that names another
program, it asks the device to select that program. Commands run as tasks on the front end's
event loop (`spawn`), in order, so the timer never waits for the radio.
"""

from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.profile import CommandName, DeviceProfile, DeviceProgram
from facecoach.session.engine import EventKind, Session, SessionEvent
from facecoach.session.timeline import Step, StepKind

Spawn = Callable[[Coroutine[Any, Any, None]], object]


class ProgramSelector(Protocol):
    """The part of DeviceLink this sink needs."""

    profile: DeviceProfile
    name: str

    async def select_program(self, program_id: str) -> DeviceProgram: ...
    async def set_intensity(self, level: int) -> int: ...
    async def send(self, name: CommandName, args: dict[str, int] | None = None) -> object: ...


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
        return default, f"{profile.name} has no {wanted!r} program; using {default.name}."


class DeviceProgramSink:
    def __init__(
        self,
        device: ProgramSelector,
        spawn: Spawn,
        *,
        intensity: int | None = None,
        on_message: Callable[[str], None] = lambda text: None,
        on_problem: Callable[[str], None] = lambda text: None,
    ) -> None:
        self._device = device
        self._spawn = spawn
        self._intensity = intensity
        self._on_message = on_message
        # Problems need the user's attention; messages only report progress.
        self._on_problem = on_problem
        self.current: DeviceProgram | None = None

    def handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind is EventKind.STARTED:
            self._select(self._first_program(session), first=True)
        elif event.kind is EventKind.ZONE_CHANGED and event.step is not None:
            self._select(event.step.program, first=False)
        elif (
            event.kind in (EventKind.COMPLETED, EventKind.ABORTED)
            and CommandName.STOP in self._device.profile.commands
        ):
            self._spawn(self._run(self._device.send(CommandName.STOP), "stop"))

    @staticmethod
    def _first_program(session: Session) -> str | None:
        steps: list[Step] = list(session.timeline.steps)
        return next((s.program for s in steps if s.kind is StepKind.GLIDE), None)

    def _select(self, wanted: str | None, *, first: bool) -> None:
        program, note = program_for(self._device.profile, wanted)
        if program is None or (program == self.current and not first):
            return
        if note:
            self._on_problem(note)
        self.current = program
        if first and self._intensity is not None:
            self._spawn(self._run(self._set_intensity(self._intensity), "set intensity"))
        self._spawn(self._run(self._select_program(program), f"select {program.name}"))

    async def _select_program(self, program: DeviceProgram) -> None:
        await self._device.select_program(program.id)
        self._on_message(f"{self._device.name}: {program.name} selected.")

    async def _set_intensity(self, level: int) -> None:
        sent = await self._device.set_intensity(level)
        if sent != level:
            self._on_problem(f"Intensity capped at {sent}, this device's limit.")

    async def _run(self, command: Coroutine[Any, Any, object], what: str) -> None:
        try:
            await command
        except DeviceError as exc:
            # The session goes on without the device; the user is told why.
            self._on_problem(f"Could not {what}: {exc}")
