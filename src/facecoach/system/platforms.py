"""Which operating system this is, said once: every adapter that differs per OS asks here."""

import sys
from enum import StrEnum


class OperatingSystem(StrEnum):
    LINUX = "linux"  # and the other Unixes without a desktop scheduler of their own
    MACOS = "darwin"
    WINDOWS = "win32"


def operating_system(platform: str = sys.platform) -> OperatingSystem:
    """The OS of `platform` (a `sys.platform` value); a Unix that is not macOS is as Linux."""
    if platform == "darwin":
        return OperatingSystem.MACOS
    if platform == "win32":
        return OperatingSystem.WINDOWS
    return OperatingSystem.LINUX
