"""What every command shares: exit codes, tables, and how problems and errors are printed."""

import signal
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from facecoach.wording.text import plain

EXIT_OK = 0
EXIT_ERROR = 1  # a user error or the environment: one `facecoach: error:` line says which
# 2 is argparse's own: the command line itself is wrong.
EXIT_INTERRUPTED = 130  # the shell convention for "ended by Ctrl-C"


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Columns padded to their widest cell; cells from files or radios shown as plain text."""
    # One line a row: a newline inside a name would break the table apart.
    cells = [[_one_line(str(cell)) for cell in row] for row in (header, *rows)]
    widths = [max(len(cell) for cell in column) for column in zip(*cells, strict=True)]
    for row in cells:
        padded = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        out.write("  ".join(padded).rstrip() + "\n")


def say(text: str) -> None:
    """A line on standard output; text from files, imports or the radio shown as text."""
    print(plain(text), flush=True)


def _one_line(text: str) -> str:
    return plain(text).replace("\n", " ").replace("\t", " ")


def warn(problem: str) -> None:
    print(f"facecoach: warning: {plain(problem)}", file=sys.stderr)


def print_problems(problems: Iterable[str]) -> None:
    """The problems met while loading (broken files and the like), each once."""
    for problem in dict.fromkeys(problems):
        warn(problem)


def error(message: str) -> None:
    print(f"facecoach: error: {plain(message)}", file=sys.stderr)


def ask_yes_no(question: str) -> bool:
    """A yes/no question on the terminal; anything but yes (or the end of input) is no.

    The prompt goes to standard error, so it is seen even when the output is redirected. Ctrl-C
    raises KeyboardInterrupt here even inside an event loop (whose own handler would only cancel
    a task and leave the question waiting).
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        sys.stderr.write(f"{question} [y/N] ")
        sys.stderr.flush()
        answer = sys.stdin.readline()
    finally:
        signal.signal(signal.SIGINT, previous)
    if not answer:  # end of input
        sys.stderr.write("\n")
        return False
    return answer.strip().lower() in ("y", "yes")
