"""Streaks and habit strength: hand-computed cases, then properties over random histories."""

import math
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facecoach.adherence.goals import DEFAULT_PROGRAM, Goal, GoalError, Phase, Program
from facecoach.adherence.streaks import (
    first_day_needed,
    streak_and_strength,
    streaks,
    strength_series,
)
from tests.support import reference_streaks as reference

D0 = date(2026, 3, 2)  # a Monday


def day(n: int) -> date:
    return D0 + timedelta(days=n - 1)


def days(*numbers: int) -> set[date]:
    return {day(n) for n in numbers}


def constant(goal: Goal):  # type: ignore[no-untyped-def]
    return lambda _day: goal


DAILY = constant(Goal(1, 1))
THREE_A_WEEK = constant(Goal(3, 7))
FIVE_A_WEEK = constant(Goal(5, 7))


def test_daily_goal_counts_consecutive_days() -> None:
    report = streaks(days(1, 2, 3, 4, 5), set(), day(5), DAILY)
    assert (report.current, report.best, report.started) == (5, 5, day(1))
    assert report.days_left == 1  # tomorrow is the last day to keep it


def test_today_is_pending_until_it_ends() -> None:
    report = streaks(days(1, 2, 3), set(), day(4), DAILY)
    assert report.current == 3
    assert report.days_left == 0
    assert report.deadline == day(4)


def test_a_missed_day_breaks_a_daily_streak() -> None:
    report = streaks(days(1, 2, 3, 6), set(), day(6), DAILY)
    assert (report.current, report.best) == (1, 3)


def test_rest_days_allowed_by_the_goal_never_break_the_streak() -> None:
    mon_wed_fri = {day(w * 7 + d) for w in range(3) for d in (1, 3, 5)}
    report = streaks(mon_wed_fri, set(), day(20), THREE_A_WEEK)  # Saturday of week 3
    assert report.current == 20
    # Monday (day 22) is the first day no 7-day window with Mon 15, Wed 17, Fri 19 covers:
    # keeping the Monday session keeps the streak, Saturday and Sunday are rest days.
    assert report.deadline == day(22)
    assert report.days_left == 2


def test_first_sessions_of_a_program_count_from_their_first_day() -> None:
    report = streaks(days(1, 2, 3, 4, 5), set(), day(5), FIVE_A_WEEK)
    assert report.current == 5
    assert report.started == day(1)


def test_not_enough_sessions_is_no_streak() -> None:
    report = streaks(days(1, 2, 3), set(), day(3), FIVE_A_WEEK)
    assert report.current == 0
    assert report.deadline is None


def test_deadline_for_three_a_week() -> None:
    report = streaks(days(1, 2, 3), set(), day(3), THREE_A_WEEK)
    assert report.current == 3
    assert report.deadline == day(8)
    assert report.days_left == 5


def test_skip_days_keep_a_streak_alive_and_count_in_its_length() -> None:
    report = streaks(days(1, 2, 3, 7), days(4, 5, 6), day(7), DAILY)
    assert report.current == 7
    without_skips = streaks(days(1, 2, 3, 7), set(), day(7), DAILY)
    assert without_skips.current == 1


def test_skip_days_ahead_push_the_deadline() -> None:
    report = streaks(days(1, 2, 3), days(4, 5), day(3), DAILY)
    assert report.deadline == day(6)


def test_strength_follows_loop_habit_tracker_formula() -> None:
    m = 0.5 ** (math.sqrt(1.0) / 13)
    series = strength_series(days(1, 2, 4), days(3), day(1), day(5), DAILY)
    values = [v for _, v in series]
    expected = [1 - m]
    expected.append(expected[-1] * m + (1 - m))
    expected.append(expected[-1])  # skip day: unchanged
    expected.append(expected[-1] * m + (1 - m))
    expected.append(expected[-1] * m)  # missed day
    assert values == pytest.approx(expected)


def test_strength_of_a_perfect_three_a_week_history_approaches_one() -> None:
    history = {day(w * 7 + d) for w in range(60) for d in (1, 3, 5)}
    series = strength_series(history, set(), day(1), day(60 * 7), THREE_A_WEEK)
    assert series[-1][1] > 0.95


def test_goal_parsing_and_limits() -> None:
    assert Goal.parse("5/7") == Goal(5, 7)
    assert Goal.parse("3 per 7") == Goal(3, 7)
    with pytest.raises(GoalError, match="at most one session counts per day"):
        Goal.parse("8/7")
    with pytest.raises(GoalError, match="SESSIONS/DAYS"):
        Goal.parse("often")


def test_default_program_intro_then_maintenance() -> None:
    start = date(2026, 1, 1)
    assert DEFAULT_PROGRAM.goal_on(start, start + timedelta(days=59)) == Goal(5, 7)
    assert DEFAULT_PROGRAM.goal_on(start, start + timedelta(days=60)) == Goal(3, 7)
    position = DEFAULT_PROGRAM.position(start, start + timedelta(days=22))
    assert position is not None
    assert position.describe() == "intro, day 23 of 60"
    with pytest.raises(GoalError):
        Program(())


# --- properties ------------------------------------------------------------------------

histories = st.sets(st.integers(1, 60), max_size=45)
goals = st.sampled_from([Goal(1, 1), Goal(3, 7), Goal(5, 7), Goal(2, 3), Goal(1, 2)])


@settings(max_examples=200)
@given(histories, histories, goals, st.integers(1, 60), st.integers(1, 60))
def test_a_skip_day_never_lowers_a_streak(
    sessions: set[int], skips: set[int], goal: Goal, extra_skip: int, today: int
) -> None:
    goal_on = constant(goal)
    before = streaks(days(*sessions), days(*skips), day(today), goal_on)
    after = streaks(days(*sessions), days(*skips, extra_skip), day(today), goal_on)
    assert after.current >= before.current
    assert after.best >= before.best


@settings(max_examples=200)
@given(histories, histories, goals, st.integers(1, 60), st.integers(1, 60))
def test_adding_a_session_never_lowers_a_streak(
    sessions: set[int], skips: set[int], goal: Goal, extra: int, today: int
) -> None:
    goal_on = constant(goal)
    before = streaks(days(*sessions), days(*skips), day(today), goal_on)
    after = streaks(days(*sessions, extra), days(*skips), day(today), goal_on)
    assert after.current >= before.current
    assert after.best >= before.best


@settings(max_examples=200)
@given(histories, goals, st.integers(1, 60))
def test_streak_facts_are_consistent(sessions: set[int], goal: Goal, today: int) -> None:
    report = streaks(days(*sessions), set(), day(today), constant(goal))
    assert 0 <= report.current <= report.best
    if report.current:
        assert report.deadline is not None
        assert report.days_left is not None
        assert report.days_left >= 0
        assert report.started is not None
        assert report.started <= day(today)


# A gap longer than the goal allows breaks the streak; each case as harsh counts it too.
ONCE_A_WEEK = constant(Goal(1, 7))


def test_once_a_week_sessions_thirteen_days_apart_break_the_streak() -> None:
    """harsh (1/7): the last session + 7 days is the break date; day 1 + 7 = day 8 < day 14."""
    report = streaks(days(1, 14), set(), day(14), ONCE_A_WEEK)
    assert report.current == 1  # only since day 14
    assert report.best == 7  # days 1 to 7


def test_once_a_week_sessions_exactly_a_week_apart_keep_it() -> None:
    report = streaks(days(1, 8, 15), set(), day(15), ONCE_A_WEEK)
    assert report.current == 15
    # harsh's break date is day 15 + 7 = day 22: the last day a session keeps the streak.
    assert report.deadline == day(22)


def test_a_new_programs_first_session_counts_from_day_one() -> None:
    """Five a week, started on day 1: once the fifth session lands, day 1 is in the streak."""
    report = streaks(days(1, 2, 3, 4, 5), set(), day(5), FIVE_A_WEEK)
    assert report.started == day(1)
    assert report.current == 5


def test_three_a_week_then_nothing_breaks_when_the_first_session_ages_out() -> None:
    """harsh (3/7): the earliest session of the satisfying window + 7 is the break date."""
    report = streaks(days(1, 2, 3), set(), day(3), THREE_A_WEEK)
    assert report.deadline == day(8)  # harsh: day 1 + 7; a session that day keeps it
    later = streaks(days(1, 2, 3), set(), day(9), THREE_A_WEEK)
    assert later.current == 0
    assert later.best == 7


def test_a_later_session_never_covers_the_gap_before_it() -> None:
    """Three a week with a ten-day gap: the days of the gap are not covered afterwards."""
    report = streaks(days(1, 2, 3, 14, 15, 16), set(), day(16), THREE_A_WEEK)
    assert report.started == day(14)
    assert report.current == 3


# --- the day-number engine against the reference written on dates -----------------------

programs = st.sampled_from(
    [
        DEFAULT_PROGRAM,
        Program((Phase("only", Goal(1, 1), None),)),
        Program(
            (Phase("a", Goal(2, 3), 5), Phase("b", Goal(1, 7), 9), Phase("c", Goal(3, 7), None))
        ),
    ]
)
long_histories = st.sets(st.integers(1, 150), max_size=120)


def reference_cases(test: Callable[..., None]) -> Callable[..., None]:
    """Sessions, skip days, a program, its start (or none) and today, 300 times."""
    cases = given(
        long_histories,
        st.sets(st.integers(1, 150), max_size=40),
        programs,
        st.none() | st.integers(-10, 100),
        st.integers(1, 160),
    )
    return settings(max_examples=300)(cases(test))


@reference_cases
def test_day_numbers_agree_with_the_reference(
    sessions: set[int], skips: set[int], program: Program, start: int | None, today: int
) -> None:
    started = None if start is None else day(start)
    schedule = program.schedule(started)

    def goal_on(moment: date) -> Goal:
        return program.goal_on(started, moment)

    expected = reference.streaks(days(*sessions), days(*skips), day(today), goal_on)
    assert streaks(days(*sessions), days(*skips), day(today), schedule) == expected
    if sessions:
        first = day(min(sessions))
        expected_series = reference.strength_series(
            days(*sessions), days(*skips), first, day(today), goal_on
        )
        assert strength_series(days(*sessions), days(*skips), first, day(today), schedule) == (
            expected_series
        )


@reference_cases
def test_streak_and_strength_on_one_calendar_agree_with_the_reference(
    sessions: set[int], skips: set[int], program: Program, start: int | None, today: int
) -> None:
    """As the stats ask: strength from the program start or the first session."""
    if not sessions:
        return
    started = None if start is None else day(start)
    first = min(day(min(sessions)), started or day(min(sessions)))

    def goal_on(moment: date) -> Goal:
        return program.goal_on(started, moment)

    result = streak_and_strength(
        {d.toordinal() for d in days(*sessions)},
        {d.toordinal() for d in days(*skips)},
        first.toordinal(),
        day(today).toordinal(),
        program.schedule(started),
    )
    report, strength = result.streak, result.strength
    assert report == reference.streaks(days(*sessions), days(*skips), day(today), goal_on)
    series = reference.strength_series(days(*sessions), days(*skips), first, day(today), goal_on)
    weekly = [(d.toordinal(), s) for d, s in series if d.weekday() == 6 or d == day(today)]
    assert strength.weekly == weekly
    assert strength.today == (series[-1][1] if series else 0.0)


@settings(max_examples=300)
@given(
    st.sets(st.integers(1, 400), max_size=300),
    st.sets(st.integers(1, 420), max_size=60),
    programs,
    st.none() | st.integers(-10, 100),
    st.integers(20, 300),
    st.integers(1, 120),
)
def test_going_on_from_a_checkpoint_equals_walking_everything(
    sessions: set[int],
    skips: set[int],
    program: Program,
    start: int | None,
    checkpoint_day: int,
    later: int,
) -> None:
    if not sessions:
        return
    started = None if start is None else day(start)
    schedule = program.schedule(started)
    first = min(day(min(sessions)), started or day(min(sessions))).toordinal()
    session_days = {d.toordinal() for d in days(*sessions)}
    skip_days = {d.toordinal() for d in days(*skips)}
    at = day(checkpoint_day).toordinal()
    today = at + later
    walked = streak_and_strength(
        session_days, skip_days, first, today, schedule, weeks_from=at + 1, checkpoint_at=at
    )
    if walked.checkpoint is None:
        # No goal day on or before the checkpoint's: it comes before the first session, or
        # every day from the first up to it is a skip day (hypothesis found that one).
        assert all(d in skip_days for d in range(first, at + 1))
        return
    resumed = streak_and_strength(
        {d for d in session_days if d >= first_day_needed(walked.checkpoint, skip_days, schedule)},
        skip_days,
        first,
        today,
        schedule,
        weeks_from=at + 1,
        resume=walked.checkpoint,
    )
    assert resumed.streak == walked.streak
    assert resumed.strength == walked.strength
