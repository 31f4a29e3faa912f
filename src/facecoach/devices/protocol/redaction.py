"""`--redact`: what identifies one person's device (its Bluetooth addresses, the serial number in
its name or its Device Information) taken out of what a user shares: a learned draft and its
report, a device trace.

An address is found in any case and with any separator (`3C:AB:72:5E:F5:22`, `3cab725ef522`,
inside `BLOCK3CAB725EF522`), and in frames as its six bytes in either order; a serial number as
text and as its ASCII bytes. Text gets a placeholder; a frame gets zeros in its place (a trace
stays replayable), and a learned draft leaves out the frames that hold one, since a changed
frame would no longer check as a golden vector.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

PLACEHOLDER = "[redacted]"
# What replaces an address where one must stay a valid address (a trace's header).
REDACTED_ADDRESS = "00:00:00:00:00:00"
_ADDRESS = re.compile(r"^([0-9A-Fa-f]{2})([:\-_ ]?[0-9A-Fa-f]{2}){5}(/P)?$")
# A unit's serial number at the end of its name: 'FC-RefA 0007', 'NOVA_O38240700268'.
_SERIAL_TAIL = re.compile(r"[0-9A-Fa-f:]*[0-9][0-9A-Fa-f:]*$")
MIN_SERIAL = 4  # shorter tails ('2', 'S9') are a model, not a unit


@dataclass(frozen=True)
class Redactor:
    """Hides the given addresses and serial numbers in text and in frames."""

    patterns: tuple[re.Pattern[str], ...] = ()
    secrets: tuple[bytes, ...] = ()  # byte strings never to show in a frame

    def text(self, value: str) -> str:
        for pattern in self.patterns:
            value = pattern.sub(PLACEHOLDER, value)
        return value

    def holds(self, data: bytes) -> bool:
        return any(secret in data for secret in self.secrets)

    def mask(self, data: bytes) -> bytes:
        for secret in self.secrets:
            data = data.replace(secret, bytes(len(secret)))
        return data

    @property
    def active(self) -> bool:
        return bool(self.patterns)


def serial_of(name: str) -> str | None:
    """The serial number a device's name ends with, if any."""
    found = _SERIAL_TAIL.search(name.strip())
    tail = found.group(0).strip(":") if found else ""
    return tail if len(tail) >= MIN_SERIAL else None


def redactor_for(
    addresses: Iterable[str], names: Iterable[str] = (), serials: Iterable[str] = ()
) -> Redactor:
    """A redactor for these addresses, the serial numbers these names end with, and these
    serial numbers (from Device Information)."""
    patterns: list[re.Pattern[str]] = []
    secrets: list[bytes] = []
    for address in sorted(set(addresses)):
        found = _ADDRESS.match(address.strip())
        if found is None:
            continue
        digits = re.sub(r"[^0-9A-Fa-f]", "", address.strip().removesuffix("/P"))
        pairs = [digits[i : i + 2] for i in range(0, 12, 2)]
        patterns.append(re.compile(r"[:\-_ ]?".join(pairs), re.IGNORECASE))
        raw = bytes.fromhex(digits)
        secrets += [raw, raw[::-1], digits.upper().encode(), digits.lower().encode()]
    tails = [serial_of(name) for name in names]
    for serial in sorted({s for s in (*tails, *serials) if s and len(s) >= MIN_SERIAL}):
        patterns.append(re.compile(re.escape(serial), re.IGNORECASE))
        secrets.append(serial.encode())
    # Longest first, so that a serial inside an address-like run is hidden whole.
    patterns.sort(key=lambda p: len(p.pattern), reverse=True)
    return Redactor(tuple(patterns), tuple(sorted(set(secrets), key=len, reverse=True)))
