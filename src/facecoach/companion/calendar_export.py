"""The program as an iCalendar file: `facecoach calendar export` and the Settings button.

Written with the `icalendar` library (RFC 5545). Each planned session is an event at the time
the user picked, as long as its routine runs, with a reminder (VALARM); each waiting period
after an injection is an all-day busy block. Every event's UID is made from what it is (the
week and the session's place in it; the injection's kind and day), so exporting again and
importing the file again updates the same events instead of adding copies; SEQUENCE grows with
each export, so calendars that compare it take the newer one.

The choices of the last export (file, weekdays, time, reminder, weeks) are remembered in
`calendar.toml` in the configuration folder: an export that does not give them again, and the
Settings button, make the same plan into the same file.
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from facecoach import __version__
from facecoach.adherence.plan import (
    MAX_PLAN_WEEKS,
    PlannedSession,
    PlannedWait,
    SessionPlan,
    Weekday,
    plan_sessions,
)
from facecoach.datafiles import DataFileError, read_toml_model, write_toml_atomic
from facecoach.errors import FacecoachError
from facecoach.units import Unit
from facecoach.wording import calendar as words

if TYPE_CHECKING:
    from icalendar import Calendar, Event

    from facecoach.companion.core import Companion
    from facecoach.routines.model import Routine

CHOICES_FILE = "calendar.toml"
DEFAULT_FILE = "facecoach-plan.ics"
UID_DOMAIN = "facecoach"


class CalendarError(FacecoachError):
    """The calendar could not be planned or written; the message says why and what to do."""


class CalendarChoicesError(DataFileError, CalendarError):
    what = "calendar choices file"


class CalendarChoices(BaseModel):
    """What the plan is made of; remembered from one export to the next."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str | None = Field(default=None, description="Where the last export was written.")
    weeks: Annotated[int, Unit.WEEKS] = Field(default=4, ge=1, le=MAX_PLAN_WEEKS)
    days: tuple[Weekday, ...] | None = Field(
        default=None, description="The weekdays to plan on; unset: spread by the goal."
    )
    at: str = Field(default="08:30", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    alarm_minutes: Annotated[int, Unit.MINUTES] = Field(default=15, ge=0, le=24 * 60)
    sequence: int = Field(default=0, ge=0, description="The last export's SEQUENCE.")

    @model_validator(mode="after")
    def _days_once(self) -> Self:
        if self.days is not None and len(set(self.days)) != len(self.days):
            raise ValueError("days: each weekday at most once")
        return self

    @property
    def time_of_day(self) -> time:
        hours, minutes = self.at.split(":")
        return time(int(hours), int(minutes))


def choices_path(config_dir: Path) -> Path:
    return config_dir / CHOICES_FILE


def load_choices(config_dir: Path) -> CalendarChoices:
    return (
        read_toml_model(choices_path(config_dir), CalendarChoices, CalendarChoicesError)
        or CalendarChoices()
    )


def default_file(data_dir: Path) -> Path:
    """Where the Settings button writes before any export named a file."""
    return data_dir / DEFAULT_FILE


@dataclass(frozen=True, slots=True)
class CalendarExport:
    path: Path
    plan: SessionPlan

    def summary(self) -> str:
        first = self.plan.sessions[0].day if self.plan.sessions else None
        return words.export_summary(
            str(self.path), len(self.plan.sessions), len(self.plan.waits), first
        )

    def warnings(self) -> list[str]:
        return (
            [words.short_weeks_warning(list(self.plan.short_weeks))]
            if (self.plan.short_weeks)
            else []
        )


def plan_for(companion: "Companion", choices: CalendarChoices) -> SessionPlan:
    """The sessions the program plans from today (tomorrow when today's is done or its time
    has passed), by the goals of its phases, the chosen weekdays and the waiting periods."""
    from facecoach.adherence.stats import TodayState

    settings = companion.program_service.settings
    today = companion.program_service.today()
    stats = (
        companion.log_service.stats_so_far()
    )  # of an empty log when there is none (none is made)
    passed = session_start(today, choices.time_of_day, settings.day_start_hour) <= (
        companion.clock.now()
    )
    first_day = (
        today + timedelta(days=1) if passed or stats.today_state is TodayState.DONE else today
    )
    injections = (
        companion.safety_service.injections()
        if companion.log_service.existing_store() is not None
        else []
    )
    return plan_sessions(
        program=settings.program(),
        program_start=stats.program_start,
        first_day=first_day,
        weeks=choices.weeks,
        weekdays=choices.days,
        routine_ids=[choice.routine.id for choice in companion.program_service.routines()],
        first_routine=companion.suggested_routine_id(),
        injections=injections,
        wait_days=settings.injection_wait_days,
    )


def session_start(day: date, at: time, day_start_hour: int) -> datetime:
    """When a session that counts for `day` starts, as an aware UTC time: a time before the
    hour a new day starts falls on the next calendar date (00:30 belongs to the day before)."""
    calendar_day = day + timedelta(days=1) if at.hour < day_start_hour else day
    # A naive local time made aware in the machine's zone on that date (its own DST rule).
    return datetime.combine(calendar_day, at).astimezone().astimezone(UTC)


def build_calendar(
    plan: SessionPlan,
    routines: dict[str, "Routine"],
    choices: CalendarChoices,
    day_start_hour: int,
    stamp: datetime,
    sequence: int,
) -> "Calendar":
    """The plan as an iCalendar object (the file is its `to_ical()`); `sequence` is each
    event's SEQUENCE, higher than any earlier export's."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", f"-//facecoach//facecoach {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", words.CALENDAR_NAME)
    for session in plan.sessions:
        routine = routines.get(session.routine_id)
        if routine is None:
            continue
        calendar.add_component(
            _session_event(session, routine, choices, day_start_hour, stamp, sequence)
        )
    for wait in plan.waits:
        calendar.add_component(_wait_event(wait, stamp, sequence))
    return calendar


def _session_event(
    session: PlannedSession,
    routine: "Routine",
    choices: CalendarChoices,
    day_start_hour: int,
    stamp: datetime,
    sequence: int,
) -> "Event":
    from icalendar import Alarm, Event

    start = session_start(session.day, choices.time_of_day, day_start_hour)
    minutes = max(1, math.ceil(routine.total_seconds() / 60))
    event = Event()
    event.add("uid", f"session-{session.week.isoformat()}-{session.slot}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", words.session_title(routine.name))
    event.add(
        "description",
        words.session_description(
            list(dict.fromkeys(entry.zone.label for entry in routine.zones)),
            minutes,
            session.phase,
            session.goal,
            routine.id,
        ),
    )
    event.add("transp", "OPAQUE")
    if choices.alarm_minutes > 0:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", words.alarm_text(routine.name))
        alarm.add("trigger", timedelta(minutes=-choices.alarm_minutes))
        event.add_component(alarm)
    return event


def _wait_event(wait: PlannedWait, stamp: datetime, sequence: int) -> "Event":
    from icalendar import Event

    kind = wait.injection.kind
    event = Event()
    event.add("uid", f"wait-{kind.value}-{wait.injection.day.isoformat()}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", wait.first_day)
    event.add("dtend", wait.last_day + timedelta(days=1))  # all-day: the end is exclusive
    event.add("summary", words.wait_title(kind))
    event.add("description", words.wait_description(kind, wait.injection.day, wait.last_day))
    event.add("transp", "OPAQUE")  # busy: no session is planned in it
    event.add("x-microsoft-cdo-busystatus", "BUSY")
    return event


def export_calendar(
    companion: "Companion",
    path: Path | None,
    changes: dict[str, object],
    *,
    force: bool,
) -> CalendarExport:
    """Plans and writes the calendar to `path` (the remembered file, or the default one in
    the data folder, when None); `changes` are the choices given now (weeks, days, at,
    alarm_minutes), remembered for the next export. An existing file is replaced only with
    `force`, or when it is the remembered one (the file facecoach wrote last)."""
    from pydantic import ValidationError

    from facecoach.config.paths import data_dir
    from facecoach.datafiles import describe_validation_error, write_text_atomic
    from facecoach.problems import problem_line

    remembered = load_choices(companion.config_dir)
    target = path or (Path(remembered.file) if remembered.file else default_file(data_dir()))
    target = target.expanduser()
    try:
        choices = CalendarChoices.model_validate(
            {**remembered.model_dump(), **changes, "file": str(target.absolute())}
        )
    except ValidationError as exc:
        problems = describe_validation_error(exc, model=CalendarChoices)
        raise CalendarError("; ".join(map(problem_line, problems))) from None
    ours = path is None
    if target.is_dir():
        raise CalendarError(f"{target} is a folder; give a file name ending in .ics")
    if target.exists() and not (force or ours):
        raise CalendarError(
            f"{target} exists already: add --force to replace it (importing the new file "
            "updates the events the old one added)"
        )
    plan = plan_for(companion, choices)
    routines = {
        choice.routine.id: choice.routine for choice in companion.program_service.routines()
    }
    stamp = companion.clock.now()
    # Higher than the last export's, also within the same minute: minutes since 2020 (well
    # inside the 32 bits calendars keep), or one more than the last.
    minutes = int((stamp - datetime(2020, 1, 1, tzinfo=UTC)).total_seconds() // 60)
    choices = choices.model_copy(update={"sequence": max(minutes, remembered.sequence + 1)})
    calendar = build_calendar(
        plan,
        routines,
        choices,
        companion.program_service.settings.day_start_hour,
        stamp,
        choices.sequence,
    )
    write_text_atomic(target, calendar.to_ical().decode("utf-8"), CalendarError)
    write_toml_atomic(
        choices_path(companion.config_dir),
        choices.model_dump(mode="json", exclude_none=True),
        CalendarError,
    )
    return CalendarExport(target, plan)
