"""The application core as the command line opens it: the user's files and the real clock."""

import argparse

from facecoach.cli.output import print_problems
from facecoach.companion.core import Companion

# The cores this command opened: closed when it ends (see `close_companions`).
_opened: list[Companion] = []


def close_companions() -> None:
    """Closes the logs the command opened. A log that facecoach closes is stamped as checked,
    so the next command opens it without scanning the whole file again."""
    while _opened:
        _opened.pop().close()


def open_companion(args: argparse.Namespace) -> Companion:
    """The core for one command; problems met while loading are printed once, as warnings."""
    from facecoach.cli.devices import device_service
    from facecoach.config.paths import config_dir, database_path
    from facecoach.session.clock import SystemClock

    config = config_dir()
    device = device_service(args)
    companion = Companion(SystemClock(), config, database_path(), device=device)
    _opened.append(companion)
    print_problems(companion.load())
    return companion


def open_status_companion() -> Companion:
    """The core for `status`, which a status bar runs every few seconds: the log and what
    counting needs of the settings, nothing else (no routines, no devices). Problems met
    are for the caller to print, once it is done."""
    from facecoach.config.paths import config_dir, database_path
    from facecoach.session.clock import SystemClock

    companion = Companion(SystemClock(), config_dir(), database_path())
    _opened.append(companion)
    return companion
