"""Everything the stats screen and `facecoach stats` show, computed from the session log."""

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Protocol

from facecoach.adherence.days import counting_day
from facecoach.adherence.goals import Goal, Program, ProgramPosition
from facecoach.adherence.session_log import (
    DayTotals,
    LogSummary,
    RecordStatus,
    SessionLog,
    SessionRecord,
    StoreError,
)
from facecoach.adherence.streaks import (
    Checkpoint,
    CheckpointMismatch,
    StreakReport,
    first_day_needed,
    streak_and_strength,
)


class CountingRules(Protocol):
    """What stats need of the settings (the validated settings, or their cached copy)."""

    @property
    def day_start_hour(self) -> int: ...
    @property
    def count_share(self) -> float: ...
    @property
    def program_start(self) -> date | None: ...
    def program(self) -> Program: ...


HEATMAP_WEEKS = 53


class TodayState(StrEnum):
    DONE = "done"  # a counted session today
    DUE = "due"  # a session is needed today to keep to the goal
    REST = "rest"  # the goal allows a day off today


class DayState(StrEnum):
    """Today as the user is told it: the stats' view (`TodayState`), which the waiting period
    after an injection can overrule (the core decides, in `companion/day_status.py`)."""

    DONE = "done"  # a counted session today
    DUE = "due"  # a session is needed today to keep to the goal
    REST = "rest"  # the goal allows a day off today
    WAIT = "wait"  # the waiting period after an injection advises against a session


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
    return glides_count(
        session.glides_planned,
        session.glides_done,
        completed=session.status == RecordStatus.COMPLETED,
        count_share=count_share,
    )


def glides_count(planned: int, done: int, *, completed: bool, count_share: float) -> bool:
    """The rule of `session_counts`, on glide numbers (a live session has no record yet)."""
    if planned == 0:
        return completed
    return done / planned >= count_share


def day_totals_of(
    sessions: Sequence[SessionRecord], *, day_start_hour: int, count_share: float
) -> list[DayTotals]:
    """The per-day totals of these sessions, counted in Python: what the database's
    `day_totals` keeps by itself, and what it is checked against."""
    by_day: dict[int, list[SessionRecord]] = {}
    for session in sessions:
        day = counting_day(session.started_utc, session.utc_offset_minutes, day_start_hour)
        by_day.setdefault(day.toordinal(), []).append(session)
    return [
        DayTotals(
            day=day,
            sessions=len(records),
            counted=sum(1 for s in records if session_counts(s, count_share)),
            completed=sum(1 for s in records if s.status == RecordStatus.COMPLETED),
            finished=sum(1 for s in records if s.status != RecordStatus.IN_PROGRESS),
            active_seconds=sum(s.active_seconds for s in records),
        )
        for day, records in sorted(by_day.items())
    ]


def compute_stats(
    sessions: Sequence[SessionRecord],
    skip_days: Collection[date],
    *,
    today: date,
    program: Program,
    program_start: date | None,
    day_start_hour: int,
    count_share: float,
    zone_glides: Mapping[str, int] | None = None,
) -> AdherenceStats:
    """Everything from the sessions themselves (the full recomputation); `zone_glides` when
    the sessions were read without zones."""
    if zone_glides is None:
        counter: Counter[str] = Counter()
        for session in sessions:
            for zone in session.zones:
                counter[zone.zone] += zone.glides_done
        zone_glides = {zone: done for zone, done in counter.items() if done}
    days = day_totals_of(sessions, day_start_hour=day_start_hour, count_share=count_share)
    return stats_from_summary(
        LogSummary.of(days, since=heatmap_start(today)),
        skip_days,
        today=today,
        program=program,
        program_start=program_start,
        zone_glides=zone_glides,
    )


def heatmap_start(today: date) -> int:
    """The first day the heatmap (and so the stats' day-by-day part) shows, as a day number."""
    week_start = today - timedelta(days=today.weekday())
    return (week_start - timedelta(weeks=HEATMAP_WEEKS - 1)).toordinal()


def stats_from_summary(
    summary: LogSummary,
    skip_days: Collection[date],
    *,
    today: date,
    program: Program,
    program_start: date | None,
    zone_glides: Mapping[str, int],
    interrupted: int = 0,
    resume: Checkpoint | None = None,
    on_checkpoint: Callable[[Checkpoint], None] | None = None,
) -> AdherenceStats:
    """Everything from the log's summary (recent days from `heatmap_start(today)` on).
    `interrupted` sessions, written as in progress, read as partial (finished). Streaks and
    strength go on from `resume` when given (the summary's counted days then start at
    `first_day_needed`); otherwise they walk the whole log, and `on_checkpoint` receives a
    checkpoint for the next time."""
    today_number = today.toordinal()
    weeks_from = heatmap_start(today)
    start, first = program_start_and_first_day(program_start, summary.first_counted)
    schedule = program.schedule(start)
    skips = {d.toordinal() for d in skip_days}
    report = StreakReport(0, 0, None, None, None)
    strength = 0.0
    weekly: list[tuple[date, float]] = []
    if first is not None and summary.first_counted is not None:
        # Strength builds from the program start, or the first session if that came earlier.
        result = streak_and_strength(
            set(summary.counted_days),
            skips,
            first,
            today_number,
            schedule,
            weeks_from=weeks_from,
            resume=resume,
            checkpoint_at=weeks_from - 1 if on_checkpoint and resume is None else None,
        )
        report, strength = result.streak, result.strength.today
        weekly = [(date.fromordinal(day), score) for day, score in result.strength.weekly]
        if result.checkpoint is not None and on_checkpoint is not None:
            on_checkpoint(result.checkpoint)

    week_start = today - timedelta(days=today.weekday())
    week = [t for t in summary.recent if week_start.toordinal() <= t.day <= today_number]
    heatmap = {
        date.fromordinal(t.day): DayActivity(t.sessions, t.active_seconds / 60)
        for t in summary.recent
        if t.day <= today_number
    }
    totals = summary.totals
    finished = totals.finished + interrupted

    if any(t.day == today_number and t.counted for t in week):
        today_state = TodayState.DONE
    elif report.days_left is None or report.days_left == 0:
        today_state = TodayState.DUE
    else:
        today_state = TodayState.REST

    goal = program.goal_on(start, today)
    return AdherenceStats(
        today=today,
        goal=goal,
        program=program.position(start, today) if start else None,
        program_start=start,
        streak=report,
        strength=strength,
        strength_by_week=weekly,
        week_start=week_start,
        week_sessions=sum(1 for t in week if t.counted),
        week_minutes=sum(t.active_seconds for t in week) / 60,
        week_target=goal.sessions_a_week,
        total_sessions=totals.sessions,
        counted_sessions=totals.counted,
        completed_sessions=totals.completed,
        total_minutes=totals.active_seconds / 60,
        completion_rate=totals.completed / finished if finished else None,
        zone_glides=dict(zone_glides),
        heatmap=heatmap,
        today_state=today_state,
    )


def program_start_and_first_day(
    program_start: date | None, first_counted: int | None
) -> tuple[date | None, int | None]:
    """The program's start (the first counted session's day unless set), and the first day
    streaks and strength look at: the earlier of that and the first counted session."""
    start = program_start or (date.fromordinal(first_counted) if first_counted else None)
    if first_counted is None:
        return start, None
    return start, first_counted if start is None else min(first_counted, start.toordinal())


# A checkpoint older than this (before the heatmap's first day) is walked past on every read;
# past it, the next read walks the whole log once and saves a newer one.
CHECKPOINT_REFRESH_DAYS = 91


def stats_from_store(store: SessionLog, settings: CountingRules, *, today: date) -> AdherenceStats:
    """The stats for the whole log under the user's settings, from what the database keeps:
    per-day and per-zone totals, and a checkpoint of streaks and strength about a year back,
    so that reading them costs about the same for one year of sessions as for thirty."""
    store.use_counting_rules(
        day_start_hour=settings.day_start_hour, count_share=settings.count_share
    )
    program = settings.program()
    skip_days = store.skip_days().keys()
    first_counted = store.first_counted_day()
    start, first = program_start_and_first_day(settings.program_start, first_counted)
    schedule = program.schedule(start)
    inputs = repr((first, settings.day_start_hour, settings.count_share, schedule.changes))
    weeks_from = heatmap_start(today)
    resume = store.streak_checkpoint(inputs) if first is not None else None
    if resume is not None and not 0 < weeks_from - resume.day <= CHECKPOINT_REFRESH_DAYS:
        resume = None
    skips = {d.toordinal() for d in skip_days}

    def read(resume: Checkpoint | None) -> AdherenceStats:
        since = first_day_needed(resume, skips, schedule) if resume is not None else 0
        summary = LogSummary(
            first_counted=first_counted,
            counted_days=store.counted_days(since=since),
            totals=store.totals(),
            recent=store.day_totals(since=weeks_from),
        )
        return stats_from_summary(
            summary,
            skip_days,
            today=today,
            program=program,
            program_start=settings.program_start,
            zone_glides=store.zone_glide_totals(),
            interrupted=store.interrupted_count(),
            resume=resume,
            on_checkpoint=save,
        )

    def save(checkpoint: Checkpoint) -> None:
        with suppress(StoreError):  # a log it cannot write to is read the long way each time
            store.save_streak_checkpoint(inputs, checkpoint)

    try:
        return read(resume)
    except CheckpointMismatch:
        return read(None)


def empty_stats(settings: CountingRules, *, today: date) -> AdherenceStats:
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
