"""DeviceService: the one façade over Bluetooth devices that every front end uses.

It knows the paired device without touching Bluetooth (so the first frame paints fast and a
machine without a radio never loads one), opens the bleak layer only when asked to scan, pair or
connect, and turns every radio failure into a `DeviceError` the user can act on. With
`simulate=True` every bleak call goes to simulated devices, one per profile.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from facecoach.config.paths import known_devices_path, user_profiles_dir
from facecoach.devices.errors import ConnectionFailed, DeviceError, ProfileError

if TYPE_CHECKING:
    from facecoach.devices.link import DeviceLink, LinkEvent, LinkOptions
    from facecoach.devices.paired import KnownDevice, KnownDevices
    from facecoach.devices.protocol.codec import DecodedNotification
    from facecoach.devices.protocol.profile import DeviceProfile, DeviceProgram
    from facecoach.devices.protocol.registry import ProfileRegistry
    from facecoach.devices.protocol.status import DeviceStatus, LinkState
    from facecoach.devices.protocol.trace import TraceWriter
    from facecoach.devices.scanning import DeviceScanner, ScanResult
    from facecoach.devices.simulator.inprocess import Air

PAIR_SCAN_SECONDS = 10.0

LinkListener = Callable[["LinkEvent"], None]


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
    from facecoach.wording.text import one_line

    name = " ".join(one_line(advertised).split())
    if len(name) > NAME_LENGTH:
        name = name[: NAME_LENGTH - 1].rstrip() + "…"
    return name or address


@dataclass(frozen=True, slots=True)
class DeviceSummary:
    """One line about the paired device, for home, the session screen and the CLI."""

    name: str
    state: LinkState
    detail: str  # battery, charging, program


class DeviceService:
    def __init__(
        self,
        config_dir: Path,
        *,
        simulate: bool = False,
        air: Air | None = None,
        registry: ProfileRegistry | None = None,
        replay: Path | None = None,
        radio: Air | None = None,
    ) -> None:
        """`air` holds simulated devices; `radio` reaches real ones another way than the
        system's stack (a Bumble transport: `--transport`)."""
        self.config_dir = config_dir
        # A trace played back is a simulated device too: the recorded one, alone in the air.
        self.replay = replay
        self.simulate = simulate or air is not None or replay is not None
        self._air = air
        self._registry = registry
        self._known: KnownDevices | None = None  # read on first use (validated by pydantic)
        self._trace: TraceWriter | None = None
        self._trace_file: IO[str] | None = None
        self._replay_address: str | None = None
        if replay is not None:  # a bad trace is said at once, not at the first connection
            self._air = self._replay_air(replay)
        if radio is not None:
            self._air = radio
        self.link: DeviceLink | None = None
        self._listeners: list[LinkListener] = []

    # --- what is known without the radio ---------------------------------------------------

    @property
    def _paired(self) -> KnownDevices:
        if self._known is None:
            from facecoach.devices.paired import KnownDevices

            self._known = KnownDevices(self.config_dir)
        return self._known

    def _nothing_paired_yet(self) -> bool:
        """No paired-devices file: nothing to read, so its validators are not loaded either
        (they would cost the first frame their import)."""
        if self._known is not None:
            return False
        path = known_devices_path(self.config_dir)
        return not (path.exists() or path.is_symlink())

    @property
    def problems(self) -> list[str]:
        """Broken files met so far (paired devices; profiles once they were loaded)."""
        problems = []
        if not self._nothing_paired_yet() and self._paired.problem:
            problems.append(self._paired.problem)
        if self._registry is not None:
            problems.extend(self._registry.problems)
        return problems

    @property
    def paired(self) -> KnownDevice | None:
        """The device sessions use: the most recently paired one."""
        if self._nothing_paired_yet():
            return None
        return self._paired.current

    @property
    def paired_devices(self) -> list[KnownDevice]:
        return list(self._paired.devices)

    def paired_device(self, address: str | None) -> KnownDevice:
        device = self._paired.get(address) if address else self._paired.current
        if device is None:
            raise DeviceError(f"{address} is not paired." if address else "No device is paired.")
        return device

    @property
    def registry(self) -> ProfileRegistry:
        if self._registry is None:
            from facecoach.devices.protocol.registry import load_registry

            self._registry = load_registry(user_profiles_dir(self.config_dir))
        return self._registry

    @property
    def is_connected(self) -> bool:
        return self.link is not None and self.link.is_connected

    @property
    def status(self) -> DeviceStatus | None:
        return self.link.status if self.is_connected and self.link is not None else None

    def summary(self) -> DeviceSummary | None:
        device = self.paired
        if device is None:
            return None
        link = self.link if self.link is not None and self.link.address == device.address else None
        name = device.name + (" (simulated)" if device.simulated else "")
        if link is None:
            from facecoach.devices.protocol.status import LinkState

            return DeviceSummary(name, LinkState.DISCONNECTED, "")
        from facecoach.wording.devices import battery_text  # loaded with the link already

        parts = [battery_text(link.status)] if link.status.battery is not None else []
        if link.status.program is not None:
            parts.append(link.status.program.name)
        return DeviceSummary(name, link.state, ", ".join(parts))

    def start_blocker(self) -> str | None:
        """Why a session must not start now, from what the device itself reports."""
        link = self.link
        if link is None or not link.is_connected or not link.status.charging:
            return None
        return (
            f"{link.name} is on its charger. Microcurrent devices must never be used while "
            "charging: unplug it, then start again."
        )

    def subscribe(self, listener: LinkListener) -> None:
        """Hears the events of every link this service opens, now and later."""
        self._listeners.append(listener)
        if self.link is not None:  # subscribed after a link was opened (the app does so late)
            self.link.subscribe(listener)

    # --- the radio ---------------------------------------------------------------------------

    @property
    def air(self) -> Air | None:
        if self._air is None and self.simulate:
            from facecoach.devices.simulator.inprocess import reference_air

            self._air = reference_air(self.registry.profiles)
        return self._air

    def _replay_air(self, path: Path) -> Air:
        from facecoach.devices.protocol.trace import read_trace
        from facecoach.devices.simulator.inprocess import SimulatedAir
        from facecoach.devices.simulator.replay import replay_device

        trace = read_trace(path)
        self._replay_address = trace.header.address
        try:
            profile = self.registry.get(trace.header.profile)
        except ProfileError:
            raise DeviceError(
                f"{path}: the trace was recorded with the profile {trace.header.profile!r}, "
                "which is not installed here (`facecoach profiles list` shows those that are)."
            ) from None
        return SimulatedAir([replay_device(trace, profile)])

    def link_options(self) -> LinkOptions:
        from facecoach.devices.link import LinkOptions

        air = self.air
        if air is None:
            return LinkOptions()
        return LinkOptions(air.scanner_backend, air.client_backend, transport=air.transport)

    def profile_for(self, device: KnownDevice) -> DeviceProfile:
        return self.registry.get(device.profile)

    def link_for(self, device: KnownDevice) -> DeviceLink:
        from facecoach.devices.link import DeviceLink

        replayed = self._replay_address
        if replayed is not None and replayed.upper() != device.address.upper():
            raise DeviceError(
                f"the trace is of the device {replayed}, but {device.address} is paired: "
                f"pair the recorded one first (`facecoach devices pair {replayed} --replay "
                f"{self.replay}`)."
            )

        if device.simulated and not self.simulate:
            raise DeviceError(
                f"{device.name} is a simulated device; start facecoach with --simulate to use it."
            )
        return DeviceLink(
            self.profile_for(device), device.address, name=device.name, options=self.link_options()
        )

    async def connect(self) -> DeviceLink | None:
        """Connects to the paired device, if any, and reads its status."""
        device = self.paired
        if device is None:
            return None
        if self.link is not None and self.link.address == device.address:
            if self.link.is_connected:
                return self.link
            await self.link.disconnect()
        self.link = self.link_for(device)
        self.link.trace = self._trace
        for listener in self._listeners:
            self.link.subscribe(listener)
        await self.link.connect()
        await self.link.query_status()
        return self.link

    def record_to(self, path: Path, *, replace: bool = False, redact: bool = False) -> TraceWriter:
        """Records the paired device's link, from its next connection, into a trace file for a
        bug report; `facecoach ... --replay FILE` plays it back as a device. An existing file
        is kept unless `replace` (it may be the trace of the bug). With `redact` the trace holds
        neither the device's address nor its serial numbers (zeros in frames that held one)."""
        from facecoach.devices.protocol.redaction import (
            REDACTED_ADDRESS,
            redactor_for,
        )
        from facecoach.devices.protocol.trace import TraceHeader, TraceWriter

        device = self.paired
        if device is None:
            raise DeviceError("No device is paired: there is no link to record.")
        if not replace and (path.exists() or path.is_symlink()):
            raise DeviceError(
                f"{path} already exists; choose another file name (or pass --force to replace it)"
            )
        if self.replay is not None and path.resolve() == self.replay.resolve():
            raise DeviceError(f"{path} is the trace being played back; record into another file")
        try:
            out = path.open("w", encoding="utf-8")
        except OSError as exc:
            raise DeviceError(f"cannot write the trace to {path}: {exc.strerror or exc}") from None
        redactor = redactor_for([device.address], [device.name]) if redact else None
        header = TraceHeader(
            format="facecoach-trace",
            version=1,
            profile=device.profile,
            name=redactor.text(device.name) if redactor else device.name,
            address=REDACTED_ADDRESS if redactor else device.address,
            recorded=datetime.now(UTC),
        )
        # The trace begins with its first event, on the link's own clock.
        writer = TraceWriter(out, header, None, redactor)
        if writer.stopped is not None:
            out.close()
            raise DeviceError(f"cannot record into {path}: {writer.stopped}")
        self._trace = writer
        self._trace_file = out
        if self.link is not None:
            self.link.trace = self._trace
        return self._trace

    @property
    def recording(self) -> bool:
        return self._trace is not None

    def stop_recording(self) -> tuple[int, str | None]:
        """Closes the trace: how many events it holds, and why it stopped early (if it did)."""
        trace, self._trace = self._trace, None
        if self.link is not None:
            self.link.trace = None
        if self._trace_file is not None:
            with contextlib.suppress(OSError):
                self._trace_file.close()
            self._trace_file = None
        if trace is None:
            return 0, None
        return trace.entries, trace.stopped

    async def refresh_status(self) -> str | None:
        """Asks a connected device how it is; a problem comes back as text, not an exception."""
        link = self.link
        if link is None or not link.is_connected:
            return None
        try:
            await link.query_status()
        except DeviceError as exc:
            return f"Could not read the device's state: {exc}"
        return None

    def _connected_link(self) -> DeviceLink:
        link = self.link
        if link is None or not link.is_connected:
            raise DeviceError("the device is not connected: connect it first")
        return link

    async def next_program(self) -> DeviceProgram:
        """Selects the profile's next program (after the one selected; the first if none)."""
        link = self._connected_link()
        programs = link.profile.programs
        if not programs:
            raise DeviceError(f"{link.name} has no programs to choose from")
        codes = [program.code for program in programs]
        current = link.status.program_code
        following = (codes.index(current) + 1) % len(codes) if current in codes else 0
        return await link.select_program(programs[following].id)

    async def change_intensity(self, by: int) -> tuple[int, int]:
        """Raises or lowers the intensity by `by`, never above the profile's limit nor below 1;
        returns the level sent and the limit."""
        link = self._connected_link()
        limit = link.profile.limits.max_intensity
        current = link.status.intensity if link.status.intensity is not None else 1
        return await link.set_intensity(current + by), limit

    async def disconnect(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            await link.disconnect()

    async def close(self) -> None:
        """Lets go of the device and of what carries the radio (a Bumble transport's socket
        or dongle); the last call of the event loop that used them."""
        try:
            await self.disconnect()
        finally:
            if self._air is not None:
                await self._air.close()

    def scanner(self, on_result: Callable[[ScanResult], None] | None = None) -> DeviceScanner:
        from facecoach.devices.scanning import DeviceScanner

        air = self.air
        backend = air.scanner_backend if air is not None else None
        transport = air.transport if air is not None else None
        return DeviceScanner(
            self.registry, backend=backend, on_result=on_result, transport=transport
        )

    async def scan(self, seconds: float) -> list[ScanResult]:
        return await self.scanner().scan(seconds)

    async def identify(self, address: str, seconds: float = PAIR_SCAN_SECONDS) -> ScanResult:
        """Scans until `address` is seen and recognised by a profile (or the time is up)."""
        check_address(address)  # before a scan that could never find it
        import asyncio  # loaded by whoever awaits this; commands that do not, skip it

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
        from facecoach.devices.link import DeviceLink

        result = await self.identify(address)
        profile = self.registry.get(profile_id) if profile_id else result.profile
        if profile is None:
            raise DeviceError(
                f"{result.label} ({address}) does not match any device profile. If you know "
                "which profile fits, pass --profile ID; to write one, start from "
                "`facecoach devices inspect ADDRESS`."
            )
        name = remembered_name(result.label, result.address)
        link = DeviceLink(profile, result.address, name=name, options=self.link_options())
        await link.connect(pair=profile.gatt.bond)
        try:
            info = await link.read_device_info()
        finally:
            await link.disconnect()
        from facecoach.devices.paired import KnownDevice

        device = KnownDevice(
            address=result.address,
            profile=profile.id,
            name=name,
            paired_at=datetime.now(UTC),
            simulated=self.simulate,
            info=info,
        )
        self._paired.remember(device)
        return device

    async def forget(self, address: str) -> KnownDevice:
        device = self.paired_device(address)
        if self.link is not None and self.link.address.upper() == device.address.upper():
            await self.disconnect()
        return self._paired.forget(address)

    async def read_details(
        self, device: KnownDevice
    ) -> tuple[DeviceProfile, DeviceStatus, dict[str, str]]:
        """Connects once to read the status and device information, then lets go."""
        link = self.link_for(device)
        await link.connect()
        try:
            status = await link.query_status()
            info = await link.read_device_info()
        finally:
            await link.disconnect()
        return link.profile, status, info

    async def send_command(
        self, device: KnownDevice, name: str, args: dict[str, int]
    ) -> tuple[DeviceProfile, DecodedNotification | None]:
        """Connects once, sends one command as the device's profile writes it, and lets go;
        returns the device's answer (None for a command it does not answer).

        Never `start` (nor a command the profile marks as stimulating): stimulation begins
        only on the device itself, after a session's safety checks. Of a user's commands only
        `stop` and `query_status` go to a device on its charger; the writes the profile makes
        on every connection (a clock, a soft limit, the keep-alive) go as always, as none of
        them can stimulate. A level or a device limit above the profile's limit is refused by
        the codec, as everywhere."""
        profile = self.profile_for(device)
        from facecoach.devices.protocol.profile import CommandName

        if profile.stimulates(name):
            raise DeviceError(
                f"{name} starts stimulation, which facecoach never does on its own: start it "
                "on the device, after the checks a session makes (`facecoach coach` or the app)"
            )
        if name not in profile.commands:
            known = ", ".join(sorted(profile.commands)) or "none"
            raise DeviceError(f"{profile.name} has no command {name!r} (it has: {known})")
        link = self.link_for(device)
        link.trace = self._trace
        await link.connect()
        try:
            await link.query_status()
            if link.status.charging and name not in (CommandName.STOP, CommandName.QUERY_STATUS):
                raise DeviceError(
                    f"{device.name} is on its charger: only stop and query_status are sent "
                    "to a device while it charges"
                )
            answer = await link.send(name, args)
        finally:
            await link.disconnect()
        return profile, answer

    async def inspect(self, address: str) -> str:
        """Connects without a profile and returns the device's GATT table as a skeleton."""
        from bleak import BleakClient
        from bleak.exc import BleakError

        from facecoach.devices.skeleton import profile_skeleton

        result = await self.identify(address, seconds=PAIR_SCAN_SECONDS)
        options = self.link_options()
        kwargs = {"backend": options.client_backend} if options.client_backend else {}
        try:
            async with BleakClient(result.address, timeout=20.0, **kwargs) as client:  # type: ignore[arg-type]
                return profile_skeleton(result.label, result.address, client.services)
        except (BleakError, OSError) as exc:
            raise ConnectionFailed(f"Could not connect to {result.label}: {exc}") from exc
