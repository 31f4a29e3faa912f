"""`facecoach devices inspect`: a device's GATT table written out as a profile skeleton."""

import re

from bleak.backends.service import BleakGATTServiceCollection

from facecoach.devices.protocol.assigned_numbers import (
    BATTERY_LEVEL,
    BATTERY_SERVICE,
    DEVICE_INFO_SERVICE,
)
from facecoach.devices.protocol.profile import LOCAL_NAME_LITERAL_START

_STANDARD_SERVICES = {BATTERY_SERVICE, DEVICE_INFO_SERVICE}


def profile_skeleton(name: str, address: str, services: BleakGATTServiceCollection) -> str:
    """TOML that validates as-is (battery and device information) and lists every candidate
    endpoint as a comment, for the user to fill in from their own protocol notes."""
    has_battery = services.get_characteristic(BATTERY_LEVEL) is not None
    has_info = any(s.uuid == DEVICE_INFO_SERVICE for s in services)
    # Every run of other characters is one dash: 'device (battery only)' is device-battery-only.
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
    slug = slug.strip("-")[:30].strip("-") or "device"
    capabilities = [
        c for c, present in (("battery", has_battery), ("device_info", has_info)) if present
    ]
    lines = [
        f"# Profile skeleton for {_printable(name)} ({_printable(address)}), made by"
        " `facecoach devices inspect`.",
        "# It only reads the battery and device information until you describe the protocol.",
        "# See the README, 'Writing a device profile'.",
        "schema_version = 1",
        f'id = "{slug}"',
        f"name = {_quote(name.strip() or 'Unnamed device')}",
        'vendor = "fill in"',
        f"capabilities = {_list(capabilities)}",
        "",
        "[[match]]",
        _name_matcher(name),
        "",
        "[gatt]",
        f"device_info = {'true' if has_info else 'false'}",
    ]
    if has_battery:
        lines.append('battery = { uuid = "2a19" }')
    lines.append("")
    lines.append("# What the device offers:")
    for service in services:
        standard = " (standard)" if service.uuid in _STANDARD_SERVICES else ""
        lines.append(f"# service {service.uuid}{standard}: {service.description}")
        if service.uuid not in _STANDARD_SERVICES:
            lines.append(f'#   service = "{service.uuid}"')
        for char in service.characteristics:
            props = ", ".join(char.properties)
            lines.append(f"#   characteristic {char.uuid} [{props}] {char.description}")
            if service.uuid in _STANDARD_SERVICES:
                continue
            if "write" in char.properties or "write-without-response" in char.properties:
                mode = "with_response" if "write" in char.properties else "without_response"
                lines.append(f'#     command = {{ uuid = "{char.uuid}", write = "{mode}" }}')
            if "notify" in char.properties or "indicate" in char.properties:
                lines.append(f'#     notify = {{ uuid = "{char.uuid}" }}')
    return "\n".join(lines) + "\n"


def _name_matcher(name: str) -> str:
    """A `local_name` entry that matches this device and validates: its first word and a
    wildcard (the whole name when the word is short), with glob characters taken literally."""
    first_word = re.split(r"\s", name, maxsplit=1)[0]
    # Profiles strip the ends of a pattern: a wildcard covers trailing spaces.
    stem = first_word if len(first_word) >= LOCAL_NAME_LITERAL_START else name.rstrip()
    plain_start = stem[:LOCAL_NAME_LITERAL_START]
    wildcard = stem != name
    if (
        not stem
        or name != name.lstrip()
        or any(c in "*[" for c in plain_start)
        or (wildcard and len(stem) < LOCAL_NAME_LITERAL_START)
    ):
        return (
            "# The advertised name cannot be matched on (it starts with * or [, or with a\n"
            "# space): describe the device by service_uuid or manufacturer_id instead of this\n"
            "# placeholder.\n"
            'local_name = "fill in the name*"'
        )
    # fnmatch reads [ ] * ? as a pattern: a name from the radio is taken literally. The first
    # three characters are compared as plain text anyway (as Home Assistant does).
    rest = stem[LOCAL_NAME_LITERAL_START:]
    escaped = plain_start + "".join(f"[{c}]" if c in "*?[" else c for c in rest)
    return f"local_name = {_quote(escaped + '*' if wildcard else escaped)}"


def _printable(text: str) -> str:
    """For a comment, which TOML does not allow control characters in."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _quote(text: str) -> str:
    """A TOML basic string: a name from the radio may hold anything, control codes included."""
    escaped = []
    for char in text:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_quote(i) for i in items) + "]"
