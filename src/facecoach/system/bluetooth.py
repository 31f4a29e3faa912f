"""Whether this machine can reach a Bluetooth LE device, and why not: for `facecoach doctor`.

On Linux bleak talks to BlueZ over the D-Bus system bus, so the questions are, in order: is
there a system bus, does BlueZ own its name on it, and does BlueZ have an adapter (and is it
powered). On macOS and Windows bleak uses the platform's own stack and there is nothing to ask
without a scan; the answer says so.

Then what helps to put right what is wrong, each with its fix: rfkill blocking the radio, the
BlueZ version, whether passive scanning is there (BlueZ's advertisement monitor), and the
controllers Bumble could use instead of the system's stack (USB dongles, serial ports, VHCI).
"""

import asyncio
import ctypes
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from facecoach.system.platforms import OperatingSystem, operating_system

SYSTEM_BUS_SOCKET = Path("/run/dbus/system_bus_socket")
RFKILL = Path("/sys/class/rfkill")
VHCI = Path("/dev/vhci")
ASK_TIMEOUT = 2.0
# BlueZ 5.56 brought the advertisement monitor that passive scanning needs.
PASSIVE_SCANNING_SINCE = (5, 56)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing doctor looked at: what it found, and the fix when something is wrong."""

    what: str
    found: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class BluetoothCheck:
    available: bool
    how: str
    findings: tuple[Finding, ...] = field(default=())


def check_bluetooth(platform: str = sys.platform) -> BluetoothCheck:
    """The radio itself, then what may be in its way."""
    check = _check_radio(platform)
    if operating_system(platform) is not OperatingSystem.LINUX:
        return check
    findings = (*check.findings, rfkill_finding(), bluez_version_finding(), bumble_finding())
    return BluetoothCheck(check.available, check.how, tuple(f for f in findings if f))


def rfkill_finding(root: Path = RFKILL) -> Finding:
    """rfkill's say on the Bluetooth radios: blocked in software (a command frees it) or in
    hardware (a switch, a key or the firmware)."""
    radios = []
    for device in sorted(root.glob("rfkill*")) if root.is_dir() else []:
        if _read(device / "type") != "bluetooth":
            continue
        name = _read(device / "name") or device.name
        radios.append((name, _read(device / "soft") == "1", _read(device / "hard") == "1"))
    if not radios:
        return Finding("rfkill", "no Bluetooth radio listed")
    hard = [name for name, _, blocked in radios if blocked]
    soft = [name for name, blocked, _ in radios if blocked]
    if hard:
        return Finding(
            "rfkill",
            f"{', '.join(hard)} blocked in hardware",
            "turn Bluetooth on with the laptop's switch or key, or in the firmware settings",
        )
    if soft:
        return Finding("rfkill", f"{', '.join(soft)} blocked", "run `rfkill unblock bluetooth`")
    return Finding("rfkill", "not blocked")


Run = Callable[[list[str]], str | None]


def _run(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=ASK_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def bluez_version_finding(run: Run = _run) -> Finding:
    """BlueZ's version (from bluetoothctl), and whether it is new enough to scan passively."""
    said = run(["bluetoothctl", "--version"])
    if not said:
        return Finding(
            "BlueZ",
            "bluetoothctl was not found",
            "install BlueZ's tools (Debian: bluez) to see and fix the adapter from a terminal",
        )
    version = said.split()[-1]
    try:
        numbers = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return Finding("BlueZ", version)
    if numbers < PASSIVE_SCANNING_SINCE:
        return Finding(
            "BlueZ",
            f"{version}: too old to scan passively (5.56 and later can)",
            "scanning still works, actively; update BlueZ for passive scanning",
        )
    return Finding("BlueZ", version)


Lister = Callable[[], list[str]]


def bumble_finding(
    serial_ports: Lister | None = None, usb_dongles: Lister | None = None, vhci: Path = VHCI
) -> Finding:
    """The controllers Bumble could drive instead of the system's stack."""
    if find_spec("bumble") is None:  # asked, not imported: Bumble stays in its corner
        return Finding(
            "Bumble",
            "not installed",
            "`pip install 'facecoach[bumble]'` to use a USB dongle or a serial controller directly",
        )
    found = [*(usb_dongles or _usb_dongles)(), *(serial_ports or _serial_ports)()]
    if vhci.exists():
        found.append("vhci (a virtual controller in the kernel)")
    if not found:
        return Finding(
            "Bumble transports",
            "no USB dongle, serial port or VHCI here",
            "`tcp-client:HOST:PORT` reaches a controller over the network",
        )
    return Finding("Bumble transports", "could use " + " · ".join(found))


def _serial_ports() -> list[str]:
    try:
        from serial.tools import list_ports  # noqa: PLC0415 (pyserial: Bumble's, optional)
    except ImportError:
        return []
    return [f"serial:{port.device}" for port in list_ports.comports()]


def _usb_dongles() -> list[str]:
    """USB devices of the Bluetooth controller class (wireless, RF, Bluetooth: e0/01/01)."""
    try:
        import libusb_package  # noqa: PLC0415 (libusb: Bumble's, optional)
        import usb1  # noqa: PLC0415

        path = libusb_package.get_library_path()
        if path:
            usb1.loadLibrary(ctypes.CDLL(str(path)))
        found: list[str] = []
        with usb1.USBContext() as context:
            for device in context.getDeviceIterator(skip_on_error=True):
                classes = {(device.getDeviceClass(), device.getDeviceSubClass())}
                for setting in device.iterSettings():
                    classes.add((setting.getClass(), setting.getSubClass()))
                if (0xE0, 0x01) in classes:
                    # Bumble's usb:N counts Bluetooth controllers only, as this does.
                    vendor, product = device.getVendorID(), device.getProductID()
                    found.append(f"usb:{len(found)} ({vendor:04x}:{product:04x})")
        return found
    except Exception:  # no libusb, no USB bus (a container), no permission: none to list
        return []


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def _check_radio(platform: str) -> BluetoothCheck:
    system = operating_system(platform)
    if system is OperatingSystem.MACOS:
        return BluetoothCheck(
            True,
            "CoreBluetooth (macOS asks at the first scan whether your terminal may use "
            "Bluetooth: allow it in System Settings > Privacy & Security > Bluetooth)",
        )
    if system is OperatingSystem.WINDOWS:
        return BluetoothCheck(
            True, "the Windows Bluetooth LE stack (WinRT; Bluetooth must be on in Settings)"
        )
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
    # One OS's library, imported where that OS is asked (dbus-fast is installed on Linux only).
    from dbus_fast import BusType, Message, MessageType  # noqa: PLC0415
    from dbus_fast.aio import MessageBus  # noqa: PLC0415

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
        monitors = any(
            "org.bluez.AdvertisementMonitorManager1" in objects[path] for path in adapters
        )
        passive = Finding(
            "Passive scanning",
            "available" if monitors else "not available",
            ""
            if monitors
            else "BlueZ needs its advertisement monitor: start bluetoothd with --experimental",
        )
        if not powered:
            return BluetoothCheck(
                False, f"the adapter ({names}) is off: `bluetoothctl power on`", (passive,)
            )
        return BluetoothCheck(True, f"BlueZ with {names}", (passive,))
    finally:
        bus.disconnect()


def _powered(properties: dict[str, object]) -> bool:
    powered = properties.get("Powered")
    return bool(getattr(powered, "value", False))


def _error(reply: object) -> str:
    """A D-Bus error reply in a few words: its name (org.bluez.Error.NotReady, say)."""
    name = getattr(reply, "error_name", None)
    return str(name) if name else "no answer"
