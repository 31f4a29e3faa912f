"""What the app asks before a session and says after it; no medical claims anywhere."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckItem:
    id: str
    text: str
    why: str


PRE_SESSION_CHECKS: tuple[CheckItem, ...] = (
    CheckItem(
        "gel",
        "Conductive gel applied to the whole area",
        "Microcurrent needs a conductive layer; on dry skin it stings and does not flow.",
    ),
    CheckItem(
        "off_charger",
        "The device is off its charger",
        "Device makers say never to use a microcurrent device while it is charging.",
    ),
)

AFTER_SESSION_REMINDER = (
    "Drink a glass of water, and wipe the gel off the device before storing it."
)

EVIDENCE_NOTE = (
    "facecoach helps you keep a routine; it does not treat anything. The evidence that "
    "microcurrent changes the skin is weak and mostly from small studies, and none of this "
    "is medical advice."
)
