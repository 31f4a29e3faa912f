"""The Bumble carrier (the same peripheral as `simulator serve`) under what a central may do:
give up on a request whose answer is on its way (issue 28 F18), write without response where
nothing may be written (issue 31 item 7). Nothing raised in the event loop, nothing logged as an
error, and the link goes on."""

import asyncio
import logging
from typing import Any

import pytest
from bleak import BleakClient
from bleak.exc import BleakGATTProtocolError

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


def test_a_write_without_response_where_nothing_may_be_written_is_dropped_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bumble's server logged such a Write Command as an error, with a traceback, on serve's
    output. A write request there is still refused, in the protocol's words."""
    air = air_for("bumble", [PROFILE], clock=loop_clock)
    device = next(iter(air.devices.values()))
    notify, battery = PROFILE.gatt.notify, PROFILE.gatt.battery
    assert notify is not None
    assert battery is not None

    async def run() -> None:
        async with BleakClient(device.address, backend=air.client_backend) as client:
            read_only = [client.services.get_characteristic(e.uuid) for e in (battery, notify)]
            for char in read_only:
                assert char is not None
                await client.write_gatt_char(char, b"\x01", response=False)
            await asyncio.sleep(0.1)  # virtual: the writes reach the device
            with pytest.raises(BleakGATTProtocolError, match="Write Not Permitted"):
                await client.write_gatt_char(battery.uuid, b"\x01", response=True)
        await air.close()

    with caplog.at_level(logging.WARNING):
        run_virtual(run())
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
