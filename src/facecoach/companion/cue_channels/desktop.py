"""Desktop notifications (`facecoach.system.notifications`: D-Bus on Linux, the notification
centres of macOS and Windows), only for the cues that call a user who may have walked away: the
end of a session, and a session that needs them."""

import asyncio

from facecoach.companion.cue_channels.machine import ChannelName, Facility, Machine
from facecoach.cues.model import Cue
from facecoach.system.notifications import notify_desktop
from facecoach.system.platforms import OperatingSystem

__all__ = ["DesktopChannel", "desktop_facility", "notify_desktop"]


def desktop_facility(machine: Machine) -> Facility:
    """Whether a notification can be sent from here (without sending one)."""
    if machine.system in (OperatingSystem.MACOS, OperatingSystem.WINDOWS):
        return Facility(ChannelName.DESKTOP, True, "the system's notification centre")
    if machine.env.get("DBUS_SESSION_BUS_ADDRESS") or machine.has_socket("bus"):
        return Facility(ChannelName.DESKTOP, True, "a notification server on the D-Bus session bus")
    return Facility(
        ChannelName.DESKTOP,
        False,
        "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set): no desktop session",
    )


class DesktopChannel:
    name = ChannelName.DESKTOP
    blocking = True

    def deliver(self, cue: Cue) -> str | None:
        if not cue.notifies:
            return None
        return asyncio.run(notify_desktop(cue.title, cue.message))

    def close(self) -> str | None:
        return None
