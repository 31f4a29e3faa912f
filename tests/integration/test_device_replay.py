"""Record and replay: a session's link recorded as a trace through the real bleak path, then
the same session run against the trace played back as the device. The replayed device answers
as the recorded one did, so the session goes the same way: programs selected, device stopped."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facecoach.adherence.session_log import SessionLog, SessionSource
from facecoach.companion.core import Companion
from facecoach.companion.device_messages import DeviceMessage
from facecoach.companion.devices import DeviceService
from facecoach.devices.errors import DeviceError
from facecoach.devices.link import DeviceLink, LinkEvent, LinkOptions
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.devices.protocol.assigned_numbers import MANUFACTURER_NAME
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.protocol.trace import TraceEventKind, TraceHeader, TraceWriter, read_trace
from facecoach.devices.simulator.replay import ReplayFirmware
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from tests.support.device_air import air_for
from tests.support.front_ends import begin_with_callbacks
from tests.support.machines import bare_machine
from tests.support.virtual_time import loop_clock, run_virtual

REGISTRY = {p.id: p for p in load_registry().profiles}


def companion(tmp_path: Path, service: DeviceService, clock: FakeClock) -> Companion:
    core = Companion(
        clock,
        tmp_path,
        tmp_path / "log.db",
        RoutineLibrary.load(None),
        device=service,
        machine=bare_machine(),
    )
    core.safety_service.record_screening({})
    return core


def run_session(core: Companion, clock: FakeClock) -> list[DeviceMessage]:
    routine = core.program_service.library.get("spot-forehead").routine
    messages: list[DeviceMessage] = []
    problems: list[str] = []

    async def run() -> None:
        await core.device.connect()
        live = begin_with_callbacks(
            core,
            routine,
            [],
            source=SessionSource.TUI,
            on_device_message=messages.append,
            on_device_problem=problems.append,
        )
        live.start()
        while not live.is_over:
            clock.advance(2.0)
            live.poll()
            await asyncio.sleep(0.01)
        await live.finish()
        await core.shutdown()

    run_virtual(run())
    assert problems == []
    return messages


@pytest.mark.parametrize("profile_id", ["reference-a", "reference-b", "reference-c"])
def test_a_recorded_session_replays_the_same_way(tmp_path: Path, profile_id: str) -> None:
    clock = FakeClock()
    air = air_for("in-process", [REGISTRY[profile_id]])
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
    trace_path = tmp_path / "session.trace.jsonl"
    recording = DeviceService(tmp_path, air=air)
    recording.recorder.record_to(trace_path)
    live_messages = run_session(companion(tmp_path / "one", recording, clock), clock)
    events, stopped = recording.recorder.stop_recording()
    assert events > 4
    assert stopped is None
    assert live_messages  # the programs were selected and confirmed, live

    trace = read_trace(trace_path)
    kinds = [e.event for e in trace.entries]
    assert kinds[0] is TraceEventKind.CONNECTED
    assert TraceEventKind.WRITE in kinds
    assert TraceEventKind.NOTIFY in kinds
    assert trace.header.profile == profile_id

    replaying = DeviceService(tmp_path, replay=trace_path)
    replay_messages = run_session(companion(tmp_path / "two", replaying, clock), clock)
    assert replay_messages == live_messages  # the same programs, selected and confirmed
    replayed = replaying.air
    assert replayed is not None
    firmware = replayed.device(device.address).firmware
    assert isinstance(firmware, ReplayFirmware)
    assert firmware.unmatched == []
    assert [c.name for c in firmware.received][-1] == "stop"
    with SessionLog.open(tmp_path / "two" / "log.db") as log:
        (session,) = log.sessions()
        kinds_logged = [kind for _, kind, _ in log.session_events(session.id)]
    assert kinds_logged == ["device_stopped"]  # the recorded device confirmed the stop


def test_a_trace_for_a_profile_not_installed_says_which(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    trace.write_text(
        '{"format": "facecoach-trace", "version": 1, "profile": "nuface-x", "name": "X", '
        '"address": "AA:BB:CC:DD:EE:FF", "recorded": "2026-11-30T09:00:00Z"}\n'
    )
    with pytest.raises(DeviceError, match="profile 'nuface-x', which is not installed here"):
        DeviceService(tmp_path, replay=trace)


def test_a_trace_of_another_device_than_the_paired_one_says_how_to_pair_it(
    tmp_path: Path,
) -> None:
    trace = tmp_path / "trace.jsonl"
    trace.write_text(
        '{"format": "facecoach-trace", "version": 1, "profile": "reference-a", "name": "A", '
        '"address": "5A:1D:00:00:00:03", "recorded": "2026-11-30T09:00:00Z"}\n'
    )
    paired = KnownDevice(
        address="5A:1D:00:00:00:02",
        profile="reference-a",
        name="FC-RefA 0002",
        paired_at=FakeClock().now(),
        simulated=True,
    )
    service = DeviceService(tmp_path, replay=trace)
    with pytest.raises(DeviceError, match="pair the recorded one first"):
        service.link_for(paired)


@pytest.mark.parametrize("profile_id", ["reference-a", "reference-c"])
def test_a_replay_keeps_the_recorded_timing_drops_and_read_values(
    tmp_path: Path, profile_id: str
) -> None:
    """A late ack comes as late, a charger plugged in later comes as much later, the drop
    happens when it did, and the device information reads as the recorded device's; with a
    keep-alive going (reference-c) too, whose own writes take nothing over."""
    profile = REGISTRY[profile_id]
    program = profile.programs[1].id
    trace_path = tmp_path / "trace.jsonl"

    async def record() -> None:
        air = air_for("in-process", [profile], clock=loop_clock)
        device = next(iter(air.devices.values()))
        device.recorded_reads = {MANUFACTURER_NAME: b"Acme Beauty"}  # another maker's device
        link = DeviceLink(
            profile, device.address, options=LinkOptions(air.scanner_backend, air.client_backend)
        )
        header = TraceHeader(
            format="facecoach-trace",
            version=1,
            profile=profile.id,
            name=device.name,
            address=device.address,
            recorded=datetime.now(UTC),
        )
        with trace_path.open("w") as out:
            link.trace = TraceWriter(out, header, asyncio.get_running_loop().time())
            await link.connect()
            await link.read_device_info()
            device.faults.reply_delay = 0.8
            await link.select_program(program)
            device.faults.reply_delay = 0.0
            await asyncio.sleep(3)
            device.plug_in()
            await asyncio.sleep(1)
            device.drop_link()
            await asyncio.sleep(1)  # reconnected (after 0.5 s) and the program reselected
            await link.disconnect()

    run_virtual(record())
    kinds = [e.event for e in read_trace(trace_path).entries]
    assert TraceEventKind.READ in kinds
    assert kinds[-1] is TraceEventKind.CLOSED

    async def replay() -> dict[str, float | str]:
        service = DeviceService(tmp_path, replay=trace_path)
        air = service.air
        assert air is not None
        device = next(iter(air.devices.values()))
        link = DeviceLink(
            profile, device.address, options=LinkOptions(air.scanner_backend, air.client_backend)
        )
        loop = asyncio.get_running_loop()
        seen: dict[str, float | str] = {}

        def first_of_each(event: LinkEvent) -> None:
            if "wrote" in seen:  # how long after the write each kind of event first came
                seen.setdefault(event.kind.value, loop.time() - float(seen["wrote"]))

        link.subscribe(first_of_each)
        await link.connect()
        seen["maker"] = (await link.read_device_info())["manufacturer"]
        seen["wrote"] = loop.time()
        await link.select_program(program)
        seen["acked"] = loop.time() - float(seen["wrote"])
        while "dropped" not in seen:
            await asyncio.sleep(0.05)
        seen["charging"] = str(link.status.charging)
        await asyncio.sleep(1)
        await link.disconnect()
        return seen

    seen = run_virtual(replay())
    assert seen["maker"] == "Acme Beauty"
    assert 0.79 < float(seen["acked"]) < 0.85  # as late as recorded
    assert 3.79 < float(seen["status"]) < 3.9  # the charger, plugged in 3 s after the ack
    assert seen["charging"] == "True"
    assert 4.79 < float(seen["dropped"]) < 4.9
