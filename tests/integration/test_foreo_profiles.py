"""The FOREO profiles against buttplug.io's public FOREO protocol, and in a session.

buttplug.io (buttplugio/buttplug, BSD-3-Clause) drives these devices by
`device-config-v4/protocols/foreo.yml` (the names it connects to: service FFF0, tx FFF1) and
`protocol_impl/foreo.rs`: one write with response of [0x01, mode, level], level 0-10, the mode
picked from the advertised name. Both are transcribed below as the reference the shipped
profiles must agree with, for every name buttplug lists.
"""

import asyncio
from pathlib import Path

import pytest

from facecoach.adherence.session_log import SessionLog, SessionSource
from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main
from facecoach.cli.time_source import time_from
from facecoach.companion.core import Companion
from facecoach.companion.devices import DeviceService
from facecoach.devices.errors import CommandError, FrameError
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.profile import CommandName, WriteMode
from facecoach.devices.protocol.registry import load_registry
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from tests.integration.test_device_sessions import ENDINGS
from tests.support.device_air import air_for
from tests.support.front_ends import begin_with_callbacks
from tests.support.machines import machine
from tests.support.virtual_time import VIRTUAL_TIME, run_virtual

REGISTRY = load_registry()

# foreo.yml, communication: btle: names (in its order; LUNA4PLUS is listed twice there).
BUTTPLUG_NAMES = [
    *("FOFO", "LUNA fofo", "LUNA FOFO", "LUNA PLAY SMART"),
    *("LUNA PLAYSMART2", "LUNA PLAY SMART2", "LUNA play smart2", "LUNA play smart 2"),
    *("LUNA 3", "LUNA3", "LUNA3PLUS", "LUNA3 PLUS", "LUNA 3 PLUS", "LUNA 3 plus"),
    *("LUNA 3 MEN", "LUNA3MEN", "LUNA MINI3", "LUNA MINI 3", "LUNA mini 3"),
    *("LUNA4PLUS", "LUNA4", "LUNA 4", "LUNA4 PLUS", "LUNA 4 plus"),
    *("LUNA4MEN", "LUNA 4 MEN", "LUNA 4 FOR MEN"),
    *("LUNA MINI4", "LUNA MINI 4", "LUNA mini 4", "LUNA 4 mini"),
    *("UFO", "UFO mini", "UFO MINI", "UFO MIN", "UFO2", "UFO 2", "UFOMINI2", "UFO mini 2"),
    *("UFO3", "UFO3mini", "UFO3go", "UFO3led"),
    *("BEAR", "BEAR_MINI", "BEAR MINI", "BEAR mini", "BEAR2", "BEAR 2"),
    *("BEAR2go", "BEAR2body", "BEAR2eyes"),
    *("KIWI", "KIWI derma"),
]
BEAR_NAMES = ["BEAR", "BEAR_MINI", "BEAR MINI", "BEAR mini", "BEAR2", "BEAR 2"]
BEAR_NAMES += ["BEAR2go", "BEAR2body", "BEAR2eyes"]
FOREO_SERVICE = "0000fff0-0000-1000-8000-00805f9b34fb"
FOREO_TX = "0000fff1-0000-1000-8000-00805f9b34fb"


def buttplug_mode(name: str) -> int:
    """ForeoInitializer::initialize in foreo.rs."""
    lname = name.lower()
    if "smart" in lname and "2" in lname:
        return 3
    if "fofo" in lname or "ufo" in lname:
        return 1
    return 0


def buttplug_write(name: str, level: int) -> bytes:
    """Foreo::handle_output_vibrate_cmd in foreo.rs: vec![0x01, self.mode, speed as u8]."""
    return bytes([0x01, buttplug_mode(name), level])


class Advertised:
    """An advertisement that carries only a name, as buttplug matches these devices."""

    def __init__(self, name: str) -> None:
        self.local_name: str | None = name
        self.service_uuids: list[str] = []
        self.service_data: dict[str, bytes] = {}
        self.manufacturer_data: dict[int, bytes] = {}


@pytest.mark.parametrize("name", sorted(set(BUTTPLUG_NAMES)))
def test_every_name_buttplug_lists_is_a_foreo_profile_that_writes_what_buttplug_writes(
    name: str,
) -> None:
    profile = REGISTRY.matcher.match(Advertised(name))
    assert profile is not None
    assert profile.id.startswith("foreo-")
    assert profile.gatt.service == FOREO_SERVICE
    assert profile.gatt.command is not None
    assert profile.gatt.command.uuid == FOREO_TX
    assert profile.gatt.command.write is WriteMode.WITH_RESPONSE
    assert profile.limits.max_intensity == 10
    codec = FrameCodec(profile)
    for level in range(1, 11):
        assert codec.encode_command(CommandName.SET_INTENSITY, {"level": level}) == (
            buttplug_write(name, level)
        )
    assert codec.encode_command(CommandName.STOP, {}) == buttplug_write(name, 0)


@pytest.mark.parametrize("name", ["BEAR 3", "bear", "BEAR2 eyes", "UFO3eyes", "LUNA 5"])
def test_names_buttplug_does_not_list_are_not_taken_for_foreo_devices(name: str) -> None:
    profile = REGISTRY.matcher.match(Advertised(name))
    assert profile is None or not profile.id.startswith("foreo-")


@pytest.mark.parametrize("profile_id", sorted(p.id for p in REGISTRY.profiles if "foreo" in p.id))
def test_a_level_outside_one_to_ten_is_never_sent_and_never_read_as_one(profile_id: str) -> None:
    codec = FrameCodec(REGISTRY.get(profile_id))
    for level in (0, 11):
        with pytest.raises(CommandError, match="level must be from 1 to 10"):
            codec.encode_command(CommandName.SET_INTENSITY, {"level": level})
    (mode,) = {arg.value for arg in REGISTRY.get(profile_id).commands["stop"].args[:1]}
    assert mode is not None
    # The device end reads a stop as a stop, and a level past 10 as nothing it knows.
    assert codec.decode_command(bytes([1, mode, 0])).name == CommandName.STOP
    assert codec.decode_command(bytes([1, mode, 7])).args == {"level": 7}
    with pytest.raises(FrameError, match="fits none of its commands"):
        codec.decode_command(bytes([1, mode, 11]))
    with pytest.raises(FrameError, match="fits none of its commands"):
        codec.decode_command(bytes([1, mode ^ 1, 5]))


def bear_companion(tmp_path: Path, clock: FakeClock, carrier: str, intensity: int) -> Companion:
    air = air_for(carrier, [REGISTRY.get("foreo-bear")])
    device = next(iter(air.devices.values()))
    assert device.name == "BEAR"  # simulated under the first name buttplug lists
    KnownDevices(tmp_path).remember(
        KnownDevice(
            address=device.address,
            profile="foreo-bear",
            name=device.name,
            paired_at=clock.now(),
            simulated=True,
        )
    )
    (tmp_path / "settings.toml").write_text(f"device_intensity = {intensity}\n")
    companion = Companion(
        clock,
        tmp_path,
        tmp_path / "log.db",
        RoutineLibrary.load(None),
        device=DeviceService(tmp_path, air=air),
        machine=machine(env={"TERM": "foot"}),
    )
    companion.safety_service.record_screening({})
    return companion


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_bear_session_sets_the_level_and_every_end_sends_level_zero(
    tmp_path: Path, carrier: str, ending: str
) -> None:
    clock = FakeClock()
    # More than the profile's limit: the device gets 10, never more.
    companion = bear_companion(tmp_path, clock, carrier, intensity=14)
    routine = companion.program_service.library.get("lift-5").routine
    end, status = ENDINGS[ending]
    problems: list[str] = []

    async def run() -> list[tuple[str, dict[str, int]]]:
        await companion.device.connect()
        air = companion.device.air
        link = companion.device.link
        assert air is not None
        assert link is not None
        device = air.device(link.address)
        live = begin_with_callbacks(
            companion, routine, [], source=SessionSource.TUI, on_device_problem=problems.append
        )
        live.start()
        clock.advance(20)
        live.poll()
        await asyncio.sleep(0.1)
        end(live, clock)
        assert await live.finish()
        return [(command.name, command.args) for command in device.firmware.received]

    received = run_virtual(run())
    # Read back by the simulated device from the bytes 01 00 0A, then 01 00 00.
    assert received == [(CommandName.SET_INTENSITY, {"level": 10}), (CommandName.STOP, {})]
    assert problems == ["Intensity capped at 10, this device's limit."]
    with SessionLog.open(tmp_path / "log.db") as log:
        (record, *_) = log.sessions(limit=1)
        events = [kind for _, kind, _ in log.session_events(record.id)]
    assert (record.status, events) == (status, ["device_stopped"])


def test_a_simulated_bear_is_paired_and_stopped_from_the_command_line(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> tuple[int, str]:
        with time_from(VIRTUAL_TIME):  # the scan's second takes no real time
            code = main([*args, "--simulate"])
        out, err = capsys.readouterr()
        return code, out + err

    code, out = run("devices", "scan", "--seconds", "1")
    assert code == EXIT_OK
    bear = next(line for line in out.splitlines() if "FOREO BEAR" in line).split()[0]
    code, out = run("devices", "pair", bear)
    assert code == EXIT_OK
    assert "FOREO BEAR has no programs: a session sets its level" in out
    assert "reads the battery only" not in out
    assert run("devices", "send", "stop") == (
        EXIT_OK,
        "Sent stop to BEAR; it sends no answer to it.\n",
    )
    code, out = run("devices", "send", "set_intensity", "level=11")
    assert code == EXIT_ERROR
    # Refused before its range is checked: by hand, no level runs the motor.
    assert "FOREO BEAR's level runs it at once, so facecoach sets it only in a session" in out
