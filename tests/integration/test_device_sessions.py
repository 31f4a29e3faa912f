"""A session drives the device: programs per zone, charger blocks the start, drops are logged,
and every way a session ends stops the device and says so in the record."""

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from facecoach.adherence.session_log import RecordStatus, SessionLog, SessionSource
from facecoach.cli.realtime import CoachRunner, EventWaiter
from facecoach.companion.core import Companion
from facecoach.companion.device_messages import DeviceMessage, DeviceMessageKind
from facecoach.companion.devices import DeviceService
from facecoach.companion.live_session import LiveSession
from facecoach.companion.preflight import GateKind
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.devices.protocol.profile import CommandName, DeviceProfile
from facecoach.devices.protocol.registry import ProfileRegistry, load_registry
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import Clock, FakeClock
from facecoach.session.engine import SessionStatus
from facecoach.session.pauses import PAUSE_GRACE_SECONDS, PauseReason
from facecoach.wording.devices import (
    START_AGAIN_STATE,
    cannot_pause_text,
    paused_output_state,
    paused_output_text,
    resumed_output_text,
    start_again_text,
)
from tests.support.device_air import air_for
from tests.support.front_ends import begin_with_callbacks
from tests.support.machines import machine
from tests.support.virtual_time import LoopClock, loop_clock, run_virtual

REGISTRY = {p.id: p for p in load_registry().profiles}


def companion_with_device(
    tmp_path: Path,
    profile_id: str,
    clock: Clock,
    carrier: str = "in-process",
    device_clock: Callable[[], float] = time.monotonic,
    profile: DeviceProfile | None = None,
) -> Companion:
    """`profile`, when given, is the profile's shape instead of the shipped one, on both
    sides: the simulated device and what the app reads."""
    air = air_for(carrier, [profile or REGISTRY[profile_id]], clock=device_clock)
    device = next(iter(air.devices.values()))
    KnownDevices(tmp_path).remember(
        KnownDevice(
            address=device.address,
            profile=profile_id,
            name=device.name,
            paired_at=clock.now(),
            simulated=True,
        )
    )
    registry = ProfileRegistry([profile]) if profile is not None else None
    service = DeviceService(tmp_path, air=air, registry=registry)
    companion = Companion(
        clock,
        tmp_path,
        tmp_path / "log.db",
        RoutineLibrary.load(None),
        device=service,
        machine=machine(env={"TERM": "foot"}),  # a terminal that shows notifications
    )
    companion.safety_service.record_screening({})
    return companion


def last_session(tmp_path: Path) -> tuple[RecordStatus, list[str]]:
    """The newest session as the log has it, read afresh: its status and its events."""
    with SessionLog.open(tmp_path / "log.db") as log:
        (record, *_) = log.sessions(limit=1)
        return record.status, [kind for _, kind, _ in log.session_events(record.id)]


def simulated(companion: Companion) -> SimulatedDevice:
    air = companion.device.air
    assert air is not None
    assert companion.device.link is not None
    return air.device(companion.device.link.address)


@pytest.mark.parametrize(
    ("profile_id", "expected"),
    [("reference-a", ["treat", "calm"]), ("reference-b", ["treat", "calm"])],
)
def test_each_phase_selects_its_program_on_the_device(
    tmp_path: Path, profile_id: str, expected: list[str], carrier: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, profile_id, clock, carrier)
    routine = companion.program_service.library.get("spot-forehead").routine
    messages: list[DeviceMessage] = []

    async def run() -> list[int]:
        await companion.device.connect()
        firmware = simulated(companion).firmware
        codes: list[int] = []
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, on_device_message=messages.append
        )
        live.start()
        while not live.is_over:
            clock.advance(1.0)
            live.poll()
            await asyncio.sleep(0.01)
            if not codes or codes[-1] != firmware.program_code:
                codes.append(firmware.program_code)
        await live.finish()
        return codes

    codes = run_virtual(run())
    profile = REGISTRY[profile_id]
    assert codes == [profile.program(p).code for p in expected]
    # Each program said as a program selected: the device line's business, not a note's.
    selected = [m.text for m in messages if m.kind is DeviceMessageKind.PROGRAM_SELECTED]
    assert any(text.endswith(": Calm selected.") for text in selected)
    assert not any(m.announced for m in messages)
    record = companion.log_service.recent_sessions(1)[0]
    assert record.device is not None
    assert record.device.startswith("FC-Ref")


def test_a_device_on_its_charger_blocks_the_start(tmp_path: Path) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock)

    async def run() -> list[str]:
        await companion.device.connect()
        assert companion.device.start_blocker() is None
        simulated(companion).plug_in()
        gates = [gate async for gate in companion.session_service.preflight()]
        return [gate.text for gate in gates if gate.kind is GateKind.CHARGING]

    (reason,) = run_virtual(run())
    assert "never be used while charging" in reason


def test_a_device_lost_mid_session_is_written_into_the_session_record(
    tmp_path: Path, carrier: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock, carrier)
    routine = companion.program_service.library.get("spot-forehead").routine

    terminal: list[str] = []

    async def run() -> int:
        await companion.device.connect()
        device = simulated(companion)
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, terminal_write=terminal.append
        )
        live.start()
        await asyncio.sleep(0.1)
        device.drop_link()
        await asyncio.sleep(5)  # virtual: the link reconnects meanwhile
        clock.advance(30)
        live.poll()
        live.stop()
        await live.finish()
        assert live.recorder is not None
        assert live.recorder.session_id is not None
        return live.recorder.session_id

    session_id = run_virtual(run())
    store = companion.log_service.require_store()
    kinds = [kind for _, kind, _ in store.session_events(session_id)]
    assert kinds == ["device_dropped", "device_reconnected", "device_stopped"]
    assert companion.log_service.recent_sessions(1)[0].status is RecordStatus.ABORTED
    # The user, eyes on the mirror, is called back by the terminal's own notification.
    called = [text for text in terminal if text.startswith("\x1b]777;notify;")]
    assert called[0].startswith("\x1b]777;notify;facecoach: your session needs you;")
    assert called[-1].startswith("\x1b]777;notify;Session stopped;")


def test_a_device_put_on_its_charger_mid_session_ends_the_session(
    tmp_path: Path, carrier: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock, carrier)
    routine = companion.program_service.library.get("spot-forehead").routine
    terminal: list[str] = []
    problems: list[str] = []

    async def run() -> LiveSession:
        await companion.device.connect()
        live = begin_with_callbacks(
            companion,
            routine,
            [],
            source=SessionSource.TUI,
            terminal_write=terminal.append,
            on_device_problem=problems.append,
        )
        live.start()
        clock.advance(20)
        live.poll()
        simulated(companion).plug_in()
        await asyncio.sleep(1)  # virtual: the status notification arrives
        await live.finish()
        return live

    live = run_virtual(run())
    assert live.is_over
    status, kinds = last_session(tmp_path)
    assert status is RecordStatus.PARTIAL
    assert kinds == ["device_charging", "device_stopped"]
    assert problems[-1].endswith("must never be used while charging.")
    # One notification, the end's own, says why (a second one would be cut short by it).
    (called,) = [text for text in terminal if text.startswith("\x1b]777;notify;")]
    assert called.startswith("\x1b]777;notify;Session stopped;")
    assert "was put on its charger" in called


@pytest.mark.parametrize("profile_id", ["reference-a", "reference-c"])
def test_a_device_put_on_its_charger_while_its_link_is_down_ends_the_session_on_reconnecting(
    tmp_path: Path, carrier: str, profile_id: str
) -> None:
    """Issue 28 F2: the charger's report went out while nobody listened; the device is asked
    for its state as soon as it is back, and the session ends as on any charger report."""
    clock = FakeClock()
    companion = companion_with_device(tmp_path, profile_id, clock, carrier, device_clock=loop_clock)
    routine = companion.program_service.library.get("spot-forehead").routine
    problems: list[str] = []

    async def run() -> LiveSession:
        await companion.device.connect()
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, on_device_problem=problems.append
        )
        live.start()
        clock.advance(20)
        live.poll()
        await asyncio.sleep(0.1)
        device = simulated(companion)
        device.drop_link()
        device.plug_in()  # while the link is down: its status notification reaches no one
        await asyncio.sleep(5)  # virtual: the link reconnects meanwhile
        await live.finish()
        return live

    live = run_virtual(run())
    assert live.is_over
    status, kinds = last_session(tmp_path)
    assert status is RecordStatus.PARTIAL
    assert "device_charging" in kinds
    assert kinds[-1] == "device_stopped"
    assert problems[-1].endswith("must never be used while charging.")


def test_a_device_that_stops_itself_for_want_of_its_keepalive_calls_the_user_back(
    tmp_path: Path, carrier: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(
        tmp_path, "reference-c", clock, carrier, device_clock=loop_clock
    )
    routine = companion.program_service.library.get("spot-forehead").routine
    terminal: list[str] = []

    async def run() -> None:
        await companion.device.connect()
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, terminal_write=terminal.append
        )
        live.start()
        device = simulated(companion)
        assert device.press_button()  # the user starts the device with its own button
        await asyncio.sleep(5)
        assert device.firmware.running  # kept alive by the app
        device.faults.ignored_writes = 10**6  # the app hangs, as far as the device can tell
        await asyncio.sleep(3)
        assert not device.firmware.running
        clock.advance(1)
        live.poll()
        await live.finish()

    run_virtual(run())
    called = [text for text in terminal if "stopped stimulating by itself" in text]
    assert len(called) == 1
    assert called[0].startswith("\x1b]777;notify;")


# Every way a session ends, from the core's point of view; the front ends map their own exits
# (quit, closed terminal, SIGTERM, Ctrl-C, an exception) onto these, and their tests check that.
def run_to_the_end(live: LiveSession, clock: FakeClock) -> None:
    clock.advance(10_000)
    live.poll()


ENDINGS: dict[str, tuple[Callable[[LiveSession, FakeClock], object], RecordStatus]] = {
    "completed": (run_to_the_end, RecordStatus.COMPLETED),
    "stopped by the user": (lambda live, clock: live.stop(), RecordStatus.ABORTED),
    "interrupted": (lambda live, clock: live.interrupt(), RecordStatus.PARTIAL),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_every_way_a_session_ends_stops_the_device_and_records_it(
    tmp_path: Path, carrier: str, ending: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock, carrier)
    routine = companion.program_service.library.get("lift-5").routine
    end, status = ENDINGS[ending]

    async def run() -> list[str]:
        await companion.device.connect()
        device = simulated(companion)
        live = begin_with_callbacks(companion, routine, [], source=SessionSource.TUI)
        live.start()
        clock.advance(20)
        live.poll()
        await asyncio.sleep(0.1)
        end(live, clock)
        assert await live.finish()
        return [command.name for command in device.firmware.received]

    received = run_virtual(run())
    assert received[-1] == CommandName.STOP
    assert last_session(tmp_path) == (status, ["device_stopped"])


def test_shutting_the_core_down_mid_session_stops_the_device(tmp_path: Path, carrier: str) -> None:
    """What the app does on quit, a closed terminal or SIGTERM: `shutdown()` alone suffices."""
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock, carrier)
    routine = companion.program_service.library.get("lift-5").routine

    async def run() -> list[str]:
        await companion.device.connect()
        device = simulated(companion)
        begin_with_callbacks(companion, routine, [], source=SessionSource.TUI).start()
        await asyncio.sleep(0.1)
        await companion.shutdown()
        return [command.name for command in device.firmware.received]

    assert run_virtual(run())[-1] == CommandName.STOP
    assert last_session(tmp_path) == (RecordStatus.PARTIAL, ["device_stopped"])


@pytest.mark.parametrize("profile_id", ["reference-a", "reference-b"])
def test_a_stop_the_device_never_confirms_is_recorded_as_failed_once(
    tmp_path: Path, carrier: str, profile_id: str
) -> None:
    """Issue 28 F18: the coach's end and then its shutdown wrote device_stop_failed twice
    (reference-b's stop tries for 6 s, longer than the end waits for it)."""
    clock = FakeClock()
    companion = companion_with_device(tmp_path, profile_id, clock, carrier)
    routine = companion.program_service.library.get("lift-5").routine
    problems: list[str] = []

    async def run() -> bool:
        await companion.device.connect()
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, on_device_problem=problems.append
        )
        live.start()
        await asyncio.sleep(0.1)
        simulated(companion).faults.drop_replies = 100  # it goes silent
        live.stop()
        delivered = await live.finish()
        await companion.shutdown()  # what every front end does on its way out
        return delivered

    delivered = run_virtual(run())
    assert last_session(tmp_path) == (RecordStatus.ABORTED, ["device_stop_failed"])
    if profile_id == "reference-a":  # its stop gave up within the time the end waits
        assert any("Switch it off by hand" in p for p in problems)
    else:  # the end stopped waiting first, and says so to the front end
        assert not delivered


class BrokenRenderer:
    """A front end whose output is gone (a closed pipe, a hung-up terminal)."""

    def handle(self, event: object, session: object) -> None:
        raise BrokenPipeError("the reader went away")


def test_a_failing_front_end_still_lets_the_log_and_the_device_see_the_end(
    tmp_path: Path, carrier: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock, carrier)
    routine = companion.program_service.library.get("lift-5").routine

    async def run() -> list[str]:
        await companion.device.connect()
        device = simulated(companion)
        live = begin_with_callbacks(
            companion, routine, [BrokenRenderer()], source=SessionSource.COACH
        )
        with pytest.raises(BrokenPipeError):
            live.start()
        with pytest.raises(BrokenPipeError):
            await companion.shutdown()
        return [command.name for command in device.firmware.received]

    assert run_virtual(run())[-1] == CommandName.STOP
    assert last_session(tmp_path) == (RecordStatus.PARTIAL, ["device_stopped"])


# A pause stops the device's output, as every end does (the app's stop-on-every-exit rule), and
# a resume sets again what the start set; stimulation that starts on the device is the user's
# to start again, since facecoach never sends `start`.


def sent_since(device: SimulatedDevice, first: int) -> list[str]:
    return [command.name for command in list(device.firmware.received)[first:]]


async def started_by_its_button(
    companion: Companion,
    problems: list[str],
    said: list[DeviceMessage] | None = None,
    *,
    press: bool = True,
) -> tuple[LiveSession, SimulatedDevice]:
    """A spot-forehead session begun from the app, its device started with its own button
    (unless not `press`), a second in: what a pause then acts on."""
    routine = companion.program_service.library.get("spot-forehead").routine
    await companion.device.connect()
    live = begin_with_callbacks(
        companion,
        routine,
        [],
        source=SessionSource.TUI,
        on_device_problem=problems.append,
        on_device_message=said.append if said is not None else None,
    )
    live.start()
    device = simulated(companion)
    if press:
        assert device.press_button()  # the user starts the device with its own button
    await asyncio.sleep(1)
    return live, device


def start_again(name: str) -> DeviceMessage:
    return DeviceMessage(DeviceMessageKind.START_AGAIN, start_again_text(name), START_AGAIN_STATE)


def test_a_pause_stops_the_stimulation_and_a_resume_leaves_its_start_to_the_user(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock)
    problems: list[str] = []
    said: list[DeviceMessage] = []

    async def run() -> None:
        live, device = await started_by_its_button(companion, problems, said)
        before_pause = len(list(device.firmware.received))
        live.pause()
        await asyncio.sleep(1)
        assert not device.firmware.running
        assert sent_since(device, before_pause) == [CommandName.STOP]
        live.resume()
        await asyncio.sleep(1)
        assert live.status is SessionStatus.RUNNING
        assert not device.firmware.running  # never restarted by facecoach
        after_pause = sent_since(device, before_pause)
        assert CommandName.START not in after_pause
        assert after_pause[-1] == CommandName.SELECT_PROGRAM  # the program set again
        # An instruction, not a problem: its own kind, which each front end says.
        assert problems == []
        assert said[-1] == start_again(device.name)
        assert said[-1].announced
        live.stop()
        await live.finish()

    run_virtual(run())


def test_a_pause_sets_a_foreo_level_to_0_and_a_resume_sets_it_back(tmp_path: Path) -> None:
    clock = FakeClock()
    (tmp_path / "settings.toml").write_text("device_intensity = 3\n")
    companion = companion_with_device(tmp_path, "foreo-bear", clock)
    routine = companion.program_service.library.get("spot-forehead").routine
    said: list[DeviceMessage] = []

    async def run() -> list[tuple[str, dict[str, int]]]:
        await companion.device.connect()
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, on_device_message=said.append
        )
        live.start()
        await asyncio.sleep(1)
        live.pause()
        await asyncio.sleep(1)
        live.resume()
        await asyncio.sleep(1)
        live.stop()
        await live.finish()
        received = simulated(companion).firmware.received
        return [(command.name, dict(command.args)) for command in received]

    sent = run_virtual(run())
    level_3: tuple[str, dict[str, int]] = (CommandName.SET_INTENSITY, {"level": 3})
    stop: tuple[str, dict[str, int]] = (CommandName.STOP, {})
    assert [
        entry for entry in sent if entry[0] in (CommandName.SET_INTENSITY, CommandName.STOP)
    ] == [
        level_3,  # the start
        stop,  # the pause: level 0
        level_3,  # the resume
        stop,  # the end
    ]
    # Said as the output stopping and coming back, which each front end announces.
    assert said == [
        DeviceMessage(
            DeviceMessageKind.OUTPUT_PAUSED,
            paused_output_text("BEAR", True),
            paused_output_state(True),
        ),
        DeviceMessage(DeviceMessageKind.OUTPUT_RESUMED, resumed_output_text("BEAR")),
    ]
    assert all(message.announced for message in said)


def test_a_device_that_never_ran_is_stopped_for_a_pause_but_not_asked_to_start_again(
    tmp_path: Path,
) -> None:
    """C1: reference-a's status says whether its output runs. Paused while it was not running
    (Prep, before the user pressed its button), it still gets its stop, but the resume does
    not tell the user to start it again: there is nothing to start again."""
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock)
    problems: list[str] = []
    said: list[DeviceMessage] = []

    async def run() -> None:
        live, device = await started_by_its_button(companion, problems, said, press=False)
        before_pause = len(list(device.firmware.received))
        live.pause()
        await asyncio.sleep(1)
        live.resume()
        await asyncio.sleep(1)
        assert sent_since(device, before_pause)[0] == CommandName.STOP
        assert live.status is SessionStatus.RUNNING
        kinds = [message.kind for message in said]
        assert DeviceMessageKind.OUTPUT_PAUSED in kinds
        assert DeviceMessageKind.START_AGAIN not in kinds
        assert problems == []
        # Started by its button now, it is asked for again after the next pause.
        assert device.press_button()
        await asyncio.sleep(1)
        live.pause()
        await asyncio.sleep(1)
        live.resume()
        await asyncio.sleep(1)
        assert said[-1] == start_again(device.name)
        # Not restarted by the user after that: the stop it confirmed left it not running.
        live.pause()
        await asyncio.sleep(1)
        live.resume()
        await asyncio.sleep(1)
        assert [m.kind for m in said].count(DeviceMessageKind.START_AGAIN) == 1
        live.stop()
        await live.finish()

    run_virtual(run())


def test_a_device_whose_profile_cannot_tell_if_it_runs_is_asked_to_start_again(
    tmp_path: Path,
) -> None:
    """Where the profile's status has no running flag, facecoach cannot tell whether the pause
    stopped anything: the resume says to start it again, as before."""
    shipped = REGISTRY["reference-a"]
    status = shipped.notifications["status"]
    fields = tuple(
        field.model_copy(update={"bits": {"charging": 0, "contact": 1}}) if field.bits else field
        for field in status.fields
    )
    blind = status.model_copy(update={"fields": fields})
    profile = shipped.model_copy(
        update={"notifications": {**shipped.notifications, "status": blind}}
    )
    companion = companion_with_device(tmp_path, "reference-a", FakeClock(), profile=profile)
    problems: list[str] = []
    said: list[DeviceMessage] = []

    async def run() -> None:
        live, device = await started_by_its_button(companion, problems, said, press=False)
        live.pause()
        await asyncio.sleep(1)
        live.resume()
        await asyncio.sleep(1)
        assert said[-1] == start_again(device.name)
        live.stop()
        await live.finish()

    run_virtual(run())


def test_a_covered_pause_stops_the_device_only_after_its_grace(tmp_path: Path) -> None:
    """C2: a pause the user did not ask for (the screen covered) stops the timer at once, but
    sends the device its stop only once it has lasted the grace; a resume within the grace
    sends and says nothing. A pause the user asked for stops it at once."""
    companion = companion_with_device(tmp_path, "reference-a", LoopClock(), device_clock=loop_clock)
    problems: list[str] = []
    said: list[DeviceMessage] = []

    async def run() -> None:
        live, device = await started_by_its_button(companion, problems, said)
        before, said_before = len(list(device.firmware.received)), len(said)
        live.pause(PauseReason.COVERED)  # a glance at the palette
        position = live.snapshot().position
        await asyncio.sleep(PAUSE_GRACE_SECONDS - 1)
        assert live.snapshot().position == position  # the timer stopped at once
        assert device.firmware.running  # the device did not
        live.resume()
        await asyncio.sleep(PAUSE_GRACE_SECONDS + 1)
        assert sent_since(device, before) == []
        assert said[said_before:] == []
        assert device.firmware.running
        live.pause(PauseReason.TOO_SMALL)  # longer than the grace: stopped then
        await asyncio.sleep(PAUSE_GRACE_SECONDS - 1)
        assert device.firmware.running
        await asyncio.sleep(2)
        assert not device.firmware.running
        assert sent_since(device, before) == [CommandName.STOP]
        assert said[-1].kind is DeviceMessageKind.OUTPUT_PAUSED
        live.resume()
        await asyncio.sleep(1)
        assert said[-1] == start_again(device.name)
        assert device.press_button()
        await asyncio.sleep(1)
        stops = sent_since(device, before).count(CommandName.STOP)
        live.pause()  # asked for (space): at once
        await asyncio.sleep(1)
        assert sent_since(device, before).count(CommandName.STOP) == stops + 1
        assert not device.firmware.running
        assert problems == []
        live.stop()
        await live.finish()

    run_virtual(run())


def test_a_session_ended_within_a_covered_pauses_grace_stops_the_device_once(
    tmp_path: Path,
) -> None:
    """The grace is cancelled by the end: the end's stop goes at once, and no second stop
    follows when the grace would have run out."""
    companion = companion_with_device(tmp_path, "reference-a", LoopClock(), device_clock=loop_clock)
    problems: list[str] = []

    async def run() -> None:
        live, device = await started_by_its_button(companion, problems)
        before = len(list(device.firmware.received))
        live.pause(PauseReason.COVERED)  # the quit question
        await asyncio.sleep(2)
        live.stop()  # Stop session
        await live.finish()
        assert not device.firmware.running
        await asyncio.sleep(PAUSE_GRACE_SECONDS * 2)
        assert sent_since(device, before) == [CommandName.STOP]

    run_virtual(run())


def test_a_pause_that_stopped_the_device_is_in_the_session_record(tmp_path: Path) -> None:
    """C20: the device's stop for a pause is written into the session's record, as the end's
    stop is; a covered pause resumed within its grace stopped nothing and is not."""
    companion = companion_with_device(tmp_path, "reference-a", LoopClock(), device_clock=loop_clock)
    problems: list[str] = []

    async def run() -> None:
        live, _ = await started_by_its_button(companion, problems)
        live.pause(PauseReason.COVERED)
        await asyncio.sleep(1)
        live.resume()
        live.pause()  # space
        await asyncio.sleep(1)
        live.resume()
        await asyncio.sleep(1)
        live.stop()
        await live.finish()

    run_virtual(run())
    assert last_session(tmp_path) == (RecordStatus.ABORTED, ["device_paused", "device_stopped"])


def test_a_device_that_does_not_take_the_pause_says_so_and_the_session_stays_paused(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock)
    problems: list[str] = []

    async def run() -> None:
        live, device = await started_by_its_button(companion, problems)
        device.faults.ignored_writes = 10**6  # the device hears nothing more
        live.pause()
        await asyncio.sleep(10)
        assert device.firmware.running
        assert len(problems) == 1
        assert problems[0].startswith(f"Could not pause {device.name}: ")
        assert problems[0].endswith("Switch it off by hand; the session stays paused.")
        assert live.status is SessionStatus.PAUSED
        device.faults.ignored_writes = 0
        live.resume()  # nothing was stopped, so there is nothing to start again
        await asyncio.sleep(1)
        assert len(problems) == 1
        live.stop()
        await live.finish()
        assert not device.firmware.running  # the end's stop got through

    run_virtual(run())


def test_a_device_without_a_stop_command_says_it_cannot_be_paused(tmp_path: Path) -> None:
    shipped = REGISTRY["reference-a"]
    commands = {name: c for name, c in shipped.commands.items() if name != CommandName.STOP}
    no_stop = shipped.model_copy(update={"commands": commands})
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock, profile=no_stop)
    problems: list[str] = []

    async def run() -> None:
        live, device = await started_by_its_button(companion, problems)
        live.pause()
        await asyncio.sleep(1)
        assert problems == [cannot_pause_text(device.name)]
        assert live.status is SessionStatus.PAUSED
        live.stop()
        await live.finish()

    run_virtual(run())


def test_the_stop_after_the_grace_is_promised_only_for_a_device_that_has_one(
    tmp_path: Path,
) -> None:
    """review2 #2: the core says which device a pause the user did not ask for stops after
    the grace (the too-small screen says it): the name while the session runs and the device
    has a stop; nothing for a device without one, nor for a paused session."""
    shipped = REGISTRY["reference-a"]
    commands = {name: c for name, c in shipped.commands.items() if name != CommandName.STOP}
    no_stop = shipped.model_copy(update={"commands": commands})
    said: dict[str, str | None] = {}

    async def run(profile: DeviceProfile, key: str) -> None:
        companion = companion_with_device(
            tmp_path / key, "reference-a", FakeClock(), profile=profile
        )
        live, device = await started_by_its_button(companion, [])
        said[key] = companion.session_service.device_stop_after_grace()
        live.pause()
        said[f"{key} paused"] = companion.session_service.device_stop_after_grace()
        live.stop()
        await live.finish()
        said["name"] = device.name

    run_virtual(run(shipped, "stop"))
    run_virtual(run(no_stop, "no stop"))
    promised = said["stop"]
    assert promised is not None
    assert str(said["name"]) in promised
    assert said["stop paused"] is None
    assert said["no stop"] is None


def test_ctrl_z_in_the_coach_pauses_the_device_before_the_process_stops(tmp_path: Path) -> None:
    """The plain coach's pause is Ctrl-Z: a stopped process can send nothing, so the session
    pauses, and the device's stop reaches it, before the process stops; `fg` resumes."""
    companion = companion_with_device(tmp_path, "reference-a", LoopClock(), device_clock=loop_clock)
    routine = companion.program_service.library.get("spot-forehead").routine
    problems: list[str] = []
    said: list[DeviceMessage] = []
    when_stopped: list[tuple[bool, SessionStatus, list[str]]] = []

    async def run() -> None:
        await companion.device.connect()
        live = begin_with_callbacks(
            companion,
            routine,
            [],
            source=SessionSource.COACH,
            on_device_problem=problems.append,
            on_device_message=said.append,
        )
        runner = CoachRunner(live, EventWaiter())
        running = asyncio.create_task(runner.run())
        await asyncio.sleep(1)
        device = simulated(companion)
        assert device.press_button()
        before = len(list(device.firmware.received))

        def stop_the_process() -> None:
            sent = sent_since(device, before)
            when_stopped.append((device.firmware.running, live.status, sent))

        await runner.suspend(stop_the_process)
        assert when_stopped == [(False, SessionStatus.PAUSED, [CommandName.STOP])]
        assert live.status is SessionStatus.RUNNING  # continued: the session goes on
        await asyncio.sleep(1)
        assert problems == []
        assert said[-1] == start_again(device.name)
        runner.request_stop()
        await running

    run_virtual(run())


def _bear_pause_and_resume(
    tmp_path: Path, level_by_hand: int | None
) -> tuple[list[tuple[str, dict[str, int]]], list[DeviceMessage]]:
    """A FOREO BEAR session without a level in the settings (the default), its level set by
    hand in the session (as the Devices screen does) or not at all, paused and resumed."""
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "foreo-bear", clock)
    routine = companion.program_service.library.get("spot-forehead").routine
    said: list[DeviceMessage] = []

    async def run() -> list[tuple[str, dict[str, int]]]:
        await companion.device.connect()
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, on_device_message=said.append
        )
        live.start()
        await asyncio.sleep(1)
        link = companion.device.link
        assert link is not None
        if level_by_hand is not None:
            await link.set_intensity(level_by_hand)
        live.pause()
        await asyncio.sleep(1)
        live.resume()
        await asyncio.sleep(1)
        live.stop()
        await live.finish()
        received = simulated(companion).firmware.received
        return [
            (command.name, dict(command.args))
            for command in received
            if command.name in (CommandName.SET_INTENSITY, CommandName.STOP)
        ]

    return run_virtual(run()), said


def test_a_foreo_level_set_by_hand_is_set_back_after_a_pause(tmp_path: Path) -> None:
    """finalwalk F17: with no level in the settings, the pause's stop put the BEAR at 0 and the
    resume sent nothing: the motor stayed off for the rest of the session, in silence."""
    sent, said = _bear_pause_and_resume(tmp_path, level_by_hand=5)
    level_5: tuple[str, dict[str, int]] = (CommandName.SET_INTENSITY, {"level": 5})
    stop: tuple[str, dict[str, int]] = (CommandName.STOP, {})
    assert sent == [level_5, stop, level_5, stop]  # by hand, the pause, the resume, the end
    assert [message.kind for message in said] == [
        DeviceMessageKind.OUTPUT_PAUSED,
        DeviceMessageKind.OUTPUT_RESUMED,
    ]


def test_a_foreo_level_facecoach_never_knew_is_left_to_the_user_after_a_pause(
    tmp_path: Path,
) -> None:
    """Its level set on the device alone: the stop put it at 0, and the resume cannot know the
    level to set again, so it says to start it again on the device, as for a device that
    starts on its own button."""
    sent, said = _bear_pause_and_resume(tmp_path, level_by_hand=None)
    assert sent == [(CommandName.STOP, {}), (CommandName.STOP, {})]  # the pause, the end
    assert [message.kind for message in said] == [
        DeviceMessageKind.OUTPUT_PAUSED,
        DeviceMessageKind.START_AGAIN,
    ]
    assert said[-1].text == start_again_text("BEAR")
