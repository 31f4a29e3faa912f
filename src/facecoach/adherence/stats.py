"""Everything the stats screen and `facecoach stats` show, computed from the session log."""

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from facecoach.adherence.days import counting_day
from facecoach.adherence.goals import Goal, Program, ProgramPosition
from facecoach.adherence.session_log import RecordStatus, SessionLog, SessionRecord
from facecoach.adherence.streaks import StreakReport, streaks, strength_series

if TYPE_CHECKING:
    from facecoach.config.settings import Settings

HEATMAP_WEEKS = 53


class TodayState(StrEnum):
    DONE = "done"  # a counted session today
    DUE = "due"  # a session is needed today to keep to the goal
    REST = "rest"  # the goal allows a day off today


@dataclass(frozen=True, slots=True)
class DayActivity:
    sessions: int
    minutes: float


@dataclass(frozen=True, slots=True)
class AdherenceStats:
    today: date
    goal: Goal
    program: ProgramPosition | None
    program_start: date | None
    streak: StreakReport
    strength: float
    strength_by_week: list[tuple[date, float]]
    week_start: date
    week_sessions: int
    week_minutes: float
    week_target: int
    total_sessions: int
    counted_sessions: int
    completed_sessions: int
    total_minutes: float
    completion_rate: float | None
    zone_glides: dict[str, int]
    heatmap: dict[date, DayActivity] = field(repr=False)
    today_state: TodayState

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "today_state": self.today_state,
            "goal": str(self.goal),
            "program": None
            if self.program is None
            else {
                "phase": self.program.phase.name,
                "day_in_phase": self.program.day_in_phase,
                "phase_days": self.program.phase.days,
                "program_day": self.program.program_day,
                "start": self.program_start.isoformat() if self.program_start else None,
            },
            "streak": {
                "current_days": self.streak.current,
                "best_days": self.streak.best,
                "started": self.streak.started.isoformat() if self.streak.started else None,
                "deadline": self.streak.deadline.isoformat() if self.streak.deadline else None,
                "days_left": self.streak.days_left,
            },
            "strength": round(self.strength, 4),
            "week": {
                "start": self.week_start.isoformat(),
                "sessions": self.week_sessions,
                "minutes": round(self.week_minutes, 1),
                "target": self.week_target,
            },
            "totals": {
                "sessions": self.total_sessions,
                "counted_sessions": self.counted_sessions,
                "completed_sessions": self.completed_sessions,
                "minutes": round(self.total_minutes, 1),
                "completion_rate": None
                if self.completion_rate is None
                else round(self.completion_rate, 4),
            },
            "zone_glides": self.zone_glides,
            "heatmap": {
                day.isoformat(): {"sessions": a.sessions, "minutes": round(a.minutes, 1)}
                for day, a in sorted(self.heatmap.items())
            },
        }


def session_counts(session: SessionRecord, count_share: float) -> bool:
    """A session counts once `count_share` of its glides were done, whatever its status: a
    "complete" session whose glides were mostly skipped does not. One with no glides on record
    (an old import) counts only if it was completed."""
    planned = session.glides_planned
    if planned == 0:
        return session.status == RecordStatus.COMPLETED
    return session.glides_done / planned >= count_share


def compute_stats(
    sessions: Sequence[SessionRecord],
    skip_days: Mapping[date, str],
    *,
    today: date,
    program: Program,
    program_start: date | None,
    day_start_hour: int,
    count_share: float,
    zone_glides: Mapping[str, int] | None = None,
) -> AdherenceStats:
    """Everything from the sessions; `zone_glides` when the sessions were read without zones."""
    by_day: dict[date, list[SessionRecord]] = {}
    for session in sessions:
        day = counting_day(session.started_utc, session.utc_offset_minutes, day_start_hour)
        by_day.setdefault(day, []).append(session)
    counted_days = {
        day
        for day, records in by_day.items()
        if any(session_counts(s, count_share) for s in records)
    }
    start = program_start or (min(counted_days) if counted_days else None)

    @functools.cache
    def goal_on(day: date) -> Goal:  # asked for every day of the history, several times
        return program.goal_on(start, day)

    goal = goal_on(today)
    report = streaks(counted_days, skip_days.keys(), today, goal_on)
    series: list[tuple[date, float]] = []
    if counted_days:
        # Strength builds from the program start, or the first session if that came earlier.
        first = min(counted_days) if start is None else min(start, min(counted_days))
        series = strength_series(counted_days, skip_days.keys(), first, today, goal_on)
    strength = series[-1][1] if series else 0.0

    week_start = today - timedelta(days=today.weekday())
    week_records = [s for d, records in by_day.items() if week_start <= d <= today for s in records]
    heatmap_start = week_start - timedelta(weeks=HEATMAP_WEEKS - 1)
    heatmap = {
        day: DayActivity(len(records), sum(s.active_seconds for s in records) / 60)
        for day, records in by_day.items()
        if heatmap_start <= day <= today
    }
    if zone_glides is None:
        counter: Counter[str] = Counter()
        for session in sessions:
            for zone in session.zones:
                counter[zone.zone] += zone.glides_done
        zone_glides = counter
    finished = [s for s in sessions if s.status != RecordStatus.IN_PROGRESS]
    completed = sum(1 for s in finished if s.status == RecordStatus.COMPLETED)

    if today in counted_days:
        today_state = TodayState.DONE
    elif report.days_left is None or report.days_left == 0:
        today_state = TodayState.DUE
    else:
        today_state = TodayState.REST

    return AdherenceStats(
        today=today,
        goal=goal,
        program=program.position(start, today) if start else None,
        program_start=start,
        streak=report,
        strength=strength,
        strength_by_week=[(d, s) for d, s in series if d.weekday() == 6 or d == today],
        week_start=week_start,
        week_sessions=sum(1 for d in counted_days if week_start <= d <= today),
        week_minutes=sum(s.active_seconds for s in week_records) / 60,
        week_target=round(goal.per_day * 7),
        total_sessions=len(sessions),
        counted_sessions=sum(1 for s in sessions if session_counts(s, count_share)),
        completed_sessions=completed,
        total_minutes=sum(s.active_seconds for s in sessions) / 60,
        completion_rate=completed / len(finished) if finished else None,
        zone_glides=dict(zone_glides),
        heatmap=heatmap,
        today_state=today_state,
    )


def stats_from_store(store: SessionLog, settings: "Settings", *, today: date) -> AdherenceStats:
    """The stats for the whole log under the user's settings (the fast path: totals by SQL)."""
    return compute_stats(
        store.sessions(with_zones=False),
        store.skip_days(),
        today=today,
        program=settings.program(),
        program_start=settings.program_start,
        day_start_hour=settings.day_start_hour,
        count_share=settings.count_share,
        zone_glides=store.zone_glide_totals(),
    )


def empty_stats(settings: "Settings", *, today: date) -> AdherenceStats:
    """The stats of a log with nothing in it yet."""
    return compute_stats(
        [],
        {},
        today=today,
        program=settings.program(),
        program_start=settings.program_start,
        day_start_hour=settings.day_start_hour,
        count_share=settings.count_share,
        zone_glides={},
    )
