"""A daily reminder run by the platform's own scheduler: `facecoach remind --install --at 08:30`.

Why the platform's scheduler and no daemon of our own: a process of ours would have to be started
at login, kept alive, and restarted after a crash or an update, and it would still miss the
reminder whenever it was not running. Every desktop platform already has a scheduler that does
all of that, so we only write its entry and ask it to load it: a systemd user timer (a crontab
line without a user manager) on Linux, a launchd agent on macOS, a Task Scheduler task on
Windows; one module each, chosen here once.

The text of each entry is made by pure functions (`systemd_units`, `cron_line`, `launchd_plist`,
`schtasks_create_args`), and the backends do the I/O through an injected runner, home directory
and platform string, so every path can be tested on any machine.
"""

import os
import sys
from collections.abc import Mapping, Sequence
from datetime import time
from pathlib import Path

from facecoach.system.platforms import OperatingSystem, operating_system
from facecoach.system.scheduler.cron import CronTable
from facecoach.system.scheduler.entries import (
    NO_ENVIRONMENT,
    InstalledSchedule,
    InstallResult,
    ReminderScheduleError,
    Runner,
    RunResult,
    ScheduleKind,
    SchedulerBackend,
    UninstallResult,
    run_command,
)
from facecoach.system.scheduler.launchd import LaunchdAgents
from facecoach.system.scheduler.schtasks import TaskScheduler
from facecoach.system.scheduler.systemd import SystemdTimers

__all__ = [
    "CronTable",
    "InstallResult",
    "InstalledSchedule",
    "ReminderScheduleError",
    "ReminderScheduler",
    "RunResult",
    "Runner",
    "ScheduleKind",
    "UninstallResult",
    "run_command",
    "scheduler_backend",
]


def scheduler_backend(
    system: OperatingSystem, runner: Runner, home: Path, uid: int | None = None
) -> SchedulerBackend:
    """The scheduler that runs the reminder on `system`: a launchd agent in the user's GUI
    domain (`uid`, the current user's by default) on macOS, a Task Scheduler task on Windows,
    a systemd user timer (a crontab line without a user manager) elsewhere."""
    match system:
        case OperatingSystem.MACOS:
            return LaunchdAgents(runner, home, _current_uid() if uid is None else uid)
        case OperatingSystem.WINDOWS:
            return TaskScheduler(runner)
        case OperatingSystem.LINUX:
            return SystemdTimers(runner, home)


def _current_uid() -> int:
    # launchd's GUI domain is the user's id; Windows has none (and no launchd).
    if sys.platform == "win32":
        return 0
    return os.getuid()


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
        self.system = operating_system(platform)
        self._backend = scheduler_backend(self.system, runner, home or Path.home(), uid)

    def install(
        self,
        command: Sequence[str],
        at: time,
        environment: Mapping[str, str] = NO_ENVIRONMENT,
    ) -> InstallResult:
        """Run `command` every day at `at` (local time), replacing an earlier reminder.
        Raises `ReminderScheduleError` when the scheduler refuses; nothing is installed then."""
        return self._backend.install(command, at, environment)

    def uninstall(self) -> UninstallResult:
        """Remove the reminder, and only what we installed; nothing installed is no error."""
        return UninstallResult(self._backend.uninstall())

    def show(self) -> InstalledSchedule | None:
        """The reminder that is installed, or None."""
        return self._backend.show()
