"""A crontab line: the reminder on Linux without a systemd user manager, and on other Unixes.

The crontab is the user's own file, shared with everything else they schedule. It is read and
written as bytes (a `\\r` or a byte that is not UTF-8 is theirs to keep), and only a line that
facecoach wrote is ever removed: our exact shape, `M H * * * ... -m facecoach remind`, ending
with the marker comment. A line of the user's that merely ends with the marker is kept, as is
every other byte.
"""

import re
import shlex
from collections.abc import Mapping, Sequence
from datetime import time

from facecoach.system.scheduler.entries import (
    NO_ENVIRONMENT,
    InstalledSchedule,
    InstallResult,
    ReminderScheduleError,
    Runner,
    ScheduleKind,
    check_entry,
    check_posix_program,
    valid_time,
)

CRON_MARKER = "# facecoach-remind"
# The end of every line we write: the reminder's own arguments, two spaces and the marker.
_OUR_ENDING = " -m facecoach remind  " + CRON_MARKER
_OUR_LINE = re.compile(
    rb"(\d{1,2}) (\d{1,2}) \* \* \* [^\r\n]+" + re.escape(_OUR_ENDING.encode()) + rb"\Z"
)


def cron_word(value: str) -> str:
    """`value` as one shell word that cron passes on unchanged.

    cron cuts the command at an unescaped `%` (the rest becomes its stdin) and turns `\\%` into
    `%`, before the shell sees the line and whatever its quoting; but a backslash just before
    the `%` is taken as that escape, so `\\%` in a value cannot be written inside one quoted
    word. Each `%` is written outside the shell's quotes instead, as `\\%`: cron makes it `%`,
    which the shell keeps as it is.
    """
    if not value:
        return "''"
    return "\\%".join(shlex.quote(part) if part else "" for part in value.split("%"))


def cron_line(
    command: Sequence[str], at: time, environment: Mapping[str, str] = NO_ENVIRONMENT
) -> str:
    """The crontab line (without its newline) that runs `command` every day at `at`; it ends
    with the marker comment that identifies it as ours."""
    check_entry(command, environment, at)
    check_posix_program(command)
    words = [f"{name}={cron_word(value)}" for name, value in environment.items()]
    words.extend(cron_word(arg) for arg in command)
    return f"{at.minute} {at.hour} * * * {' '.join(words)}  {CRON_MARKER}"


def is_our_cron_line(line: bytes) -> bool:
    """Whether a crontab line (without its newline) is one that facecoach wrote."""
    return _OUR_LINE.match(line) is not None


def _cron_time(line: bytes) -> time | None:
    match = _OUR_LINE.match(line)
    return None if match is None else valid_time(int(match[2]), int(match[1]))


def _lines(table: bytes) -> list[bytes]:
    """The lines of `table`, each with its own newline (the last may have none): split on
    "\\n" only, so that the lines put back together are the table, byte for byte."""
    parts = table.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _ours(line: bytes) -> bool:
    return is_our_cron_line(line.removesuffix(b"\n"))


class CronTable:
    """The reminder as a line in the user's crontab, through the `crontab` program."""

    def __init__(self, runner: Runner) -> None:
        self._run = runner

    def _read(self) -> bytes | None:
        """The user's crontab (b"" when they have none), or None without a crontab program."""
        result = self._run(["crontab", "-l"])
        if not result.available:
            return None
        if result.returncode != 0:
            if "no crontab" in (result.stderr + result.stdout).lower():
                return b""
            raise ReminderScheduleError(
                f"crontab -l failed: {result.first_line()}; your crontab was left as it was."
            )
        return result.output

    def _write(self, table: bytes) -> None:
        result = self._run(["crontab", "-"], table)
        if not result.ok:
            raise ReminderScheduleError(
                f"crontab refused the new table: {result.first_line()}; "
                "your crontab was left as it was."
            )

    def install(
        self,
        command: Sequence[str],
        at: time,
        environment: Mapping[str, str],
        *,
        systemd_reason: str,
    ) -> InstallResult:
        line = cron_line(command, at, environment)
        current = self._read()
        if current is None:
            raise ReminderScheduleError(
                f"systemctl --user is not available here ({systemd_reason}) and there is no "
                "crontab program either; the reminder is not installed. Install cron (the cron "
                "or cronie package), or run this in a desktop session with a systemd user "
                "manager."
            )
        lines = [kept for kept in _lines(current) if not _ours(kept)]
        if lines and not lines[-1].endswith(b"\n"):
            lines[-1] += b"\n"  # our line must start a line of its own
        lines.append(line.encode() + b"\n")
        self._write(b"".join(lines))
        notes = (
            f"Cron runs it because systemctl --user is not available here ({systemd_reason}); "
            "unlike a systemd timer, cron skips a reminder that falls due while the computer "
            "is off.",
        )
        return InstallResult(InstalledSchedule(ScheduleKind.CRON, at, "your crontab"), notes)

    def uninstall(self) -> tuple[str, ...]:
        current = self._read()
        if not current:
            return ()
        lines = _lines(current)
        kept = [line for line in lines if not _ours(line)]
        if len(kept) == len(lines):
            return ()
        self._write(b"".join(kept))
        return (f"the line marked '{CRON_MARKER}' from your crontab",)

    def show(self) -> InstalledSchedule | None:
        for line in _lines(self._read() or b""):
            if _ours(line):
                return InstalledSchedule(
                    ScheduleKind.CRON, _cron_time(line.removesuffix(b"\n")), "your crontab"
                )
        return None
