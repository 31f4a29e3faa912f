"""HCI captures the suite makes itself: facecoach's link drives a simulated device over Bumble,
with Bumble's btsnoop snooper on the central's host, as Android's HCI snoop log would be on a
phone running the vendor's app."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from bumble.snoop import BtSnooper

from facecoach.devices.link import DeviceLink, LinkOptions
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.simulator.bumble.central import BumbleAir
from facecoach.devices.simulator.device import SimulatedDevice

ADDRESS = "DA:1D:00:00:00:21"

Session = Callable[[DeviceLink], Awaitable[None]]


async def usual_session(link: DeviceLink) -> None:
    """What an app does in a short session: a program, a level, a status check, stop."""
    profile = link.profile
    await link.select_program(profile.programs[-1].id)
    await link.set_intensity(2)
    await link.query_status()
    await link.set_intensity(3)
    await link.query_status()
    await link.send("stop")


def make_capture(
    profile: DeviceProfile,
    path: Path,
    session: Session = usual_session,
    *,
    timeout: float = 30,
) -> SimulatedDevice:
    """Runs `session` against a simulated `profile` device and writes the central's btsnoop
    capture to `path`; returns the device, whose firmware saw the commands."""
    device = SimulatedDevice.from_profile(profile, ADDRESS)

    async def run() -> None:
        air = BumbleAir([device])
        try:
            central = await air.central()
            with path.open("wb") as out:
                central.host.snooper = BtSnooper(out)
                link = DeviceLink(
                    profile,
                    device.address,
                    name=device.name,
                    options=LinkOptions(air.scanner_backend, air.client_backend),
                )
                await link.connect()
                try:
                    await session(link)
                finally:
                    await link.disconnect()
                central.host.snooper = None
        finally:
            await air.close()

    asyncio.run(asyncio.wait_for(run(), timeout))
    return device


def no_att_capture(profile: DeviceProfile, path: Path, *, timeout: float = 30) -> None:
    """A valid btsnoop file with HCI traffic (scanning) but no ATT: the phone never connected."""
    device = SimulatedDevice.from_profile(profile, ADDRESS)

    async def run() -> None:
        air = BumbleAir([device])
        try:
            central = await air.central()
            with path.open("wb") as out:
                central.host.snooper = BtSnooper(out)
                await air.set_scanning(True)
                await asyncio.sleep(0.3)
                await air.set_scanning(False)
                central.host.snooper = None
        finally:
            await air.close()

    asyncio.run(asyncio.wait_for(run(), timeout))
