"""`facecoach simulator serve`: a simulated device on a real Bluetooth controller, via Bumble."""

import argparse
import asyncio
import signal
import time
from pathlib import Path

from facecoach.cli.output import EXIT_OK, print_problems, say
from facecoach.config.paths import data_dir, user_profiles_dir
from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.errors import FacecoachError
from facecoach.problems import problem_line
from facecoach.system.signals import handle_on_loop

KEYSTORE_FILE = "simulator-keys.json"


def add_simulator_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    simulator = commands.add_parser("simulator")
    actions = simulator.add_subparsers(title="simulator commands", metavar="ACTION")
    serve = actions.add_parser(
        "serve",
        help="advertise a simulated device through a Bumble transport until Ctrl-C",
        description="Takes over a Bluetooth controller through Bumble and serves a simulated "
        "device on it, built from a device profile, so a phone, a laptop or facecoach on "
        "another machine can scan for it, connect, pair and send it commands. The controller "
        "is used exclusively while this runs.",
    )
    serve.add_argument(
        "--transport",
        required=True,
        metavar="SPEC",
        help="a Bumble transport: usb:0, serial:/dev/ttyUSB0,1000000, vhci, tcp-client:HOST:PORT",
    )
    serve.add_argument(
        "--profile",
        default="reference-a",
        metavar="ID",
        help="device profile to simulate (default reference-a)",
    )
    serve.add_argument(
        "--address",
        help="static random address, first byte C0-FF (default: one of the profile's own, the "
        "same on every run, since phones remember names and services per address)",
    )
    serve.add_argument(
        "--keystore",
        metavar="PATH",
        help="file that keeps the bonds of centrals that paired, and the device's identity key, "
        "so a phone stays paired across restarts (default: simulator-keys.json in the data "
        "folder)",
    )
    serve.add_argument(
        "--forget-bonds",
        action="store_true",
        help="keep no keys: every central must pair again after a restart",
    )
    serve.add_argument("--name", help="advertised name (default: from the profile)")
    serve.add_argument("--battery", type=float, default=80.0, help="battery %% (default 80)")
    serve.add_argument(
        "--advertising",
        choices=("legacy", "extended"),
        default="legacy",
        help="legacy (with a scan response; every scanner sees it) or extended (one packet)",
    )
    serve.set_defaults(handler=_serve)

    def show_help(_args: argparse.Namespace) -> int:
        simulator.print_help()
        return EXIT_OK

    simulator.set_defaults(handler=show_help)


def _serve(args: argparse.Namespace) -> int:
    try:
        # An optional extra (Bumble), imported where it is used.
        from facecoach.devices.simulator.bumble.identity import default_address  # noqa: PLC0415
        from facecoach.devices.simulator.bumble.peripheral import (  # noqa: PLC0415
            AdvertisingMode,
            static_random_address,
        )
        from facecoach.devices.simulator.bumble.serve import serve  # noqa: PLC0415
    except ImportError:
        raise FacecoachError(
            "serving a simulated device needs Bumble: pip install 'facecoach[bumble]'"
        ) from None
    registry = load_registry(user_profiles_dir())
    print_problems(map(problem_line, registry.problems))
    try:
        profile = registry.get(args.profile)
        address = args.address or default_address(profile.id)
        static_random_address(address)
    except (DeviceError, ValueError) as error:
        raise FacecoachError(str(error)) from None
    keystore = None if args.forget_bonds else Path(args.keystore or data_dir() / KEYSTORE_FILE)
    if not 0 <= args.battery <= 100:
        raise FacecoachError("--battery must be from 0 to 100")
    device = SimulatedDevice.from_profile(profile, address.upper(), args.name, battery=args.battery)

    def report(text: str) -> None:
        say(f"{time.strftime('%H:%M:%S')} {text}")

    def said(_loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        # Whatever fails in a callback as serve ends (a central writing at Ctrl-C) is one line,
        # not a traceback: serve itself says its errors this way while it runs.
        error = context.get("exception")
        report(f"error: {error or context.get('message') or 'in the event loop'}")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(said)  # kept until the loop is closed, after serve
        handle_on_loop(loop, {signal.SIGINT: stop.set, signal.SIGTERM: stop.set})
        await serve(
            args.transport,
            device,
            stop,
            advertising=AdvertisingMode(args.advertising),
            on_event=report,
            keystore=keystore,
        )

    report(f"opening {args.transport} (the controller is ours until Ctrl-C)")
    try:
        asyncio.run(run())
    except DeviceError as error:
        raise FacecoachError(str(error)) from None
    report("stopped")
    return EXIT_OK
