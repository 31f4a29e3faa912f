"""DeviceHub: profiles, paired devices and the Bluetooth backends, for the CLI and the TUI.

With `simulate=True` every bleak call goes to a `SimulatedAir` holding one simulated device per
shipped profile, so scanning, pairing and program selection can be tried without hardware.
"""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from facecoach.config.paths import user_profiles_dir
from facecoach.devices.errors import ConnectionFailed, DeviceError
from facecoach.devices.link import DeviceLink, LinkOptions
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.registry import ProfileRegistry, load_registry
from facecoach.devices.scanning import DeviceScanner, ScanResult
from facecoach.devices.simulator.inprocess import Air, reference_air

PAIR_SCAN_SECONDS = 10.0

ScanCallback = Callable[[ScanResult], None]


class DeviceHub:
    def __init__(
        self,
        config_dir: Path,
        *,
        simulate: bool = False,
        air: Air | None = None,
        registry: ProfileRegistry | None = None,
        known: KnownDevices | None = None,
    ) -> None:
        self.registry = registry or load_registry(user_profiles_dir(config_dir))
        self.known = known if known is not None else KnownDevices(config_dir)
        if simulate and air is None:
            air = reference_air(self.registry.profiles)
        self.air = air
        self.problems = list(self.registry.problems)
        if self.known.problem:
            self.problems.append(self.known.problem)

    @property
    def simulated(self) -> bool:
        return self.air is not None

    def link_options(self) -> LinkOptions:
        if self.air is None:
            return LinkOptions()
        return LinkOptions(self.air.scanner_backend, self.air.client_backend)

    def scanner(self, on_result: ScanCallback | None = None) -> DeviceScanner:
        backend = self.air.scanner_backend if self.air is not None else None
        return DeviceScanner(self.registry, backend=backend, on_result=on_result)

    async def identify(self, address: str, seconds: float = PAIR_SCAN_SECONDS) -> ScanResult:
        """Scans until `address` is seen and recognised by a profile (or the time is up)."""
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
        profile = self.registry.get(profile_id) if profile_id else result.profile
        if profile is None:
            raise DeviceError(
                f"{result.label} ({address}) does not match any device profile. If you know "
                "which profile fits, pass --profile ID; to write one, start from "
                "`facecoach devices inspect ADDRESS`."
            )
        link = DeviceLink(profile, result.address, name=result.label, options=self.link_options())
        await link.connect(pair=profile.gatt.bond)
        try:
            info = await link.read_device_info()
        finally:
            await link.disconnect()
        device = KnownDevice(
            address=result.address,
            profile=profile.id,
            name=result.label,
            paired_at=datetime.now(UTC),
            simulated=self.simulated,
            info=info,
        )
        self.known.remember(device)
        return device

    def forget(self, address: str) -> KnownDevice:
        return self.known.forget(address)

    def profile_for(self, device: KnownDevice) -> DeviceProfile:
        return self.registry.get(device.profile)

    def link_for(self, device: KnownDevice) -> DeviceLink:
        if device.simulated and not self.simulated:
            raise DeviceError(
                f"{device.name} is a simulated device; start facecoach with --simulate to use it."
            )
        return DeviceLink(
            self.profile_for(device),
            device.address,
            name=device.name,
            options=self.link_options(),
        )

    def current_link(self) -> DeviceLink | None:
        device = self.known.current
        return self.link_for(device) if device is not None else None


async def inspect_device(hub: DeviceHub, address: str) -> str:
    """Connects without a profile and returns the device's GATT table as a profile skeleton."""
    from bleak import BleakClient
    from bleak.exc import BleakError

    from facecoach.devices.skeleton import profile_skeleton

    result = await hub.identify(address, seconds=PAIR_SCAN_SECONDS)
    options = hub.link_options()
    kwargs = {"backend": options.client_backend} if options.client_backend else {}
    try:
        async with BleakClient(result.address, timeout=20.0, **kwargs) as client:  # type: ignore[arg-type]
            return profile_skeleton(result.label, result.address, client.services)
    except BleakError as exc:
        raise ConnectionFailed(f"Could not connect to {result.label}: {exc}") from exc
