"""The simulated device, plugged into bleak as a backend.

`SimulatedAir` holds the devices "in range". Its `scanner_backend` and `client_backend` classes are
handed to `BleakScanner(backend=...)` and `BleakClient(..., backend=...)`, so the application talks
to a simulated device through bleak's own public classes, exactly as it talks to hardware.
"""

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, ClassVar

from bleak.args import SizedBuffer
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import (
    BleakDeviceNotFoundError,
    BleakError,
    BleakGATTProtocolError,
    BleakGATTProtocolErrorCode,
)

from facecoach.devices.firmware import Faults, SimulatedFirmware
from facecoach.devices.profile import DeviceProfile, WriteMode
from facecoach.devices.standard import (
    BATTERY_SERVICE,
    CCCD,
    DEVICE_INFO_SERVICE,
    FIRMWARE_REVISION,
    MANUFACTURER_NAME,
    MODEL_NUMBER,
    SERIAL_NUMBER,
)

ATT_MTU = 23  # the default; the largest write without response is MTU - 3


@dataclass
class SimulatedDevice:
    """One device in the air: its advertisement, GATT table and firmware, all from a profile."""

    profile: DeviceProfile
    address: str
    name: str
    firmware: SimulatedFirmware
    rssi: int = -58
    faults: Faults = field(default_factory=Faults)
    in_range: bool = True
    paired: bool = False
    client: "SimulatedClientBackend | None" = None
    connections: int = 0

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

    def advertisements(self) -> list[AdvertisementData]:
        """An advertising packet without the name, then the scan response that carries it."""
        uuids = [m.service_uuid for m in self.profile.match if m.service_uuid]
        service_data = {
            m.service_data_uuid: b"\x01" for m in self.profile.match if m.service_data_uuid
        }
        manufacturer = {
            m.manufacturer_id: (m.manufacturer_data_start or b"") + b"\x01"
            for m in self.profile.match
            if m.manufacturer_id is not None
        }
        first = AdvertisementData(None, manufacturer, service_data, uuids, None, self.rssi, ())
        second = AdvertisementData(
            self.name, manufacturer, service_data, uuids, None, self.rssi, ()
        )
        return [first, second]

    # -- things that happen to the device (tests and the --simulate demo) ------------------

    def drop_link(self) -> None:
        """The connection is lost (out of range, or the device turned itself off)."""
        if self.client is not None:
            self.client.lost()

    def plug_in(self, charging: bool = True) -> None:
        self.firmware.plug_in(charging)
        self.push_status()

    def set_battery(self, percent: float) -> None:
        self.firmware.set_battery(percent)
        self.push_status()

    def push_status(self) -> None:
        """Devices with status notifications send one by themselves when something changes."""
        frame = self.firmware.status_frame()
        if frame is not None and self.client is not None:
            self.client.notify(frame)


def _name_for(profile: DeviceProfile, address: str) -> str:
    suffix = address.replace(":", "")[-4:]
    for matcher in profile.match:
        if matcher.local_name:
            name = matcher.local_name.rstrip("*?").rstrip() + " " + suffix
            if fnmatchcase(name, matcher.local_name):
                return name
    return f"{profile.name} {suffix}"


class SimulatedAir:
    """The devices within reach, and the bleak backend classes that reach them."""

    def __init__(
        self, devices: Iterable[SimulatedDevice] = (), *, advertise_interval: float = 0.2
    ) -> None:
        self.devices = {d.address.upper(): d for d in devices}
        self.advertise_interval = advertise_interval
        air = self

        class Scanner(SimulatedScannerBackend):
            AIR = air

        class Client(SimulatedClientBackend):
            AIR = air

        self.scanner_backend: type[BaseBleakScanner] = Scanner
        self.client_backend: type[BaseBleakClient] = Client

    def add(self, device: SimulatedDevice) -> SimulatedDevice:
        self.devices[device.address.upper()] = device
        return device

    def device(self, address: str) -> SimulatedDevice:
        return self.devices[address.upper()]

    def find(self, address: str) -> SimulatedDevice | None:
        device = self.devices.get(address.upper())
        return device if device is not None and device.in_range else None


class SimulatedScannerBackend(BaseBleakScanner):
    AIR: ClassVar[SimulatedAir]

    def __init__(
        self,
        detection_callback: Any,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        self._task = asyncio.create_task(self._advertise())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _advertise(self) -> None:
        while True:
            for device in list(self.AIR.devices.values()):
                if not device.in_range:
                    continue
                for adv in device.advertisements():
                    if not self.is_allowed_uuid(adv.service_uuids):
                        continue
                    ble = self.create_or_update_device(
                        device.address,
                        device.address,
                        adv.local_name or device.name,
                        {"simulated": True},
                        adv,
                    )
                    self.call_detection_callbacks(ble, adv)
                    await asyncio.sleep(0)
            await asyncio.sleep(self.AIR.advertise_interval)


class SimulatedClientBackend(BaseBleakClient):
    AIR: ClassVar[SimulatedAir]

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None,
        timeout: float = 10.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        self._device: SimulatedDevice | None = None
        self._connected = False
        self._callbacks: dict[int, NotifyCallback] = {}
        self._notify_handle: int | None = None
        self._reads: dict[int, Callable[[], bytes]] = {}

    # -- connection -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._device.name if self._device else self.address

    @property
    def mtu_size(self) -> int:
        return ATT_MTU

    @property
    def is_connected(self) -> bool:
        return self._connected

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        await asyncio.sleep(0)
        device = self.AIR.find(self.address)
        if device is None:
            raise BleakDeviceNotFoundError(
                self.address, f"Device with address {self.address} was not found."
            )
        if device.faults.refuse_connections > 0:
            device.faults.refuse_connections -= 1
            raise BleakError("simulated connection attempt failed")
        if device.client is not None and device.client is not self:
            raise BleakError("device is already connected to another central")
        if pair:
            device.paired = True
        self._device = device
        self._connected = True
        device.client = self
        device.connections += 1
        self.services = self._build_services(device)

    async def disconnect(self) -> None:
        if self._connected:
            self._close()
        await asyncio.sleep(0)

    def lost(self) -> None:
        """An unsolicited disconnect: bleak's disconnected callback runs on the loop."""
        if not self._connected:
            return
        self._close()
        if self._disconnected_callback is not None:
            asyncio.get_running_loop().call_soon(self._disconnected_callback)

    def _close(self) -> None:
        self._connected = False
        self._callbacks.clear()
        if self._device is not None:
            self._device.firmware.on_disconnect()
            if self._device.client is self:
                self._device.client = None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        self._require().paired = True

    async def unpair(self) -> None:
        device = self.AIR.find(self.address)
        if device is not None:
            device.paired = False

    # -- GATT -------------------------------------------------------------------------------

    def _build_services(self, device: SimulatedDevice) -> BleakGATTServiceCollection:
        profile = device.profile
        collection = BleakGATTServiceCollection()
        handle = 0

        def next_handle() -> int:
            nonlocal handle
            handle += 1
            return handle

        def add_service(uuid: str) -> BleakGATTService:
            service = BleakGATTService(None, next_handle(), uuid)
            collection.add_service(service)
            return service

        def add_char(
            service: BleakGATTService,
            uuid: str,
            properties: list[Any],
            read: Callable[[], bytes] | None = None,
        ) -> BleakGATTCharacteristic:
            char = BleakGATTCharacteristic(
                None, next_handle(), uuid, properties, lambda: ATT_MTU - 3, service
            )
            collection.add_characteristic(char)
            if "notify" in properties:
                collection.add_descriptor(BleakGATTDescriptor(None, next_handle(), CCCD, char))
            if read is not None:
                self._reads[char.handle] = read
            return char

        gatt = profile.gatt
        if gatt.service is not None:
            service = add_service(gatt.service)
            if gatt.command is not None:
                mode = (
                    "write"
                    if gatt.command.write is WriteMode.WITH_RESPONSE
                    else "write-without-response"
                )
                add_char(service, gatt.command.uuid, [mode])
            if gatt.notify is not None:
                self._notify_handle = add_char(service, gatt.notify.uuid, ["notify"]).handle
        if gatt.battery is not None:
            battery = add_service(BATTERY_SERVICE)
            add_char(
                battery,
                gatt.battery.uuid,
                ["read", "notify"],
                lambda: bytes([device.firmware.battery]),
            )
        if gatt.device_info:
            info = add_service(DEVICE_INFO_SERVICE)
            serial = device.address.replace(":", "")
            for uuid, value in (
                (MANUFACTURER_NAME, "facecoach simulator"),
                (MODEL_NUMBER, profile.name),
                (SERIAL_NUMBER, f"SIM-{serial}"),
                (FIRMWARE_REVISION, "sim-1.0"),
            ):
                add_char(info, uuid, ["read"], functools.partial(bytes, value.encode()))
        return collection

    def _require(self) -> SimulatedDevice:
        if not self._connected or self._device is None:
            raise BleakError("Not connected")
        return self._device

    async def read_gatt_char(
        self,
        characteristic: BleakGATTCharacteristic,
        *,
        use_cached: bool = False,
        **kwargs: Any,
    ) -> bytearray:
        self._require()
        await asyncio.sleep(0)
        read = self._reads.get(characteristic.handle)
        if read is None:
            raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.READ_NOT_PERMITTED)
        return bytearray(read())

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        self._require()
        enabled = descriptor.characteristic_handle in self._callbacks
        return bytearray(b"\x01\x00" if enabled else b"\x00\x00")

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        device = self._require()
        command = device.profile.gatt.command
        if command is None or characteristic.uuid != command.uuid:
            raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.WRITE_NOT_PERMITTED)
        payload = bytes(data)
        if len(payload) > ATT_MTU - 3:
            raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.INVALID_ATTRIBUTE_VALUE_LENGTH)
        faults = device.faults
        replies = device.firmware.receive(payload)
        if faults.disconnect_after_writes is not None:
            faults.disconnect_after_writes -= 1
            if faults.disconnect_after_writes <= 0:
                faults.disconnect_after_writes = None
                self.lost()
                await asyncio.sleep(0)
                return
        for reply in replies:
            if faults.drop_replies > 0:
                faults.drop_replies -= 1
                continue
            if faults.corrupt_replies > 0:
                faults.corrupt_replies -= 1
                reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
            if faults.early_replies:
                self.notify(reply)  # before this write call has returned
            elif faults.reply_delay > 0:
                asyncio.get_running_loop().call_later(faults.reply_delay, self.notify, reply)
            else:
                asyncio.get_running_loop().call_soon(self.notify, reply)
        await asyncio.sleep(0)

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        self._require()
        raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.WRITE_NOT_PERMITTED)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self._require()
        if "notify" not in characteristic.properties:
            raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.REQUEST_NOT_SUPPORTED)
        self._callbacks[characteristic.handle] = callback

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        self._callbacks.pop(characteristic.handle, None)

    def notify(self, data: bytes) -> None:
        """Delivers a notification from the device, if the app subscribed and is connected."""
        if not self._connected or self._notify_handle is None:
            return
        callback = self._callbacks.get(self._notify_handle)
        if callback is not None:
            callback(bytearray(data))


def reference_air(profiles: Iterable[DeviceProfile], **options: Any) -> SimulatedAir:
    """One simulated device per profile, with stable addresses: what `--simulate` shows."""
    devices = [
        SimulatedDevice.from_profile(profile, f"5A:1D:00:00:00:{index:02X}")
        for index, profile in enumerate(profiles, start=1)
    ]
    for index, device in enumerate(devices):
        device.rssi = -48 - 7 * index  # near to far, as if spread around the room
    return SimulatedAir(devices, **options)
