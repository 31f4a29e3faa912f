"""What every command shares: exit codes, tables, and how problems and errors are printed."""

import shutil
import signal
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TextIO

from facecoach.errors import FacecoachError
from facecoach.wording.text import plain

EXIT_OK = 0
EXIT_ERROR = 1  # a user error or the environment: one `facecoach: error:` line says which
EXIT_USAGE = 2  # the command line itself is wrong (argparse's code, kept), same one-line form
EXIT_INTERRUPTED = 130  # the shell convention for "ended by Ctrl-C"


def print_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    out: TextIO,
    *,
    width: int | None = None,
) -> None:
    """Columns padded to their widest cell; cells from files or radios shown as plain text.

    On a terminal (or given `width`), the last column wraps onto indented lines so the table
    fits; piped output keeps one line per row for scripts."""
    # One line a row: a newline inside a name would break the table apart.
    cells = [[_one_line(str(cell)) for cell in row] for row in (header, *rows)]
    # A column empty in every row (no notes yet) is left out rather than shown as a header.
    kept = [
        i for i in range(len(header)) if not rows or any(cells[r][i] for r in range(1, len(cells)))
    ]
    cells = [[row[i] for i in kept] for row in cells]
    widths = [max(len(cell) for cell in column) for column in zip(*cells, strict=True)]
    if width is None:
        width = _terminal_width(out)
    indent = sum(widths[:-1]) + 2 * (len(widths) - 1)
    room = (width - indent) if width is not None else None
    for row in cells:
        padded = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=False)]
        last = row[-1]
        if room is None or len(last) <= room or room < 12:
            out.write("  ".join([*padded, last]).rstrip() + "\n")
            continue
        lines = textwrap.wrap(last, room, break_on_hyphens=False) or [""]
        out.write("  ".join([*padded, lines[0]]).rstrip() + "\n")
        for more in lines[1:]:
            out.write(" " * indent + more + "\n")


def _terminal_width(out: TextIO) -> int | None:
    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns


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
    """A yes/no question whose safe side is "no" (gel applied? start anyway?): anything but
    yes, or the end of input, is no.

    The prompt goes to standard error, so it is seen even when the output is redirected. Ctrl-C
    raises KeyboardInterrupt here even inside an event loop (whose own handler would only cancel
    a task and leave the question waiting).
    """
    answer = read_answer(f"{question} [y/N] ")
    return answer is not None and answer.strip().lower() in _YES


_YES = ("y", "yes")
_NO = ("n", "no")
UNCLEAR_ANSWERS_ALLOWED = 5  # then the question is given up, rather than asked for ever


def ask_clearly(question: str) -> bool:
    """A yes/no question with no safe default (a contraindication, where "no" lets a session
    start): only y/yes or n/no is taken, anything else is asked again.

    The end of input, or too many unclear answers in a row, is a FacecoachError that says
    nothing was saved; Ctrl-C raises KeyboardInterrupt. The caller saves only once every
    question has its answer, so either ends with nothing saved.
    """
    for _ in range(UNCLEAR_ANSWERS_ALLOWED):
        answer = read_answer(f"{question} [y/n] ")
        if answer is None:
            raise FacecoachError(
                "the input ended before every safety question had an answer; nothing was saved"
            )
        word = answer.strip().lower()
        if word in _YES or word in _NO:
            return word in _YES
        sys.stderr.write("Please answer y or n.\n")
    raise FacecoachError(
        f"no clear answer (y or n) after {UNCLEAR_ANSWERS_ALLOWED} tries; nothing was saved"
    )


def read_answer(prompt: str) -> str | None:
    """One line typed at the terminal after PROMPT (on standard error), or None at the end of
    input; Ctrl-C raises KeyboardInterrupt, whatever handler the caller had set."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        sys.stderr.write(prompt)
        sys.stderr.flush()
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        sys.stderr.write("\n")  # the terminal echoed ^C after the prompt: the error starts anew
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
    if not answer:  # end of input
        sys.stderr.write("\n")
        return None
    return answer
