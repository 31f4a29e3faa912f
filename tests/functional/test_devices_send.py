"""`facecoach devices send`: one command of the paired device's profile, as the profile writes
it, with the same gates as everywhere (never `start`, nothing but `stop` while charging, never
above the intensity limit)."""

import asyncio
import re
from pathlib import Path

import pytest

from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main
from facecoach.companion.devices import DeviceService
from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import reference_air

REFERENCE_C = "5A:1D:00:00:00:04"  # the fourth simulated device: one per shipped profile


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def paired(isolated_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "devices", "pair", REFERENCE_C, "--simulate")
    assert code == EXIT_OK
    assert "facecoach Reference C" in out


@pytest.mark.usefixtures("paired")
def test_the_list_shows_every_command_with_its_arguments_and_purpose(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "devices", "send", "--list", "--simulate")
    assert code == EXIT_OK
    assert "set_timer seconds=0..3600  (acknowledged)" in out
    assert "stops after this many seconds of stimulation" in out
    assert "keepalive count=0..65535  (no answer; the keep-alive, sent every 500 ms" in out
    assert "sync_clock time=0..4294967295  (no answer; sent on every connection)" in out
    assert "start  (acknowledged; starts stimulation: never sent by `devices send`)" in out


@pytest.mark.usefixtures("paired")
def test_a_command_beyond_the_five_is_sent_and_its_answer_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "devices", "send", "set_timer", "seconds=0x258", "--simulate")
    assert code == EXIT_OK
    code, out, _ = run(capsys, "devices", "send", "set_timer", "seconds=0600", "--simulate")
    assert code == EXIT_OK
    assert out.strip() == (
        "Sent set_timer to FC-RefC 0004; it answered (ack): of=67, result=0, reserved=0"
    )
    code, out, _ = run(capsys, "devices", "send", "query_status", "--simulate")
    assert "answered (status): program=1, intensity=1, battery=80, charging=no" in out
    assert "temperature=312" in out


@pytest.mark.usefixtures("paired")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["start"], "start starts stimulation, which facecoach never does on its own"),
        (["set_intensity", "level=9"], "intensity 9 is above this device's limit of 8"),
        (["set_timer", "seconds=4000"], r"seconds must be from 0 to 3600 \(got 4000\)"),
        (["set_timer"], r"set_timer takes \['seconds'\]; missing \['seconds'\]"),
        (["set_timer", "seconds"], "give each argument as NAME=VALUE"),
        (["set_timer", "seconds=soon"], "'soon' is not a whole number"),
        (["warp"], "has no command 'warp' \\(it has: keepalive, query_status"),
        (["set_limit", "level=10"], "would set the device's own limit above facecoach's"),
        (["set_timer", "seconds=1", "seconds=2"], "seconds is given twice"),
    ],
)
def test_what_is_not_sent_is_said_in_words(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "devices", "send", *args, "--simulate")
    assert code == EXIT_ERROR
    assert out == ""
    assert re.search(message, err), err


def test_nothing_but_stop_goes_to_a_device_on_its_charger(isolated_dirs: Path) -> None:
    air = reference_air(load_registry().profiles)
    device = air.device(REFERENCE_C)
    service = DeviceService(isolated_dirs, air=air)

    async def scenario() -> None:
        known = await service.pairing.pair(REFERENCE_C)
        await service.send_command(known, "set_timer", {"seconds": 90})
        assert device.firmware.settings["set_timer"] == {"seconds": 90}
        device.plug_in()
        with pytest.raises(DeviceError, match="on its charger: only stop and query_status"):
            await service.send_command(known, "set_timer", {"seconds": 30})
        _, answer = await service.send_command(known, "stop", {})
        assert answer is not None
        _, status = await service.send_command(known, "query_status", {})
        assert status is not None
        assert status.values["charging"] is True
        await service.close()

    asyncio.run(scenario())
    assert device.firmware.settings["set_timer"] == {"seconds": 90}
