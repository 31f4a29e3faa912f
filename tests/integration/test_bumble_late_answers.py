"""The Bumble carrier when a caller gives up on a GATT request whose answer is on its way
(issue 28 F18): nothing raised in the event loop, and the next request is answered."""

import asyncio
from typing import Any

import pytest
from bleak import BleakClient

from facecoach.devices.protocol.registry import load_registry
from tests.support.device_air import air_for
from tests.support.virtual_time import loop_clock, run_virtual

PROFILE = load_registry().get("reference-a")
QUERY_STATUS = bytes.fromhex("A5 14 0B 00 1F")


# Loop turns before the caller gives up: the answer arrives during some of them (5 and 6 with
# Bumble 0.0.2xx on its virtual link); the sweep covers the write's whole round trip.
@pytest.mark.parametrize("turns", range(12))
def test_a_late_answer_to_an_abandoned_write_raises_nothing_in_the_event_loop(
    turns: int,
) -> None:
    air = air_for("bumble", [PROFILE], clock=loop_clock)
    device = next(iter(air.devices.values()))
    raised: list[dict[str, Any]] = []

    async def run() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, c: raised.append(c))
        assert PROFILE.gatt.command is not None
        async with BleakClient(device.address, backend=air.client_backend) as client:
            char = client.services.get_characteristic(PROFILE.gatt.command.uuid)
            assert char is not None
            write = asyncio.ensure_future(client.write_gatt_char(char, QUERY_STATUS, True))
            for _ in range(turns):
                await asyncio.sleep(0)
            write.cancel()  # a command's time limit, or a session's end cancelling it
            await asyncio.gather(write, return_exceptions=True)
            await client.write_gatt_char(char, QUERY_STATUS, response=True)
        await air.close()

    run_virtual(run())
    assert raised == []
    assert len(device.firmware.received) in (1, 2)  # the abandoned write may have gone out
