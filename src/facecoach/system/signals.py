"""Signals as each OS delivers them: which ones mean "the terminal went away" or "you are being
ended", how an asyncio program hears them, and whether there is a job-control resume.

- POSIX: a closed terminal is SIGHUP, `kill` is SIGTERM, Ctrl-Z is SIGTSTP and `fg` ends in
  SIGCONT; asyncio's `loop.add_signal_handler` runs a handler on the loop.
- Windows: no SIGHUP and no job control. The C runtime turns Ctrl-Break and the console's close,
  log-off and shut-down events into SIGBREAK (a closed console gives the process about five
  seconds), and the Proactor loop has no `add_signal_handler`: a plain handler hands the call to
  the loop with `call_soon_threadsafe`.
"""

import asyncio
import os
import signal
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from functools import partial
from types import FrameType

if sys.platform == "win32":
    # Ctrl-Break and the console closing (or the user logging off): as a closed terminal.
    TERMINAL_CLOSED_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGBREAK,)
    # No job control on Windows: nothing stops and resumes the process under the app.
    RESUME_SIGNAL: signal.Signals | None = None
    SUSPEND_SIGNAL: signal.Signals | None = None
else:
    TERMINAL_CLOSED_SIGNALS = (signal.SIGHUP,)
    RESUME_SIGNAL = signal.SIGCONT
    # Ctrl-Z at a terminal in its ordinary (cooked) mode: the process is about to stop.
    SUSPEND_SIGNAL = signal.SIGTSTP

# The signals that end the program without the user choosing it at the keyboard.
EXIT_SIGNALS: tuple[signal.Signals, ...] = (*TERMINAL_CLOSED_SIGNALS, signal.SIGTERM)


def handle_on_loop(
    loop: asyncio.AbstractEventLoop, handlers: Mapping[signal.Signals, Callable[[], object]]
) -> Callable[[], None]:
    """Runs each handler on `loop` when its signal comes; returns what puts the previous
    handling back. Signals that cannot be handled here (off the main thread) are left alone."""
    undo: list[Callable[[], None]] = []
    for signum, handler in handlers.items():
        try:
            loop.add_signal_handler(signum, handler)
        except NotImplementedError:  # Windows' Proactor loop
            undo.append(_plain_handler(loop, signum, handler))
        except (RuntimeError, ValueError):  # not the main thread, or not a signal here
            continue
        else:
            undo.append(partial(_remove, loop, signum))

    def restore() -> None:
        for step in reversed(undo):
            step()

    return restore


def _remove(loop: asyncio.AbstractEventLoop, signum: signal.Signals) -> None:
    with suppress(RuntimeError, ValueError):
        loop.remove_signal_handler(signum)


def _plain_handler(
    loop: asyncio.AbstractEventLoop, signum: signal.Signals, handler: Callable[[], object]
) -> Callable[[], None]:
    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        with suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(handler)

    try:
        previous = signal.signal(signum, on_signal)
    except (ValueError, OSError):
        return lambda: None

    def restore() -> None:
        with suppress(ValueError, OSError, TypeError):
            signal.signal(signum, previous)

    return restore


def suspend_process() -> None:
    """Stops this process as the suspend signal would have, had it not been caught, and returns
    once the process is continued (`fg`). Nothing on an OS without job control."""
    if SUSPEND_SIGNAL is None:
        return
    previous = signal.signal(SUSPEND_SIGNAL, signal.SIG_DFL)
    try:
        os.kill(os.getpid(), SUSPEND_SIGNAL)  # stops here until continued
    finally:
        signal.signal(SUSPEND_SIGNAL, previous)
