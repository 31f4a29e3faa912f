"""A daily reminder run by the platform's own scheduler: `facecoach remind --install --at 08:30`.

Why the platform's scheduler and no daemon of our own: a process of ours would have to be started
at login, kept alive, and restarted after a crash or an update, and it would still miss the
reminder whenever it was not running. Every desktop platform already has a scheduler that does
all of that, so we only write its entry and ask it to load it:

- Linux: a systemd user timer. `Persistent=true` makes systemd run a reminder that fell due while
  the computer was off or the user was logged out at the next start of the user manager, so a
  morning reminder is not lost to a laptop that was shut at 08:30. Where there is no user manager
  (containers, WSL, some minimal desktops) `systemctl --user` fails and the reminder becomes a
  crontab line instead.
- macOS: a launchd agent in ~/Library/LaunchAgents (launchd runs a calendar job missed during
  sleep at wake-up).
- Windows: a Task Scheduler task made with `schtasks`.

The crontab is the user's own file, shared with everything else they schedule, so our line ends
with a marker comment (`# facecoach-remind`): install and uninstall find exactly that line and
leave every other line as it was, byte for byte.

The text of each entry is made by pure functions (`systemd_units`, `cron_line`, `launchd_plist`,
`schtasks_create_args`), and `ReminderScheduler` does the I/O through an injected runner, home
directory and platform string, so every path can be tested on any machine.
"""

import os
import plistlib
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath
from types import MappingProxyType
from typing import Protocol

from facecoach.config.paths import CACHE_DIR_ENV, CONFIG_DIR_ENV, DATA_DIR_ENV
from facecoach.errors import FacecoachError

SYSTEMD_SERVICE = "facecoach-remind.service"
SYSTEMD_TIMER = "facecoach-remind.timer"
CRON_MARKER = "# facecoach-remind"
LAUNCHD_LABEL = "io.facecoach.remind"
TASK_NAME = "facecoach-remind"

# The directories the reminder reads from; a scheduler starts it with a bare environment, so an
# override the user set in their shell must travel with the entry or the reminder would look at
# the default directories and find no sessions.
PASSED_ENVIRONMENT = (CONFIG_DIR_ENV, DATA_DIR_ENV, CACHE_DIR_ENV)

RUN_TIMEOUT_SECONDS = 10.0

_NO_ENVIRONMENT: Mapping[str, str] = MappingProxyType({})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})")
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
    is an answer ("no systemctl here"), not a crash."""

    returncode: int
    stdout: str = ""
    stderr: str = ""
    available: bool = True

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
    def __call__(self, argv: Sequence[str], stdin: str | None = None) -> RunResult: ...


def run_command(argv: Sequence[str], stdin: str | None = None) -> RunResult:
    """Run a program and wait for it (at most `RUN_TIMEOUT_SECONDS`); never raises for a
    program that is missing, cannot be started or hangs: each becomes a `RunResult`."""
    try:
        completed = subprocess.run(
            list(argv),
            input=stdin,
            # Without input the child gets no terminal to wait on (a prompt would hang us).
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        return RunResult(127, stderr=f"{argv[0]}: not found", available=False)
    except subprocess.TimeoutExpired:
        return RunResult(124, stderr=f"{argv[0]} did not answer in {RUN_TIMEOUT_SECONDS:g} s")
    except OSError as error:
        return RunResult(126, stderr=f"{argv[0]}: {error.strerror or error}", available=False)
    return RunResult(completed.returncode, completed.stdout, completed.stderr)


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


def parse_time_of_day(text: str) -> time:
    """The time of `--at`: HH:MM on the 24-hour clock ("08:30", "8:30", "21:05")."""
    match = _TIME_OF_DAY.fullmatch(text.strip())
    if match is not None:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ReminderScheduleError(
        f"'{text}' is not a time of day: give it as HH:MM on the 24-hour clock, "
        "for example 08:30 or 21:00."
    )


def reminder_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of `environ` the scheduled reminder needs: facecoach's directory
    overrides, made absolute (the scheduler does not start in the directory the user was in)."""
    return {
        name: os.path.abspath(os.path.expanduser(environ[name]))
        for name in PASSED_ENVIRONMENT
        if environ.get(name)
    }


# --- Rendering: pure functions, one per scheduler ---------------------------------------------


def _check(command: Sequence[str], environment: Mapping[str, str], at: time) -> None:
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


def _check_posix_program(command: Sequence[str]) -> None:
    # A scheduler starts the program with a minimal PATH, or none: a bare name would not be found.
    if not PurePosixPath(command[0]).is_absolute():
        raise ValueError(f"the reminder program must be an absolute path, not {command[0]!r}")


_SYSTEMD_BARE = re.compile(r"[A-Za-z0-9_@+=:,./-]+")
# systemd refuses an executable whose path holds a quote, a backslash or a control character
# ("Executable name contains special characters"), and `$$` is an escape in arguments only; such
# a program is started through env(1), where its path is an ordinary, quotable argument.
_SYSTEMD_UNSAFE_PROGRAM = re.compile(r"[\"'\\$\x00-\x1f\x7f]")
_SYSTEMD_ENV_PROGRAM = "/usr/bin/env"


def _systemd_word(arg: str) -> str:
    # `%` starts a specifier everywhere in a unit file and `$` a variable in ExecStart words:
    # both are doubled to stay literal. Anything else than a plain word goes in double quotes,
    # where a backslash and a double quote are C-escaped.
    text = arg.replace("%", "%%").replace("$", "$$")
    if _SYSTEMD_BARE.fullmatch(arg):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_exec_start(command: Sequence[str]) -> str:
    """The value of `ExecStart=` that runs `command` with exactly these arguments."""
    argv = list(command)
    if _SYSTEMD_UNSAFE_PROGRAM.search(argv[0]):
        argv.insert(0, _SYSTEMD_ENV_PROGRAM)
    return " ".join(_systemd_word(arg) for arg in argv)


def _systemd_environment_line(name: str, value: str) -> str:
    # Environment= is unquoted and C-unescaped and its specifiers are expanded, but `$` is kept.
    assignment = f"{name}={value}".replace("%", "%%")
    return 'Environment="' + assignment.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(
    command: Sequence[str], at: time, environment: Mapping[str, str] = _NO_ENVIRONMENT
) -> dict[str, str]:
    """The service and timer unit files (name -> text) that run `command` every day at `at`."""
    _check(command, environment, at)
    _check_posix_program(command)
    header = (
        "# Written by `facecoach remind --install`; `facecoach remind --uninstall` removes it.\n"
    )
    service = [
        header,
        "[Unit]\n",
        "Description=facecoach: remind about today's session\n",
        "\n",
        "[Service]\n",
        # One run to completion per trigger: the reminder checks, notifies and exits.
        "Type=oneshot\n",
        *(f"{_systemd_environment_line(name, value)}\n" for name, value in environment.items()),
        f"ExecStart={systemd_exec_start(command)}\n",
    ]
    timer = [
        header,
        "[Unit]\n",
        f"Description=facecoach: daily reminder at {at:%H:%M}\n",
        "\n",
        "[Timer]\n",
        f"OnCalendar=*-*-* {at:%H:%M}:00\n",
        # A reminder that fell due while the machine was off runs at the next boot or login.
        "Persistent=true\n",
        "\n",
        "[Install]\n",
        "WantedBy=timers.target\n",
    ]
    return {SYSTEMD_SERVICE: "".join(service), SYSTEMD_TIMER: "".join(timer)}


def cron_line(
    command: Sequence[str], at: time, environment: Mapping[str, str] = _NO_ENVIRONMENT
) -> str:
    """The crontab line (without its newline) that runs `command` every day at `at`; it ends
    with the marker comment that identifies it as ours."""
    _check(command, environment, at)
    _check_posix_program(command)
    words = [f"{name}={shlex.quote(value)}" for name, value in environment.items()]
    words.append(shlex.join(command))
    # cron turns an unescaped `%` into a newline (the rest becomes stdin) and `\%` into `%`,
    # before the shell sees the line, whatever the shell quoting.
    shell_command = " ".join(words).replace("%", "\\%")
    return f"{at.minute} {at.hour} * * * {shell_command}  {CRON_MARKER}"


def launchd_plist(
    command: Sequence[str], at: time, environment: Mapping[str, str] = _NO_ENVIRONMENT
) -> bytes:
    """The launchd agent property list that runs `command` every day at `at`."""
    _check(command, environment, at)
    _check_posix_program(command)
    agent: dict[str, object] = {
        "Label": LAUNCHD_LABEL,
        # An argument list, not a shell line: nothing to quote.
        "ProgramArguments": list(command),
        "StartCalendarInterval": {"Hour": at.hour, "Minute": at.minute},
    }
    if environment:
        agent["EnvironmentVariables"] = dict(environment)
    return plistlib.dumps(agent, sort_keys=True)


def schtasks_create_args(command: Sequence[str], at: time) -> list[str]:
    """The `schtasks /Create` command line that runs `command` every day at `at`.

    There is no environment: a task runs with the user's registered environment, and a variable
    set in a shell cannot be attached to a task made by `schtasks` (the caller says so)."""
    _check(command, _NO_ENVIRONMENT, at)
    if not PureWindowsPath(command[0]).is_absolute():
        raise ValueError(f"the reminder program must be an absolute path, not {command[0]!r}")
    return [
        "schtasks",
        "/Create",
        "/TN",
        TASK_NAME,
        "/SC",
        "DAILY",
        "/ST",
        f"{at:%H:%M}",
        "/TR",
        # The task's command line is parsed again by the C runtime of the program it starts.
        subprocess.list2cmdline(list(command)),
        # Replace a task of the same name: a reinstall changes the time instead of failing.
        "/F",
    ]


# --- Reading back what is installed ------------------------------------------------------------

_ON_CALENDAR = re.compile(r"^OnCalendar=\*-\*-\* (\d{2}):(\d{2}):00\s*$", re.MULTILINE)
_CRON_TIME = re.compile(r"(\d{1,2}) (\d{1,2}) \* \* \* ")


def _is_our_cron_line(line: str) -> bool:
    return line.rstrip().endswith(CRON_MARKER)


def _valid_time(hour: int, minute: int) -> time | None:
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _timer_time(text: str) -> time | None:
    match = _ON_CALENDAR.search(text)
    return None if match is None else _valid_time(int(match[1]), int(match[2]))


def _cron_time(line: str) -> time | None:
    match = _CRON_TIME.match(line)
    return None if match is None else _valid_time(int(match[2]), int(match[1]))


def _lines(text: str) -> list[str]:
    """The lines of `text`, each with its own newline (the last may have none): split on "\\n"
    only, so that the lines put back together are the text, byte for byte."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


# --- Installing ---------------------------------------------------------------------------------


class ReminderScheduler:
    """Installs, removes and shows the daily reminder with the scheduler of `platform`
    (a `sys.platform` value: 'linux', 'darwin', 'win32'; any other Unix is treated as Linux)."""

    def __init__(
        self,
        *,
        runner: Runner = run_command,
        home: Path | None = None,
        platform: str = sys.platform,
        uid: int | None = None,
    ) -> None:
        self._run = runner
        self._home = home if home is not None else Path.home()
        self._platform = platform
        self._uid = uid

    # Where our files go.

    @property
    def systemd_dir(self) -> Path:
        return self._home / ".config" / "systemd" / "user"

    @property
    def launchd_plist_path(self) -> Path:
        return self._home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"

    # The public operations.

    def install(
        self,
        command: Sequence[str],
        at: time,
        environment: Mapping[str, str] = _NO_ENVIRONMENT,
    ) -> InstallResult:
        """Run `command` every day at `at` (local time), replacing an earlier reminder.
        Raises `ReminderScheduleError` when the scheduler refuses; nothing is installed then."""
        if self._platform == "darwin":
            return self._install_launchd(command, at, environment)
        if self._platform == "win32":
            return self._install_task(command, at, environment)
        return self._install_linux(command, at, environment)

    def uninstall(self) -> UninstallResult:
        """Remove the reminder, and only what we installed; nothing installed is no error."""
        if self._platform == "darwin":
            return UninstallResult(self._uninstall_launchd())
        if self._platform == "win32":
            return UninstallResult(self._uninstall_task())
        return UninstallResult(self._uninstall_systemd() + self._uninstall_cron())

    def show(self) -> InstalledSchedule | None:
        """The reminder that is installed, or None."""
        if self._platform == "darwin":
            return self._show_launchd()
        if self._platform == "win32":
            return self._show_task()
        return self._show_systemd() or self._show_cron()

    # Linux: a systemd user timer, or a crontab line without a user manager.

    def _systemctl(self, *args: str) -> RunResult:
        return self._run(["systemctl", "--user", *args])

    def _install_linux(
        self, command: Sequence[str], at: time, environment: Mapping[str, str]
    ) -> InstallResult:
        units = systemd_units(command, at, environment)
        # Asking the user manager for its environment is the cheapest question that needs it to
        # be there; `is-system-running` would also fail on a merely "degraded" session.
        probe = self._systemctl("show-environment")
        if not probe.ok:
            reason = probe.first_line()
            return self._install_cron(command, at, environment, systemd_reason=reason)
        self._write_units(units)
        for args in (("daemon-reload",), ("enable", "--now", SYSTEMD_TIMER)):
            result = self._systemctl(*args)
            if not result.ok:
                self._remove_units(quiet=True)
                self._systemctl("daemon-reload")  # so that systemd forgets them too
                raise ReminderScheduleError(
                    f"systemctl --user {args[0]} refused: {result.first_line()}; "
                    "the reminder is not installed."
                )
        notes: tuple[str, ...] = ()
        # A crontab reminder from an earlier install without a user manager would run as well.
        try:
            self._uninstall_cron()
        except ReminderScheduleError as error:
            notes = (f"An older reminder in your crontab is still there: {error}",)
        schedule = InstalledSchedule(
            ScheduleKind.SYSTEMD, at, str(self.systemd_dir / SYSTEMD_TIMER)
        )
        return InstallResult(schedule, notes)

    def _write_units(self, units: Mapping[str, str]) -> None:
        for name, text in units.items():
            path = self.systemd_dir / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            except OSError as error:
                self._remove_units(quiet=True)
                raise ReminderScheduleError(
                    f"Could not write {path}: {error.strerror or error}; the reminder is not "
                    f"installed. Check that you own {path.parent} and can write to it."
                ) from error

    def _unit_paths(self) -> list[Path]:
        return [self.systemd_dir / SYSTEMD_SERVICE, self.systemd_dir / SYSTEMD_TIMER]

    def _remove_units(self, *, quiet: bool) -> tuple[str, ...]:
        """Delete our unit files and the timer's enablement link, if systemctl left it."""
        removed: list[str] = []
        wants = self.systemd_dir / "timers.target.wants" / SYSTEMD_TIMER
        for path in [wants, *self._unit_paths()]:
            try:
                if path.is_symlink() or path.exists():
                    path.unlink()
                    if path != wants:
                        removed.append(str(path))
            except OSError as error:
                if not quiet:
                    raise ReminderScheduleError(
                        f"Could not remove {path}: {error.strerror or error}; remove it by hand."
                    ) from error
        return tuple(removed)

    def _uninstall_systemd(self) -> tuple[str, ...]:
        if not any(path.exists() for path in self._unit_paths()):
            return ()
        # Stop and disable first, so systemd forgets the timer; when the user manager is not
        # reachable (the reminder fell back to cron since), deleting the files is all there is.
        self._systemctl("disable", "--now", SYSTEMD_TIMER)
        removed = self._remove_units(quiet=False)
        self._systemctl("daemon-reload")
        return tuple(f"the systemd user unit {path}" for path in removed)

    def _show_systemd(self) -> InstalledSchedule | None:
        timer = self.systemd_dir / SYSTEMD_TIMER
        try:
            text = timer.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ReminderScheduleError(
                f"Could not read {timer}: {error.strerror or error}."
            ) from error
        return InstalledSchedule(ScheduleKind.SYSTEMD, _timer_time(text), str(timer))

    def _read_crontab(self) -> str | None:
        """The user's crontab ("" when they have none), or None without a crontab program."""
        result = self._run(["crontab", "-l"])
        if not result.available:
            return None
        if result.returncode != 0:
            if "no crontab" in (result.stderr + result.stdout).lower():
                return ""
            raise ReminderScheduleError(
                f"crontab -l failed: {result.first_line()}; your crontab was left as it was."
            )
        return result.stdout

    def _write_crontab(self, text: str) -> None:
        result = self._run(["crontab", "-"], text)
        if not result.ok:
            raise ReminderScheduleError(
                f"crontab refused the new table: {result.first_line()}; "
                "your crontab was left as it was."
            )

    def _install_cron(
        self,
        command: Sequence[str],
        at: time,
        environment: Mapping[str, str],
        *,
        systemd_reason: str,
    ) -> InstallResult:
        line = cron_line(command, at, environment)
        current = self._read_crontab()
        if current is None:
            raise ReminderScheduleError(
                f"systemctl --user is not available here ({systemd_reason}) and there is no "
                "crontab program either; the reminder is not installed. Install cron (the cron "
                "or cronie package), or run this in a desktop session with a systemd user "
                "manager."
            )
        lines = [kept for kept in _lines(current) if not _is_our_cron_line(kept)]
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"  # cron needs a newline after every line, the last one included
        lines.append(line + "\n")
        self._write_crontab("".join(lines))
        # Units from an earlier install where there was a user manager: it cannot be asked to
        # disable them now, but without their files they will not run again.
        self._remove_units(quiet=True)
        notes = (
            f"Cron runs it because systemctl --user is not available here ({systemd_reason}); "
            "unlike a systemd timer, cron skips a reminder that falls due while the computer "
            "is off.",
        )
        return InstallResult(InstalledSchedule(ScheduleKind.CRON, at, "your crontab"), notes)

    def _uninstall_cron(self) -> tuple[str, ...]:
        current = self._read_crontab()
        if not current:
            return ()
        lines = _lines(current)
        kept = [line for line in lines if not _is_our_cron_line(line)]
        if len(kept) == len(lines):
            return ()
        self._write_crontab("".join(kept))
        return (f"the line marked '{CRON_MARKER}' from your crontab",)

    def _show_cron(self) -> InstalledSchedule | None:
        for line in _lines(self._read_crontab() or ""):
            if _is_our_cron_line(line):
                return InstalledSchedule(ScheduleKind.CRON, _cron_time(line), "your crontab")
        return None

    # macOS: a launchd agent.

    def _gui_domain(self) -> str:
        uid = self._uid if self._uid is not None else os.getuid()
        return f"gui/{uid}"

    def _install_launchd(
        self, command: Sequence[str], at: time, environment: Mapping[str, str]
    ) -> InstallResult:
        plist = launchd_plist(command, at, environment)
        path = self.launchd_plist_path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(plist)
        except OSError as error:
            raise ReminderScheduleError(
                f"Could not write {path}: {error.strerror or error}; the reminder is not "
                f"installed. Check that you own {path.parent} and can write to it."
            ) from error
        # An agent that is already loaded keeps its old time, and bootstrap refuses it: unload
        # it first (an error here only means it was not loaded).
        self._run(["launchctl", "bootout", f"{self._gui_domain()}/{LAUNCHD_LABEL}"])
        result = self._run(["launchctl", "bootstrap", self._gui_domain(), str(path)])
        if not result.ok:
            # `load` is the older interface, still there where bootstrap is not usable.
            legacy = self._run(["launchctl", "load", "-w", str(path)])
            if not legacy.ok:
                path.unlink(missing_ok=True)
                raise ReminderScheduleError(
                    f"launchctl refused the reminder agent: {result.first_line()}; "
                    "the reminder is not installed."
                )
        return InstallResult(InstalledSchedule(ScheduleKind.LAUNCHD, at, str(path)))

    def _uninstall_launchd(self) -> tuple[str, ...]:
        path = self.launchd_plist_path
        if not path.exists():
            return ()
        unloaded = self._run(["launchctl", "bootout", f"{self._gui_domain()}/{LAUNCHD_LABEL}"])
        if not unloaded.ok:
            self._run(["launchctl", "unload", "-w", str(path)])
        try:
            path.unlink()
        except OSError as error:
            raise ReminderScheduleError(
                f"Could not remove {path}: {error.strerror or error}; remove it by hand."
            ) from error
        return (f"the launchd agent {path}",)

    def _show_launchd(self) -> InstalledSchedule | None:
        path = self.launchd_plist_path
        try:
            agent = plistlib.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, plistlib.InvalidFileException, ValueError) as error:
            raise ReminderScheduleError(f"Could not read {path}: {error}.") from error
        interval = agent.get("StartCalendarInterval") if isinstance(agent, dict) else None
        at = None
        if isinstance(interval, dict):
            hour, minute = interval.get("Hour"), interval.get("Minute")
            if isinstance(hour, int) and isinstance(minute, int):
                at = _valid_time(hour, minute)
        return InstalledSchedule(ScheduleKind.LAUNCHD, at, str(path))

    # Windows: a Task Scheduler task.

    def _install_task(
        self, command: Sequence[str], at: time, environment: Mapping[str, str]
    ) -> InstallResult:
        result = self._run(schtasks_create_args(command, at))
        if not result.available:
            raise ReminderScheduleError(
                "schtasks is not available, so the reminder cannot be scheduled; "
                "the reminder is not installed."
            )
        if not result.ok:
            raise ReminderScheduleError(
                f"schtasks refused the reminder task: {result.first_line()}; "
                "the reminder is not installed."
            )
        notes: tuple[str, ...] = ()
        if environment:
            # A task made by schtasks has no environment of its own (see schtasks_create_args).
            names = ", ".join(sorted(environment))
            notes = (
                f"The task does not see {names} as set in this shell: set them as user "
                "environment variables in Windows if the reminder needs them.",
            )
        return InstallResult(InstalledSchedule(ScheduleKind.TASK_SCHEDULER, at, TASK_NAME), notes)

    def _query_task(self) -> RunResult:
        return self._run(["schtasks", "/Query", "/TN", TASK_NAME, "/XML"])

    def _uninstall_task(self) -> tuple[str, ...]:
        if not self._query_task().ok:
            return ()
        result = self._run(["schtasks", "/Delete", "/TN", TASK_NAME, "/F"])
        if not result.ok:
            raise ReminderScheduleError(
                f"schtasks could not delete the task {TASK_NAME}: {result.first_line()}; "
                "the reminder is still installed."
            )
        return (f"the Task Scheduler task {TASK_NAME}",)

    def _show_task(self) -> InstalledSchedule | None:
        query = self._query_task()
        if not query.ok:
            return None
        return InstalledSchedule(ScheduleKind.TASK_SCHEDULER, _task_time(query.stdout), TASK_NAME)


def _task_time(xml_text: str) -> time | None:
    """The time of day of the task's daily trigger, from `schtasks /Query /XML`."""
    try:
        root = ET.fromstring(xml_text.lstrip("\ufeff").strip())
    except ET.ParseError:
        return None
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "StartBoundary" and element.text:
            match = re.search(r"T(\d{2}):(\d{2})", element.text)
            if match is not None:
                return _valid_time(int(match[1]), int(match[2]))
    return None
