"""Leaving on a closed terminal (SIGHUP; SIGBREAK on Windows) or `kill` (SIGTERM), always, and
within seconds. Which signals those are on this OS is `system.signals`' to say.

Two traps make a Textual app outlive its terminal:

- A hang-up also sends SIGCONT, and Textual's driver answers every SIGCONT by restarting
  application mode. On a terminal that is gone, that starts a second writer thread which dies at
  once (EIO); the next 30 writes fill its queue and the event loop blocks forever in `put()`.
  The SIGCONT handler below passes SIGCONT on only while the terminal is still there (Ctrl-Z
  then `fg` still works).
- `loop.add_signal_handler` callbacks only run when the loop turns, so a stuck loop also ignores
  SIGTERM. These handlers are plain `signal.signal` handlers: they ask the loop to exit, and start
  a deadline that ends the process if the orderly exit (which records a running session as
  interrupted and stops the device) has not finished in time.
"""

import os
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from types import FrameType

from facecoach.system.signals import EXIT_SIGNALS, RESUME_SIGNAL

# Longer than the core's own bounded waits (device stop 5 s, disconnect 3 s) at shutdown.
EXIT_GRACE_SECONDS = 10.0

Handler = Callable[[int, FrameType | None], object]


def terminal_is_there() -> bool:
    stdin = sys.__stdin__
    if stdin is None:
        return False
    try:
        return os.isatty(stdin.fileno())
    except (OSError, ValueError):
        return False


class ExitOnSignals:
    """Installs the handlers; `request_exit` is called (thread-safely) once per signal."""

    def __init__(
        self,
        request_exit: Callable[[], None],
        *,
        grace_seconds: float = EXIT_GRACE_SECONDS,
        is_terminal: Callable[[], bool] = terminal_is_there,
        hard_exit: Callable[[int], object] = os._exit,
    ) -> None:
        self._request_exit = request_exit
        self._grace = grace_seconds
        self._is_terminal = is_terminal
        self._hard_exit = hard_exit
        self.deadline: threading.Timer | None = None
        self._resume: Handler | int | None = None

    def install(self) -> bool:
        """False where signals cannot be handled (off the main thread, some platforms)."""
        try:
            resume = None if RESUME_SIGNAL is None else signal.getsignal(RESUME_SIGNAL)
            for signum in EXIT_SIGNALS:
                signal.signal(signum, self.on_exit_signal)
            if RESUME_SIGNAL is not None:
                signal.signal(RESUME_SIGNAL, self.on_sigcont)
        except (ValueError, AttributeError, OSError):
            return False
        self._resume = resume if callable(resume) else None
        return True

    def on_exit_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.deadline is None:
            self.deadline = threading.Timer(self._grace, self._hard_exit, (128 + signum,))
            self.deadline.daemon = True
            self.deadline.start()
        self._request_exit()

    def on_sigcont(self, signum: int, frame: FrameType | None) -> None:
        if callable(self._resume) and self._is_terminal():
            self._resume(signum, frame)

    def cancel(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
        with suppress(AttributeError):
            self.deadline = None
