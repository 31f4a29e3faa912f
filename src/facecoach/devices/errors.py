"""Errors from profiles, frames and devices, worded for the person holding the device."""

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


class ConnectionFailed(DeviceError):
    """The device could not be reached or did not look like its profile says."""


class BluetoothUnavailable(ConnectionFailed):
    """No adapter, or no Bluetooth service (BlueZ over D-Bus, CoreBluetooth) could be reached."""

    def __init__(self, doing: str, cause: BaseException) -> None:
        detail = str(cause) or type(cause).__name__
        super().__init__(
            f"Cannot {doing}: Bluetooth is not available on this computer (no adapter, or the "
            f"Bluetooth service is not running: {detail}). Sessions still run on the timer "
            "alone; starting facecoach with --simulate tries the device flow without hardware."
        )
