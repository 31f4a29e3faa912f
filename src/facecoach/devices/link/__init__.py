"""The link to one device through bleak: DeviceLink and what its users name.

DeviceLink (device_link.py) composes parts of one job each: opening.py finds and opens the
connection, reconnection.py brings it back, commands.py sends commands and waits for answers,
fragments.py joins and decodes notifications, keepalive.py keeps a device going, and
owned_task.py makes every task the link starts end before the link does.
"""

from facecoach.devices.link.device_link import DeviceLink
from facecoach.devices.link.events import LinkEvent, LinkEventKind
from facecoach.devices.link.fragments import MAX_MESSAGE
from facecoach.devices.link.options import FIND_TIMEOUT, RECONNECT_DELAYS, LinkOptions
from facecoach.devices.protocol.status import LinkState

__all__ = [
    "FIND_TIMEOUT",
    "MAX_MESSAGE",
    "RECONNECT_DELAYS",
    "DeviceLink",
    "LinkEvent",
    "LinkEventKind",
    "LinkOptions",
    "LinkState",
]
