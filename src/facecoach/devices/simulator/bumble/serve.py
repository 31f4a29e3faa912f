"""Serving a simulated device on a real Bluetooth controller through any Bumble transport.

`facecoach simulator serve --transport usb:0` takes over a USB dongle (or a serial HCI, or Linux
VHCI) and makes it a peripheral that any central can scan for, connect to and pair with: a phone,
a laptop's own Bluetooth stack, or facecoach itself on another machine.
"""

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bumble.host import Host
from bumble.transport import open_transport

from facecoach.devices.errors import DeviceError
from facecoach.devices.simulator.bumble.identity import peripheral_stack
from facecoach.devices.simulator.bumble.peripheral import (
    AdvertisingMode,
    BumblePeripheral,
    static_random_address,
)
from facecoach.devices.simulator.device import SimulatedDevice

TRANSPORT_HINT = (
    "Examples: usb:0 (the first USB dongle), serial:/dev/ttyUSB0,1000000, vhci (Linux, needs "
    "root). A USB dongle must not be in use by the system's Bluetooth service: on Linux stop it "
    "(`sudo systemctl stop bluetooth`) or give Bumble the device's permissions."
)


async def serve(
    transport_spec: str,
    device: SimulatedDevice,
    stop: asyncio.Event,
    *,
    advertising: AdvertisingMode = AdvertisingMode.LEGACY,
    advertise_interval: float = 0.1,
    on_event: Callable[[str], None] = lambda _text: None,
    keystore: Path | None = None,
) -> None:
    """Advertises and serves `device` on the controller behind `transport_spec` until `stop`;
    bonds and the device's IRK are kept in `keystore` (in memory only without one)."""
    address = static_random_address(device.address)
    try:
        transport = await open_transport(transport_spec)
    except Exception as error:  # Bumble raises many kinds here, all meaning "cannot open"
        raise DeviceError(
            f"Could not open the Bumble transport {transport_spec!r}: {error}. {TRANSPORT_HINT}"
        ) from error
    async with transport:
        host = Host(controller_source=transport.source, controller_sink=transport.sink)
        try:
            stack = peripheral_stack(device, address, host, keystore=keystore)
        except (OSError, ValueError) as error:
            raise DeviceError(f"Could not set up the simulated device's keys: {error}") from None
        peripheral = BumblePeripheral(
            device,
            stack,
            advertising=advertising,
            advertise_interval=advertise_interval,
            on_event=on_event,
        )
        try:
            await peripheral.start()
        except Exception as error:
            raise DeviceError(
                f"The controller behind {transport_spec!r} did not start: {error}. {TRANSPORT_HINT}"
            ) from error
        on_event(
            f"advertising {device.name!r} as {device.profile.name} at {device.address} "
            f"({advertising} advertising)"
        )
        stopped: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
        lost: asyncio.Future[Any] = transport.source.terminated  # the controller went away
        await asyncio.wait([stopped, lost], return_when=asyncio.FIRST_COMPLETED)
        if lost.done():
            stopped.cancel()
            await peripheral.forget()
            raise DeviceError(
                f"The controller behind {transport_spec!r} went away (unplugged, or its "
                "process ended); stopped serving."
            )
        await peripheral.close()
