"""The `facecoach` command line's parser: the app's own options, and every command's."""

import argparse
import difflib
import re
from typing import NoReturn

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


def whole_number(text: str) -> int:
    """An argparse type: '2.5' is 'not a whole number', as for every count facecoach reads."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


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
    from facecoach.cli.devices import replay_flag

    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the session log lives (default: the user data directory; "
        "environment: FACECOACH_DATA_DIR)",
    )
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="use simulated Bluetooth devices instead of the radio (try pairing without hardware)",
    )
    replay_flag(parser)


def parse(words: list[str]) -> argparse.Namespace:
    """The command line's arguments; on a mistake, says so and exits (code 2)."""
    args = app_arguments(words)
    return args if args is not None else build_parser().parse_args(words)


def build_parser() -> argparse.ArgumentParser:
    from facecoach.cli.adherence import add_adherence_commands
    from facecoach.cli.backup import add_backup_commands
    from facecoach.cli.calendar import add_calendar_commands
    from facecoach.cli.coach import add_coach_command
    from facecoach.cli.comfort import add_comfort_commands
    from facecoach.cli.devices import add_device_commands
    from facecoach.cli.doctor import add_doctor_command
    from facecoach.cli.evidence import add_evidence_command
    from facecoach.cli.photos import add_photo_commands
    from facecoach.cli.remind import add_remind_command
    from facecoach.cli.routines import add_routine_commands
    from facecoach.cli.safety import add_safety_commands
    from facecoach.cli.simulator import add_simulator_commands
    from facecoach.cli.status import add_status_command

    parser: argparse.ArgumentParser = CommandLineParser(
        prog="facecoach",
        allow_abbrev=False,  # `log edit` is found by the exact words
        description="A terminal companion for at-home microcurrent facial devices. "
        "Without a command, opens the full-screen app.",
    )
    parser.add_argument("--version", action="version", version=f"facecoach {__version__}")
    _add_app_options(parser)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    add_routine_commands(commands)
    add_coach_command(commands)
    add_safety_commands(commands)
    add_evidence_command(commands)
    add_adherence_commands(commands)
    add_comfort_commands(commands)
    add_status_command(commands)
    add_remind_command(commands)
    add_calendar_commands(commands)
    add_photo_commands(commands)
    add_doctor_command(commands)
    add_backup_commands(commands)
    add_device_commands(commands)
    add_simulator_commands(commands)
    return parser
