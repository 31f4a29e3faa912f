"""A private D-Bus bus and mock services on it, written with dbus-fast (which bleak already
brings): a freedesktop notification server and a BlueZ with adapters.

Why not python-dbusmock: its dbus-python builds from source against libdbus and GLib headers,
which a fresh machine does not have, so the README's test command failed there. This needs only
the `dbus-daemon` program (Debian: dbus-daemon); without it the tests that use it skip, saying so.

The mock services answer from a thread of their own, with their own event loop, because the code
under test runs loops of its own (`asyncio.run`) on the test's thread.
"""

import asyncio
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import pytest

DBUS_DAEMON = shutil.which("dbus-daemon")
needs_dbus_daemon = pytest.mark.skipif(
    DBUS_DAEMON is None,
    reason="dbus-daemon is not installed (Debian: the dbus-daemon package); it runs the private "
    "bus of the D-Bus tests",
)
START_TIMEOUT = 10.0


@contextmanager
def private_bus() -> Iterator[str]:
    """A D-Bus daemon of our own for the length of the block; yields its address."""
    if DBUS_DAEMON is None:
        pytest.skip("dbus-daemon is not installed (Debian: the dbus-daemon package)")
    daemon = subprocess.Popen(
        [DBUS_DAEMON, "--session", "--nofork", "--nopidfile", "--print-address"],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            pytest.fail("dbus-daemon printed no address")
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=START_TIMEOUT)
        if daemon.stdout is not None:
            daemon.stdout.close()


@dataclass(frozen=True, slots=True)
class Notified:
    """One notification the mock server was asked to show."""

    app_name: str
    summary: str
    body: str


def _notification_server_interface(notified: list[Notified]) -> object:
    from dbus_fast.annotations import DBusDict, DBusInt32, DBusSignature, DBusStr, DBusUInt32
    from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

    strings = Annotated[list[str], DBusSignature("as")]

    class NotificationServer(ServiceInterface):
        """org.freedesktop.Notifications as a desktop's server offers it (the methods a
        client calls, and the signals desktop-notifier subscribes to)."""

        def __init__(self) -> None:
            super().__init__("org.freedesktop.Notifications")
            self._next_id = 0

        @dbus_method()
        def Notify(
            self,
            app_name: DBusStr,
            replaces_id: DBusUInt32,
            app_icon: DBusStr,
            summary: DBusStr,
            body: DBusStr,
            actions: strings,
            hints: DBusDict,
            expire_timeout: DBusInt32,
        ) -> DBusUInt32:
            notified.append(Notified(app_name, summary, body))
            self._next_id += 1
            return self._next_id

        @dbus_method()
        def GetCapabilities(self) -> strings:
            return ["body"]

        @dbus_method()
        def GetServerInformation(
            self,
        ) -> Annotated[tuple[str, str, str, str], DBusSignature("ssss")]:
            return ("mock", "facecoach tests", "1.0", "1.2")

        @dbus_method()
        def CloseNotification(self, notification_id: DBusUInt32) -> None:
            return None

        @dbus_signal()
        def NotificationClosed(
            self,
        ) -> Annotated[tuple[int, int], DBusSignature("uu")]:
            return (0, 0)

        @dbus_signal()
        def ActionInvoked(
            self,
        ) -> Annotated[tuple[int, str], DBusSignature("us")]:
            return (0, "")

    return NotificationServer()


def _bluez_interfaces(powered: bool) -> list[object]:
    from dbus_fast.annotations import DBusBool, DBusStr
    from dbus_fast.constants import PropertyAccess
    from dbus_fast.service import ServiceInterface, dbus_property

    class Adapter(ServiceInterface):
        """org.bluez.Adapter1, with the properties doctor reads."""

        def __init__(self) -> None:
            super().__init__("org.bluez.Adapter1")

        @dbus_property(access=PropertyAccess.READ)
        def Powered(self) -> DBusBool:
            return powered

        @dbus_property(access=PropertyAccess.READ)
        def Alias(self) -> DBusStr:
            return "my-computer"

    class MonitorManager(ServiceInterface):
        """org.bluez.AdvertisementMonitorManager1: there from BlueZ 5.56 (passive scanning)."""

        def __init__(self) -> None:
            super().__init__("org.bluez.AdvertisementMonitorManager1")

    return [Adapter(), MonitorManager()]


class BusService:
    """Interfaces exported under a well-known name, served from a thread of their own."""

    def __init__(self, address: str, name: str, exports: dict[str, list[object]]) -> None:
        self._address = address
        self._name = name
        self._exports = exports
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stopped = asyncio.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name=f"mock {name}", daemon=True)

    def __enter__(self) -> "BusService":
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self._failure is not None:
            self.__exit__()
            pytest.fail(f"the mock {self._name} did not start: {self._failure!r}")
        return self

    def __exit__(self, *_: object) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(START_TIMEOUT)

    def _serve(self) -> None:
        try:
            self._loop.run_until_complete(self._run())
        finally:
            self._loop.close()

    async def _run(self) -> None:
        from dbus_fast.aio import MessageBus
        from dbus_fast.service import ServiceInterface

        try:
            bus = await MessageBus(bus_address=self._address).connect()
            for path, interfaces in self._exports.items():
                for interface in interfaces:
                    assert isinstance(interface, ServiceInterface)
                    bus.export(path, interface)
            await bus.request_name(self._name)
        except BaseException as error:
            self._failure = error
            self._ready.set()
            return
        self._ready.set()
        await self._stopped.wait()
        bus.disconnect()
        await bus.wait_for_disconnect()  # type: ignore[no-untyped-call]


@contextmanager
def notification_server(address: str) -> Iterator[list[Notified]]:
    """A notification server on the bus at `address`; yields what it was asked to show."""
    notified: list[Notified] = []
    exports = {"/org/freedesktop/Notifications": [_notification_server_interface(notified)]}
    with BusService(address, "org.freedesktop.Notifications", exports):
        yield notified


@contextmanager
def bluez(address: str, adapters: tuple[str, ...] = (), *, powered: bool = True) -> Iterator[None]:
    """BlueZ on the bus at `address`, with these adapters (hci0, ...)."""
    exports = {f"/org/bluez/{name}": _bluez_interfaces(powered) for name in adapters}
    with BusService(address, "org.bluez", exports):
        yield
