"""DeviceService: the one façade over Bluetooth devices that every front end uses.

It knows the paired device without touching Bluetooth (so the first frame paints fast and a
machine without a radio never loads one), opens the bleak layer only when asked to scan, pair or
connect, and turns every radio failure into a `DeviceError` the user can act on. With
`simulate=True` every bleak call goes to simulated devices, one per profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.config.paths import known_devices_path, user_profiles_dir
from facecoach.devices.errors import DeviceError, ProfileError
from facecoach.problems import problem_line

if TYPE_CHECKING:
    from facecoach.companion.device_pairing import DevicePairing
    from facecoach.companion.device_trace import LinkRecorder
    from facecoach.devices.link import DeviceLink, LinkEvent, LinkOptions
    from facecoach.devices.paired import KnownDevice, KnownDevices
    from facecoach.devices.protocol.codec import DecodedNotification
    from facecoach.devices.protocol.profile import DeviceProfile, DeviceProgram
    from facecoach.devices.protocol.registry import ProfileRegistry
    from facecoach.devices.protocol.status import DeviceStatus, LinkState
    from facecoach.devices.protocol.trace import TraceWriter
    from facecoach.devices.simulator.inprocess import Air

LinkListener = Callable[["LinkEvent"], None]


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
        self._pairing: DevicePairing | None = None
        self._recorder: LinkRecorder | None = None
        self._replay_address: str | None = None
        if replay is not None:  # a bad trace is said at once, not at the first connection
            self._air = self._replay_air(replay)
        if radio is not None:
            self._air = radio
        self.link: DeviceLink | None = None
        # Whether `connect` was ever called: a session's own connect leaves a device alone that
        # was connected before (the app does so at start), or let go, or could not be reached.
        self.connect_tried = False
        self._listeners: list[LinkListener] = []

    # --- what is known without the radio ---------------------------------------------------

    @property
    def known_devices(self) -> KnownDevices:
        """The paired-devices file, read on first use."""
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
        if not self._nothing_paired_yet() and self.known_devices.problem:
            problems.append(self.known_devices.problem)
        if self._registry is not None:
            problems.extend(map(problem_line, self._registry.problems))
        return problems

    @property
    def paired(self) -> KnownDevice | None:
        """The device sessions use: the most recently paired one."""
        if self._nothing_paired_yet():
            return None
        return self.known_devices.current

    @property
    def paired_devices(self) -> list[KnownDevice]:
        return list(self.known_devices.devices)

    def paired_device(self, address: str | None) -> KnownDevice:
        device = self.known_devices.get(address) if address else self.known_devices.current
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
        self.connect_tried = True
        if self.link is not None and self.link.address == device.address:
            if self.link.is_connected:
                return self.link
            await self.link.disconnect()
        self.link = self.link_for(device)
        self.link.trace = self.trace
        for listener in self._listeners:
            self.link.subscribe(listener)
        await self.link.connect()
        await self.link.query_status()
        return self.link

    @property
    def pairing(self) -> DevicePairing:
        """Scan, pair, forget and inspect: built on first use, with the radio they need."""
        if self._pairing is None:
            from facecoach.companion.device_pairing import DevicePairing

            self._pairing = DevicePairing(self)
        return self._pairing

    @property
    def recorder(self) -> LinkRecorder:
        """The trace of the links this service opens, for a bug report."""
        if self._recorder is None:
            from facecoach.companion.device_trace import LinkRecorder

            self._recorder = LinkRecorder(self)
        return self._recorder

    @property
    def trace(self) -> TraceWriter | None:
        """Where new links write their events, while a recording runs."""
        return self._recorder.writer if self._recorder is not None else None

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
        link.trace = self.trace
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
