"""The two carriers a simulated device can travel on in tests, built the same way."""

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from facecoach.devices.link import DeviceLink
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import (
    Air,
    SimulatedAir,
    SimulatedDevice,
    reference_air,
    reference_devices,
)

# "bumble" speaks real ATT between a Bumble peripheral and a Bumble central over a virtual link.
CARRIERS = ("in-process", "bumble")

# Static random addresses (first byte C0 to FF), which a Bumble peripheral needs and the
# in-process carrier accepts, so both carriers use the same addresses.
FIRST_ADDRESS_BYTE = 0xDA


def air_for(
    carrier: str,
    profiles: Iterable[DeviceProfile],
    *,
    clock: Callable[[], float] = time.monotonic,
    **options: Any,
) -> Air:
    """`clock` is the devices' own (battery, keep-alive): a virtual-time loop's `time` makes
    their timers run on the loop's clock."""
    devices = reference_devices(profiles, first_byte=FIRST_ADDRESS_BYTE, clock=clock)
    if carrier == "bumble":
        from facecoach.devices.simulator.bumble.central import BumbleAir

        return BumbleAir(devices, **options)
    return SimulatedAir(devices, **options)


def air_and_link(carrier: str, profile: DeviceProfile) -> tuple[Air, SimulatedDevice, DeviceLink]:
    """One simulated device of `profile` on `carrier`, its clock the running loop's (for
    virtual time), and a link to it through bleak as the app makes one."""
    from facecoach.devices.link import LinkOptions
    from tests.support.virtual_time import loop_clock

    air = air_for(carrier, [profile], clock=loop_clock)
    device = next(iter(air.devices.values()))
    link = DeviceLink(
        device.profile,
        device.address,
        name=device.name,
        options=LinkOptions(air.scanner_backend, air.client_backend),
    )
    return air, device, link


def paired_reference(
    config: Path, address: str, paired_at: datetime, **options: Any
) -> tuple[SimulatedAir, SimulatedDevice]:
    """The simulated reference devices on the air, the one at `address` remembered as paired in
    `config` (as `facecoach devices pair ADDRESS --simulate` leaves it)."""
    air = reference_air(load_registry().profiles, **options)
    device = air.device(address)
    KnownDevices(config).remember(
        KnownDevice(
            address=address,
            profile=device.profile.id,
            name=device.name,
            paired_at=paired_at,
            simulated=True,
        )
    )
    return air, device
