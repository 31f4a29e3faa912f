"""What every scheduler backend shares: the commands it runs, what it reports, and the checks
every entry passes before it is written."""

import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Protocol

from facecoach.errors import FacecoachError

RUN_TIMEOUT_SECONDS = 10.0
NO_ENVIRONMENT: Mapping[str, str] = MappingProxyType({})

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Characters no scheduler entry can hold: each would end the line or the string early.
_LINE_BREAKING = ("\n", "\r", "\0")


class ReminderScheduleError(FacecoachError):
    """The reminder schedule could not be read, installed or removed; the message says why and
    what to do."""


class ScheduleKind(StrEnum):
    SYSTEMD = "systemd"  # a systemd user timer (Linux)
    CRON = "cron"  # a line in the user's crontab (Linux without a user manager, other Unixes)
    LAUNCHD = "launchd"  # a launchd agent (macOS)
    TASK_SCHEDULER = "task_scheduler"  # a Task Scheduler task (Windows)


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a command did. `available` is False when the program is not there at all, which
    is an answer ("no systemctl here"), not a crash. `output` is the standard output as bytes,
    exactly (a crontab is read back byte for byte); `stdout` is it as text."""

    returncode: int
    stdout: str = ""
    stderr: str = ""
    available: bool = True
    output: bytes = b""

    @classmethod
    def of_bytes(cls, returncode: int, stdout: bytes, stderr: bytes = b"") -> "RunResult":
        return cls(
            returncode,
            stdout.decode("utf-8", "replace"),
            stderr.decode("utf-8", "replace"),
            output=stdout,
        )

    @property
    def ok(self) -> bool:
        return self.available and self.returncode == 0

    def first_line(self) -> str:
        """The first non-empty line of the error output (or of the output), for a message."""
        for text in (self.stderr, self.stdout):
            for line in text.splitlines():
                if line.strip():
                    return line.strip()
        return f"exit status {self.returncode}"


class Runner(Protocol):
    def __call__(self, argv: Sequence[str], stdin: bytes | None = None) -> RunResult: ...


def run_command(argv: Sequence[str], stdin: bytes | None = None) -> RunResult:
    """Run a program and wait for it (at most `RUN_TIMEOUT_SECONDS`); never raises for a
    program that is missing, cannot be started or hangs: each becomes a `RunResult`."""
    try:
        completed = subprocess.run(
            list(argv),
            input=stdin,
            # Without input the child gets no terminal to wait on (a prompt would hang us).
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        return RunResult(127, stderr=f"{argv[0]}: not found", available=False)
    except subprocess.TimeoutExpired:
        return RunResult(124, stderr=f"{argv[0]} did not answer in {RUN_TIMEOUT_SECONDS:g} s")
    except OSError as error:
        return RunResult(126, stderr=f"{argv[0]}: {error.strerror or error}", available=False)
    return RunResult.of_bytes(completed.returncode, completed.stdout, completed.stderr)


@dataclass(frozen=True, slots=True)
class InstalledSchedule:
    kind: ScheduleKind
    at: time | None  # None when the entry was edited by hand and its time cannot be read
    where: str  # a file, "your crontab", or the task's name

    def describe(self) -> str:
        when = "at an unreadable time" if self.at is None else f"at {self.at:%H:%M}"
        return f"The reminder runs every day {when}: {_KIND_WORDS[self.kind]} {self.where}."


_KIND_WORDS = {
    ScheduleKind.SYSTEMD: "the systemd user timer",
    ScheduleKind.CRON: "the line marked '# facecoach-remind' in",
    ScheduleKind.LAUNCHD: "the launchd agent",
    ScheduleKind.TASK_SCHEDULER: "the Task Scheduler task",
}


@dataclass(frozen=True, slots=True)
class InstallResult:
    schedule: InstalledSchedule
    notes: tuple[str, ...] = ()  # why a fallback was used, what could not be passed along

    def describe(self) -> str:
        return " ".join((self.schedule.describe(), *self.notes))


@dataclass(frozen=True, slots=True)
class UninstallResult:
    removed: tuple[str, ...]  # what was removed, in words

    def describe(self) -> str:
        if not self.removed:
            return "No reminder schedule is installed; there was nothing to remove."
        return "Removed " + "; ".join(self.removed) + ". No reminder will run."


class SchedulerBackend(Protocol):
    """One OS's scheduler: what `ReminderScheduler` asks of it."""

    def install(
        self, command: Sequence[str], at: time, environment: Mapping[str, str]
    ) -> InstallResult: ...

    def uninstall(self) -> tuple[str, ...]: ...

    def show(self) -> InstalledSchedule | None: ...


def check_entry(command: Sequence[str], environment: Mapping[str, str], at: time) -> None:
    """What every entry must be: a command, a plain local time, names that are names, and no
    line break anywhere (each scheduler would cut the entry there)."""
    if not command:
        raise ValueError("the reminder command is empty")
    if at.second or at.microsecond or at.tzinfo is not None:
        raise ValueError(f"a reminder time is a local hour and minute, not {at!r}")
    for name in environment:
        if not _ENV_NAME.fullmatch(name):
            raise ValueError(f"not an environment variable name: {name!r}")
    values = [("the command", arg) for arg in command]
    values += [(name, value) for name, value in environment.items()]
    for what, value in values:
        if any(char in value for char in _LINE_BREAKING):
            raise ReminderScheduleError(
                f"{what} contains a line break, which a scheduler entry cannot hold "
                f"({value!r}); the reminder is not installed."
            )


def check_posix_program(command: Sequence[str]) -> None:
    # A scheduler starts the program with a minimal PATH, or none: a bare name would not be found.
    if not PurePosixPath(command[0]).is_absolute():
        raise ValueError(f"the reminder program must be an absolute path, not {command[0]!r}")


def valid_time(hour: int, minute: int) -> time | None:
    return time(hour, minute) if hour < 24 and minute < 60 else None
