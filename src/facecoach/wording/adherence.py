"""How the log, the streak and today are said, in the CLI and the TUI alike."""

from facecoach.adherence.session_log import RecordStatus
from facecoach.adherence.stats import AdherenceStats, TodayState
from facecoach.adherence.streaks import StreakReport

STATUS_WORDS = {
    RecordStatus.COMPLETED: "done",
    RecordStatus.ABORTED: "stopped",
    RecordStatus.PARTIAL: "interrupted",
    RecordStatus.IN_PROGRESS: "running",
}

TODAY_WORDS = {
    TodayState.DONE: "done for today",
    TodayState.DUE: "a session is due today",
    TodayState.REST: "rest day (your goal allows it)",
}


def plural(count: int, word: str) -> str:
    """'1 day', '2 days'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def status_word(status: RecordStatus) -> str:
    return STATUS_WORDS[status]


def today_text(stats: AdherenceStats) -> str:
    return TODAY_WORDS[stats.today_state]


def streak_keeping(streak: StreakReport) -> str:
    """What keeps the streak going: 'do a session today to keep it', 'breaks in 2 days (…)'."""
    if streak.days_left is None:
        return "no streak yet"
    if streak.days_left == 0:
        return "do a session today to keep it"
    deadline = f" ({streak.deadline:%a %d %b})" if streak.deadline else ""
    return f"next session due within {plural(streak.days_left, 'day')}{deadline}"


def streak_text(stats: AdherenceStats) -> str:
    """The streak in one sentence, with why it is 0 when it is."""
    streak = stats.streak
    best = f"best {plural(streak.best, 'day')}"
    if streak.current:
        return f"{plural(streak.current, 'day')} ({best}); {streak_keeping(streak)}"
    return (
        f"none now ({best}); it starts once you reach {stats.goal.describe()}, "
        "counted over the goal's whole window"
    )


def week_text(stats: AdherenceStats) -> str:
    return f"{stats.week_sessions} of {plural(stats.week_target, 'session')} this week"
