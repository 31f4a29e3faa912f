"""The cores a command opened, closed when it ends; and the light core of `status`."""

from facecoach.cli.time_source import time_source
from facecoach.companion.core import Companion
from facecoach.config.paths import config_dir, database_path

# The cores this command opened: closed when it ends (see `close_companions`).
_opened: list[Companion] = []


def keep_until_the_end(companion: Companion) -> Companion:
    """Registers a core the command opened, for `close_companions` to close."""
    _opened.append(companion)
    return companion


def close_companions() -> None:
    """Closes the logs the command opened. A log that facecoach closes is stamped as checked,
    so the next command opens it without scanning the whole file again."""
    while _opened:
        _opened.pop().close()


def open_status_companion() -> Companion:
    """The core for `status`, which a status bar runs every few seconds: the log and what
    counting needs of the settings, nothing else (no routines, no devices). Problems met
    are for the caller to print, once it is done."""
    return keep_until_the_end(Companion(time_source().clock(), config_dir(), database_path()))
