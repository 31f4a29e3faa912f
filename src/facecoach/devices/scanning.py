"""DeviceScanner: a live list of nearby devices, each matched against the profiles.

Matching runs on every advertisement, remembering the name from earlier packets, because the
name often only arrives in the scan response.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from bleak import BleakScanner
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.exc import BleakError

from facecoach.devices.errors import BluetoothUnavailable, ControllerFailed
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.registry import ProfileRegistry

# What bleak raises when there is no radio to talk to: no adapter, no BlueZ, no D-Bus.
RADIO_UNAVAILABLE = (BleakError, OSError, EOFError)


@dataclass(frozen=True, slots=True)
class ScanResult:
    address: str
    name: str | None
    rssi: int
    profile: DeviceProfile | None
    seen_at: float

    @property
    def label(self) -> str:
        return self.name or self.address


class DeviceScanner:
    """Scans with bleak and keeps the newest result per address."""

    def __init__(
        self,
        registry: ProfileRegistry,
        *,
        backend: type[BaseBleakScanner] | None = None,
        on_result: Callable[[ScanResult], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        transport: str | None = None,
    ) -> None:
        self._matcher = registry.matcher
        self._backend = backend
        self._transport = transport
        self._on_result = on_result
        self._clock = clock
        self._scanner: BleakScanner | None = None
        self.results: dict[str, ScanResult] = {}

    async def start(self) -> None:
        self._scanner = BleakScanner(self._detected, backend=self._backend)
        try:
            await self._scanner.start()
        except RADIO_UNAVAILABLE as exc:
            # No BlueZ or no D-Bus socket surfaces as an OSError (FileNotFoundError), not a
            # BleakError; both mean the same to the user.
            self._scanner = None
            if self._transport is not None:
                # Not the system's Bluetooth: the controller given with --transport.
                raise ControllerFailed(self._transport, "scan", exc) from exc
            raise BluetoothUnavailable("scan", exc) from exc

    async def stop(self) -> None:
        scanner, self._scanner = self._scanner, None
        if scanner is not None:
            await scanner.stop()

    async def scan(self, seconds: float) -> list[ScanResult]:
        await self.start()
        try:
            await asyncio.sleep(seconds)
        finally:
            await self.stop()
        return self.sorted()

    def sorted(self) -> list[ScanResult]:
        """Recognised devices first, then by signal strength."""
        return sorted(self.results.values(), key=lambda r: (r.profile is None, -r.rssi))

    def _detected(self, device: BLEDevice, adv: AdvertisementData) -> None:
        previous = self.results.get(device.address)
        name = adv.local_name or device.name or (previous.name if previous else None)
        profile = self._matcher.match(adv, name=name)
        if profile is None and previous is not None:
            profile = previous.profile
        result = ScanResult(device.address, name, adv.rssi, profile, self._clock())
        self.results[device.address] = result
        if self._on_result is not None:
            self._on_result(result)
