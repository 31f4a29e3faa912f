"""The plain coach as a real process, for the tests where the process is the point (job
control, a terminal): its output read line by line, and its stop by its own SIGTSTP seen as a
shell's job control sees it."""

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO

from tests.support.cli import QUICK

# Glides long enough that nothing moves on while the test pauses and resumes.
SLOW = QUICK.replace("glide_seconds = 0.2", "glide_seconds = 60")
WAIT_SECONDS = 30.0  # wall time, generous: a condition that never comes still fails


class _LineQueue:
    """A process's output, line by line, read on a thread (`_read`) so that a line that never
    comes fails the test instead of hanging it."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None

    def _start(self, read: Callable[[], None]) -> None:
        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()

    def until(self, wanted: Callable[[str], bool]) -> str:
        while True:
            try:
                line = self._lines.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                raise AssertionError(f"no such line came; seen: {self.seen}") from None
            if line is None:
                raise AssertionError(f"the output ended first; seen: {self.seen}")
            self.seen.append(line)
            if wanted(line):
                return line

    def rest(self) -> list[str]:
        if self._reader is not None:
            self._reader.join(WAIT_SECONDS)
        while not self._lines.empty():
            line = self._lines.get()
            if line is not None:
                self.seen.append(line)
        return self.seen


class Lines(_LineQueue):
    """What a process writes to a pipe."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._start(lambda: self._read(stream))

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)


class TerminalLines(_LineQueue):
    """What a process writes to a pseudo-terminal (its controller end); lines end in CR LF
    there."""

    def __init__(self, controller: int) -> None:
        super().__init__()
        self._start(lambda: self._read(controller))

    def _read(self, controller: int) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process has ended
                break
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\r\n")
            for line in lines:
                self._lines.put(line.decode(errors="replace"))
        self._lines.put(None)


def wait_until_stopped(process: "subprocess.Popen[str]") -> None:
    """Returns once the process has stopped itself (as a shell's job control sees it)."""
    if sys.platform == "win32":
        raise AssertionError("no job control on Windows")
    statuses: list[int] = []
    waiter = threading.Thread(
        target=lambda: statuses.append(os.waitpid(process.pid, os.WUNTRACED)[1]), daemon=True
    )
    waiter.start()
    waiter.join(WAIT_SECONDS)
    if not statuses:
        process.kill()
        raise AssertionError("the coach never stopped its process")
    assert os.WIFSTOPPED(statuses[0]), statuses[0]
