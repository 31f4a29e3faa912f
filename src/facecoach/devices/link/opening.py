"""ConnectionOpener: finds a device and opens a connection to it through bleak, with what the
profile expects checked and its notifications subscribed.

Each failure is raised with the advice that fits its kind (connect_advice); a failure of the
Bumble transport (--transport) is the controller's, not the system's Bluetooth's.
"""

import asyncio
import contextlib
from collections.abc import Callable

from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from facecoach.devices.connect_advice import connection_advice, connection_error, setup_error
from facecoach.devices.errors import (
    BluetoothUnavailable,
    ConnectionFailed,
    ConnectProblem,
    ControllerFailed,
)
from facecoach.devices.link.options import LinkOptions
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.scanning import RADIO_UNAVAILABLE

# What bleak and the radio raise when a connection cannot be made or set up.
_RADIO_FAILURES = (TimeoutError, BleakError, OSError, EOFError)


class ConnectionOpener:
    """Opens connections to the device at `address` described by `profile`."""

    def __init__(
        self, profile: DeviceProfile, address: str, name: str, options: LinkOptions
    ) -> None:
        self._profile = profile
        self._address = address
        self._name = name
        self._options = options

    async def open(
        self,
        *,
        pair: bool,
        on_disconnected: Callable[[BleakClient], None],
        on_notification: Callable[[BleakGATTCharacteristic, bytearray], None],
    ) -> BleakClient:
        """Finds the device, connects with retries, checks its endpoints and subscribes."""
        device = await self._find()
        options = self._options
        try:
            client = await establish_connection(
                BleakClient,
                device,
                self._name,
                disconnected_callback=on_disconnected,
                max_attempts=options.connect_attempts,
                use_services_cache=False,
                pair=pair or self._profile.gatt.bond,
                backend=options.client_backend,
            )
        except _RADIO_FAILURES as exc:
            raise self._failed(exc, attempts=options.connect_attempts) from exc
        try:
            self._check_endpoints(client)
            notify = self._profile.gatt.notify
            if notify is not None:
                await client.start_notify(notify.uuid, on_notification)
        except BaseException as exc:
            with contextlib.suppress(BleakError, asyncio.TimeoutError, OSError):
                await client.disconnect()
            if isinstance(exc, _RADIO_FAILURES):
                # A refused subscription is a failed connection too, said as one: raw, it
                # would end a reconnection's tries and reach the user as a traceback.
                raise self._failed(exc, connected=True) from exc
            raise
        return client

    def _failed(
        self, exc: BaseException, *, attempts: int = 1, connected: bool = False
    ) -> ConnectionFailed:
        """The failure to raise for what bleak or the radio raised, with advice that fits its
        kind (ConnectionFailed.kind): `connected`, after the connection was made; a Bumble
        transport's own failure is the controller's."""
        transport = self._options.transport
        lost_controller = isinstance(exc, (OSError, EOFError)) and not isinstance(exc, TimeoutError)
        if transport is not None and lost_controller:
            return ControllerFailed(transport, f"connect to {self._name}", exc)
        if connected:
            return setup_error(exc, name=self._name, address=self._address)
        return connection_error(exc, name=self._name, address=self._address, attempts=attempts)

    async def _find(self) -> BLEDevice:
        options = self._options
        try:
            extra: BleakScanner.ExtraArgs = {}
            if options.scanner_backend is not None:
                extra["backend"] = options.scanner_backend
            device = await BleakScanner.find_device_by_address(
                self._address, timeout=options.find_timeout, **extra
            )
        except RADIO_UNAVAILABLE as exc:
            if options.transport is not None:
                raise ControllerFailed(options.transport, f"find {self._name}", exc) from exc
            advice = connection_advice(exc)
            if (
                advice.bluetooth_unavailable
                and advice.kind is not ConnectProblem.SERVICE_UNREACHABLE
            ):
                # Switched off, no adapter, not allowed: the specific advice.
                raise connection_error(exc, name=self._name, address=self._address) from exc
            raise BluetoothUnavailable(f"connect to {self._name}", exc) from exc
        if device is None:
            raise ConnectionFailed(
                f"{self._name} ({self._address}) is not in range. Is it switched on, charged "
                "and close by? Press its button to wake it.",
                kind=ConnectProblem.NOT_FOUND,
            )
        return device

    def _check_endpoints(self, client: BleakClient) -> None:
        gatt = self._profile.gatt
        wanted = [
            ("command characteristic", gatt.command.uuid if gatt.command else None),
            ("notification characteristic", gatt.notify.uuid if gatt.notify else None),
            ("battery characteristic", gatt.battery.uuid if gatt.battery else None),
        ]
        missing = [
            f"{label} {uuid}"
            for label, uuid in wanted
            if uuid is not None and client.services.get_characteristic(uuid) is None
        ]
        if missing:
            raise ConnectionFailed(
                f"{self._name} does not have what the profile {self._profile.id!r} expects: "
                f"missing {', '.join(missing)}. Is this the right profile for the device? "
                "`facecoach devices inspect ADDRESS` shows what it has."
            )
