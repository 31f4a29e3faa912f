"""What a device last said about itself: battery, charging, program, skin contact."""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the profile schema (pydantic) loads only when a device is used
    from facecoach.devices.protocol.profile import DeviceProgram


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """The device's last reported state; fields it does not report are None."""

    program: "DeviceProgram | None" = None
    program_code: int | None = None
    intensity: int | None = None
    battery: int | None = None
    charging: bool | None = None
    contact: bool | None = None
    running: bool | None = None


class LinkState(StrEnum):
    """Where the connection to a device stands."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    LOST = "lost"  # reconnection gave up; the user can connect again
