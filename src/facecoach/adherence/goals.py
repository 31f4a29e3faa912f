"""Frequency goals ("5 per 7 days") and programs made of phases."""

import math
import re
from dataclasses import dataclass
from datetime import date

from facecoach.errors import FacecoachError
from facecoach.problems import Problem

_GOAL_PATTERN = re.compile(r"^\s*(\d+)\s*(?:/|per|in)\s*(\d+)\s*$")


class GoalError(FacecoachError):
    """A goal or program a user wrote that makes no sense."""


@dataclass(frozen=True, slots=True)
class Goal:
    """`sessions` sessions in any `days` consecutive days."""

    sessions: int
    days: int

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 366:
            raise GoalError(f"a goal's period must be 1 to 366 days, not {self.days}")
        if self.sessions < 1:
            raise GoalError(
                f"a goal needs at least 1 session per {self.days} days, not {self.sessions}"
            )
        if self.sessions > self.days:
            raise GoalError(
                f"a goal of {self.sessions} per {self.days} days is not possible: at most one "
                "session counts per day"
            )

    @classmethod
    def parse(cls, text: str) -> "Goal":
        """'5/7', '3 per 7' or '1 in 1'."""
        match = _GOAL_PATTERN.match(text)
        if not match:
            raise GoalError(f"cannot read the goal {text!r}; write it as SESSIONS/DAYS, e.g. 3/7")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def per_day(self) -> float:
        return self.sessions / self.days

    @property
    def sessions_a_week(self) -> int:
        """The sessions a week this goal asks for, rounded up and at least one, so a week's
        count never reads "0 of 0" and a plan never falls short of the goal."""
        return min(7, max(1, math.ceil(self.sessions * 7 / self.days)))

    def __str__(self) -> str:
        return f"{self.sessions}/{self.days}"

    def describe(self) -> str:
        if self.days == 7:
            return f"{self.sessions} per week"
        if self.days == 1:
            return "every day"
        return f"{self.sessions} per {self.days} days"


@dataclass(frozen=True, slots=True)
class Phase:
    """A stretch of a program with one goal; `days` None means it lasts for ever."""

    name: str
    goal: Goal
    days: int | None


def _window_too_long(phase: Phase) -> str:
    """Why a phase cannot hold its goal, with the likely intended goal when a digit too many
    looks like the cause ('5/79' for '5/7')."""
    goal = phase.goal
    reason = (
        f"the {phase.name} goal {goal} counts over {goal.days} days, longer than the "
        f"{phase.days}-day {phase.name} phase it belongs to"
    )
    shorter = str(goal.days)[:-1]
    if shorter and goal.sessions <= int(shorter) <= (phase.days or 0):
        return f"{reason}; perhaps {goal.sessions}/{shorter} was meant"
    return f"{reason}; give it at most {phase.days} days"


# The longest window a goal typed in Settings or `program` may count over. A longer one lets
# weeks without a session read as on track, and is most often a digit too many ('5/79').
# Older settings files with a longer window still load: only a goal being changed is held to it.
LONGEST_ENTERED_WINDOW_DAYS = 31


def entered_goal_problems(phase: Phase) -> list[Problem]:
    """Why a goal just typed for `phase` is refused; none when it is fine."""
    goal = phase.goal
    if goal.days <= LONGEST_ENTERED_WINDOW_DAYS:
        return []
    reason = (
        f"the {phase.name} goal {goal} counts over {goal.days} days; a goal counts over "
        f"{LONGEST_ENTERED_WINDOW_DAYS} days at most, so that weeks without a session never "
        "read as on track"
    )
    shorter = str(goal.days)[:-1]
    if shorter and goal.sessions <= int(shorter):
        reason = f"{reason}; perhaps {goal.sessions}/{shorter} was meant"
    return [Problem("", reason)]


@dataclass(frozen=True, slots=True)
class ProgramPosition:
    phase: Phase
    phase_index: int
    day_in_phase: int  # 1-based
    program_day: int  # 1-based, from the program start

    def describe(self) -> str:
        if self.phase.days is not None:
            return f"{self.phase.name}, day {self.day_in_phase} of {self.phase.days}"
        return f"{self.phase.name}, day {self.day_in_phase}"


@dataclass(frozen=True, slots=True)
class Program:
    """Phases back to back from a start day; the last phase goes on for ever."""

    phases: tuple[Phase, ...]

    def __post_init__(self) -> None:
        if not self.phases:
            raise GoalError("a program needs at least one phase")
        for phase in self.phases[:-1]:
            if phase.days is None or phase.days < 1:
                raise GoalError(
                    f"phase {phase.name!r} needs a length in days (only the last may go on)"
                )
        for phase in self.phases:
            if phase.days is not None and phase.goal.days > phase.days:
                raise GoalError(_window_too_long(phase))

    def position(self, start: date, day: date) -> ProgramPosition | None:
        """Where `day` falls in a program started on `start`; None before the start."""
        if day < start:
            return None
        offset = (day - start).days
        for index, phase in enumerate(self.phases):
            if phase.days is None or offset < phase.days or index == len(self.phases) - 1:
                return ProgramPosition(phase, index, offset + 1, (day - start).days + 1)
            offset -= phase.days
        raise AssertionError("unreachable: the last phase always matches")

    def goal_on(self, start: date | None, day: date) -> Goal:
        """The goal in force on `day` (the first phase's before the program starts)."""
        if start is None:
            return self.phases[0].goal
        position = self.position(start, day)
        return position.phase.goal if position else self.phases[0].goal

    def schedule(self, start: date | None) -> "GoalSchedule":
        """The goals of this program started on `start`, as day numbers where they change."""
        changes = [(0, self.phases[0].goal)]
        if start is not None:
            first = start.toordinal()
            for phase, following in zip(self.phases, self.phases[1:], strict=False):
                assert phase.days is not None  # only the last phase goes on for ever
                first += phase.days
                changes.append((first, following.goal))
        return GoalSchedule(tuple(changes))


@dataclass(frozen=True, slots=True)
class GoalSchedule:
    """The goal in force on each day, as (day number, goal) pairs in day order where it
    changes; the first goal also holds before its day. Day numbers are `date.toordinal()`:
    stats count over thousands of days, and integers are what make that cheap."""

    changes: tuple[tuple[int, Goal], ...]

    @classmethod
    def constant(cls, goal: Goal) -> "GoalSchedule":
        return cls(((0, goal),))

    def longest_goal(self) -> int:
        """The most days any goal of the schedule spans."""
        return max(goal.days for _, goal in self.changes)


# The names of phases, said the same everywhere: an intro then maintenance, or one ongoing goal.
INTRO_PHASE = "intro"
MAINTENANCE_PHASE = "maintenance"
ONGOING_PHASE = "ongoing"

DEFAULT_PROGRAM = Program(
    (
        Phase(INTRO_PHASE, Goal(5, 7), 60),
        Phase(MAINTENANCE_PHASE, Goal(3, 7), None),
    )
)
