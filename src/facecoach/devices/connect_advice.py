"""Why a connection failed, in the user's words, from bleak's and bleak-retry-connector's errors.

`establish_connection` turns the last failure into one of its own typed errors (not found, out
of slots, aborted, or a general connection error) raised *from* the original error, which may be
a BleakDBusError whose name says more. So the chain is read from the outside in, and the first
error that says something definite decides; the general ones are looked through.

The sentences stay here rather than in `facecoach.wording`, which sits above `devices` and may
not be imported from it. Each advice is one or two sentences, with at most a short technical
detail in parentheses (a D-Bus error name, an OS error) for bug reports, never an exception repr.
"""

import sys
from collections.abc import Iterator
from dataclasses import dataclass

from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
    BleakDeviceNotFoundError,
)
from bleak_retry_connector import (
    BleakAbortedError,
    BleakNotFoundError,
    BleakOutOfConnectionSlotsError,
)

from facecoach.devices.errors import BluetoothUnavailable, ConnectionFailed, ConnectProblem

__all__ = [
    "ConnectProblem",
    "ConnectionAdvice",
    "connection_advice",
    "connection_error",
]

# Kinds that mean "no Bluetooth here": they raise BluetoothUnavailable.
NO_BLUETOOTH_KINDS = frozenset(
    {
        ConnectProblem.NO_ADAPTER,
        ConnectProblem.POWERED_OFF,
        ConnectProblem.NOT_PERMITTED,
        ConnectProblem.SERVICE_UNREACHABLE,
    }
)

TIMER_ALONE = "Sessions still run on the timer alone."

NOT_FOUND = (
    "it cannot be found any more; it is probably out of range, switched off or asleep. Switch "
    "it on, bring it close and press its button to wake it, then try again."
)
OUT_OF_SLOTS = (
    "the Bluetooth adapter has no free connection slot. Disconnect another Bluetooth device "
    "(earbuds, a watch) or use a second adapter, then try again."
)
ABORTED = (
    "the Bluetooth adapter broke off the connection, usually because of interference or a busy "
    "adapter. Move closer and try again; if it keeps happening, restart Bluetooth."
)
BUSY = (
    "another app or the system is already connecting to it. Close its phone app (or wait a "
    "moment) and try again."
)
PAIRING_FAILED = (
    "pairing failed. Remove the device in the system's Bluetooth settings, then pair again "
    "with `facecoach devices pair`."
)
NOT_PERMITTED_LINUX = (
    "this user is not allowed to use Bluetooth. Add yourself to the `bluetooth` group (then log "
    "in again) or ask for a polkit rule that allows it."
)
NOT_PERMITTED_MACOS = (
    "this program is not allowed to use Bluetooth. Allow your terminal in System Settings > "
    "Privacy & Security > Bluetooth, then try again."
)
DENIED_BY_SYSTEM_LINUX = (
    "the system does not let this program use Bluetooth (the system message bus refused it). "
    "Check that your user may use Bluetooth, for example through the `bluetooth` group."
)
DENIED_BY_SYSTEM_OTHER = (
    "the system does not let this program use Bluetooth, for example because of parental "
    "controls or an administrator's policy. Ask the administrator to allow it."
)
POWERED_OFF = (
    "Bluetooth is switched off. Switch it on (`bluetoothctl power on`, or the system's "
    "Bluetooth switch) and try again."
)
# CoreBluetooth and WinRT have no command to switch it on: each system's own place.
POWERED_OFF_MACOS = (
    "Bluetooth is switched off. Switch it on (Control Centre, or System Settings > Bluetooth) "
    "and try again."
)
POWERED_OFF_WINDOWS = (
    "Bluetooth is switched off. Switch it on (Settings > Bluetooth & devices, or the quick "
    "settings) and try again."
)
NOT_READY = (
    "the Bluetooth adapter is not ready; it is probably switched off. Switch it on "
    "(`bluetoothctl power on`, or the system's Bluetooth switch) and try again."
)
NO_ADAPTER = f"this computer has no Bluetooth adapter. {TIMER_ALONE}"
NO_LE_ADAPTER = (
    "this computer's Bluetooth adapter cannot connect to Bluetooth LE devices; a USB Bluetooth "
    f"LE adapter would. {TIMER_ALONE}"
)
SERVICE_UNREACHABLE = (
    "the Bluetooth service could not be reached (on Linux: is bluetoothd running? `systemctl "
    f"status bluetooth` shows it). {TIMER_ALONE}"
)
SETUP_REFUSED = (
    "it connected, but refused to send its notifications. Switch it off and on again; if it "
    "still refuses, remove it from this computer's Bluetooth devices and pair it again."
)
UNKNOWN_STATE = (
    "Bluetooth is not available right now and the system does not say why. Check that it is "
    "switched on and try again in a moment."
)

# BlueZ's "Failed" carries the reason in its text; these mean the adapter broke the link off.
ABORT_MARKS = ("abort", "canceled", "cancelled")
MAX_DETAIL = 100


class _Say:
    """The texts that depend on more than the error: the attempts made, the platform."""

    def __init__(self, attempts: int, platform: str) -> None:
        self.attempts = attempts
        self.platform = platform

    @property
    def timed_out(self) -> str:
        tries = "one attempt" if self.attempts == 1 else f"{self.attempts} attempts"
        return (
            f"it did not answer within {tries}. Move closer and make sure no phone app is "
            "connected to it, then try again."
        )

    @property
    def other(self) -> str:
        return (
            f"it failed after {self.attempts} attempt{'s' if self.attempts != 1 else ''}. Move "
            "closer, make sure no phone app is connected to it, and try again."
        )

    @property
    def powered_off(self) -> str:
        if self.platform == "darwin":
            return POWERED_OFF_MACOS
        if self.platform == "win32":
            return POWERED_OFF_WINDOWS
        return POWERED_OFF

    @property
    def not_permitted(self) -> str:
        return NOT_PERMITTED_MACOS if self.platform == "darwin" else NOT_PERMITTED_LINUX

    @property
    def denied_by_system(self) -> str:
        linux = self.platform.startswith("linux")
        return DENIED_BY_SYSTEM_LINUX if linux else DENIED_BY_SYSTEM_OTHER


@dataclass(frozen=True, slots=True)
class ConnectionAdvice:
    """What went wrong, and what to do, as the rest of a sentence after "Could not connect"."""

    kind: ConnectProblem
    text: str

    @property
    def bluetooth_unavailable(self) -> bool:
        """Whether it means there is no usable Bluetooth here at all, for any device."""
        return self.kind in NO_BLUETOOTH_KINDS


def connection_advice(
    error: BaseException, *, attempts: int = 1, platform: str = sys.platform
) -> ConnectionAdvice:
    """Classifies a failed connection attempt; `attempts` is how many were made."""
    say = _Say(attempts, platform)
    chain = list(_chain(error))
    for position, link in enumerate(chain):
        found = _decisive(link, say, wrapped=position > 0)
        if found is not None:
            kind, text = found
            break
    else:
        kind, text = ConnectProblem.OTHER, say.other
    detail = _detail(chain, kind)
    return ConnectionAdvice(kind, f"{text} ({detail})" if detail else text)


def connection_error(
    error: BaseException, *, name: str, address: str, attempts: int = 1
) -> ConnectionFailed:
    """The ConnectionFailed (or BluetoothUnavailable) to raise from `error`."""
    advice = connection_advice(error, attempts=attempts)
    message = f"Could not connect to {name} ({address}): {advice.text}"
    if advice.bluetooth_unavailable:
        return BluetoothUnavailable(f"connect to {name}", error, advice=message, kind=advice.kind)
    return ConnectionFailed(message, kind=advice.kind)


def setup_error(error: BaseException, *, name: str, address: str) -> ConnectionFailed:
    """The ConnectionFailed to raise when the device took the connection but refused what
    comes after it (its notifications): the advice of `connection_error` where the error says
    more (pairing, permissions, no Bluetooth), else that it connected and then refused: moving
    closer would not help."""
    advice = connection_advice(error)
    if advice.kind not in (ConnectProblem.OTHER, ConnectProblem.TIMED_OUT):
        return connection_error(error, name=name, address=address)
    detail = _short(_plain(list(_chain(error))[-1]))
    return ConnectionFailed(
        f"Could not connect to {name} ({address}): {SETUP_REFUSED} ({detail})",
        kind=ConnectProblem.SETUP_REFUSED,
    )


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and what caused it, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        yield current
        if current.__cause__ is not None:
            current = current.__cause__
        elif not current.__suppress_context__:
            current = current.__context__
        else:
            current = None


def _decisive(
    error: BaseException, say: _Say, *, wrapped: bool
) -> tuple[ConnectProblem, str] | None:
    """The kind and advice when this error alone says what happened, else None."""
    if isinstance(error, BleakOutOfConnectionSlotsError):
        return ConnectProblem.OUT_OF_SLOTS, OUT_OF_SLOTS
    if isinstance(error, BleakAbortedError):
        return ConnectProblem.ABORTED, ABORTED
    if isinstance(error, BleakNotFoundError):
        if isinstance(error.__cause__, TimeoutError):
            # establish_connection reports attempts that timed out as "not found", but the
            # device was just seen in the scan: it did not answer.
            return ConnectProblem.TIMED_OUT, say.timed_out
        return ConnectProblem.NOT_FOUND, NOT_FOUND
    if isinstance(error, BleakDeviceNotFoundError):
        return ConnectProblem.NOT_FOUND, NOT_FOUND
    if isinstance(error, BleakBluetoothNotAvailableError):
        return _not_available(error.reason, say)
    if isinstance(error, BleakDBusError):
        return _dbus(error, say)
    if isinstance(error, TimeoutError):  # before OSError, of which it is a subclass
        return ConnectProblem.TIMED_OUT, say.timed_out
    if isinstance(error, BrokenPipeError | ConnectionResetError | EOFError) and wrapped:
        # What establish_connection retries when the connection breaks under the D-Bus call.
        return ConnectProblem.ABORTED, ABORTED
    if isinstance(error, OSError | EOFError):
        return ConnectProblem.SERVICE_UNREACHABLE, SERVICE_UNREACHABLE
    return None


def _not_available(
    reason: BleakBluetoothNotAvailableReason, say: _Say
) -> tuple[ConnectProblem, str]:
    match reason:
        case BleakBluetoothNotAvailableReason.NO_BLUETOOTH:
            return ConnectProblem.NO_ADAPTER, NO_ADAPTER
        case BleakBluetoothNotAvailableReason.NO_BLE_CENTRAL_ROLE:
            return ConnectProblem.NO_ADAPTER, NO_LE_ADAPTER
        case BleakBluetoothNotAvailableReason.POWERED_OFF:
            return ConnectProblem.POWERED_OFF, say.powered_off
        case BleakBluetoothNotAvailableReason.DENIED_BY_USER:
            return ConnectProblem.NOT_PERMITTED, NOT_PERMITTED_MACOS
        case BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM:
            return ConnectProblem.NOT_PERMITTED, say.denied_by_system
        case BleakBluetoothNotAvailableReason.DENIED_BY_UNKNOWN:
            return ConnectProblem.NOT_PERMITTED, say.not_permitted
        case _:
            return ConnectProblem.SERVICE_UNREACHABLE, UNKNOWN_STATE


def _dbus(error: BleakDBusError, say: _Say) -> tuple[ConnectProblem, str] | None:
    name = error.dbus_error
    details = (error.dbus_error_details or "").lower()
    match name:
        case "org.bluez.Error.InProgress":
            return ConnectProblem.BUSY, BUSY
        case (
            "org.bluez.Error.AuthenticationFailed"
            | "org.bluez.Error.AuthenticationCanceled"
            | "org.bluez.Error.AuthenticationRejected"
            | "org.bluez.Error.AuthenticationTimeout"
        ):
            return ConnectProblem.PAIRING_FAILED, PAIRING_FAILED
        case (
            "org.bluez.Error.NotPermitted"
            | "org.bluez.Error.NotAuthorized"
            | "org.freedesktop.DBus.Error.AccessDenied"
        ):
            return ConnectProblem.NOT_PERMITTED, say.not_permitted
        case "org.bluez.Error.NotReady":
            return ConnectProblem.POWERED_OFF, NOT_READY
        case "org.bluez.Error.DoesNotExist" | "org.freedesktop.DBus.Error.UnknownObject":
            return ConnectProblem.NOT_FOUND, NOT_FOUND
        case "org.freedesktop.DBus.Error.ServiceUnknown":  # no bluetoothd on the bus
            return ConnectProblem.SERVICE_UNREACHABLE, SERVICE_UNREACHABLE
        case "org.bluez.Error.Failed" if any(mark in details for mark in ABORT_MARKS):
            return ConnectProblem.ABORTED, ABORTED
        case "org.bluez.Error.Failed" if "in progress" in details:
            return ConnectProblem.BUSY, BUSY
    return None


def _detail(chain: list[BaseException], kind: ConnectProblem) -> str:
    """A short technical note for bug reports, or "" when the advice says it all."""
    dbus = next((e for e in chain if isinstance(e, BleakDBusError)), None)
    if dbus is not None:
        details = dbus.dbus_error_details
        return _short(f"{dbus.dbus_error}: {details}" if details else dbus.dbus_error)
    innermost = chain[-1]
    if kind is ConnectProblem.SERVICE_UNREACHABLE and isinstance(innermost, OSError):
        return _short(innermost.strerror or str(innermost) or type(innermost).__name__)
    if kind is ConnectProblem.OTHER:
        return _short(_plain(innermost))
    return ""


def _plain(error: BaseException) -> str:
    text = str(error)
    words = [arg for arg in error.args if isinstance(arg, str)]
    if text.startswith("(") and words:
        # Several arguments print as a tuple of reprs: the words among them (bleak's GATT
        # errors give a code, then its sentence).
        text = words[0]
    return text.strip() or type(error).__name__


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1].rstrip() + "…"
