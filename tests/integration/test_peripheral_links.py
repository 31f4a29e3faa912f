"""The Bumble peripheral's links: advertising again after every disconnection, however soon the
central comes back, and a clean end when the controller goes away or the server stops."""

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from bumble.core import ProtocolError
from bumble.hci import HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR, Address
from bumble.keys import MemoryKeyStore
from bumble.link import LocalLink
from bumble.pairing import PairingConfig

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.central import BumbleAir
from facecoach.devices.simulator.bumble.peripheral import AdvertisingMode
from facecoach.devices.simulator.device import SimulatedDevice
from tests.support.hci_tcp import Dongle, leaves_bumbles_socket, run_over_tcp, start_serving

PROFILE = load_registry().get("reference-a")
ADDRESS = "DA:1D:00:00:00:07"
PEER = Address(ADDRESS, Address.RANDOM_DEVICE_ADDRESS)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("mode", list(AdvertisingMode))
def test_a_central_that_reconnects_at_once_always_finds_the_device_again(
    mode: AdvertisingMode,
) -> None:
    """A phone reconnects the moment it is disconnected: its connection request is waiting
    when advertising starts, so the connection can be handled before `advertise()` resumes.
    The controller's answer is slowed down here, as a dongle behind USB or TCP does."""

    async def run() -> None:
        device = SimulatedDevice.from_profile(PROFILE, ADDRESS)
        air = BumbleAir([device])
        central = await air.central()
        peripheral = next(iter(air.peripherals.values()))
        await peripheral.stop_advertising()
        peripheral.advertising = mode
        stack = peripheral.stack
        real_start = stack.start_advertising

        async def slow_start(*args: Any, **kwargs: Any) -> None:
            await real_start(*args, **kwargs)
            await asyncio.sleep(0.05)  # the command's completion arrives late

        stack.start_advertising = slow_start  # type: ignore[method-assign]
        if mode is AdvertisingMode.EXTENDED:
            await peripheral.advertise()  # creates the advertising set, to slow it down too
            await peripheral.stop_advertising()
            advertising_set = peripheral._advertising_set
            assert advertising_set is not None
            real_set_start = advertising_set.start

            async def slow_set_start(*args: Any, **kwargs: Any) -> None:
                await real_set_start(*args, **kwargs)
                await asyncio.sleep(0.05)

            advertising_set.start = slow_set_start  # type: ignore[method-assign]
        waiting = asyncio.ensure_future(central.connect(PEER))
        await asyncio.sleep(0.05)
        await peripheral.advertise()  # the waiting central connects meanwhile
        for _cycle in range(10):
            connection = await asyncio.wait_for(waiting, 5)
            waiting = asyncio.ensure_future(central.connect(PEER))  # back at once
            await connection.disconnect(HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR)
        connection = await asyncio.wait_for(waiting, 5)
        await connection.disconnect(HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR)
        await air.close()

    asyncio.run(asyncio.wait_for(run(), 60))


@leaves_bumbles_socket
def test_serving_stops_cleanly_with_a_central_connected(caplog: pytest.LogCaptureFixture) -> None:
    device = SimulatedDevice.from_profile(PROFILE, ADDRESS)
    events: list[str] = []

    async def run() -> None:
        link = LocalLink()  # type: ignore[no-untyped-call]
        dongle = Dongle(link)
        stop, serving = await start_serving(device, await dongle.plug_in(), events)
        air = BumbleAir(link=link)
        central = await air.central()
        await asyncio.wait_for(central.connect(PEER), 5)
        stop.set()  # Ctrl-C with the central still connected
        await asyncio.wait_for(serving, 5)
        await air.close()
        await dongle.pull_out()

    gc.collect()  # what earlier tests left is not this test's to report
    with caplog.at_level(logging.WARNING):
        run_over_tcp(run())
    # Neither facecoach's peripheral nor Bumble's host complains (a collected task of an
    # earlier test may still be reported by asyncio here: not this test's business).
    complaints = [r for r in caplog.records if r.name.startswith(("facecoach", "bumble"))]
    assert [r.getMessage() for r in complaints] == []
    assert any(e.startswith("connected to") for e in events)


@leaves_bumbles_socket
def test_a_controller_that_goes_away_is_reported_at_once() -> None:
    device = SimulatedDevice.from_profile(PROFILE, ADDRESS)
    events: list[str] = []

    async def run() -> None:
        dongle = Dongle(LocalLink())  # type: ignore[no-untyped-call]
        _stop, serving = await start_serving(device, await dongle.plug_in(), events)
        await dongle.pull_out()
        with pytest.raises(DeviceError, match="went away"):
            await asyncio.wait_for(serving, 3)

    run_over_tcp(run())


@leaves_bumbles_socket
def test_a_central_that_paired_stays_paired_when_the_device_restarts(tmp_path: Path) -> None:
    """The bond survives `simulator serve` restarting, as a phone expects: the central
    encrypts the new connection with the key from the pairing, without pairing again."""
    keystore = tmp_path / "simulator-keys.json"
    device = SimulatedDevice.from_profile(PROFILE, ADDRESS)

    async def run() -> None:
        link = LocalLink()  # type: ignore[no-untyped-call]
        air = BumbleAir(link=link)
        central = await air.central()
        central.keystore = MemoryKeyStore()  # a phone keeps its keys

        async def serve_once(work: Callable[[], Awaitable[None]]) -> None:
            """One run of `simulator serve` on a freshly plugged-in dongle."""
            dongle = Dongle(link)
            stop, serving = await start_serving(
                device, await dongle.plug_in(), [], keystore=keystore
            )
            await work()
            stop.set()
            await asyncio.wait_for(serving, 5)
            await dongle.pull_out()

        async def pair() -> None:
            connection = await asyncio.wait_for(central.connect(PEER), 5)
            await asyncio.wait_for(connection.pair(), 10)
            await connection.disconnect()

        async def encrypt_with_the_old_key() -> None:
            connection = await asyncio.wait_for(central.connect(PEER), 5)
            await asyncio.wait_for(connection.encrypt(), 10)
            assert connection.is_encrypted
            await connection.disconnect()

        await serve_once(pair)
        await serve_once(encrypt_with_the_old_key)
        await air.close()

    run_over_tcp(run())
    assert keystore.exists()


@leaves_bumbles_socket
def test_legacy_pairing_is_refused_with_a_reason(tmp_path: Path) -> None:
    """Bumble cannot re-encrypt a legacy bond (its EDIV and Rand are stored as zeros), so the
    simulator refuses legacy pairing up front instead of making a bond that breaks later."""
    device = SimulatedDevice.from_profile(PROFILE, ADDRESS)
    events: list[str] = []

    async def run() -> None:
        link = LocalLink()  # type: ignore[no-untyped-call]
        dongle = Dongle(link)
        stop, serving = await start_serving(
            device, await dongle.plug_in(), events, keystore=tmp_path / "keys.json"
        )
        air = BumbleAir(link=link)
        central = await air.central()
        central.pairing_config_factory = lambda _connection: PairingConfig(
            sc=False, mitm=False, bonding=True
        )
        connection = await asyncio.wait_for(central.connect(PEER), 5)
        with pytest.raises(ProtocolError, match="AUTHENTICATION_REQUIREMENTS"):
            await asyncio.wait_for(connection.pair(), 10)
        await connection.disconnect()
        stop.set()
        await asyncio.wait_for(serving, 5)
        await air.close()
        await dongle.pull_out()

    run_over_tcp(run())
    assert not device.paired
    assert any("refused legacy pairing" in e for e in events)
