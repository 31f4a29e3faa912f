"""Whether to remind the user today, decided from the log, the program and the day-start hour,
and remembered so that a reminder comes at most once a day however often it is asked.

The decision is the day's status (`day_status`): a session is due, the streak breaks without
one today, or the waiting period after an injection advises against one. Only a due session is
worth interrupting someone for; rest days, done days and waiting days are silent.
"""

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from facecoach.companion.day_status import DayState, DayStatus
from facecoach.config.paths import CACHE_DIR_ENV, CONFIG_DIR_ENV, DATA_DIR_ENV
from facecoach.system.scheduler import ReminderScheduleError
from facecoach.wording.reminders import REMINDER_TITLE, reminder_message

REMINDED_FILE = "last-reminder.json"

# What chooses the folders the reminder reads: facecoach's own overrides (`--data-dir` is one)
# and the XDG base directories that platformdirs follows on Linux. A scheduler starts the
# reminder with a bare environment, so each that is set here must travel with the entry, or the
# reminder would read another log and other settings than the ones this shell uses.
PASSED_ENVIRONMENT = (
    CONFIG_DIR_ENV,
    DATA_DIR_ENV,
    CACHE_DIR_ENV,
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
)

_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})")


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
    """The variables of `environ` the scheduled reminder needs: what chose its folders, made
    absolute (the scheduler does not start in the directory the user was in)."""
    return {
        name: os.path.abspath(os.path.expanduser(environ[name]))
        for name in PASSED_ENVIRONMENT
        if environ.get(name)
    }


@dataclass(frozen=True, slots=True)
class Reminder:
    """Today's decision."""

    day: date
    state: DayState
    due: bool
    streak_breaks: bool  # no session today ends the current streak
    streak_days: int
    waiting_until: date | None
    title: str
    message: str

    def as_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "state": self.state.value,
            "due": self.due,
            "streak_breaks": self.streak_breaks,
            "streak_days": self.streak_days,
            "waiting_until": None if self.waiting_until is None else self.waiting_until.isoformat(),
            "title": self.title,
            "message": self.message,
        }


def decide(status: DayStatus, today: date) -> Reminder:
    due = status.state is DayState.DUE
    breaks = status.state is DayState.DUE and status.deadline == today and status.streak_days > 0
    return Reminder(
        day=today,
        state=status.state,
        due=due,
        streak_breaks=breaks,
        streak_days=status.streak_days,
        waiting_until=status.waiting_until,
        title=REMINDER_TITLE if due else "",
        message=reminder_message(
            week_sessions=status.week_sessions,
            week_target=status.week_target,
            streak_days=status.streak_days,
            streak_breaks=breaks,
        )
        if due
        else "",
    )


class ReminderMemory:
    """The day of the last reminder, in a small file of its own beside the log (never in the
    log: a reminder is not something the user did)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / REMINDED_FILE

    def reminded_on(self) -> date | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return date.fromisoformat(data["day"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: at worst one reminder too many

    def remember(self, day: date) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"day": day.isoformat()}) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)
