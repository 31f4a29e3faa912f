"""The `facecoach` command line: user errors end here as one message and an exit code.

Exit codes (also in the README): 0 done; 1 an error the user can act on (one `facecoach: error:`
line says what); 2 the command line itself is wrong; 130 a session ended early (Ctrl-C, a
closed terminal, a refused question).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.cli.output import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, error
from facecoach.errors import FacecoachError

if TYPE_CHECKING:
    import argparse

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words:
        # The app as it is, its most common start: the parser (argparse and its translations,
        # a few ms of the app's first frame) is not even loaded.
        return _handled(_open_app)
    from facecoach.cli.parser import parse

    args = parse(_log_actions_joined(words))
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if args.data_dir:
        from facecoach.config.paths import DATA_DIR_ENV

        os.environ[DATA_DIR_ENV] = args.data_dir
    if handler is None:
        return _handled(
            lambda: _open_app(
                simulate=args.simulate,
                replay=getattr(args, "replay", None),
                transport=getattr(args, "transport", None),
            )
        )
    return _handled(lambda: handler(args))


def _handled(run: Callable[[], int]) -> int:
    """Runs a command (or the app): user errors end here as one message and an exit code."""
    try:
        return run()
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
        if exc.errno == errno.ENAMETOOLONG:  # any path the user gave, wherever it was used
            error(
                f"{exc.filename}: a name in this path is longer than the file system allows "
                "(255 bytes at most); choose a shorter one. Nothing was changed."
            )
            return EXIT_ERROR
        raise
    finally:
        if "facecoach.cli.companions" in sys.modules:  # a command that opened the core
            from facecoach.cli.companions import close_companions

            close_companions()


def _log_actions_joined(argv: list[str]) -> list[str]:
    """`facecoach log edit ID` is parsed as the hidden command `log-edit`: `log` itself takes
    a routine as its first argument, which argparse cannot mix with sub-commands."""
    from facecoach.routines.limits import RESERVED_IDS  # routine ids cannot be these words

    for index, word in enumerate(argv[:-1]):
        if word == "log" and argv[index + 1] in RESERVED_IDS:
            return [*argv[:index], f"log-{argv[index + 1]}", *argv[index + 2 :]]
        if not word.startswith("-") and (index == 0 or argv[index - 1] != "--data-dir"):
            break  # the command is not `log`
    return argv


def _open_app(
    *, simulate: bool = False, replay: Path | None = None, transport: str | None = None
) -> int:
    if not has_terminal():
        raise FacecoachError(
            "the app needs a terminal (its input and output are redirected here). For plain "
            "text, use `facecoach coach ROUTINE`; `facecoach --help` lists every command."
        )
    from facecoach.tui.app import run_tui

    radio = None
    if transport is not None:
        from facecoach.cli.context import transport_air

        radio = transport_air(transport)
    return run_tui(simulate=simulate, replay=replay, radio=radio)


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
