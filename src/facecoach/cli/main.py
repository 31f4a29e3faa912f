"""The `facecoach` command line: user errors end here as one message and an exit code.

Exit codes (also in the README): 0 done; 1 an error the user can act on (one `facecoach: error:`
line says what); 2 the command line itself is wrong; 130 a session ended early (Ctrl-C, a
closed terminal, a refused question).
"""

import argparse
import errno
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from facecoach import __version__
from facecoach.cli.output import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, error
from facecoach.errors import FacecoachError
from facecoach.routines.limits import RESERVED_IDS

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


# `facecoach log edit ID` is parsed as the hidden command `log-edit`: `log` itself takes a
# routine as its first argument, which argparse cannot mix with sub-commands.
LOG_ACTIONS = RESERVED_IDS  # routine ids cannot be these words


def main(argv: Sequence[str] | None = None) -> int:
    words = _log_actions_joined(list(sys.argv[1:] if argv is None else argv))
    args = _app_arguments(words)
    if args is None:
        args = build_parser().parse_args(words)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if args.data_dir:
        from facecoach.config.paths import DATA_DIR_ENV

        os.environ[DATA_DIR_ENV] = args.data_dir
    if handler is None:
        handler = _open_app
    try:
        return handler(args)
    except FacecoachError as exc:
        error(str(exc))
        return EXIT_ERROR
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other tools do.
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        if exc.errno == errno.EIO:  # the terminal went away (SIGHUP); the log is already written
            return EXIT_INTERRUPTED
        raise
    finally:
        if "facecoach.cli.context" in sys.modules:  # a command that opened the core
            from facecoach.cli.context import close_companions

            close_companions()


def _log_actions_joined(argv: list[str]) -> list[str]:
    for index, word in enumerate(argv[:-1]):
        if word == "log" and argv[index + 1] in LOG_ACTIONS:
            return [*argv[:index], f"log-{argv[index + 1]}", *argv[index + 2 :]]
        if not word.startswith("-") and (index == 0 or argv[index - 1] != "--data-dir"):
            break  # the command is not `log`
    return argv


def _open_app(args: argparse.Namespace) -> int:
    if not has_terminal():
        raise FacecoachError(
            "the app needs a terminal (its input and output are redirected here). For plain "
            "text, use `facecoach coach ROUTINE`; `facecoach --help` lists every command."
        )
    from facecoach.cli.devices import transport_air
    from facecoach.tui.app import run_tui

    return run_tui(
        simulate=args.simulate,
        replay=getattr(args, "replay", None),
        radio=transport_air(getattr(args, "transport", None)),
    )


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


_INVALID_CHOICE = re.compile(r"argument (?P<what>[A-Z]+): invalid choice: '(?P<value>[^']*)'")


class CommandLineParser(argparse.ArgumentParser):
    """argparse, with its errors said the way every other facecoach error is: one line,
    `facecoach: error: ...`, naming the command and where its usage is, exit code 2."""

    def error(self, message: str) -> NoReturn:
        unknown = _INVALID_CHOICE.match(message)
        if unknown:  # not the list of every command, hidden ones included
            message = f"unknown {unknown['what'].lower()} {unknown['value']!r}"
        command = self.prog.removeprefix("facecoach").strip()
        where = f"{command}: " if command else ""
        self.exit(
            EXIT_USAGE,
            f"facecoach: error: {where}{message} (`{self.prog} --help` shows how to use it)\n",
        )


class _NotTheApp(Exception):
    """The words are not the app's options alone: the full parser reads them."""


class _AppOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheApp(message)


def _app_arguments(argv: list[str]) -> argparse.Namespace | None:
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


def build_parser() -> argparse.ArgumentParser:
    from facecoach.cli.adherence import add_adherence_commands
    from facecoach.cli.backup import add_backup_commands
    from facecoach.cli.coach import add_coach_command
    from facecoach.cli.devices import add_device_commands
    from facecoach.cli.doctor import add_doctor_command
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
    add_adherence_commands(commands)
    add_status_command(commands)
    add_remind_command(commands)
    add_doctor_command(commands)
    add_backup_commands(commands)
    add_device_commands(commands)
    add_simulator_commands(commands)
    return parser
