"""facecoach's own Bumble central, as bleak backends: the production `--transport` carrier.

`TransportAir` opens a controller through a Bumble transport (`usb:0`, `serial:...`,
`tcp-client:...`, `vhci`) instead of the operating system's Bluetooth stack, and
`BleakScanner(backend=air.scanner_backend)` / `BleakClient(..., backend=air.client_backend)`
then reach real devices through it. The simulator's `BumbleAir` puts the same central on a
virtual link with simulated peripherals, so the tests drive this very code.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ClassVar, TypeVar

from bleak.args import SizedBuffer
from bleak.assigned_numbers import gatt_char_props_to_strs
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError, BleakGATTProtocolError
from bumble import att, core
from bumble.core import UUID, AdvertisingData
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.gatt_client import CharacteristicProxy
from bumble.hci import (
    HCI_CONNECTION_TIMEOUT_ERROR,
    HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR,
    Address,
    HCI_Error,
)
from bumble.transport.common import TransportLostError

from facecoach.devices.errors import ControllerGone, TransportUnavailable
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.devices.simulator.inprocess import Air

log = logging.getLogger(__name__)

T = TypeVar("T")

CENTRAL_ADDRESS = "F0:FC:00:00:00:01"
# How long a controller behind --transport may take to open and power on.
TRANSPORT_TIMEOUT = 10.0
# What the central asks for in the MTU exchange; BlueZ and Android ask for about the same.
REQUESTED_MTU = 247
DEFAULT_ATT_MTU = 23

# AD types that carry service UUIDs, and the size of one UUID in each.
_SERVICE_UUID_LISTS = {
    AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS: 2,
    AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS: 2,
    AdvertisingData.INCOMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS: 4,
    AdvertisingData.COMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS: 4,
    AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS: 16,
    AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS: 16,
}
_SERVICE_DATA = {
    AdvertisingData.SERVICE_DATA_16_BIT_UUID: 2,
    AdvertisingData.SERVICE_DATA_32_BIT_UUID: 4,
    AdvertisingData.SERVICE_DATA_128_BIT_UUID: 16,
}


def uuid_text(value: UUID) -> str:
    """A Bumble UUID as bleak spells it: 128 bits, lower case, with dashes."""
    return str(uuid.UUID(bytes=bytes(reversed(value.uuid_128_bytes))))


class CentralAir(Air):
    """facecoach's own Bumble central behind bleak's backend classes: what it reaches depends
    on where its controller is (a transport's, or a virtual link's in the simulator). Built on
    first use, inside the event loop that uses it, by `_start`."""

    def __init__(
        self, devices: Iterable[SimulatedDevice] = (), *, advertise_interval: float = 0.1
    ) -> None:
        super().__init__(devices, advertise_interval=advertise_interval)
        self._central: Device | None = None
        self._starting: asyncio.Future[Device] | None = None
        self._scanners = 0
        # The connections open now, so that a lost controller can end them all.
        self.clients: set[BumbleClientBackend] = set()
        air = self

        class Scanner(BumbleScannerBackend):
            AIR = air

        class Client(BumbleClientBackend):
            AIR = air

        self.scanner_backend = Scanner
        self.client_backend = Client

    async def central(self) -> Device:
        """The central's stack, after whatever carries it has been powered on."""
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        return await asyncio.shield(self._starting)

    async def _start(self) -> Device:
        raise NotImplementedError

    async def set_scanning(self, on: bool) -> None:
        """Scanners share the one central: it scans while any of them wants it to."""
        central = await self.central()
        self._scanners += 1 if on else -1
        if on and self._scanners == 1:
            await central.start_scanning(active=True, filter_duplicates=False)
        elif not on and self._scanners == 0:
            await central.stop_scanning()

    async def close(self) -> None:
        """Stops scanning, so the loop can finish without pending timers."""
        if self._starting is None:
            return
        central = await self.central()
        if self._scanners:
            self._scanners = 0
            await central.stop_scanning()


def advertisement_data(advertisement: Advertisement) -> AdvertisementData:
    """What a Bumble central heard, as bleak hands it to detection callbacks.

    Read from the raw AD structures, so a truncated field is skipped instead of failing.
    """
    data = advertisement.data

    def raw(kind: int) -> list[bytes]:
        return data.get_all(kind, raw=True)

    names = raw(AdvertisingData.COMPLETE_LOCAL_NAME) or raw(AdvertisingData.SHORTENED_LOCAL_NAME)
    uuids = [
        uuid_text(UUID.from_bytes(value[i : i + size]))
        for kind, size in _SERVICE_UUID_LISTS.items()
        for value in raw(kind)
        for i in range(0, len(value) - size + 1, size)
    ]
    manufacturer = {
        int.from_bytes(value[:2], "little"): value[2:]
        for value in raw(AdvertisingData.MANUFACTURER_SPECIFIC_DATA)
        if len(value) >= 2
    }
    service_data = {
        uuid_text(UUID.from_bytes(value[:size])): value[size:]
        for kind, size in _SERVICE_DATA.items()
        for value in raw(kind)
        if len(value) >= size
    }
    tx_power = raw(AdvertisingData.TX_POWER_LEVEL)
    return AdvertisementData(
        names[0].decode("utf-8", "replace") if names else None,
        manufacturer,
        service_data,
        uuids,
        int.from_bytes(tx_power[0][:1], "little", signed=True) if tx_power else None,
        advertisement.rssi,
        (advertisement,),
    )


class TransportAir(CentralAir):
    """No simulated devices: facecoach's own central on a controller reached through a Bumble
    transport (`usb:0`, `serial:/dev/ttyUSB0,1000000`, `tcp-client:HOST:PORT`, `vhci`) instead of
    the operating system's stack: for a machine without BlueZ or CoreBluetooth access, or a
    second dongle. Real devices answer; the same bleak backends carry the calls."""

    def __init__(self, spec: str) -> None:
        super().__init__(())
        self.spec = spec
        self.transport = spec
        self._transport: Any = None
        self.gone = False

    async def central(self) -> Device:
        if self.gone:
            raise ControllerGone(self.spec)
        return await super().central()

    def _controller_gone(self, _terminated: "asyncio.Future[None]") -> None:
        """The transport closed under us: every connection through it is over, and nothing
        more is tried through it."""
        self.gone = True
        for client in list(self.clients):
            client.connection_lost()

    async def _start(self) -> Device:
        # Bumble's transports, loaded by the one command that opens one (--transport).
        from bumble.transport import open_transport  # noqa: PLC0415

        try:
            # A controller that accepts the connection and then never answers must not hang
            # the command: opening and powering on are bounded.
            transport = await asyncio.wait_for(open_transport(self.spec), TRANSPORT_TIMEOUT)
            self._transport = transport
            central = Device.with_hci(
                "facecoach",
                Address(CENTRAL_ADDRESS, Address.RANDOM_DEVICE_ADDRESS),
                transport.source,
                transport.sink,
            )
            await asyncio.wait_for(central.power_on(), TRANSPORT_TIMEOUT)
        except Exception as exc:  # Bumble's transports raise whatever their layer raises
            if isinstance(exc, TimeoutError):
                exc = TimeoutError(f"no answer in {TRANSPORT_TIMEOUT:g} s")
            raise TransportUnavailable(self.spec, exc) from None
        transport.source.terminated.add_done_callback(self._controller_gone)
        self._central = central
        return central

    async def close(self) -> None:
        starting = self._starting
        if starting is not None and not starting.done():
            starting.cancel()
        try:
            if self._central is not None:  # it started (a failed transport did not)
                # Over a transport that is gone, HCI commands wait for ever: bounded.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(super().close(), TRANSPORT_TIMEOUT / 5)
        finally:
            transport, self._transport = self._transport, None
            if transport is not None:
                with contextlib.suppress(Exception):
                    await transport.close()


class BumbleScannerBackend(BaseBleakScanner):
    AIR: ClassVar[CentralAir]

    def __init__(
        self,
        detection_callback: Any,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._central: Device | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        self._central = await self.AIR.central()
        self._central.on(self._central.EVENT_ADVERTISEMENT, self._on_advertisement)
        await self.AIR.set_scanning(True)

    async def stop(self) -> None:
        if self._central is None:
            return
        self._central.remove_listener(self._central.EVENT_ADVERTISEMENT, self._on_advertisement)
        self._central = None
        await self.AIR.set_scanning(False)

    def _on_advertisement(self, advertisement: Advertisement) -> None:
        adv = advertisement_data(advertisement)
        if not self.is_allowed_uuid(adv.service_uuids):
            return
        address = advertisement.address.to_string(with_type_qualifier=False)
        device = self.create_or_update_device(
            address, address, adv.local_name, advertisement.address, adv
        )
        self.call_detection_callbacks(device, adv)


class BumbleClientBackend(BaseBleakClient):
    AIR: ClassVar[CentralAir]

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
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._mtu = DEFAULT_ATT_MTU
        # A scanned device knows its address type (real devices often use a public address);
        # one named by address alone is taken as a static random one, as peripherals use.
        details = getattr(address_or_ble_device, "details", None)
        self._target = details if isinstance(details, Address) else None
        self._proxies: dict[int, CharacteristicProxy[bytes]] = {}
        self._subscribers: dict[int, Callable[[bytes], None]] = {}

    # -- connection -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.address

    @property
    def mtu_size(self) -> int:
        return self._mtu

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        central = await self.AIR.central()
        target = self._target or Address(self.address, Address.RANDOM_DEVICE_ADDRESS)
        try:
            connection = await central.connect(target, timeout=self._timeout)
        except core.TimeoutError:
            raise BleakError(f"connecting to {self.address} timed out") from None
        except HCI_Error as error:
            raise BleakError(f"connecting to {self.address} failed: {error.error_name}") from None
        self._connection = connection
        self.AIR.clients.add(self)
        connection.on(connection.EVENT_DISCONNECTION, self._on_disconnection)
        try:
            peer = Peer(connection)
            self._mtu = await self._request(peer.request_mtu(REQUESTED_MTU))
            await self._request(peer.discover_all())  # type: ignore[no-untyped-call]
            if pair:
                await self._request(connection.pair())
        except BaseException:
            await self.disconnect()
            raise
        self._peer = peer
        self.services = self._collect_services(peer)

    def _collect_services(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        for service in peer.services:
            bleak_service = BleakGATTService(service, service.handle, uuid_text(service.uuid))
            collection.add_service(bleak_service)
            for characteristic in service.characteristics:
                self._proxies[characteristic.handle] = characteristic
                bleak_characteristic = BleakGATTCharacteristic(
                    characteristic,
                    characteristic.handle,
                    uuid_text(characteristic.uuid),
                    list(gatt_char_props_to_strs(characteristic.properties)),
                    lambda: self._mtu - 3,
                    bleak_service,
                )
                collection.add_characteristic(bleak_characteristic)
                for descriptor in characteristic.descriptors:
                    collection.add_descriptor(
                        BleakGATTDescriptor(
                            descriptor,
                            descriptor.handle,
                            uuid_text(descriptor.type),
                            bleak_characteristic,
                        )
                    )
        return collection

    def connection_lost(self) -> None:
        """The controller went away: no disconnection event will ever come from it."""
        if self._connection is not None:
            self._on_disconnection(HCI_CONNECTION_TIMEOUT_ERROR)

    def _on_disconnection(self, reason: int) -> None:
        # As on BlueZ, bleak's callback runs on every disconnection, asked for or not.
        self.AIR.clients.discard(self)
        self._connection = None
        self._peer = None
        self._subscribers.clear()
        if self._disconnected_callback is not None:
            asyncio.get_running_loop().call_soon(self._disconnected_callback)

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is None:
            return
        gone: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_gone(_reason: int) -> None:
            if not gone.done():
                gone.set_result(None)

        connection.once(connection.EVENT_DISCONNECTION, on_gone)
        with contextlib.suppress(HCI_Error, core.BaseBumbleError):
            await connection.disconnect(HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR)
        if self._connection is connection:  # the event may have come before disconnect returned
            await gone

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        connection = self._require()
        await self._request(connection.pair())

    async def unpair(self) -> None:
        keystore = (await self.AIR.central()).keystore
        if keystore is not None:
            with contextlib.suppress(KeyError):
                await keystore.delete(self.address)

    # -- GATT -------------------------------------------------------------------------------

    def _require(self) -> Connection:
        if self._connection is None:
            raise BleakError("Not connected")
        return self._connection

    def _require_peer(self) -> Peer:
        self._require()
        assert self._peer is not None
        return self._peer

    async def _request(self, request: Awaitable[T]) -> T:
        """One GATT procedure, with Bumble's errors turned into bleak's.

        A caller that gives up (a timeout, a cancelled command) does not cancel the procedure
        itself: its answer may be on the air already, and Bumble, handed an answer for a
        request it was cancelling, raises InvalidStateError in the event loop. The procedure
        ends by itself (its answer, the link's end, or Bumble's own timeout), as ATT has it:
        one request at a time, the next once the last is answered."""
        procedure = asyncio.ensure_future(request)
        try:
            return await asyncio.shield(procedure)
        except asyncio.CancelledError:
            if not procedure.done():
                procedure.add_done_callback(_outcome_unheard)
            # Bumble cancels the request that was waiting when the link drops.
            task = asyncio.current_task()
            if self._connection is None and (task is None or task.cancelling() == 0):
                raise BleakError("Not connected: the device disconnected") from None
            raise
        except att.ATT_Error as error:
            raise _protocol_error(error) from None
        except core.TimeoutError:
            raise BleakError("the device did not answer a GATT request within 30 s") from None
        except TransportLostError:
            raise BleakError("Not connected: the Bluetooth controller went away") from None

    async def read_gatt_char(
        self,
        characteristic: BleakGATTCharacteristic,
        *,
        use_cached: bool = False,
        **kwargs: Any,
    ) -> bytearray:
        peer = self._require_peer()
        return bytearray(await self._request(peer.read_value(characteristic.handle)))

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        peer = self._require_peer()
        return bytearray(await self._request(peer.read_value(descriptor.handle)))

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        peer = self._require_peer()
        await self._request(
            peer.write_value(characteristic.handle, bytes(data), with_response=response)
        )

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        peer = self._require_peer()
        await self._request(peer.write_value(descriptor.handle, bytes(data), with_response=True))

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        peer = self._require_peer()
        proxy = self._proxies[characteristic.handle]

        def deliver(value: bytes) -> None:
            callback(bytearray(value))

        self._subscribers[characteristic.handle] = deliver
        await self._request(peer.subscribe(proxy, deliver))

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        peer = self._require_peer()
        deliver = self._subscribers.pop(characteristic.handle, None)
        await self._request(peer.unsubscribe(self._proxies[characteristic.handle], deliver))


def _outcome_unheard(procedure: "asyncio.Future[Any]") -> None:
    """The end of a procedure nobody waits for any more: whatever it was, it is seen (else
    asyncio reports an exception that was never retrieved)."""
    if not procedure.cancelled():
        procedure.exception()


def _protocol_error(error: att.ATT_Error) -> BleakGATTProtocolError:
    return BleakGATTProtocolError(error.error_code)
