"""macOS: a launchd agent in ~/Library/LaunchAgents (launchd runs a calendar job missed during
sleep at wake-up)."""

import plistlib
from collections.abc import Mapping, Sequence
from datetime import time
from pathlib import Path

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

LAUNCHD_LABEL = "io.facecoach.remind"


def launchd_plist(
    command: Sequence[str], at: time, environment: Mapping[str, str] = NO_ENVIRONMENT
) -> bytes:
    """The launchd agent property list that runs `command` every day at `at`."""
    check_entry(command, environment, at)
    check_posix_program(command)
    agent: dict[str, object] = {
        "Label": LAUNCHD_LABEL,
        # An argument list, not a shell line: nothing to quote.
        "ProgramArguments": list(command),
        "StartCalendarInterval": {"Hour": at.hour, "Minute": at.minute},
    }
    if environment:
        agent["EnvironmentVariables"] = dict(environment)
    return plistlib.dumps(agent, sort_keys=True)


class LaunchdAgents:
    """The reminder as a launchd agent of the user's GUI session (`gui/<uid>`)."""

    def __init__(self, runner: Runner, home: Path, uid: int) -> None:
        self._run = runner
        self._uid = uid
        self.plist_path = home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"

    def _gui_domain(self) -> str:
        return f"gui/{self._uid}"

    def install(
        self, command: Sequence[str], at: time, environment: Mapping[str, str]
    ) -> InstallResult:
        plist = launchd_plist(command, at, environment)
        path = self.plist_path
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

    def uninstall(self) -> tuple[str, ...]:
        path = self.plist_path
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

    def show(self) -> InstalledSchedule | None:
        path = self.plist_path
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
                at = valid_time(hour, minute)
        return InstalledSchedule(ScheduleKind.LAUNCHD, at, str(path))
