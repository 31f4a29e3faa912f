"""What the device did during a session, as the core tells the front ends: a kind from a closed
set with its sentence, decided once here.

A front end keeps its device line up to date with every message, but only some deserve more
than that. A program selected comes at the start and at zone changes, while the user reads the
countdown from arm's length: the device line shows it. The output stopped for a pause, or back
after a resume, and a device to start again on its own button, change what the skin feels: the
app's device line says the output's state each message carries, and the plain coach writes a
line (for scripts and screen readers).
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
    START_AGAIN = "start_again"
    """After a resume, the user is to start the device again on its own button: it may have
    been running when the pause stopped it, and facecoach never starts a device."""
    OUTPUT_STATE = "output_state"
    """The output's state changed with nothing done by facecoach: the device reported that it
    runs (started on its own button), or a resume left nothing to say; the device line only."""

    @property
    def announced(self) -> bool:
        """Whether front ends say it in its own words (the coach's line), beyond the device
        line: the output stopping, coming back, or to be started again."""
        return self not in (DeviceMessageKind.PROGRAM_SELECTED, DeviceMessageKind.OUTPUT_STATE)


@dataclass(frozen=True, slots=True)
class DeviceMessage:
    """One thing the device did, with the sentence that says it."""

    kind: DeviceMessageKind
    text: str
    state: str = ""
    """What a device line says of the device's output until the next message ("stopped for
    the pause"); empty: its usual line. The core works it out (`DeviceProgramSink`); a front
    end only shows it."""

    @property
    def announced(self) -> bool:
        """See `DeviceMessageKind.announced`."""
        return self.kind.announced
