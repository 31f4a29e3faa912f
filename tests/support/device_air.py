"""The two carriers a simulated device can travel on in tests, built the same way."""

import time
from collections.abc import Callable, Iterable
from typing import Any

from facecoach.devices.link import DeviceLink
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.simulator.inprocess import (
    Air,
    SimulatedAir,
    SimulatedDevice,
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
