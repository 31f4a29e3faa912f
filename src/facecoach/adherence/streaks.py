"""Schedule-aware streaks and habit strength, measured against a frequency goal.

Days are looked at on a "goal calendar": the calendar with skip days (vacation, illness, the
waiting period after an injection) taken out, so a skip day neither counts against a window nor
breaks a run. At most one session counts per day.

* A day is *covered* when it lies in some window of `goal.days` consecutive goal-calendar days
  that holds at least `goal.sessions` session days, one of them on or before the day. Resting on
  the days a goal allows never breaks a streak, a gap longer than the goal allows always does,
  and the first sessions of a program count from their first day.
* A streak is a run of covered days; its length is in calendar days, skip days inside included.
* Habit strength is Loop Habit Tracker's score (`ScoreList.recompute`): each day
  `score = score * m + done * (1 - m)` with `m = 0.5 ** (sqrt(f) / 13)`, f the goal frequency per
  day and `done` the share of the goal met in the window ending that day (capped at 1). As in
  Loop, a goal of less than once a day is measured over twice its window (2 in 14 days for 1 in
  7), so doing it every week on a different weekday still reaches 100%. Skip days leave the score
  unchanged and are left out of the windows, as if they never existed.

Everything runs on day numbers (`date.toordinal()`), not dates: ten years are about 3,650 days
and each is touched a few times, so the per-day cost is what matters. `streak_report` and
`strength_samples` are the fast entry points; `streaks` and `strength_series` take dates.
"""

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from facecoach.adherence.goals import Goal, GoalSchedule

GoalOn = Callable[[date], Goal]

# How far ahead to look for the day a streak would break; longer than any goal period.
_LOOKAHEAD_DAYS = 400
_SUNDAY = 0  # date.toordinal() % 7 on a Sunday (day 1, 1 January of year 1, was a Monday)


@dataclass(frozen=True, slots=True)
class StreakReport:
    current: int  # calendar days
    best: int
    started: date | None  # first day of the current streak
    deadline: date | None  # last day a session can be done to keep the current streak
    days_left: int | None  # deadline - today, in days; 0 means "today"


Run = tuple[int, int]  # goal-calendar indices, first and one past the last


@dataclass(frozen=True, slots=True)
class _GoalCalendar:
    days: list[int]  # non-skip day numbers, first day to horizon
    prefix: list[int]  # prefix[i] = session days among days[:i]
    segments: list[tuple[int, int, Goal]]  # runs of days under one goal: (first, end, goal)

    @classmethod
    def build(
        cls,
        first: int,
        last: int,
        session_days: Collection[int],
        skip_days: Collection[int],
        schedule: GoalSchedule,
    ) -> "_GoalCalendar":
        span = range(first, last + 1)
        # A session on a skip day still counts.
        days = (
            [d for d in span if d in session_days or d not in skip_days] if skip_days else [*span]
        )
        prefix = [0, *accumulate(1 if d in session_days else 0 for d in days)]
        segments: list[tuple[int, int, Goal]] = []
        changes = schedule.changes
        for number, (change_day, goal) in enumerate(changes):
            lo = bisect_left(days, change_day) if number else 0
            hi = (
                bisect_left(days, changes[number + 1][0])
                if number + 1 < len(changes)
                else len(days)
            )
            if lo >= hi:
                continue
            if segments and segments[-1][2] == goal and segments[-1][1] == lo:
                lo = segments.pop()[0]
            segments.append((lo, hi, goal))
        return cls(days, prefix, segments)

    def covered_runs(self) -> list[Run]:
        """The runs of covered goal days: each day in a window of the day's goal that meets
        it, with a session in that window on or before the day.

        The second half is what makes a gap break a streak: with 1 in 7, sessions 13 days
        apart leave the days between uncovered (a later session cannot cover the days before
        it), while a new program's first session counts from its first day as soon as the goal
        is met in its window (harsh's "satisfied" rule). A window that meets its goal covers
        from its first session to its end; as windows slide, both ends only move forward, so
        the union is built in one sweep.
        """
        count = len(self.days)
        prefix = self.prefix
        runs: list[Run] = []
        for first, end_of_segment, goal in self.segments:
            length, wanted = goal.days, goal.sessions
            run_lo = run_hi = -1
            next_session = 0  # an index at or after the window start holding a session
            for start in range(max(0, first - length + 1), end_of_segment):
                end = start + length
                if end > count:
                    end = count
                if prefix[end] - prefix[start] < wanted:
                    continue
                if next_session < start:
                    next_session = start
                while prefix[next_session + 1] == prefix[next_session]:
                    next_session += 1  # the window meets its goal, so it holds a session
                lo = next_session if next_session > first else first
                hi = end if end < end_of_segment else end_of_segment
                if lo >= hi:
                    continue
                if lo <= run_hi:
                    if hi > run_hi:
                        run_hi = hi
                else:
                    if run_hi > run_lo:
                        runs.append((run_lo, run_hi))
                    run_lo, run_hi = lo, hi
            if run_hi > run_lo:
                runs.append((run_lo, run_hi))
        merged: list[Run] = []
        for run in runs:  # runs of neighbouring segments that touch are one run
            if merged and merged[-1][1] == run[0]:
                merged[-1] = (merged[-1][0], run[1])
            else:
                merged.append(run)
        return merged

    def strengths(self, last_index: int, *, after: int = -1, score: float = 0.0) -> list[float]:
        """Habit strength after each goal day from index `after` + 1 to `last_index`, going on
        from `score` after index `after`."""
        prefix = self.prefix
        scores: list[float] = []
        for first, end_of_segment, goal in self.segments:
            first = max(first, after + 1)
            end_of_segment = min(end_of_segment, last_index + 1)
            if first >= end_of_segment:
                continue
            # Loop's smoothing for goals of less than once a day: twice the window, twice the
            # sessions, so an irregular but steady schedule still meets it every day.
            scale = 2 if goal.per_day < 1 else 1
            window, wanted = goal.days * scale, goal.sessions * scale
            multiplier = 0.5 ** (math.sqrt(goal.per_day) / 13)
            gain = 1 - multiplier
            counts = [
                prefix[i + 1] - prefix[i - window + 1 if i >= window else 0]
                for i in range(first, end_of_segment)
            ]
            # min(1.0, done / wanted) * gain, as Loop computes it, bit for bit.
            for added in [gain if c >= wanted else c / wanted * gain for c in counts]:
                score = score * multiplier + added
                scores.append(score)
        return scores


# A covered run: its first calendar day, then its goal-calendar indices (first, one past last).
# The first day is apart because a run may begin before the part of the calendar looked at.
StartedRun = tuple[int, int, int]


def streak_report(
    session_days: Collection[int], skip_days: Collection[int], today: int, schedule: GoalSchedule
) -> StreakReport:
    """Current and best streak, and the deadline to keep the current one, as of day `today`."""
    past_sessions = {d for d in session_days if d <= today}
    if not past_sessions:
        return StreakReport(0, 0, None, None, None)
    horizon = today + _LOOKAHEAD_DAYS
    calendar = _GoalCalendar.build(min(past_sessions), horizon, past_sessions, skip_days, schedule)
    runs = [(calendar.days[lo], lo, hi) for lo, hi in calendar.covered_runs()]
    return _streak_on(calendar, runs, today, horizon)


def _streak_on(
    calendar: _GoalCalendar, runs: list[StartedRun], today: int, horizon: int, best_before: int = 0
) -> StreakReport:
    days = calendar.days
    today_index = _last_index_until(days, today)
    past = [(start, lo, min(hi, today_index + 1)) for start, lo, hi in runs if lo <= today_index]
    best = max((days[hi - 1] - start + 1 for start, _, hi in past), default=best_before)
    best = max(best, best_before)
    if not past:
        return StreakReport(0, best, None, None, None)
    started, _, hi = past[-1]
    # Today may still be pending: the streak lives on through yesterday until the day ends.
    today_covered = hi == today_index + 1
    if not today_covered and not (hi == today_index and days[today_index] == today):
        return StreakReport(0, best, None, None, None)
    end = today if today_covered or days[today_index] < today else days[hi - 1]
    current = end - started + 1
    first_future = today_index if days[today_index] == today else today_index + 1
    deadline = horizon
    for _, run_lo, run_hi in runs:
        if run_hi <= first_future:
            continue
        uncovered = first_future if run_lo > first_future else run_hi
        deadline = days[uncovered] if uncovered < len(days) else horizon
        break
    else:
        if first_future < len(days):
            deadline = days[first_future]
    return StreakReport(
        current=current,
        best=max(best, current),
        started=date.fromordinal(started),
        deadline=date.fromordinal(deadline),
        days_left=deadline - today,
    )


@dataclass(frozen=True, slots=True)
class StrengthSamples:
    today: float  # habit strength on the last day
    weekly: list[tuple[int, float]]  # on every Sunday, and the last day (day numbers)


def strength_samples(
    session_days: Collection[int],
    skip_days: Collection[int],
    first: int,
    today: int,
    schedule: GoalSchedule,
    *,
    every_day: list[tuple[int, float]] | None = None,
) -> StrengthSamples:
    """Habit strength (0 to 1) from day `first` to `today`: on the last day and each Sunday
    (and, into `every_day` when given, on each day)."""
    calendar = _GoalCalendar.build(first, today, session_days, skip_days, schedule)
    samples, _ = _strength_on(calendar, first, today, every_day)
    return samples


def _strength_on(
    calendar: _GoalCalendar,
    weeks_from: int,
    today: int,
    every_day: list[tuple[int, float]] | None = None,
    *,
    after: int = -1,
    score: float = 0.0,
) -> tuple[StrengthSamples, list[float]]:
    """The samples from `weeks_from` on, and the scores from index `after` + 1."""
    days = calendar.days
    last_index = _last_index_until(days, today)
    scores = calendar.strengths(last_index, after=after, score=score)

    def on(day: int) -> float:  # skip days leave the score as it was
        index = bisect_right(days, day, 0, last_index + 1) - 1
        return scores[index - after - 1] if index > after else score

    sunday = weeks_from + (_SUNDAY - weeks_from) % 7
    weekly = [(day, on(day)) for day in range(sunday, today + 1, 7)]
    if not weekly or weekly[-1][0] != today:
        weekly.append((today, on(today)))
    if every_day is not None:
        every_day.extend((day, on(day)) for day in range(weeks_from, today + 1))
    return StrengthSamples(on(today), weekly), scores


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where streaks and strength stood after goal day `day`. Later days go on from it, so a
    long history is walked once rather than on every read; it holds while nothing changes on
    a day before `valid_before` (a session counted or not, a skip day)."""

    day: int
    score: float  # habit strength after `day`
    best: int  # the longest streak that ended before the one through `day`
    run_start: int | None  # first day of the streak through `day`, if `day` is covered
    valid_before: int


class CheckpointMismatch(Exception):
    """The days given do not agree with the checkpoint to go on from (a clock turned back,
    or a checkpoint from other inputs): read every day and walk the whole log instead."""


@dataclass(frozen=True, slots=True)
class StreakAndStrength:
    streak: StreakReport
    strength: StrengthSamples
    checkpoint: Checkpoint | None  # a new one, when asked for


def first_day_needed(
    checkpoint: Checkpoint, skip_days: Collection[int], schedule: GoalSchedule
) -> int:
    """The first day whose sessions going on from `checkpoint` looks at: enough goal days
    before it for the longest window (twice a goal's days, for strength)."""
    day, needed = checkpoint.day, 2 * schedule.longest_goal()
    while needed > 0:
        day -= 1
        if day not in skip_days:
            needed -= 1
    return day


def streak_and_strength(
    session_days: Collection[int],
    skip_days: Collection[int],
    first: int,
    today: int,
    schedule: GoalSchedule,
    *,
    weeks_from: int | None = None,
    resume: Checkpoint | None = None,
    checkpoint_at: int | None = None,
) -> StreakAndStrength:
    """Both, on one goal calendar: from `first` (at or before the first session), or, going
    on from `resume`, from `first_day_needed(resume, ...)` (sessions before it are not
    looked at). Weekly strength from `weeks_from` on, which must come after `resume.day`.
    With `checkpoint_at`, a walk of the whole log also returns a checkpoint on that day."""
    weeks_from = first if weeks_from is None else max(weeks_from, first)
    if first > today:
        empty = StrengthSamples(0.0, [])
        return StreakAndStrength(
            streak_report(session_days, skip_days, today, schedule), empty, None
        )
    horizon = today + _LOOKAHEAD_DAYS
    past_sessions = {d for d in session_days if d <= today}
    if resume is not None:
        begin = first_day_needed(resume, skip_days, schedule)
        calendar = _GoalCalendar.build(begin, horizon, past_sessions, skip_days, schedule)
        after = bisect_left(calendar.days, resume.day)
        runs = _runs_after(calendar, after, resume)
        if runs is None or resume.day >= weeks_from:
            raise CheckpointMismatch
        streak = _streak_on(calendar, runs, today, horizon, resume.best)
        samples, _ = _strength_on(calendar, weeks_from, today, after=after, score=resume.score)
        return StreakAndStrength(streak, samples, None)
    calendar = _GoalCalendar.build(first, horizon, past_sessions, skip_days, schedule)
    runs = [(calendar.days[lo], lo, hi) for lo, hi in calendar.covered_runs()]
    samples, scores = _strength_on(calendar, weeks_from, today)
    checkpoint = None
    if checkpoint_at is not None:
        checkpoint = _checkpoint(calendar, runs, scores, min(checkpoint_at, today), schedule)
    return StreakAndStrength(_streak_on(calendar, runs, today, horizon), samples, checkpoint)


def _runs_after(calendar: _GoalCalendar, after: int, resume: Checkpoint) -> list[StartedRun] | None:
    """The covered runs from the checkpoint's day on, the one through it starting where the
    checkpoint says; None when the calendar does not agree with the checkpoint."""
    days = calendar.days
    if after >= len(days) or days[after] != resume.day:
        return None
    runs: list[StartedRun] = []
    through = False
    for lo, hi in calendar.covered_runs():
        if hi <= after:
            continue
        if lo <= after:
            if resume.run_start is None:
                return None
            through = True
            runs.append((resume.run_start, lo, hi))
        else:
            runs.append((days[lo], lo, hi))
    if resume.run_start is not None and not through:
        return None
    return runs


def _checkpoint(
    calendar: _GoalCalendar,
    runs: list[StartedRun],
    scores: list[float],
    day: int,
    schedule: GoalSchedule,
) -> Checkpoint | None:
    days = calendar.days
    index = _last_index_until(days, day)
    # Whether a day is covered depends on the sessions up to a goal's length after it.
    reach = index + schedule.longest_goal()
    if index < 0 or reach >= len(days):
        return None
    return Checkpoint(
        day=days[index],
        score=scores[index],
        best=max((days[hi - 1] - start + 1 for start, _, hi in runs if hi <= index), default=0),
        run_start=next((start for start, lo, hi in runs if lo <= index < hi), None),
        valid_before=days[reach],
    )


def streaks(
    session_days: Collection[date],
    skip_days: Collection[date],
    today: date,
    goal_on: GoalOn | GoalSchedule,
) -> StreakReport:
    """`streak_report` on dates, with the goal from a schedule or from a function of the day."""
    sessions = {d.toordinal() for d in session_days}
    schedule = _as_schedule(goal_on, min(sessions, default=today.toordinal()), today.toordinal())
    return streak_report(sessions, {d.toordinal() for d in skip_days}, today.toordinal(), schedule)


def strength_series(
    session_days: Collection[date],
    skip_days: Collection[date],
    first: date,
    today: date,
    goal_on: GoalOn | GoalSchedule,
) -> list[tuple[date, float]]:
    """Habit strength (0 to 1) for every calendar day from `first` to `today`."""
    schedule = _as_schedule(goal_on, first.toordinal(), today.toordinal())
    every_day: list[tuple[int, float]] = []
    strength_samples(
        {d.toordinal() for d in session_days},
        {d.toordinal() for d in skip_days},
        first.toordinal(),
        today.toordinal(),
        schedule,
        every_day=every_day,
    )
    return [(date.fromordinal(day), score) for day, score in every_day]


def _as_schedule(goal_on: GoalOn | GoalSchedule, first: int, today: int) -> GoalSchedule:
    """A schedule from a function of the day, asked on every day that streaks look at."""
    if isinstance(goal_on, GoalSchedule):
        return goal_on
    changes: list[tuple[int, Goal]] = []
    for day in range(min(first, today), today + _LOOKAHEAD_DAYS + 1):
        goal = goal_on(date.fromordinal(day))
        if not changes or changes[-1][1] != goal:
            changes.append((day, goal))
    return GoalSchedule(tuple(changes))


def _last_index_until(days: Sequence[int], today: int) -> int:
    """Index of the last goal day on or before `today` (days[0] is never after today)."""
    return bisect_right(days, today) - 1
