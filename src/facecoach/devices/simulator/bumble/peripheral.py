"""A simulated device served as a real GATT server by a Bumble peripheral.

The device (advertisement, GATT table, firmware, faults) is the same `SimulatedDevice` the
in-process backend serves; here it speaks ATT on a Bumble stack instead: MTU exchange, handle
discovery, CCCD writes, write requests and commands, notifications. The stack's controller is
whatever Bumble transport it was opened on: a virtual link in tests, a USB dongle, a serial HCI
or Linux VHCI for `facecoach simulator serve`.
"""

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

from bumble import att, gatt, gatt_server, smp
from bumble.core import UUID, AdvertisingData
from bumble.device import (
    AdvertisingEventProperties,
    AdvertisingParameters,
    AdvertisingSet,
    Connection,
    Device,
)
from bumble.hci import HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR, Address, HCI_Constant

from facecoach.devices.protocol.codec import DecodedCommand
from facecoach.devices.simulator.device import (
    CharacteristicSpec,
    ConnectionRefused,
    Property,
    Role,
    SimulatedDevice,
)

log = logging.getLogger(__name__)

LEGACY_ADVERTISING_BYTES = 31
# What one HCI event reports of an extended advertisement (255 bytes less the report's own 26):
# a real controller splits a longer one over several reports, Bumble's virtual one cannot.
EXTENDED_ADVERTISING_BYTES = 229
SIG_BASE_SUFFIX = "-0000-1000-8000-00805f9b34fb"


class AdvertisingMode(StrEnum):
    # Legacy advertising with a scan response is what every phone and laptop scans for.
    LEGACY = "legacy"
    # One extended PDU carries everything. Bumble's virtual controller needs it: it does not
    # model scan requests, so a legacy scan response never reaches the central there.
    EXTENDED = "extended"


class AdvertisingTooLarge(ValueError):
    pass


def bumble_uuid(text: str) -> UUID:
    """A normalised UUID string as Bumble wants it: 16 bits when it is a SIG one."""
    if text.startswith("0000") and text.endswith(SIG_BASE_SUFFIX):
        return UUID(text[4:8])
    return UUID(text)


def static_random_address(address: str) -> Address:
    """The device's address as a static random address, the kind a peripheral without a
    public address of its own uses. The two top bits must be set."""
    if int(address[:2], 16) & 0xC0 != 0xC0:
        raise ValueError(
            f"{address} is not a static random address: its first byte must be C0 to FF"
        )
    return Address(address, Address.RANDOM_DEVICE_ADDRESS)


def advertising_payloads(device: SimulatedDevice, mode: AdvertisingMode) -> tuple[bytes, bytes]:
    """The advertising data and scan response for the device's advertisement."""
    advert = device.advertisement()
    flags = (AdvertisingData.FLAGS, bytes([0x06]))  # LE general discoverable, no BR/EDR
    fields: list[tuple[int, bytes]] = [flags]
    if advert.appearance is not None:
        fields.append((AdvertisingData.APPEARANCE, advert.appearance.to_bytes(2, "little")))
    uuids = [bumble_uuid(u) for u in advert.service_uuids]
    short = [u for u in uuids if len(bytes(u)) == 2]
    long = [u for u in uuids if len(bytes(u)) == 16]
    if short:
        fields.append(
            (
                AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
                b"".join(bytes(u) for u in short),
            )
        )
    if long:
        fields.append(
            (
                AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
                b"".join(bytes(u) for u in long),
            )
        )
    for company, data in advert.manufacturer_data.items():
        fields.append(
            (AdvertisingData.MANUFACTURER_SPECIFIC_DATA, company.to_bytes(2, "little") + data)
        )
    for service, data in advert.service_data.items():
        key = bumble_uuid(service)
        kind = (
            AdvertisingData.SERVICE_DATA_16_BIT_UUID
            if len(bytes(key)) == 2
            else AdvertisingData.SERVICE_DATA_128_BIT_UUID
        )
        fields.append((kind, bytes(key) + data))
    name = (AdvertisingData.COMPLETE_LOCAL_NAME, advert.name.encode())
    if mode is AdvertisingMode.EXTENDED:
        data = bytes(AdvertisingData([*fields, name]))
        if len(data) > EXTENDED_ADVERTISING_BYTES:
            # A name up to 248 bytes long (what BLE allows) goes out shortened, as a real
            # device's does, rather than not at all.
            room = EXTENDED_ADVERTISING_BYTES - len(bytes(AdvertisingData(fields))) - 2
            shortened = advert.name.encode()[: max(0, room)].decode("utf-8", "ignore").encode()
            data = bytes(
                AdvertisingData([*fields, (AdvertisingData.SHORTENED_LOCAL_NAME, shortened)])
            )
        return data, b""
    primary = bytes(AdvertisingData(fields))
    if len(primary) > LEGACY_ADVERTISING_BYTES:
        raise AdvertisingTooLarge(
            f"{device.profile.id} advertises {len(primary)} bytes, more than the "
            f"{LEGACY_ADVERTISING_BYTES} a legacy advertisement holds; use extended advertising"
        )
    with_name = bytes(AdvertisingData([*fields, name]))
    if len(with_name) <= LEGACY_ADVERTISING_BYTES:
        primary = with_name
    # The name is always in the scan response too, shortened when it is too long, as real
    # devices do.
    room = LEGACY_ADVERTISING_BYTES - 2
    encoded = advert.name.encode()
    if len(encoded) > room:
        shortened = encoded[:room].decode("utf-8", "ignore").encode()
        name = (AdvertisingData.SHORTENED_LOCAL_NAME, shortened)
    return primary, bytes(AdvertisingData([name]))


class _Central:
    """One connected central, as the simulated device sees it."""

    def __init__(self, peripheral: "BumblePeripheral", connection: Connection) -> None:
        self._peripheral = peripheral
        self.connection = connection

    def lost(self) -> None:
        self._peripheral.spawn(
            self.connection.disconnect(HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR)
        )

    def notify(self, data: bytes) -> None:
        self._peripheral.notify(self.connection, data)


class _RefusedWriteCommands(logging.Filter):
    """A Write Command (a write without response) that the device refuses: to a characteristic
    that is not writable, or while the device cannot take it. The protocol has no answer for
    it, so it is dropped; Bumble's server logs the refusal as an error with a traceback, which
    this keeps off serve's output (a line at debug level says it). Anything else passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if record.funcName == "on_att_write_command" and isinstance(error, att.ATT_Error):
            log.debug("a write without response was refused: %s", error)
            return False
        return True


_REFUSED_WRITE_COMMANDS = _RefusedWriteCommands()


class BumblePeripheral:
    """Serves one `SimulatedDevice` on a Bumble `Device`: GATT server, advertising, links."""

    def __init__(
        self,
        device: SimulatedDevice,
        stack: Device,
        *,
        advertising: AdvertisingMode = AdvertisingMode.EXTENDED,
        advertise_interval: float = 0.1,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.device = device
        self.stack = stack
        self.advertising = advertising
        self.advertise_interval = advertise_interval
        self._on_event = on_event
        self._notify_characteristic: gatt.Characteristic[bytes] | None = None
        self._advertising_set: AdvertisingSet | None = None
        self._advertising = False
        self._advertising_lock = asyncio.Lock()
        # Counts connections, so that advertising started while one arrived is known to be over.
        self._connections_made = 0
        self._closing = False
        self._centrals: dict[Connection, _Central] = {}
        self._tasks: set[asyncio.Task[object]] = set()
        # Bumble's modules log under their own names (added once, however many devices).
        logging.getLogger(gatt_server.__name__).addFilter(_REFUSED_WRITE_COMMANDS)
        self.stack.add_services(self._services())
        self.stack.on(self.stack.EVENT_CONNECTION, self._on_connection)
        self._stop_range_calls = self.device.on_range_change(self._on_range_change)

    # -- GATT server ------------------------------------------------------------------------

    def _services(self) -> list[gatt.Service]:
        services = []
        for spec in self.device.gatt_table():
            characteristics = [self._characteristic(c) for c in spec.characteristics]
            services.append(gatt.Service(bumble_uuid(spec.uuid), characteristics))
        return services

    def _characteristic(self, spec: CharacteristicSpec) -> gatt.Characteristic[bytes]:
        properties = gatt.Characteristic.Properties(spec.property_bits)
        permissions = gatt.Characteristic.Permissions(0)
        if Property.READ in spec.properties:
            permissions |= gatt.Characteristic.READABLE
        if spec.role is Role.COMMAND:
            permissions |= gatt.Characteristic.WRITEABLE
        # Every value gets both functions: Bumble's server leaves a request it cannot route to
        # one unanswered, and the central would wait 30 s for its ATT timeout.
        value: gatt.CharacteristicValue[bytes] = gatt.CharacteristicValue(
            read=_guarded_read(spec.read) if spec.read is not None else _refuse_read,
            write=self._on_command_written if spec.role is Role.COMMAND else _refuse_write,
        )
        characteristic: gatt.Characteristic[bytes] = gatt.Characteristic(
            bumble_uuid(spec.uuid), properties, permissions, value
        )
        if spec.role is Role.NOTIFY:
            self._notify_characteristic = characteristic
        return characteristic

    async def _on_command_written(self, connection: Connection, value: bytes) -> None:
        central = self._centrals.get(connection)
        if central is None:  # a connection the device refused, still being torn down
            raise att.ATT_Error(att.ATT_UNLIKELY_ERROR_ERROR, message="not connected")
        try:
            outcome = self.device.write(bytes(value))
        except Exception as error:
            # Whatever goes wrong inside the device is answered with an ATT error response;
            # an exception that escaped here would leave the central waiting for 30 s.
            log.warning("simulated device failed on a write: %s", error)
            raise att.ATT_Error(att.ATT_UNLIKELY_ERROR_ERROR, message=str(error)) from error
        if self._on_event is not None:  # formatting costs more than the rest of the write
            self._report(_describe_write(bytes(value), outcome.understood))
        if outcome.drop_link:
            central.lost()
            return
        if outcome.deliver(functools.partial(self.notify, connection)):
            # Let the early notification go out before the write response does.
            await asyncio.sleep(0)

    def notify(self, connection: Connection, data: bytes) -> None:
        """Sends a notification on the profile's notify characteristic, if subscribed."""
        if self._notify_characteristic is None or connection not in self._centrals:
            return
        self.spawn(self.stack.notify_subscriber(connection, self._notify_characteristic, data))

    # -- links ------------------------------------------------------------------------------

    def _on_connection(self, connection: Connection) -> None:
        self._connections_made += 1
        self._advertising = False  # a connectable advertisement ends when a central connects
        central = _Central(self, connection)
        try:
            self.device.accept(central)
        except ConnectionRefused as refused:
            self._report(f"refused {connection.peer_address}: {refused}")
            self.spawn(connection.disconnect(HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR))
            self.spawn(self.advertise())
            return
        self._centrals[connection] = central
        self._report(f"connected to {connection.peer_address}")
        connection.on(
            connection.EVENT_DISCONNECTION,
            lambda reason: self._on_disconnection(connection, reason),
        )
        connection.on(connection.EVENT_PAIRING, lambda _keys: self._on_paired())
        connection.on(connection.EVENT_PAIRING_FAILURE, self._on_pairing_failed)

    def _report(self, text: str) -> None:
        if self._on_event is not None:
            self._on_event(text)

    def _on_paired(self) -> None:
        self.device.paired = True
        self._report("paired")

    def _on_pairing_failed(self, reason: int) -> None:
        if reason == smp.ErrorCode.AUTHENTICATION_REQUIREMENTS:
            self._report(
                "refused legacy pairing: this device pairs with LE Secure Connections only "
                "(a legacy bond could not be used again; see the README)"
            )
        else:
            self._report(f"pairing failed ({_smp_error(reason)})")

    def _on_disconnection(self, connection: Connection, reason: int) -> None:
        central = self._centrals.pop(connection, None)
        if central is not None:
            self.device.release(central)
        self._report(f"disconnected ({HCI_Constant.error_name(reason)})")  # type: ignore[no-untyped-call]
        if not self._closing:
            self.spawn(self.advertise())

    def _on_range_change(self, in_range: bool) -> None:
        self.spawn(self.advertise() if in_range else self.stop_advertising())

    # -- advertising ------------------------------------------------------------------------

    async def advertise(self) -> None:
        """Advertises while the device is in range and free for a central."""
        async with self._advertising_lock:  # the host runs one HCI command at a time
            if (
                self._closing
                or self._advertising
                or not self.device.in_range
                or self.device.client is not None
            ):
                return
            connections_before = self._connections_made
            data, scan_response = advertising_payloads(self.device, self.advertising)
            interval_ms = self.advertise_interval * 1000
            if self.advertising is AdvertisingMode.EXTENDED:
                if self._advertising_set is None:
                    self._advertising_set = await self.stack.create_advertising_set(
                        advertising_parameters=AdvertisingParameters(
                            advertising_event_properties=AdvertisingEventProperties(
                                is_connectable=True, is_legacy=False
                            ),
                            primary_advertising_interval_min=interval_ms,
                            primary_advertising_interval_max=interval_ms,
                        ),
                        random_address=self.stack.random_address,
                        advertising_data=data,
                        auto_start=False,
                    )
                await self._advertising_set.start()
            else:
                await self.stack.start_advertising(
                    advertising_data=data,
                    scan_response_data=scan_response,
                    advertising_interval_min=interval_ms,
                    advertising_interval_max=interval_ms,
                )
            # A central that was already connecting connects as soon as advertising is on, and
            # the host may handle that connection before this line runs: the advertisement it
            # ended must not be marked as running, or the next disconnection would never
            # advertise again (a phone's immediate reconnect did exactly that).
            self._advertising = self._connections_made == connections_before

    async def stop_advertising(self) -> None:
        async with self._advertising_lock:
            if not self._advertising:
                return
            if self._advertising_set is not None:
                await self._advertising_set.stop()
            else:
                await self.stack.stop_advertising()
            self._advertising = False

    async def start(self) -> None:
        await self.stack.power_on()
        await self.advertise()

    async def close(self) -> None:
        """Stops advertising and the work in flight, then ends every connection: nothing is
        re-advertised or sent on a transport that is closing."""
        await self.stop_advertising()
        await self.forget()
        for connection in list(self.stack.connections.values()):
            with contextlib.suppress(Exception):  # gone already, or the controller is
                await connection.disconnect()

    async def forget(self) -> None:
        """Lets go of the device without a word to the controller (which may be gone): no
        more advertising, the work in flight cancelled, no more calls from the device (which
        may be served again, and must not keep this stack alive)."""
        self._closing = True
        self._stop_range_calls()
        pending = list(self._tasks)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def spawn(self, work: Coroutine[Any, Any, object]) -> None:
        """Runs `work` on the loop, keeping a reference until it is done."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: "asyncio.Task[object]") -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and not self._closing:
            log.warning("simulated peripheral: %s", task.exception())


def _smp_error(reason: int) -> str:
    try:
        return smp.ErrorCode(reason).name.lower().replace("_", " ")
    except ValueError:
        return f"reason {reason:#04x}"


def _describe_write(value: bytes, understood: list[DecodedCommand]) -> str:
    commands = [" ".join([c.name, *(f"{k}={v}" for k, v in c.args.items())]) for c in understood]
    text = ", ".join(commands) or "a frame the device did not understand"
    return f"received {text} [{value.hex(' ').upper()}]"


def _refuse_read(_connection: Connection) -> bytes:
    raise att.ATT_Error(att.ATT_READ_NOT_PERMITTED_ERROR)


def _refuse_write(_connection: Connection, _value: bytes) -> None:
    raise att.ATT_Error(att.ATT_WRITE_NOT_PERMITTED_ERROR)


def _guarded_read(read: Callable[[], bytes]) -> Callable[[Connection], bytes]:
    def on_read(_connection: Connection) -> bytes:
        try:
            return read()
        except Exception as error:
            log.warning("simulated device failed on a read: %s", error)
            raise att.ATT_Error(att.ATT_UNLIKELY_ERROR_ERROR, message=str(error)) from error

    return on_read
