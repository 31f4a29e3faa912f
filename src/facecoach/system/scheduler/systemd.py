"""Linux: a systemd user timer. `Persistent=true` makes systemd run a reminder that fell due
while the computer was off or the user was logged out at the next start of the user manager, so
a morning reminder is not lost to a laptop that was shut at 08:30. Where there is no user manager
(containers, WSL, some minimal desktops) `systemctl --user` fails and the reminder becomes a
crontab line instead (`cron.CronTable`).
"""

import re
from collections.abc import Mapping, Sequence
from datetime import time
from pathlib import Path

from facecoach.system.scheduler.cron import CronTable
from facecoach.system.scheduler.entries import (
    NO_ENVIRONMENT,
    InstalledSchedule,
    InstallResult,
    ReminderScheduleError,
    Runner,
    RunResult,
    ScheduleKind,
    check_entry,
    check_posix_program,
    valid_time,
)

SYSTEMD_SERVICE = "facecoach-remind.service"
SYSTEMD_TIMER = "facecoach-remind.timer"

_NO_ENVIRONMENT = NO_ENVIRONMENT
_ON_CALENDAR = re.compile(r"^OnCalendar=\*-\*-\* (\d{2}):(\d{2}):00\s*$", re.MULTILINE)


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
    check_entry(command, environment, at)
    check_posix_program(command)
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


def _timer_time(text: str) -> time | None:
    match = _ON_CALENDAR.search(text)
    return None if match is None else valid_time(int(match[1]), int(match[2]))


class SystemdTimers:
    """The reminder as a systemd user timer, and a crontab line where there is no user
    manager to ask."""

    def __init__(self, runner: Runner, home: Path) -> None:
        self._run = runner
        self._home = home
        self._cron = CronTable(runner)

    @property
    def systemd_dir(self) -> Path:
        return self._home / ".config" / "systemd" / "user"

    def install(
        self, command: Sequence[str], at: time, environment: Mapping[str, str]
    ) -> InstallResult:
        units = systemd_units(command, at, environment)
        # Asking the user manager for its environment is the cheapest question that needs it to
        # be there; `is-system-running` would also fail on a merely "degraded" session.
        probe = self._systemctl("show-environment")
        if not probe.ok:
            installed = self._cron.install(
                command, at, environment, systemd_reason=probe.first_line()
            )
            # Units from an earlier install where there was a user manager: it cannot be asked
            # to disable them now, but without their files they will not run again.
            self._remove_units(quiet=True)
            return installed
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
            self._cron.uninstall()
        except ReminderScheduleError as error:
            notes = (f"An older reminder in your crontab is still there: {error}",)
        schedule = InstalledSchedule(
            ScheduleKind.SYSTEMD, at, str(self.systemd_dir / SYSTEMD_TIMER)
        )
        return InstallResult(schedule, notes)

    def uninstall(self) -> tuple[str, ...]:
        return self._uninstall_systemd() + self._cron.uninstall()

    def show(self) -> InstalledSchedule | None:
        return self._show_systemd() or self._cron.show()

    def _systemctl(self, *args: str) -> RunResult:
        return self._run(["systemctl", "--user", *args])

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
        if not removed:
            return ()
        units = " and ".join(str(path) for path in removed)
        return (f"the systemd user unit{'s' if len(removed) > 1 else ''} {units}",)

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
