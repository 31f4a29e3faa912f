"""The application core as the command line opens it: the user's files, the command's clock
(the real one, unless a test gives its own) and the device as the command line asks for it."""

import argparse
from typing import TYPE_CHECKING

from facecoach.cli.companions import keep_until_the_end
from facecoach.cli.output import print_problems
from facecoach.cli.time_source import time_source
from facecoach.companion.core import Companion
from facecoach.companion.devices import DeviceService
from facecoach.config.paths import config_dir, database_path
from facecoach.errors import FacecoachError

if TYPE_CHECKING:
    from facecoach.devices.simulator.inprocess import Air


def open_companion(args: argparse.Namespace) -> Companion:
    """The core for one command; problems met while loading are printed once, as warnings."""
    config = config_dir()
    device = device_service(args)
    clock = time_source().clock()
    companion = keep_until_the_end(Companion(clock, config, database_path(), device=device))
    print_problems(companion.load())
    return companion


def device_service(args: argparse.Namespace) -> "DeviceService":
    """The device service as the command line asks for it: the radio, simulated devices, or a
    recorded device played back."""
    check_device_source(args)
    return DeviceService(
        config_dir(),
        simulate=bool(getattr(args, "simulate", False)),
        replay=getattr(args, "replay", None),
        radio=transport_air(getattr(args, "transport", None)),
    )


def check_device_source(args: argparse.Namespace) -> None:
    """--simulate, --replay and --transport each say where the device is: one at a time."""
    chosen = [
        flag
        for flag, given in (
            ("--simulate", getattr(args, "simulate", False)),
            ("--replay", getattr(args, "replay", None) is not None),
            ("--transport", getattr(args, "transport", None) is not None),
        )
        if given
    ]
    if len(chosen) > 1:
        raise FacecoachError(
            f"{' and '.join(chosen)} cannot go together: each says where the device is"
        )


def transport_air(spec: str | None) -> "Air | None":
    """The radio on a Bumble transport, for --transport; None for the system's own."""
    if spec is None:
        return None
    try:
        # An optional extra, imported where it is used.
        from facecoach.devices.transport.bumble_central import TransportAir  # noqa: PLC0415
    except ImportError:
        raise FacecoachError(
            "--transport needs Bumble: `pip install 'facecoach[bumble]'`"
        ) from None
    return TransportAir(spec)
