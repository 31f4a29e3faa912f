"""The program's planned sessions for the coming weeks: which days, which routine, and the
days a waiting period after an injection keeps free. Pure: the calendar export writes it.

Each week (Monday to Sunday) plans as many sessions as the goal in force that week asks for,
scaled to seven days and rounded up ("5 per 7 days": 5; "3 per 10 days": 3), on the weekdays
the user picked, spread across them; without a pick, on days spread through the week. Days
inside a waiting period get no session. A session is known by its week and its place in that
week (`slot`), so a plan made again with other weekdays moves the same sessions.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from facecoach.adherence.goals import Goal, GoalError, Program
from facecoach.safety.waiting import Injection


class Weekday(StrEnum):
    """A day of the week, as the user writes it (`--days mon,wed,fri`)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """0 for Monday, as `date.weekday()` counts."""
        return list(Weekday).index(self)


# Days spread through the week for each number of sessions a week: a day's rest between
# sessions where the count allows it.
_SPREAD: dict[int, tuple[Weekday, ...]] = {
    1: (Weekday.MON,),
    2: (Weekday.MON, Weekday.THU),
    3: (Weekday.MON, Weekday.WED, Weekday.FRI),
    4: (Weekday.MON, Weekday.TUE, Weekday.THU, Weekday.FRI),
    5: (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI),
    6: (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI, Weekday.SAT),
    7: tuple(Weekday),
}

MAX_PLAN_WEEKS = 26


def parse_weekdays(text: str) -> tuple[Weekday, ...]:
    """'mon,wed,fri' (or 'Mon Wed Fri'), in week order; an unknown day raises GoalError."""
    days: set[Weekday] = set()
    for word in text.replace(",", " ").split():
        try:
            days.add(Weekday(word.strip().lower()[:3]))
        except ValueError:
            raise GoalError(
                f"{word!r} is not a day of the week; write them as "
                f"{','.join(day.value for day in Weekday)}"
            ) from None
    if not days:
        raise GoalError("no day of the week given; write them as mon,wed,fri")
    return tuple(sorted(days, key=lambda day: day.number))


def spread(weekdays: Sequence[Weekday], count: int) -> tuple[Weekday, ...]:
    """`count` of `weekdays` (in week order), spread evenly; all of them if fewer."""
    if count >= len(weekdays):
        return tuple(weekdays)
    return tuple(weekdays[(index * len(weekdays)) // count] for index in range(count))


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One session the program plans."""

    day: date
    """The day it counts for."""
    week: date
    """The Monday of its week."""
    slot: int
    """Its place in that week, from 1."""
    routine_id: str
    phase: str
    goal: Goal


@dataclass(frozen=True, slots=True)
class PlannedWait:
    """Days a waiting period after an injection keeps free of sessions."""

    injection: Injection
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class SessionPlan:
    sessions: tuple[PlannedSession, ...]
    waits: tuple[PlannedWait, ...]
    short_weeks: tuple[date, ...]
    """Mondays of the weeks with fewer sessions than the goal asks (too few weekdays
    picked, or a waiting period)."""


def plan_sessions(
    *,
    program: Program,
    program_start: date | None,
    first_day: date,
    weeks: int,
    weekdays: Sequence[Weekday] | None,
    routine_ids: Sequence[str],
    first_routine: str | None,
    injections: Iterable[Injection],
    wait_days: int,
) -> SessionPlan:
    """The sessions from `first_day` for `weeks` weeks, to the Sunday that ends the last."""
    if not 1 <= weeks <= MAX_PLAN_WEEKS:
        raise GoalError(f"a plan covers 1 to {MAX_PLAN_WEEKS} weeks, not {weeks}")
    monday = first_day - timedelta(days=first_day.weekday())
    # `weeks` whole weeks from the first day, to the Sunday that ends the last of them.
    ahead = first_day + timedelta(days=7 * weeks - 1)
    last_day = ahead + timedelta(days=6 - ahead.weekday())
    waits = tuple(_waits(injections, wait_days, first_day, last_day))
    waiting_days = {
        wait.first_day + timedelta(days=offset)
        for wait in waits
        for offset in range((wait.last_day - wait.first_day).days + 1)
    }
    rotation = list(routine_ids)
    turn = rotation.index(first_routine) if first_routine in rotation else 0
    sessions: list[PlannedSession] = []
    short_weeks: list[date] = []
    for week in range((last_day - monday).days // 7 + 1):
        week_start = monday + timedelta(days=7 * week)
        goal_day = max(week_start, first_day)
        goal = program.goal_on(program_start, goal_day)
        position = program.position(program_start, goal_day) if program_start else None
        phase = position.phase.name if position else program.phases[0].name
        wanted = goal.sessions_a_week
        chosen = spread(weekdays, wanted) if weekdays else _SPREAD[wanted]
        kept = 0
        for slot, weekday in enumerate(chosen, start=1):
            day = week_start + timedelta(days=weekday.number)
            if day < first_day or day in waiting_days:
                continue
            kept += 1
            routine = rotation[turn % len(rotation)] if rotation else ""
            turn += 1
            sessions.append(PlannedSession(day, week_start, slot, routine, phase, goal))
        # A week begun before the first day is not short: its first days are gone already.
        if week_start >= first_day and (len(chosen) < wanted or kept < len(chosen)):
            short_weeks.append(week_start)
    return SessionPlan(tuple(sessions), waits, tuple(short_weeks))


def _waits(
    injections: Iterable[Injection], wait_days: int, first_day: date, last_day: date
) -> Iterable[PlannedWait]:
    if wait_days <= 0:
        return
    for injection in sorted(injections, key=lambda injection: injection.day):
        end = injection.day + timedelta(days=wait_days - 1)
        if end < first_day or injection.day > last_day:
            continue
        yield PlannedWait(injection, max(injection.day, first_day), min(end, last_day))
