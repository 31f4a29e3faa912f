"""A simulated device as the radio sees it: its advertisement, GATT table, connection and writes.

Pure Python, with neither bleak nor Bumble. Two carriers put it in the air: the in-process bleak
backend (`simulator.py`), which answers at the level of GATT calls, and a Bumble peripheral
(`bumble_peripheral.py`), which answers in ATT packets. Both take everything a device decides here,
so a fault injected in a test behaves the same whichever carrier runs it.
"""

import asyncio
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import Any, Protocol

from facecoach.devices.protocol.assigned_numbers import (
    BATTERY_SERVICE,
    DEVICE_INFO_SERVICE,
    FIRMWARE_REVISION,
    MANUFACTURER_NAME,
    MODEL_NUMBER,
    SERIAL_NUMBER,
)
from facecoach.devices.protocol.codec import DecodedCommand
from facecoach.devices.protocol.matching import local_name_matches
from facecoach.devices.protocol.profile import DeviceProfile, WriteMode
from facecoach.devices.simulator.firmware import Faults, SimulatedFirmware


class ConnectedCentral(Protocol):
    """The carrier's end of one connection, as the device needs it."""

    def lost(self) -> None:
        """The link drops without the central asking for it."""

    def notify(self, data: bytes) -> None:
        """Sends a notification on the profile's notify characteristic."""


class ConnectionRefused(Exception):
    """The device turns a connection attempt down (fault injection, or already connected)."""


class FirmwareCrash(Exception):
    """The simulated firmware failed while handling a write (fault injection)."""


@dataclass(frozen=True)
class Advertisement:
    """What the device puts in the air, before any carrier encodes it."""

    name: str
    service_uuids: list[str]
    manufacturer_data: dict[int, bytes]
    service_data: dict[str, bytes]
    appearance: int | None = None


class Property(StrEnum):
    """Characteristic properties, named as bleak names them."""

    READ = "read"
    WRITE = "write"
    WRITE_WITHOUT_RESPONSE = "write-without-response"
    NOTIFY = "notify"


# The characteristic property bits of the Core specification (Vol 3, Part G, 3.3.1.1).
PROPERTY_BITS = {
    Property.READ: 0x02,
    Property.WRITE_WITHOUT_RESPONSE: 0x04,
    Property.WRITE: 0x08,
    Property.NOTIFY: 0x10,
}


class Role(StrEnum):
    COMMAND = "command"
    NOTIFY = "notify"
    READ_ONLY = "read-only"


@dataclass(frozen=True)
class CharacteristicSpec:
    uuid: str
    properties: tuple[Property, ...]
    role: Role
    read: Callable[[], bytes] | None = None

    @property
    def property_bits(self) -> int:
        return sum(PROPERTY_BITS[p] for p in self.properties)


@dataclass(frozen=True)
class ServiceSpec:
    uuid: str
    characteristics: tuple[CharacteristicSpec, ...]


@dataclass(frozen=True)
class Reply:
    """One notification the device sends after a write; `delay` None means before the write
    has even returned (an early ack)."""

    data: bytes
    delay: float | None


@dataclass(frozen=True)
class WriteOutcome:
    understood: list[DecodedCommand]  # the commands the firmware decoded from the write
    replies: list[Reply]
    drop_link: bool = False

    def deliver(self, send: Callable[[bytes], None]) -> bool:
        """Sends each reply when the device would: at once for an early reply, after its delay,
        or just after the write returns. True when something was sent at once."""
        loop = asyncio.get_running_loop()
        for reply in self.replies:
            if reply.delay is None:
                send(reply.data)
            elif reply.delay > 0:
                loop.call_later(reply.delay, send, reply.data)
            else:
                loop.call_soon(send, reply.data)
        return any(reply.delay is None for reply in self.replies)


@dataclass
class SimulatedDevice:
    """One simulated device: advertisement, GATT table and firmware, all from a profile."""

    profile: DeviceProfile
    address: str
    name: str
    firmware: SimulatedFirmware
    rssi: int = -58
    faults: Faults = field(default_factory=Faults)
    paired: bool = False
    client: ConnectedCentral | None = None
    connections: int = 0
    _in_range: bool = True
    _range_listeners: list[Callable[[bool], None]] = field(default_factory=list)
    _keepalive_watch: asyncio.TimerHandle | None = field(default=None, repr=False)
    # Values read back as a recorded device gave them (a replay): characteristic -> value.
    recorded_reads: dict[str, bytes] = field(default_factory=dict)
    _pending_drop: asyncio.TimerHandle | None = field(default=None, repr=False)

    @classmethod
    def from_profile(
        cls,
        profile: DeviceProfile,
        address: str,
        name: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        **state: Any,
    ) -> "SimulatedDevice":
        return cls(
            profile,
            address,
            name or _name_for(profile, address),
            SimulatedFirmware(profile, clock, **state),
        )

    # -- presence ---------------------------------------------------------------------------

    @property
    def in_range(self) -> bool:
        return self._in_range

    @in_range.setter
    def in_range(self, value: bool) -> None:
        self._in_range = value
        for listener in list(self._range_listeners):
            listener(value)

    def on_range_change(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        """A carrier that advertises by itself (Bumble) stops and restarts with the device.
        Returns what stops the calls, for a carrier that is done with the device."""
        self._range_listeners.append(listener)

        def stop() -> None:
            if listener in self._range_listeners:
                self._range_listeners.remove(listener)

        return stop

    def advertisement(self) -> Advertisement:
        # The primary service is advertised as real devices do: iOS and filtered scans look
        # for it (it did not, and such scans missed the device).
        primary = [self.profile.gatt.service] if self.profile.gatt.service else []
        matched = [m.service_uuid for m in self.profile.match if m.service_uuid]
        return Advertisement(
            name=self.name,
            service_uuids=list(dict.fromkeys([*primary, *matched])),
            manufacturer_data={
                m.manufacturer_id: (m.manufacturer_data_start or b"") + b"\x01"
                for m in self.profile.match
                if m.manufacturer_id is not None
            },
            service_data={
                m.service_data_uuid: b"\x01" for m in self.profile.match if m.service_data_uuid
            },
            appearance=self.profile.appearance,
        )

    # -- connection -------------------------------------------------------------------------

    def accept(self, central: ConnectedCentral) -> None:
        """A central connects; raises ConnectionRefused when the device will not have it."""
        if not self.in_range:
            raise ConnectionRefused("the device is out of range")
        if self.faults.refuse_connections > 0:
            self.faults.refuse_connections -= 1
            raise ConnectionRefused("simulated connection attempt failed")
        if self.client is not None and self.client is not central:
            raise ConnectionRefused("the device is already connected to another central")
        self.client = central
        self.connections += 1

    def release(self, central: ConnectedCentral) -> None:
        """The connection with `central` is over, whoever ended it."""
        if self.client is central:
            self.client = None
            if self._pending_drop is not None:
                self._pending_drop.cancel()
                self._pending_drop = None
            self.firmware.on_disconnect()

    def drop_link(self) -> None:
        """The connection is lost (out of range, or the device turned itself off)."""
        if self.client is not None:
            self.client.lost()

    # -- GATT -------------------------------------------------------------------------------

    def gatt_table(self) -> list[ServiceSpec]:
        """The services and characteristics the profile describes, in handle order."""
        gatt = self.profile.gatt
        services: list[ServiceSpec] = []
        if gatt.service is not None:
            characteristics: list[CharacteristicSpec] = []
            if gatt.command is not None:
                mode = (
                    Property.WRITE
                    if gatt.command.write is WriteMode.WITH_RESPONSE
                    else Property.WRITE_WITHOUT_RESPONSE
                )
                characteristics.append(CharacteristicSpec(gatt.command.uuid, (mode,), Role.COMMAND))
            if gatt.notify is not None:
                characteristics.append(
                    CharacteristicSpec(gatt.notify.uuid, (Property.NOTIFY,), Role.NOTIFY)
                )
            services.append(ServiceSpec(gatt.service, tuple(characteristics)))
        if gatt.battery is not None:
            uuid = gatt.battery.uuid
            battery = CharacteristicSpec(
                uuid,
                (Property.READ, Property.NOTIFY),
                Role.READ_ONLY,
                lambda: self.recorded_reads.get(uuid) or bytes([self.firmware.battery]),
            )
            services.append(ServiceSpec(BATTERY_SERVICE, (battery,)))
        if gatt.device_info:
            serial = self.address.replace(":", "")
            info = tuple(
                CharacteristicSpec(
                    uuid,
                    (Property.READ,),
                    Role.READ_ONLY,
                    functools.partial(self._read_as_recorded, uuid, value.encode()),
                )
                for uuid, value in (
                    (MANUFACTURER_NAME, "facecoach simulator"),
                    (MODEL_NUMBER, self.profile.name),
                    (SERIAL_NUMBER, f"SIM-{serial}"),
                    (FIRMWARE_REVISION, "sim-1.0"),
                )
            )
            services.append(ServiceSpec(DEVICE_INFO_SERVICE, info))
        return services

    def _read_as_recorded(self, uuid: str, otherwise: bytes) -> bytes:
        return self.recorded_reads.get(uuid, otherwise)

    def write(self, payload: bytes) -> WriteOutcome:
        """The app wrote `payload` to the command characteristic: what the device sends back,
        after the injected faults have had their say."""
        faults = self.faults
        if faults.crash_on_writes > 0:
            faults.crash_on_writes -= 1
            raise FirmwareCrash("the simulated firmware failed on this write")
        if faults.ignored_writes > 0:
            faults.ignored_writes -= 1
            return WriteOutcome([], [])
        already = self.firmware.received.total
        answer = self.firmware.answer(payload)
        understood = self.firmware.received.since(already)
        self._watch_keepalive()
        if answer.drop_after is not None:
            # The recorded device dropped the link this long after the same write; not a
            # later connection's, if this one ends first.
            if self._pending_drop is not None:
                self._pending_drop.cancel()
            self._pending_drop = asyncio.get_running_loop().call_later(
                answer.drop_after, self.drop_link
            )
        if faults.disconnect_after_writes is not None:
            faults.disconnect_after_writes -= 1
            if faults.disconnect_after_writes <= 0:
                faults.disconnect_after_writes = None
                return WriteOutcome(understood, [], drop_link=True)
        outcome: list[Reply] = []
        for after, reply in answer.frames:
            if faults.drop_replies > 0:
                faults.drop_replies -= 1
                continue
            if faults.corrupt_replies > 0:
                faults.corrupt_replies -= 1
                reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
            delay = None if faults.early_replies else after + faults.reply_delay
            size = faults.split_replies or len(reply)
            pieces = [reply[at : at + size] for at in range(0, len(reply), size)]
            if faults.cut_replies > 0 and len(pieces) > 1:
                faults.cut_replies -= 1
                pieces = pieces[:-1]
            outcome.extend(Reply(piece, delay) for piece in pieces)
        return WriteOutcome(understood, outcome)

    # -- things that happen to the device (tests and the --simulate demo) ------------------

    def plug_in(self, charging: bool = True) -> None:
        self.firmware.plug_in(charging)
        self.push_status()

    def press_button(self) -> bool:
        """The device's own button, as a user starts it: stimulation starts (unless it is
        charging or flat) and the device says so. True when it started."""
        started = self.firmware.start_stimulation()
        self._watch_keepalive()
        self.push_status()
        return started

    def set_battery(self, percent: float) -> None:
        self.firmware.set_battery(percent)
        self.push_status()

    def _watch_keepalive(self) -> None:
        """Wakes at the keep-alive's deadline, so a stalled app sees the device stop then
        (a status notification), as a real device's own timer would make it."""
        if self._keepalive_watch is not None:
            self._keepalive_watch.cancel()
            self._keepalive_watch = None
        remaining = self.firmware.keepalive_remaining()
        if remaining is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a unit test): the state still settles when next read
        self._keepalive_watch = loop.call_later(max(0.0, remaining) + 0.001, self._keepalive_due)

    def _keepalive_due(self) -> None:
        self._keepalive_watch = None
        if self.firmware.settle():
            self.push_status()
        else:
            self._watch_keepalive()

    def push_status(self) -> None:
        """Devices with status notifications send one by themselves when something changes."""
        frame = self.firmware.status_frame()
        if frame is not None and self.client is not None:
            size = self.faults.split_replies or len(frame)
            for at in range(0, len(frame), size):
                self.client.notify(frame[at : at + size])


def _name_for(profile: DeviceProfile, address: str) -> str:
    suffix = address.replace(":", "")[-4:]
    for matcher in profile.match:
        if matcher.local_name:
            name = matcher.local_name.rstrip("*?").rstrip() + " " + suffix
            if fnmatchcase(name, matcher.local_name):
                return name
    # A family matched by whole names (FOREO's "BEAR") is simulated under the first of them,
    # as every such device advertises it.
    for matcher in profile.match:
        if matcher.local_name and local_name_matches(matcher.local_name, matcher.local_name):
            return matcher.local_name
    return f"{profile.name} {suffix}"
