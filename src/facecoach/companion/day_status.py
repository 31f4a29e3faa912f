"""Where today stands, in one word, for a status line and a reminder alike: the adherence
stats' view of today, overruled by the safety waiting period."""

from dataclasses import dataclass
from datetime import date

from facecoach.adherence.stats import AdherenceStats, DayState, TodayState
from facecoach.safety.waiting import WaitingPeriod

__all__ = ["DayState", "DayStatus", "day_status"]


@dataclass(frozen=True, slots=True)
class DayStatus:
    state: DayState
    streak_days: int
    best_days: int
    strength: float
    week_sessions: int
    week_target: int
    deadline: date | None  # the last day to keep the streak; None without a streak
    goal: str
    waiting_until: date | None


def day_status(stats: AdherenceStats, waiting: WaitingPeriod | None) -> DayStatus:
    """Today's state: the waiting period first (a session is advised against whatever the
    goal says), then what the stats say."""
    if waiting is not None and stats.today_state is not TodayState.DONE:
        state = DayState.WAIT
    else:
        state = DayState(stats.today_state.value)
    return DayStatus(
        state=state,
        streak_days=stats.streak.current,
        best_days=stats.streak.best,
        strength=stats.strength,
        week_sessions=stats.week_sessions,
        week_target=stats.week_target,
        deadline=stats.streak.deadline,
        goal=str(stats.goal),
        waiting_until=waiting.last_day if waiting is not None else None,
    )
