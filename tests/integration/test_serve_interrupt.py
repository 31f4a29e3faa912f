"""Ctrl-C of `facecoach simulator serve` while a central is writing to the served device: the
process stops in its own words, without a traceback (two were printed once in 17 runs).

serve runs as a real process (a Ctrl-C is a signal to a process), on a controller behind HCI
over TCP; the central is facecoach's own link, in this process, writing as fast as the device
confirms when the signal comes."""

import asyncio
import os
import signal
import sys

import pytest
from bumble.link import LocalLink

from facecoach.devices.errors import DeviceError
from facecoach.devices.link import DeviceLink, LinkOptions
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.central import BumbleAir
from tests.support.hci_tcp import Dongle, leaves_bumbles_socket, run_over_tcp

PROFILE = load_registry().get("reference-a")
ADDRESS = "DA:1D:00:00:00:09"
# Commands confirmed before the Ctrl-C: the central is mid-stream when it comes.
CONFIRMED_BEFORE_CTRL_C = 3

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sys.platform == "win32",
        reason="a Ctrl-C reaches another process on Windows only through a shared console",
    ),
]


async def _serve_and_interrupt() -> tuple[int, str, str, int]:
    link = LocalLink()  # type: ignore[no-untyped-call]  # the dongle's controller and the central
    dongle = Dongle(link)
    spec = await dongle.plug_in()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "facecoach",
        "simulator",
        "serve",
        "--transport",
        spec,
        "--address",
        ADDRESS,
        "--forget-bonds",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ),
    )
    assert process.stdout is not None
    said = b""
    while b"advertising" not in said:
        line = await process.stdout.readline()
        assert line, f"serve ended before advertising: {said!r}"
        said += line
    air = BumbleAir(link=link)
    central = DeviceLink(
        PROFILE, ADDRESS, options=LinkOptions(air.scanner_backend, air.client_backend)
    )
    await central.connect()
    confirmed = 0
    enough = asyncio.Event()

    async def write_on() -> None:
        nonlocal confirmed
        programs = [p.id for p in PROFILE.programs]
        try:
            while True:
                await central.select_program(programs[confirmed % len(programs)])
                confirmed += 1
                if confirmed >= CONFIRMED_BEFORE_CTRL_C:
                    enough.set()
        except DeviceError:
            enough.set()  # the device went away: serve stopped

    writing = asyncio.ensure_future(write_on())
    await enough.wait()
    process.send_signal(signal.SIGINT)
    out, err = await process.communicate()
    writing.cancel()
    await asyncio.gather(writing, return_exceptions=True)
    await central.disconnect()
    await air.close()
    await dongle.pull_out()
    assert process.returncode is not None
    return process.returncode, (said + out).decode(), err.decode(), confirmed


@leaves_bumbles_socket
@pytest.mark.parametrize("attempt", range(3))
def test_ctrl_c_while_a_central_writes_stops_serve_without_a_traceback(
    isolated_dirs: object, attempt: int
) -> None:
    outcome: list[tuple[int, str, str, int]] = []

    async def scenario() -> None:
        outcome.append(await _serve_and_interrupt())

    run_over_tcp(scenario(), timeout=90)
    code, out, err, confirmed = outcome[0]
    assert confirmed >= CONFIRMED_BEFORE_CTRL_C
    assert "Traceback" not in out + err
    assert (code, err) == (0, "")
    assert out.rstrip().endswith("stopped")
