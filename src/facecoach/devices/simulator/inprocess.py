"""The simulated device, plugged into bleak as a backend.

`SimulatedAir` holds the devices "in range". Its `scanner_backend` and `client_backend` classes are
handed to `BleakScanner(backend=...)` and `BleakClient(..., backend=...)`, so the application talks
to a simulated device through bleak's own public classes, exactly as it talks to hardware.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from bleak.args import SizedBuffer
from bleak.assigned_numbers import gatt_char_props_to_strs
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

from facecoach.devices.protocol.assigned_numbers import CCCD
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.simulator.device import (
    Advertisement,
    ConnectionRefused,
    FirmwareCrash,
    Property,
    Role,
    SimulatedDevice,
)

ATT_MTU = 23  # the default; the largest write without response is MTU - 3

__all__ = ["Air", "SimulatedAir", "SimulatedDevice", "reference_air"]


class Air:
    """The simulated devices within reach, and the bleak backend classes that reach them.

    Subclasses carry the devices differently: `SimulatedAir` answers GATT calls in process,
    `bumble_backend.BumbleAir` serves them over a Bumble stack in real ATT packets.
    """

    scanner_backend: type[BaseBleakScanner]
    client_backend: type[BaseBleakClient]
    # The Bumble transport the radio goes through (--transport), None for simulated devices.
    transport: str | None = None

    def __init__(
        self, devices: Iterable[SimulatedDevice] = (), *, advertise_interval: float = 0.2
    ) -> None:
        self.devices = {d.address.upper(): d for d in devices}
        self.advertise_interval = advertise_interval

    def add(self, device: SimulatedDevice) -> SimulatedDevice:
        self.devices[device.address.upper()] = device
        return device

    def device(self, address: str) -> SimulatedDevice:
        return self.devices[address.upper()]

    def find(self, address: str) -> SimulatedDevice | None:
        device = self.devices.get(address.upper())
        return device if device is not None and device.in_range else None

    async def close(self) -> None:
        """Stops what the carrier keeps running in the background (nothing, in process)."""


class SimulatedAir(Air):
    """Devices answered in process, at the level of GATT calls: fast and fully deterministic."""

    def __init__(
        self, devices: Iterable[SimulatedDevice] = (), *, advertise_interval: float = 0.2
    ) -> None:
        super().__init__(devices, advertise_interval=advertise_interval)
        air = self

        class Scanner(SimulatedScannerBackend):
            AIR = air

        class Client(SimulatedClientBackend):
            AIR = air

        self.scanner_backend = Scanner
        self.client_backend = Client


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
                for adv in _packets(device.advertisement(), device.rssi):
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


def _packets(advert: Advertisement, rssi: int) -> list[AdvertisementData]:
    """An advertising packet without the name, then the scan response that carries it."""
    fields = (advert.manufacturer_data, advert.service_data, advert.service_uuids, None, rssi, ())
    return [AdvertisementData(None, *fields), AdvertisementData(advert.name, *fields)]


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
        try:
            device.accept(self)
        except ConnectionRefused as refused:
            raise BleakError(str(refused)) from None
        if pair:
            device.paired = True
        self._device = device
        self._connected = True
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
            self._device.release(self)

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        self._require().paired = True

    async def unpair(self) -> None:
        device = self.AIR.find(self.address)
        if device is not None:
            device.paired = False

    # -- GATT -------------------------------------------------------------------------------

    def _build_services(self, device: SimulatedDevice) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        handle = 0
        for spec in device.gatt_table():
            handle += 1
            service = BleakGATTService(None, handle, spec.uuid)
            collection.add_service(service)
            for char_spec in spec.characteristics:
                handle += 1
                char = BleakGATTCharacteristic(
                    None,
                    handle,
                    char_spec.uuid,
                    list(gatt_char_props_to_strs(char_spec.property_bits)),
                    lambda: ATT_MTU - 3,
                    service,
                )
                collection.add_characteristic(char)
                if Property.NOTIFY in char_spec.properties:
                    handle += 1
                    collection.add_descriptor(BleakGATTDescriptor(None, handle, CCCD, char))
                if char_spec.read is not None:
                    self._reads[char.handle] = char_spec.read
                if char_spec.role is Role.NOTIFY:
                    self._notify_handle = char.handle
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
        try:
            outcome = device.write(payload)
        except FirmwareCrash:
            if not response:
                return  # a write command has no answer to carry the error
            raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.UNLIKELY_ERROR) from None
        if outcome.drop_link:
            self.lost()
        outcome.deliver(self.notify)  # an early reply arrives before this call returns
        await asyncio.sleep(0)

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        self._require()
        raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.WRITE_NOT_PERMITTED)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        device = self._require()
        if "notify" not in characteristic.properties:
            raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.REQUEST_NOT_SUPPORTED)
        if device.faults.refuse_subscriptions > 0:
            device.faults.refuse_subscriptions -= 1
            raise BleakGATTProtocolError(BleakGATTProtocolErrorCode.UNLIKELY_ERROR)
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


# The devices `--simulate` has shown from the start come first, so they keep their addresses
# (a paired simulated device is remembered by its address) whatever other profiles are loaded:
# the real devices' ones shipped later, a user's own. Those follow, in the order given.
FIRST_SIMULATED = ("generic-battery", "reference-a", "reference-b", "reference-c")


def _in_simulated_order(profiles: Iterable[DeviceProfile]) -> list[DeviceProfile]:
    given = list(profiles)
    first = sorted(
        (p for p in given if p.id in FIRST_SIMULATED), key=lambda p: FIRST_SIMULATED.index(p.id)
    )
    return first + [p for p in given if p.id not in FIRST_SIMULATED]


def reference_devices(
    profiles: Iterable[DeviceProfile],
    first_byte: int = 0x5A,
    clock: Callable[[], float] = time.monotonic,
) -> list[SimulatedDevice]:
    """One simulated device per profile, with stable addresses: what `--simulate` shows."""
    devices = [
        SimulatedDevice.from_profile(
            profile, f"{first_byte:02X}:1D:00:00:00:{index:02X}", clock=clock
        )
        for index, profile in enumerate(_in_simulated_order(profiles), start=1)
    ]
    for index, device in enumerate(devices):
        device.rssi = -48 - 7 * index  # near to far, as if spread around the room
    return devices


def reference_air(profiles: Iterable[DeviceProfile], **options: Any) -> SimulatedAir:
    return SimulatedAir(reference_devices(profiles), **options)
