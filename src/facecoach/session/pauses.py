"""Why a session is paused, and what that means for the device (pure: the wording below the
core says it by the enum itself).

A pause the user asked for (space in the app, Ctrl-Z in the coach) stops the device at once. A
pause the user did not ask for, because something covers the session (the command palette, the
zone guide, a dialog) or the terminal is too small to show it, stops the timer at once but the
device only once it has lasted `PAUSE_GRACE_SECONDS`: a glance at the palette must not cost a
device that starts on its own button a restart.
"""

from enum import StrEnum

PAUSE_GRACE_SECONDS = 10.0
"""How long a pause the user did not ask for may last before the device is stopped."""


class PauseReason(StrEnum):
    """Why a session is paused."""

    ASKED = "asked"
    """The user paused it (space in the app, Ctrl-Z in the coach)."""
    COVERED = "covered"
    """Something covers the session: the command palette, the zone guide, a dialog."""
    TOO_SMALL = "too_small"
    """The terminal is too small to show the session."""

    @property
    def stops_device_at_once(self) -> bool:
        """Whether the device is stopped at once, not after the grace."""
        return self is PauseReason.ASKED
