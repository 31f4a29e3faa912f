"""`simulator serve` on transports that are no controller, and stopped while it starts
(issue 28 F14; issue 31 item 7): words and a prompt end, never a traceback nor a hang."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.serve import START_TIMEOUT, serve
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.devices.simulator.firmware import KEPT_COMMANDS
from tests.support.virtual_time import run_virtual

PROFILE = load_registry().get("reference-a")


def device() -> SimulatedDevice:
    return SimulatedDevice.from_profile(PROFILE, "DA:1D:00:00:00:07")


class SilentController:
    """Something that takes the connection and never answers a command."""

    def __init__(self) -> None:
        self.accepted = asyncio.Event()
        self._writers: list[asyncio.StreamWriter] = []

    async def open(self) -> str:
        async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self._writers.append(writer)
            self.accepted.set()

        self._server = await asyncio.start_server(hold, "127.0.0.1", 0)
        return f"tcp-client:127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def close(self) -> None:
        for writer in self._writers:
            writer.close()
            await writer.wait_closed()
        self._server.close()
        await self._server.wait_closed()


def test_a_controller_that_never_answers_is_an_error_in_words() -> None:
    async def run() -> str:
        controller = SilentController()
        spec = await controller.open()
        try:
            with pytest.raises(DeviceError) as raised:
                await serve(spec, device(), asyncio.Event())
            return str(raised.value)
        finally:
            await controller.close()

    message = run_virtual(run())
    assert f"did not start: no answer from the controller within {START_TIMEOUT:g} s" in message


def test_a_stop_while_the_controller_starts_ends_serve_at_once() -> None:
    """What Ctrl-C and SIGTERM do (they set `stop`); they were ignored until SIGKILL."""

    async def run() -> float:
        controller = SilentController()
        spec = await controller.open()
        stop = asyncio.Event()
        serving = asyncio.ensure_future(serve(spec, device(), stop))
        await controller.accepted.wait()
        began = asyncio.get_running_loop().time()
        stop.set()
        await serving
        await controller.close()
        return asyncio.get_running_loop().time() - began

    assert run_virtual(run()) < 1.0


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_serve_on_dev_zero_says_it_is_no_controller_and_exits(tmp_path: Path) -> None:
    """F14: a traceback, then a hang in epoll_wait that ignored SIGTERM and SIGINT."""
    result = subprocess.run(
        [sys.executable, "-m", "facecoach", "simulator", "serve", "--transport", "file:/dev/zero"],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT + 30,
        env={**os.environ, "FACECOACH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "facecoach: error: The controller behind 'file:/dev/zero' did not start"
    )


def test_a_served_device_keeps_only_its_latest_commands() -> None:
    """Issue 31 item 7: every decoded command was kept for serve's whole life (+5 MB over 250
    reconnect rounds). Each write still says what it held."""
    served = device()
    codec = FrameCodec(PROFILE)
    for sequence in range(3 * KEPT_COMMANDS):
        frame = codec.encode_command(CommandName.QUERY_STATUS, {}, sequence & 0xFF)
        outcome = served.write(frame)
        assert [command.sequence for command in outcome.understood] == [sequence & 0xFF]
    assert len(served.firmware.received) == KEPT_COMMANDS
    assert served.firmware.received.total == 3 * KEPT_COMMANDS
    assert served.firmware.received[-1].sequence == (3 * KEPT_COMMANDS - 1) & 0xFF
