"""The application core as the command line opens it: the user's files and the real clock."""

import argparse

from facecoach.cli.output import print_problems
from facecoach.companion.core import Companion


def open_companion(args: argparse.Namespace) -> Companion:
    """The core for one command; problems met while loading are printed once, as warnings."""
    from facecoach.companion.devices import DeviceService
    from facecoach.config.paths import config_dir, database_path
    from facecoach.session.clock import SystemClock

    config = config_dir()
    device = DeviceService(config, simulate=bool(getattr(args, "simulate", False)))
    companion = Companion(SystemClock(), config, database_path(), device=device)
    print_problems(companion.load())
    return companion
