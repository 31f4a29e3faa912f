"""Errors from profiles, frames and devices, worded for the person holding the device."""

from enum import StrEnum

from facecoach.errors import FacecoachError


class DeviceError(FacecoachError):
    """Something about a device or its profile that the user can act on."""


class ProfileError(DeviceError):
    """A profile file that cannot be used; the message names the file and the field."""


class FrameError(DeviceError):
    """Bytes from (or for) a device that do not fit its profile's framing."""


class IncompleteFrame(FrameError):
    """More bytes are needed before the frame can be decoded."""


class CommandError(DeviceError):
    """A command that was refused, out of range, or not confirmed by the device."""


class CommandTimeout(CommandError):
    """The device did not confirm a command in time."""


class ConnectProblem(StrEnum):
    """What kind of connection failure it was, so callers and tests can tell them apart.

    It lives here, without bleak, so that any layer may compare kinds; the classification of
    bleak's exceptions is in `facecoach.devices.connect_advice`.
    """

    NOT_FOUND = "not_found"  # out of range, switched off or asleep
    TIMED_OUT = "timed_out"  # seen, but did not answer the connection attempts
    OUT_OF_SLOTS = "out_of_slots"  # the adapter has no free connection slot
    ABORTED = "aborted"  # the adapter broke the connection off (interference, busy adapter)
    BUSY = "busy"  # another app or the system is connecting to it already
    PAIRING_FAILED = "pairing_failed"
    NOT_PERMITTED = "not_permitted"  # this user or program may not use Bluetooth
    POWERED_OFF = "powered_off"
    NO_ADAPTER = "no_adapter"
    SERVICE_UNREACHABLE = "service_unreachable"  # no BlueZ, no D-Bus, no Bluetooth service
    SETUP_REFUSED = "setup_refused"  # connected, but it refused its notifications
    OTHER = "other"


class ConnectionFailed(DeviceError):
    """The device could not be reached or did not look like its profile says.

    `kind` says why, when the failure was classified; None for the rest (a wrong profile, a
    dropped link).
    """

    def __init__(self, message: str, *, kind: ConnectProblem | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class BluetoothUnavailable(ConnectionFailed):
    """No adapter, or no Bluetooth service (BlueZ over D-Bus, CoreBluetooth) could be reached.

    Without `advice` the message is the general one built from `doing` and `cause`; with it,
    `advice` is the whole message (it already says what to do).
    """

    def __init__(
        self,
        doing: str,
        cause: BaseException,
        *,
        advice: str | None = None,
        kind: ConnectProblem = ConnectProblem.SERVICE_UNREACHABLE,
    ) -> None:
        if advice is None:
            advice = (
                f"Cannot {doing}: Bluetooth is not available on this computer (no adapter, or "
                f"{_service_detail(cause)}). Sessions still run on the timer alone; starting "
                "facecoach with --simulate tries the device flow without hardware."
            )
        super().__init__(advice, kind=kind)


def _service_detail(cause: BaseException) -> str:
    """Why the Bluetooth service could not be reached, in words: an OS error's own text
    ('[Errno 2] No such file or directory', the missing D-Bus socket) means nothing to a user."""
    if isinstance(cause, (FileNotFoundError, ConnectionRefusedError)):
        return "no Bluetooth service answered"
    if isinstance(cause, PermissionError):
        return "this user may not use it"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror[:1].lower() + cause.strerror[1:]
    return _detail(cause)


def _detail(cause: BaseException) -> str:
    text = str(cause)
    if text.startswith("(") and cause.args and isinstance(cause.args[0], str):
        # An exception made with several arguments prints them as a tuple of reprs.
        text = cause.args[0]
    return text or type(cause).__name__


class TransportUnavailable(ConnectionFailed):
    """The Bumble transport named with --transport could not be opened."""

    def __init__(self, spec: str, cause: BaseException) -> None:
        detail = str(cause) or type(cause).__name__
        super().__init__(
            f"cannot open the Bluetooth controller {spec!r} ({detail}). Check the spec "
            "(usb:0, serial:/dev/ttyUSB0,1000000, tcp-client:HOST:PORT, vhci); "
            "`facecoach doctor` lists the controllers it can see."
        )


class ControllerGone(ConnectionFailed):
    """The controller behind --transport went away while in use (unplugged, its process
    ended): nothing reaches any device through it any more."""

    def __init__(self, spec: str) -> None:
        super().__init__(
            f"the Bluetooth controller {spec!r} went away (unplugged, or its process ended). "
            "Plug it back in, then connect again.",
            kind=ConnectProblem.NO_ADAPTER,
        )


class ControllerFailed(ConnectionFailed):
    """The controller behind --transport failed under a call (a socket or USB error)."""

    def __init__(self, spec: str, doing: str, cause: BaseException) -> None:
        detail = getattr(cause, "strerror", None) or _detail(cause)
        super().__init__(
            f"Could not {doing}: the Bluetooth controller {spec!r} failed ({detail}). Check "
            "that it is plugged in and that the system's own Bluetooth is not using it; "
            "`facecoach doctor` lists the controllers it can see.",
            kind=ConnectProblem.SERVICE_UNREACHABLE,
        )
