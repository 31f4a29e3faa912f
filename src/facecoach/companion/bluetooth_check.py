"""Whether this machine can reach a Bluetooth LE device, and why not: for `facecoach doctor`.

On Linux bleak talks to BlueZ over the D-Bus system bus, so the questions are, in order: is
there a system bus, does BlueZ own its name on it, and does BlueZ have an adapter (and is it
powered). On macOS and Windows bleak uses the platform's own stack and there is nothing to ask
without a scan; the answer says so.
"""

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

SYSTEM_BUS_SOCKET = Path("/run/dbus/system_bus_socket")
ASK_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class BluetoothCheck:
    available: bool
    how: str


def check_bluetooth(platform: str = sys.platform) -> BluetoothCheck:
    if platform == "darwin":
        return BluetoothCheck(True, "CoreBluetooth (macOS asks for permission at the first scan)")
    if platform == "win32":
        return BluetoothCheck(True, "the Windows Bluetooth LE stack (WinRT)")
    if not os.environ.get("DBUS_SYSTEM_BUS_ADDRESS") and not SYSTEM_BUS_SOCKET.exists():
        return BluetoothCheck(
            False,
            f"there is no D-Bus system bus ({SYSTEM_BUS_SOCKET} is missing), so BlueZ cannot "
            "be reached; `--simulate` runs everything without a radio",
        )
    try:
        return asyncio.run(asyncio.wait_for(_ask_bluez(), ASK_TIMEOUT))
    except TimeoutError:
        return BluetoothCheck(False, f"the D-Bus system bus did not answer in {ASK_TIMEOUT:g} s")
    except Exception as exc:  # dbus-fast's errors are many; each becomes a sentence
        return BluetoothCheck(False, f"the D-Bus system bus could not be asked ({exc})")


async def _ask_bluez() -> BluetoothCheck:
    from dbus_fast import BusType, Message, MessageType
    from dbus_fast.aio import MessageBus

    bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
    try:
        owner = await bus.call(
            Message(
                destination="org.freedesktop.DBus",
                path="/org/freedesktop/DBus",
                interface="org.freedesktop.DBus",
                member="NameHasOwner",
                signature="s",
                body=["org.bluez"],
            )
        )
        if owner is None or owner.message_type is not MessageType.METHOD_RETURN:
            return BluetoothCheck(
                False, f"the D-Bus system bus refused a question ({_error(owner)})"
            )
        if not owner.body or not owner.body[0]:
            return BluetoothCheck(
                False, "BlueZ is not running (start it: `systemctl start bluetooth`)"
            )
        reply = await bus.call(
            Message(
                destination="org.bluez",
                path="/",
                interface="org.freedesktop.DBus.ObjectManager",
                member="GetManagedObjects",
            )
        )
        if reply is None or reply.message_type is not MessageType.METHOD_RETURN:
            return BluetoothCheck(False, f"BlueZ did not list its adapters ({_error(reply)})")
        objects = reply.body[0] if reply.body and isinstance(reply.body[0], dict) else {}
        adapters = {
            path: interfaces["org.bluez.Adapter1"]
            for path, interfaces in objects.items()
            if "org.bluez.Adapter1" in interfaces
        }
        if not adapters:
            return BluetoothCheck(False, "BlueZ is running, but there is no Bluetooth adapter")
        powered = [path for path, props in adapters.items() if _powered(props)]
        names = ", ".join(Path(p).name for p in adapters)
        if not powered:
            return BluetoothCheck(False, f"the adapter ({names}) is off: `bluetoothctl power on`")
        return BluetoothCheck(True, f"BlueZ with {names}")
    finally:
        bus.disconnect()


def _powered(properties: dict[str, object]) -> bool:
    powered = properties.get("Powered")
    return bool(getattr(powered, "value", False))


def _error(reply: object) -> str:
    """A D-Bus error reply in a few words: its name (org.bluez.Error.NotReady, say)."""
    name = getattr(reply, "error_name", None)
    return str(name) if name else "no answer"
