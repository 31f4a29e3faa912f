"""A device and its connection in words, the same in the CLI and the TUI."""

from typing import TYPE_CHECKING

from facecoach.devices.protocol.status import DeviceStatus, LinkState

if TYPE_CHECKING:
    from facecoach.devices.protocol.profile import DeviceProfile


def battery_text(status: DeviceStatus) -> str:
    if status.battery is None:
        return "battery unknown"
    text = f"battery {status.battery}%"
    if status.charging:
        text += ", charging"
    return text


def describe_status(profile: "DeviceProfile", status: DeviceStatus) -> list[str]:
    lines = [battery_text(status)[:1].upper() + battery_text(status)[1:]]
    if status.charging:
        lines.append("On the charger: take it off before a session (never use it while charging).")
    if profile.programs:
        lines.append("Programs:")
        for program in profile.programs:
            mark = "●" if status.program_code == program.code else "○"
            lines.append(f"  {mark} {program.name}: {program.purpose}")
    if status.intensity is not None:
        lines.append(f"Intensity {status.intensity} (limit {profile.limits.max_intensity})")
    if status.contact is not None:
        lines.append(f"Skin contact: {'detected' if status.contact else 'not detected'}")
    return lines


LINK_STATE_WORDS = {
    LinkState.DISCONNECTED: "not connected",
    LinkState.CONNECTING: "connecting",
    LinkState.CONNECTED: "connected",
    LinkState.RECONNECTING: "reconnecting",
    LinkState.LOST: "connection lost",
}


def link_state_text(state: LinkState) -> str:
    return LINK_STATE_WORDS[state]


NOTHING_FOUND = (
    "No Bluetooth LE devices found. Is the device switched on, charged and close by? A device "
    "connected to its phone app does not advertise: close the app or turn the phone's "
    "Bluetooth off."
)


def found_text(count: int) -> str:
    return f"Scanning… found {count} device{'s' if count != 1 else ''}."
