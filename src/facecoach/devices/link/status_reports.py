"""StatusReports: how the device says it is (DeviceStatus), kept from its status messages."""

from facecoach.devices.link.events import LinkAnnouncer, LinkEventKind
from facecoach.devices.protocol.acks import reports_keepalive_lost, updated_status
from facecoach.devices.protocol.codec import DecodedNotification
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.status import DeviceStatus


class StatusReports:
    """The latest status of one device; each report is told to the link's listeners."""

    def __init__(self, profile: DeviceProfile, name: str, announcer: LinkAnnouncer) -> None:
        self.current = DeviceStatus()
        self._profile = profile
        self._name = name
        self._announcer = announcer
        self._told_keepalive_lost = False

    def take(self, report: DecodedNotification) -> None:
        # Said once when the device first reports it, again only after a status without it.
        lost = reports_keepalive_lost(report)
        told, self._told_keepalive_lost = self._told_keepalive_lost, lost
        if lost and not told:
            self._announcer.emit(
                LinkEventKind.KEEPALIVE_LOST,
                f"{self._name} stopped stimulating by itself: it did not hear from facecoach "
                "in time (the device's keep-alive).",
            )
        self.current = updated_status(self._profile, self.current, report)
        self._announcer.emit(LinkEventKind.STATUS, "")
