"""How a device confirms a command and what its status notifications say, read from its
profile. Pure: the link (devices/link/) waits on these answers over the radio; the rules of
which answer confirms which command, which one is a refusal and what a status changes are here.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from facecoach.devices.protocol.codec import DecodedNotification
from facecoach.devices.protocol.profile import AckKind, DeviceProfile, NotificationKind
from facecoach.devices.protocol.status import DeviceStatus

Confirmation = Callable[[DecodedNotification], bool]


def confirmation_of(
    profile: DeviceProfile, name: str, args: dict[str, int], sequence: int
) -> Confirmation | None:
    """Which notification confirms command `name` sent with `args` (and `sequence`, when the
    profile frames one): None for a command the device does not answer."""
    command = profile.commands[name]
    rule = command.ack
    if rule.kind is AckKind.NONE:
        return None
    if rule.kind is AckKind.ACK:
        framed_with_sequence = profile.framing is not None and profile.framing.sequence

        def acknowledges(n: DecodedNotification) -> bool:
            return (
                n.kind is NotificationKind.ACK
                and n.values.get("of") == command.opcode
                and (not framed_with_sequence or n.sequence == sequence)
            )

        return acknowledges
    expected = {f: args[a] for f, a in rule.expect_args.items()}
    expected.update(rule.expect_values)

    def shows(n: DecodedNotification) -> bool:
        return n.kind is NotificationKind.STATUS and all(
            int(n.values.get(f, -1)) == v for f, v in expected.items()
        )

    return shows


def refusal(profile: DeviceProfile, notification: DecodedNotification) -> str | None:
    """The device's reason, in the profile's words, when an ack says it refused the command;
    None when it took it."""
    result = int(notification.values.get("result", 0))
    if notification.kind is not NotificationKind.ACK or result == 0:
        return None
    spec = profile.notifications[notification.name]
    return spec.results.get(str(result), f"refusal code {result}")


def reports_keepalive_lost(notification: DecodedNotification) -> bool:
    """Whether a status says the device stopped by itself for want of its keep-alive."""
    values = notification.values
    return bool(values.get("keepalive_lost")) and not values.get("running")


def updated_status(
    profile: DeviceProfile, status: DeviceStatus, notification: DecodedNotification
) -> DeviceStatus:
    """The device's state after a status notification: the fields it reports replace the old."""
    values = notification.values
    changed: dict[str, Any] = {}
    code = values.get("program")
    if code is not None:
        changed["program_code"] = int(code)
        changed["program"] = profile.program_by_code(int(code))
    for key in ("intensity", "battery"):
        if key in values:
            changed[key] = int(values[key])
    for key in ("charging", "contact", "running"):
        if key in values:
            changed[key] = bool(values[key])
    return replace(status, **changed)
