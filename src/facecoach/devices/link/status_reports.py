"""StatusReports: what the device's status messages change, and what the user is told of them."""

from facecoach.devices.link.events import LinkAnnouncer, LinkEventKind
from facecoach.devices.protocol.acks import reports_keepalive_lost, updated_status
from facecoach.devices.protocol.codec import DecodedNotification
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.status import DeviceStatus


class StatusReports:
    """Turns one device's status messages into its DeviceStatus, each told to the link's
    listeners."""

    def __init__(self, profile: DeviceProfile, name: str, announcer: LinkAnnouncer) -> None:
        self._profile = profile
        self._name = name
        self._announcer = announcer
        self._told_keepalive_lost = False

    def take(self, status: DeviceStatus, report: DecodedNotification) -> DeviceStatus:
        """`status` as `report` changes it."""
        # Said once when the device first reports it, again only after a status without it.
        lost = reports_keepalive_lost(report)
        told, self._told_keepalive_lost = self._told_keepalive_lost, lost
        if lost and not told:
            self._announcer.emit(
                LinkEventKind.KEEPALIVE_LOST,
                f"{self._name} stopped stimulating by itself: it did not hear from facecoach "
                "in time (the device's keep-alive).",
            )
        return updated_status(self._profile, status, report)
