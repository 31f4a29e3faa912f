"""What the device did during a session, as the core tells the front ends: a kind from a closed
set with its sentence, decided once here.

A front end keeps its device line up to date with every message, but only some deserve more
than that. A program selected comes at the start and at zone changes, while the user reads the
countdown from arm's length: the device line shows it. The output stopped for a pause, or back
after a resume, follows a key the user just pressed, and changes what the skin feels: each front
end says it (the app in a short note, the plain coach in a line, for scripts and screen readers).
"""

from dataclasses import dataclass
from enum import StrEnum


class DeviceMessageKind(StrEnum):
    """What the device did."""

    PROGRAM_SELECTED = "program_selected"
    """A zone's program was selected on the device (at the start, or at a zone change)."""
    OUTPUT_PAUSED = "output_paused"
    """The device's output was stopped (or its level set to 0) for a pause."""
    OUTPUT_RESUMED = "output_resumed"
    """The device's output runs again after a resume (a device whose level is its output)."""

    @property
    def announced(self) -> bool:
        """Whether front ends say it in its own words (a note, a line), beyond the device line:
        only the output stopping and coming back."""
        return self in (DeviceMessageKind.OUTPUT_PAUSED, DeviceMessageKind.OUTPUT_RESUMED)


@dataclass(frozen=True, slots=True)
class DeviceMessage:
    """One thing the device did, with the sentence that says it."""

    kind: DeviceMessageKind
    text: str

    @property
    def announced(self) -> bool:
        """See `DeviceMessageKind.announced`."""
        return self.kind.announced
