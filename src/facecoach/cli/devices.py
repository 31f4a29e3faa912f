"""`facecoach devices ...` and `facecoach profiles ...`: Bluetooth devices from the shell.

Their arguments only: what each does is in `cli/device_commands.py`, loaded when one runs (the
command line's seam), so that `coach`, which shares --replay and --transport, does not load it.
"""

import argparse
from collections.abc import Callable
from pathlib import Path

from facecoach.cli.parser import handler_in

# Said again for cli/coach.py, which imports it from here (lead: from cli.parser after lifecycle).
from facecoach.cli.parser import replay_flag as replay_flag


def _later(name: str) -> Callable[[argparse.Namespace], int]:
    return handler_in("facecoach.cli.device_commands", name)


def add_device_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    devices = commands.add_parser(
        "devices",
        description="Bluetooth LE devices. With --simulate, simulated devices (one per shipped "
        "profile) stand in for hardware.",
    )
    _simulate_flag(devices)
    devices.set_defaults(handler=_later("devices_list"))
    actions = devices.add_subparsers(title="device commands", metavar="ACTION")

    scan = actions.add_parser("scan", help="list nearby devices and the profile each matches")
    scan.add_argument("--seconds", type=float, default=5.0, help="how long to scan (default 5)")
    _simulate_flag(scan)
    scan.set_defaults(handler=_later("devices_scan"))

    pair = actions.add_parser("pair", help="connect to a device, check it and remember it")
    pair.add_argument("address", metavar="ADDRESS")
    pair.add_argument("--profile", metavar="ID", help="use this profile instead of matching")
    _simulate_flag(pair)
    pair.set_defaults(handler=_later("devices_pair"))

    forget = actions.add_parser("forget", help="forget a paired device")
    forget.add_argument("address", metavar="ADDRESS")
    forget.set_defaults(handler=_later("devices_forget"))

    listing = actions.add_parser("list", help="list paired devices (default)")
    listing.set_defaults(handler=_later("devices_list"))

    info = actions.add_parser("info", help="connect and show battery, charging and programs")
    info.add_argument("address", metavar="ADDRESS", nargs="?", help="default: the paired device")
    _simulate_flag(info)
    info.set_defaults(handler=_later("devices_info"))

    record = actions.add_parser(
        "record",
        help="record the paired device's link to a trace file, for a bug report",
        description="Connects to the paired device and records every frame between it and "
        "facecoach, with timestamps, until the time is up or Ctrl-C. Use the device (its "
        "buttons, its charger) meanwhile. `facecoach --replay FILE` plays the trace back as a "
        "device; `coach --record FILE` records a whole session instead.",
    )
    record.add_argument("file", metavar="FILE", type=Path, help="the trace file to write")
    record.add_argument(
        "--seconds", type=float, default=60.0, help="how long to record (default 60)"
    )
    record.add_argument("--force", action="store_true", help="replace FILE if it exists")
    record.add_argument(
        "--redact",
        action="store_true",
        help="leave the device's address and serial numbers out of the trace, to share it",
    )
    _simulate_flag(record)
    record.set_defaults(handler=_later("devices_record"))

    send = actions.add_parser(
        "send",
        help="send one command of the paired device's profile (--list shows them)",
        description="Connects to the paired device, sends one command exactly as its profile "
        "writes it (arguments as NAME=VALUE, decimal or 0x hex), prints the device's answer "
        "and disconnects. For commands beyond the ones facecoach sends by itself (a timer, a "
        "setting). `start` is never sent: stimulation starts on the device. Nothing but "
        "`stop` goes to a device on its charger.",
    )
    send.add_argument("command", metavar="COMMAND", nargs="?", help="a command of the profile")
    send.add_argument("values", metavar="NAME=VALUE", nargs="*", help="the command's arguments")
    send.add_argument(
        "--list", action="store_true", help="list the profile's commands instead (no radio)"
    )
    send.add_argument("--address", metavar="ADDRESS", help="default: the paired device")
    _simulate_flag(send)
    send.set_defaults(handler=_later("devices_send"))

    inspect = actions.add_parser(
        "inspect", help="print a device's services as a profile skeleton (TOML)"
    )
    inspect.add_argument("address", metavar="ADDRESS")
    _simulate_flag(inspect)
    inspect.set_defaults(handler=_later("devices_inspect"))

    profiles = commands.add_parser("profiles")
    profiles.set_defaults(handler=_later("profiles_list"))
    profile_actions = profiles.add_subparsers(title="profile commands", metavar="ACTION")
    plist = profile_actions.add_parser("list", help="list the device profiles (default)")
    plist.set_defaults(handler=_later("profiles_list"))
    validate = profile_actions.add_parser(
        "validate", help="check profile files, including their golden vectors"
    )
    validate.add_argument("files", metavar="FILE", nargs="+", help="device profile files to check")
    validate.set_defaults(handler=_later("profiles_validate"))
    learn = profile_actions.add_parser(
        "learn",
        help="draft a profile from a Bluetooth capture of the device's own app",
        description="Reads an HCI capture (btsnoop: Android's 'Bluetooth HCI snoop log', "
        "`btmon -w FILE`, or Bumble's snooper; an Android bug report zip holding one; a pcapng "
        "or pcap of HCI traffic from Wireshark) of the vendor's app talking to the device, "
        "finds the command and notify characteristics, tries every frame layout facecoach "
        "knows on the frames, and writes a draft profile that validates, with TODO comments "
        "for what the capture cannot tell. Prints a report of what it found. Needs the bumble "
        "extra.",
    )
    learn.add_argument(
        "capture",
        metavar="CAPTURE",
        type=Path,
        help="the capture: btsnoop, an Android bug report zip, or pcapng/pcap",
    )
    learn.add_argument(
        "--output",
        metavar="FILE",
        help="where to write the draft (default: CAPTURE's name with .toml, beside it; "
        "'-' writes it to standard output and the report to standard error)",
    )
    learn.add_argument("--id", metavar="ID", help="the draft's profile id (default: from its name)")
    learn.add_argument("--force", action="store_true", help="overwrite the output file")
    learn.add_argument(
        "--device",
        metavar="ADDRESS_OR_NAME",
        help="learn this device, in a capture that holds several (a phone's watch, earbuds): "
        "its address or the start of its advertised name (default: the device the app "
        "wrote most commands to, among those whose services the capture discovered)",
    )
    learn.add_argument(
        "--redact",
        action="store_true",
        help="leave the capture's Bluetooth addresses and serial numbers out of the draft and "
        "the report, to share them (frames that hold one are left out of the vectors)",
    )
    learn.set_defaults(handler=_later("profiles_learn"))


def _simulate_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--simulate",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use simulated devices instead of the Bluetooth radio",
    )
    replay_flag(parser)
