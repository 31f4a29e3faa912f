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


class Lines:
    """A process's output, line by line, read on a thread so that a line that never comes
    fails the test instead of hanging it."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

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
        self._reader.join(WAIT_SECONDS)
        while not self._lines.empty():
            line = self._lines.get()
            if line is not None:
                self.seen.append(line)
        return self.seen


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
