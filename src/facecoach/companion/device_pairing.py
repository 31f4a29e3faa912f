"""Finding and pairing devices: scanning, recognising one by its address, pairing, forgetting,
and reading an unknown device's GATT table. Built by `DeviceService.pairing` on first use: it
needs the radio, which sessions on an already paired device open only to connect."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from facecoach.devices.errors import ConnectionFailed, DeviceError
from facecoach.devices.paired import KnownDevice
from facecoach.wording.text import one_line

if TYPE_CHECKING:
    from facecoach.companion.devices import DeviceService
    from facecoach.devices.scanning import DeviceScanner, ScanResult

PAIR_SCAN_SECONDS = 10.0

# A Bluetooth address (six hex pairs), or the UUID macOS gives a device instead.
_ADDRESS = re.compile(
    r"(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}"
    r"|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
)


def check_address(address: str) -> None:
    """Refuses what cannot be a device's address, at once, in the user's words."""
    if not _ADDRESS.fullmatch(address.strip()):
        raise DeviceError(
            f"{address!r} is not a Bluetooth address: write it as six pairs of hex digits, "
            "e.g. C0:12:34:56:78:9A (on macOS, the device's UUID). `facecoach devices scan` "
            "lists the devices in range with their addresses."
        )


# The longest device name kept (a BLE name can be 248 bytes): what a line has room for.
NAME_LENGTH = 80


def remembered_name(advertised: str, address: str) -> str:
    """The name a paired device is remembered by: the one it advertises, without control
    characters (it comes from the radio: anyone nearby can choose it), cut to NAME_LENGTH."""
    name = " ".join(one_line(advertised).split())
    if len(name) > NAME_LENGTH:
        name = name[: NAME_LENGTH - 1].rstrip() + "…"
    return name or address


class DevicePairing:
    """Scan, pair, forget and inspect, over the air and profiles of one `DeviceService`."""

    def __init__(self, device: DeviceService) -> None:
        self.device = device

    def scanner(self, on_result: Callable[[ScanResult], None] | None = None) -> DeviceScanner:
        # The scanner, the link and the skeleton stand on bleak: loaded when first asked for
        # (companion/ loads no radio on import; tests/unit/test_import_boundaries.py).
        from facecoach.devices.scanning import DeviceScanner

        air = self.device.air
        backend = air.scanner_backend if air is not None else None
        transport = air.transport if air is not None else None
        return DeviceScanner(
            self.device.registry, backend=backend, on_result=on_result, transport=transport
        )

    async def scan(self, seconds: float) -> list[ScanResult]:
        return await self.scanner().scan(seconds)

    async def identify(self, address: str, seconds: float = PAIR_SCAN_SECONDS) -> ScanResult:
        """Scans until `address` is seen and recognised by a profile (or the time is up)."""
        check_address(address)  # before a scan that could never find it
        found = asyncio.Event()
        latest: dict[str, ScanResult] = {}

        def seen(result: ScanResult) -> None:
            if result.address.upper() == address.upper():
                latest["result"] = result
                if result.profile is not None:
                    found.set()

        scanner = self.scanner(seen)
        await scanner.start()
        try:
            await asyncio.wait_for(found.wait(), seconds)
        except TimeoutError:
            pass
        finally:
            await scanner.stop()
        if "result" not in latest:
            raise ConnectionFailed(
                f"No device with address {address} was seen in {seconds:g} s. Is it switched "
                "on and close by? `facecoach devices scan` lists what is in range."
            )
        return latest["result"]

    async def pair(self, address: str, profile_id: str | None = None) -> KnownDevice:
        """Connects, checks the profile's endpoints, reads device information, remembers it."""
        result = await self.identify(address)
        profile = self.device.registry.get(profile_id) if profile_id else result.profile
        if profile is None:
            raise DeviceError(
                f"{result.label} ({address}) does not match any device profile. If you know "
                "which profile fits, pass --profile ID; to write one, start from "
                "`facecoach devices inspect ADDRESS`."
            )
        name = remembered_name(result.label, result.address)
        from facecoach.devices.link import DeviceLink

        link = DeviceLink(profile, result.address, name=name, options=self.device.link_options())
        await link.connect(pair=profile.gatt.bond)
        try:
            info = await link.read_device_info()
        finally:
            await link.disconnect()
        device = KnownDevice(
            address=result.address,
            profile=profile.id,
            name=name,
            paired_at=datetime.now(UTC),
            simulated=self.device.simulate,
            info=info,
        )
        self.device.known_devices.remember(device)
        return device

    async def forget(self, address: str) -> KnownDevice:
        device = self.device.paired_device(address)
        link = self.device.link
        if link is not None and link.address.upper() == device.address.upper():
            await self.device.disconnect()
        return self.device.known_devices.forget(address)

    async def inspect(self, address: str) -> str:
        """Connects without a profile and returns the device's GATT table as a skeleton."""
        # The bleak layer is opened only when asked (a machine without a radio never loads
        # one; test_import_boundaries keeps companion/ from loading it on import).
        from bleak import BleakClient
        from bleak.exc import BleakError

        from facecoach.devices.skeleton import profile_skeleton

        result = await self.identify(address, seconds=PAIR_SCAN_SECONDS)
        options = self.device.link_options()
        kwargs = {"backend": options.client_backend} if options.client_backend else {}
        try:
            async with BleakClient(result.address, timeout=20.0, **kwargs) as client:  # type: ignore[arg-type]
                return profile_skeleton(result.label, result.address, client.services)
        except (BleakError, OSError) as exc:
            raise ConnectionFailed(f"Could not connect to {result.label}: {exc}") from exc
