"""The streak and strength rules as first written, on dates, one calendar day at a time.

Kept as the slow, obviously-correct reference that `facecoach.adherence.streaks` (on day numbers,
by goal segments) is checked against in property tests. Not used by facecoach itself.
"""

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta

from facecoach.adherence.goals import Goal
from facecoach.adherence.streaks import StreakReport

GoalOn = Callable[[date], Goal]

# How far ahead to look for the day a streak would break; longer than any goal period.
_LOOKAHEAD_DAYS = 400


@dataclass(frozen=True, slots=True)
class _GoalCalendar:
    days: list[date]  # non-skip days, first day to horizon
    done: list[int]  # 1 where a counted session happened
    prefix: list[int]  # prefix[i] = sum(done[:i])

    @classmethod
    def build(
        cls, first: date, last: date, session_days: Collection[date], skip_days: Collection[date]
    ) -> "_GoalCalendar":
        days: list[date] = []
        done: list[int] = []
        day = first
        while day <= last:
            has_session = day in session_days
            if has_session or day not in skip_days:  # a session on a skip day still counts
                days.append(day)
                done.append(1 if has_session else 0)
            day += timedelta(days=1)
        prefix = [0]
        for value in done:
            prefix.append(prefix[-1] + value)
        return cls(days, done, prefix)

    def count(self, start: int, length: int) -> int:
        """Session days in the window of `length` goal days starting at index `start`."""
        lo = max(0, start)
        hi = min(len(self.done), start + length)
        return self.prefix[hi] - self.prefix[lo] if hi > lo else 0

    def covered(self, goal_on: GoalOn) -> list[bool]:
        """Per goal day: does a window of the day's goal that meets it contain the day, with a
        session in that window on or before the day?

        The second half is what makes a gap break a streak: with 1 in 7, sessions 13 days
        apart leave the days between uncovered (a later session cannot cover the days before
        it), while a new program's first session counts from its first day as soon as the goal
        is met in its window (harsh's "satisfied" rule).
        """
        count = len(self.days)
        goals = [goal_on(day) for day in self.days]
        # next_session[i]: the first index >= i with a session (count when none).
        next_session = [count] * (count + 1)
        for i in range(count - 1, -1, -1):
            next_session[i] = i if self.done[i] else next_session[i + 1]
        covered = [False] * count
        for goal in set(goals):
            # Each window that meets the goal covers from its first session to its end;
            # a difference array adds the intervals up in one pass.
            marks = [0] * (count + 1)
            for start in range(count):
                end = min(count, start + goal.days)
                if self.prefix[end] - self.prefix[start] >= goal.sessions:
                    marks[next_session[start]] += 1
                    marks[end] -= 1
            depth = 0
            for i in range(count):
                depth += marks[i]
                if goals[i] == goal and depth > 0:
                    covered[i] = True
        return covered


def streaks(
    session_days: Collection[date],
    skip_days: Collection[date],
    today: date,
    goal_on: GoalOn,
) -> StreakReport:
    """Current and best streak, and the deadline to keep the current one, as of `today`."""
    past_sessions = [d for d in session_days if d <= today]
    if not past_sessions:
        return StreakReport(0, 0, None, None, None)
    first = min(past_sessions)
    horizon = today + timedelta(days=_LOOKAHEAD_DAYS)
    calendar = _GoalCalendar.build(first, horizon, set(past_sessions), set(skip_days))
    covered = calendar.covered(goal_on)
    days = calendar.days

    # Runs of covered goal days as (first index, last index), up to today.
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, day in enumerate(days):
        if day > today:
            break
        if covered[i]:
            start = i if start is None else start
        elif start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, _last_index_until(days, today)))

    def calendar_length(run: tuple[int, int], end: date | None = None) -> int:
        return ((end or days[run[1]]) - days[run[0]]).days + 1

    today_index = _last_index_until(days, today)
    current_run = None
    if runs:
        last_run = runs[-1]
        # Today may still be pending: the streak lives on through yesterday until the day ends.
        if last_run[1] == today_index or (
            last_run[1] == today_index - 1 and days[today_index] == today
        ):
            current_run = last_run

    best = max((calendar_length(run) for run in runs), default=0)
    if current_run is None:
        return StreakReport(0, best, None, None, None)

    end = today if covered[today_index] or days[today_index] < today else days[current_run[1]]
    current = calendar_length(current_run, end)
    deadline = next((day for i, day in enumerate(days) if day >= today and not covered[i]), horizon)
    return StreakReport(
        current=current,
        best=max(best, current),
        started=days[current_run[0]],
        deadline=deadline,
        days_left=(deadline - today).days,
    )


def strength_series(
    session_days: Collection[date],
    skip_days: Collection[date],
    first: date,
    today: date,
    goal_on: GoalOn,
) -> list[tuple[date, float]]:
    """Habit strength (0 to 1) for every calendar day from `first` to `today`."""
    sessions = set(session_days)
    skips = set(skip_days)
    calendar = _GoalCalendar.build(first, today, sessions, skips)
    index = {day: i for i, day in enumerate(calendar.days)}
    score = 0.0
    series = []
    day = first
    while day <= today:
        i = index.get(day)
        if i is not None:  # skip days leave the score as it was
            goal = goal_on(day)
            # Loop's smoothing for goals of less than once a day: twice the window, twice
            # the sessions, so an irregular but steady schedule still meets it every day.
            scale = 2 if goal.per_day < 1 else 1
            window, wanted = goal.days * scale, goal.sessions * scale
            done = min(1.0, calendar.count(i - window + 1, window) / wanted)
            multiplier = 0.5 ** (math.sqrt(goal.per_day) / 13)
            score = score * multiplier + done * (1 - multiplier)
        series.append((day, score))
        day += timedelta(days=1)
    return series


def _last_index_until(days: list[date], today: date) -> int:
    """Index of the last goal day on or before `today` (days[0] is never after today)."""
    lo, hi = 0, len(days)
    while lo < hi:
        mid = (lo + hi) // 2
        if days[mid] <= today:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1
