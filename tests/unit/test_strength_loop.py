"""Habit strength against Loop Habit Tracker's own published tests (YesNoScoreListTest).

Loop counts days backwards from today; `ago(n)` is n days before today here. Each case is the
Loop test of the same name, with Loop's expected values; tolerances are Loop's too.
"""

from collections.abc import Iterable
from datetime import date, timedelta

import pytest

from facecoach.adherence.goals import Goal
from facecoach.adherence.streaks import strength_series

TODAY = date(2026, 6, 1)
E = 1e-6


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def score(
    done: Iterable[int], goal: Goal, skips: Iterable[int] = (), first: int | None = None
) -> list[float]:
    """Scores from today backwards, as Loop's checkScoreValues reads them."""
    done_days = {ago(n) for n in done}
    start = min(done_days) if first is None else ago(first)
    series = strength_series(done_days, {ago(n) for n in skips}, start, TODAY, lambda _d: goal)
    return [value for _day, value in reversed(series)]


DAILY = Goal(1, 1)


def test_get_value() -> None:
    expected = [
        0.655747, 0.636894, 0.617008, 0.596033, 0.573910, 0.550574, 0.525961, 0.500000,
        0.472617, 0.443734, 0.413270, 0.381137, 0.347244, 0.311495, 0.273788, 0.234017,
        0.192067, 0.147820, 0.101149, 0.051922,
    ]  # fmt: skip
    assert score(range(20), DAILY) == pytest.approx(expected, abs=E)


def test_get_value_with_skip() -> None:
    expected = [
        0.596033, 0.573910, 0.550574, 0.525961, 0.500000, 0.472617, 0.472617, 0.443734,
        0.413270, 0.381137, 0.347244, 0.347244, 0.347244, 0.311495, 0.273788, 0.234017,
        0.192067, 0.147820, 0.101149, 0.051922,
    ]  # fmt: skip
    done = [n for n in range(20) if n not in (5, 10, 11)]
    assert score(done, DAILY, skips=(5, 10, 11), first=19) == pytest.approx(expected, abs=E)


def test_perfect_non_daily_with_skips() -> None:
    """Six a week, every other day done or skipped: strength converges to 100%."""
    skips = {7 * k + 5 for k in range(100)} | {7 * k + 6 for k in range(100)}
    done = [n for n in range(500) if n not in skips]
    assert score(done, Goal(6, 7), skips=skips)[0] == pytest.approx(1.0, abs=E)


def test_imperfect_non_daily() -> None:
    """Two of three a week: 2/3; two of four: 1/2."""
    done = [7 * k + offset for k in range(100) for offset in (0, 1)]
    assert score(done, Goal(3, 7))[0] == pytest.approx(2 / 3, abs=E)
    assert score(done, Goal(4, 7))[0] == pytest.approx(0.5, abs=E)


def test_irregular_non_daily() -> None:
    """Once a week, on a different weekday each week: still 100% (the issue's once-a-week user)."""
    done = [14 * k for k in range(100)] + [14 * k + 13 for k in range(100)]
    assert score(done, Goal(1, 7))[0] == pytest.approx(1.0, abs=1e-3)


def test_should_achieve_high_score_in_reasonable_time() -> None:
    assert score(range(90), DAILY)[0] > 0.99  # daily: 99% in 3 months
    assert score([7 * i for i in range(39)], Goal(1, 7))[0] > 0.99  # weekly: in 9 months
    assert score([30 * i for i in range(18)], Goal(1, 30))[0] > 0.99  # monthly: in 18 months


def test_recompute() -> None:
    assert score([0, 1], DAILY)[0] == pytest.approx(0.101149, abs=E)
    assert score([0, 1], Goal(1, 2))[0] == pytest.approx(0.054816, abs=E)


def test_a_single_check_today() -> None:
    assert score([0], DAILY)[0] == pytest.approx(0.051922, abs=E)
