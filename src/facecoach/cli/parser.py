"""The `facecoach` command line's parser: the app's own options, and every command's."""

import argparse
import difflib
import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from facecoach import __version__
from facecoach.cli.output import EXIT_USAGE

_INVALID_CHOICE = re.compile(
    r"argument (?P<what>[A-Z]+): invalid choice: '(?P<value>[^']*)'"
    r"(?: \(choose from (?P<choices>.*)\))?"
)


class CommandLineParser(argparse.ArgumentParser):
    """argparse, with its errors said the way every other facecoach error is: one line,
    `facecoach: error: ...`, naming the command and where its usage is, exit code 2."""

    def error(self, message: str) -> NoReturn:
        unknown = _INVALID_CHOICE.match(message)
        if unknown:  # not the list of every command, hidden ones included
            message = f"unknown {unknown['what'].lower()} {unknown['value']!r}"
            choices = re.findall(r"'([^']*)'", unknown["choices"] or "")
            close = difflib.get_close_matches(unknown["value"], choices, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
        command = self.prog.removeprefix("facecoach").strip()
        where = f"{command}: " if command else ""
        self.exit(
            EXIT_USAGE,
            f"facecoach: error: {where}{message} (`{self.prog} --help` shows how to use it)\n",
        )


class _CommandParser(CommandLineParser):
    """A command's parser, and each of its actions': the app's `--data-dir` is read after the
    command too (`facecoach coach express --data-dir D`), where a user types it last. Not given
    there, it sets nothing, so the value before the command (or the default) stands. The
    device's options (`--simulate`, `--replay`, `--transport`) are the device commands' own."""

    def __init__(self, *args: Any, app_options: bool = True, **kwargs: Any) -> None:
        # Options are found by their whole name, as the app's own are: with `--data-dir` on
        # every command, `--dat` would be ambiguous beside `--date`, and an abbreviation a
        # later option makes ambiguous would break a script that used it.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        if app_options:
            _data_dir_option(self, default=argparse.SUPPRESS)


def whole_number(text: str) -> int:
    """An argparse type: '2.5' is 'not a whole number', as for every count facecoach reads."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def handler_in(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """A command's handler named in its module, which is imported when the command runs (the
    command line's seam: building the parser loads no command's work)."""

    def handler(args: argparse.Namespace) -> int:
        run: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
        return run(args)

    return handler


class _NotTheApp(Exception):
    """The words are not the app's options alone: the full parser reads them."""


class _AppOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheApp(message)


def app_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The arguments when they only open the app (no command, no --help, no --version), or None.

    Read without building every command's parser: that imports every command's module (stats,
    preflight, ...) and builds some 40 parsers, about 50 ms of the app's start. Whatever else
    the words are, the full parser reads them, so help, errors and commands are its own.
    """
    parser = _AppOptionsParser(prog="facecoach", add_help=False, allow_abbrev=False)
    _add_app_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotTheApp:
        return None
    return None if rest else args


def _add_app_options(parser: argparse.ArgumentParser) -> None:
    """The options of the app itself (every command shares them)."""
    _data_dir_option(parser, default=None)
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="use simulated Bluetooth devices instead of the radio (try pairing without hardware)",
    )
    replay_flag(parser)


def _data_dir_option(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="where the session log lives (default: the user data directory; "
        "environment: FACECOACH_DATA_DIR)",
    )


def replay_flag(parser: argparse.ArgumentParser) -> None:
    """--replay and --transport: the device another way than through the system's radio."""
    parser.add_argument(
        "--replay",
        metavar="TRACE",
        type=Path,
        default=argparse.SUPPRESS,
        help="a device played back from a trace (`devices record`) instead of the radio",
    )
    parser.add_argument(
        "--transport",
        metavar="SPEC",
        default=argparse.SUPPRESS,
        help="reach devices through this Bluetooth controller with facecoach's own stack "
        "(Bumble) instead of the system's: usb:0, serial:/dev/ttyUSB0,1000000, "
        "tcp-client:HOST:PORT, vhci (needs the bumble extra)",
    )


class Command(NamedTuple):
    """A command of the command line: where its parser and handlers are, and its line in
    `facecoach --help` (None: a hidden command, as `log-edit` for `log edit`)."""

    module: str
    adds_parsers: str
    help: str | None


# Every command, in the order `facecoach --help` lists them. A command's module is imported
# only when that command runs (the seam where the command line is lazy): `status`, which a
# status bar runs every few seconds, loads what status needs and nothing of `devices` or
# `coach`; each command module imports what it needs at its top.
COMMANDS: dict[str, Command] = {
    "routines": Command(
        "facecoach.cli.routines", "add_routine_commands", "list, show and validate routines"
    ),
    "coach": Command(
        "facecoach.cli.coach",
        "add_coach_command",
        "run a guided session as plain text, in real time",
    ),
    "safety": Command(
        "facecoach.cli.safety",
        "add_safety_commands",
        "the safety questions, your answers and the waiting period",
    ),
    "evidence": Command(
        "facecoach.cli.evidence",
        "add_evidence_command",
        "what is known: what the studies behind microcurrent claims measured",
    ),
    "stats": Command(
        "facecoach.cli.adherence", "add_adherence_commands", "streaks, goals and progress"
    ),
    "history": Command("facecoach.cli.adherence", "add_adherence_commands", "recent sessions"),
    "log": Command(
        "facecoach.cli.adherence",
        "add_adherence_commands",
        "record a session done without the app; log edit|delete|undo|purge correct the log",
    ),
    "log-edit": Command("facecoach.cli.adherence", "add_adherence_commands", None),
    "log-delete": Command("facecoach.cli.adherence", "add_adherence_commands", None),
    "log-undo": Command("facecoach.cli.adherence", "add_adherence_commands", None),
    "log-purge": Command("facecoach.cli.adherence", "add_adherence_commands", None),
    "skip": Command(
        "facecoach.cli.adherence",
        "add_adherence_commands",
        "mark days as skip days (vacation, illness, after an injection)",
    ),
    "export": Command(
        "facecoach.cli.adherence", "add_adherence_commands", "write the session log as CSV or JSON"
    ),
    "import": Command(
        "facecoach.cli.adherence",
        "add_adherence_commands",
        "add sessions from an export (idempotent)",
    ),
    "program": Command(
        "facecoach.cli.adherence",
        "add_adherence_commands",
        "show or change the goal and its phases",
    ),
    "comfort": Command(
        "facecoach.cli.comfort",
        "add_comfort_commands",
        "how sessions felt, and the suggestion to go easier or step back up",
    ),
    "status": Command(
        "facecoach.cli.status",
        "add_status_command",
        "one line for a status bar: due or done today, streak, week",
    ),
    "remind": Command(
        "facecoach.cli.remind",
        "add_remind_command",
        "remind you when a session is due (for a daily schedule)",
    ),
    "calendar": Command(
        "facecoach.cli.calendar",
        "add_calendar_commands",
        "the program's planned sessions as a calendar file (.ics)",
    ),
    "photos": Command(
        "facecoach.cli.photos",
        "add_photo_commands",
        "progress photos, private, in the data folder",
    ),
    "doctor": Command(
        "facecoach.cli.doctor",
        "add_doctor_command",
        "what this machine has for cues, notifications, Bluetooth and reminders",
    ),
    "backup": Command(
        "facecoach.cli.backup",
        "add_backup_commands",
        "back up the session log now, or list the backups (backup list)",
    ),
    "restore": Command(
        "facecoach.cli.backup",
        "add_backup_commands",
        "put a backup in the session log's place (the current log is kept aside)",
    ),
    "devices": Command(
        "facecoach.cli.devices",
        "add_device_commands",
        "scan for, pair and inspect Bluetooth devices",
    ),
    "profiles": Command(
        "facecoach.cli.devices", "add_device_commands", "list and validate device profiles"
    ),
    "simulator": Command(
        "facecoach.cli.simulator",
        "add_simulator_commands",
        "run a simulated device on a real Bluetooth controller (needs facecoach[bumble])",
    ),
}


def parse(words: list[str]) -> argparse.Namespace:
    """The command line's arguments; on a mistake, says so and exits (code 2)."""
    args = app_arguments(words)
    if args is not None:
        return args
    return build_parser(_command_named(words)).parse_args(words)


def _command_named(words: list[str]) -> str | None:
    """The command the words name: read with the app's options alone where that tells (about
    4 ms less than building every command's place, of some 9 ms a command's parse took), else by
    the parser of every command's place, which also says what is wrong with the words."""
    parser = _AppOptionsParser(prog="facecoach", add_help=False, allow_abbrev=False)
    _add_app_options(parser)
    parser.add_argument("command", nargs="?")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        found, unknown = parser.parse_known_args(words)
    except _NotTheApp:
        found, unknown = None, []
    if found is not None and not unknown and found.command in COMMANDS:
        return str(found.command)
    # --help, --version, a word that is no command, a mistake in the app's options.
    everything, _rest = build_parser().parse_known_args(words)
    named: str | None = everything.command
    return named


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, with the parsers of `command` (and of the commands its module adds)
    read from its module, and every other command a name and a help line."""
    parser: argparse.ArgumentParser = CommandLineParser(
        prog="facecoach",
        allow_abbrev=False,  # `log edit` is found by the exact words
        description="A terminal companion for at-home microcurrent facial devices. "
        "Without a command, opens the full-screen app.",
    )
    parser.add_argument("--version", action="version", version=f"facecoach {__version__}")
    _add_app_options(parser)
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", dest="command", parser_class=_CommandParser
    )
    chosen = COMMANDS.get(command or "")
    for name, entry in COMMANDS.items():
        if chosen is not None and entry.module == chosen.module:
            if name == command:
                getattr(importlib.import_module(entry.module), entry.adds_parsers)(commands)
            continue
        # Its place before its module is loaded: a name and a help line, for `--help` and
        # for "did you mean"; what follows the name is left for its own parser.
        extra: dict[str, Any] = {} if entry.help is None else {"help": entry.help}
        unread = commands.add_parser(name, add_help=False, app_options=False, **extra)
        unread.add_argument("unread", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser
