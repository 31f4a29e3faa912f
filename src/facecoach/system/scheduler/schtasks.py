"""Windows: a Task Scheduler task made with `schtasks`."""

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import time
from pathlib import PureWindowsPath

from facecoach.system.scheduler.entries import (
    NO_ENVIRONMENT,
    InstalledSchedule,
    InstallResult,
    ReminderScheduleError,
    Runner,
    RunResult,
    ScheduleKind,
    check_entry,
    valid_time,
)

TASK_NAME = "facecoach-remind"


def schtasks_create_args(command: Sequence[str], at: time) -> list[str]:
    """The `schtasks /Create` command line that runs `command` every day at `at`.

    There is no environment: a task runs with the user's registered environment, and a variable
    set in a shell cannot be attached to a task made by `schtasks` (the caller says so)."""
    check_entry(command, NO_ENVIRONMENT, at)
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


class TaskScheduler:
    """The reminder as a daily task of the Windows Task Scheduler."""

    def __init__(self, runner: Runner) -> None:
        self._run = runner

    def install(
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

    def uninstall(self) -> tuple[str, ...]:
        if not self._query_task().ok:
            return ()
        result = self._run(["schtasks", "/Delete", "/TN", TASK_NAME, "/F"])
        if not result.ok:
            raise ReminderScheduleError(
                f"schtasks could not delete the task {TASK_NAME}: {result.first_line()}; "
                "the reminder is still installed."
            )
        return (f"the Task Scheduler task {TASK_NAME}",)

    def show(self) -> InstalledSchedule | None:
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
                return valid_time(int(match[1]), int(match[2]))
    return None
