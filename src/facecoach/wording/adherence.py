"""How the log, the streak and today are said, in the CLI and the TUI alike."""

from collections.abc import Iterable
from datetime import date, timedelta

from facecoach.adherence.session_log import RecordStatus, SessionRecord
from facecoach.adherence.stats import AdherenceStats, DayState

STATUS_WORDS = {
    RecordStatus.COMPLETED: "done",
    RecordStatus.ABORTED: "stopped",
    RecordStatus.PARTIAL: "interrupted",
    RecordStatus.IN_PROGRESS: "running",
}

TODAY_WORDS = {
    DayState.DONE: "done for today",
    DayState.DUE: "a session is due today",
    DayState.REST: "rest day (your goal allows it)",
    DayState.WAIT: "no session: waiting period after an injection",
}


def plural(count: int, word: str) -> str:
    """'1 day', '2 days'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def sessions_total_text(stats: AdherenceStats) -> str:
    """'12 sessions, 10 counted': counted by their glides (a session skipped through to its
    end is not counted, whatever its status says), as the goal counts them."""
    return f"{plural(stats.total_sessions, 'session')}, {stats.counted_sessions} counted"


def deadline_word(deadline: date | None, today: date) -> str:
    """'today', 'tomorrow', 'Wed 02 Dec', or '' when there is no streak to keep."""
    if deadline is None:
        return ""
    if deadline == today:
        return "today"
    if deadline == today + timedelta(days=1):
        return "tomorrow"
    return f"{deadline:%a %d %b}"


def status_word(status: RecordStatus) -> str:
    return STATUS_WORDS[status]


def today_text(state: DayState, waiting_until: date | None = None) -> str:
    """Today in words, the same in Home, `stats` and the coach: 'a session is due today', or
    'no session: waiting period after an injection, until Fri 11 Dec'."""
    if state is DayState.WAIT and waiting_until is not None:
        return f"{TODAY_WORDS[state]}, until {waiting_until:%a %d %b}"
    return TODAY_WORDS[state]


def streak_headline(stats: AdherenceStats) -> str:
    """'12 days, best 20 days'."""
    streak = stats.streak
    return f"{plural(streak.current, 'day')}, best {plural(streak.best, 'day')}"


def streak_detail(stats: AdherenceStats) -> str:
    """What keeps the streak going, or why it is 0 (a session alone does not start one)."""
    streak = stats.streak
    if not streak.current:
        return f"a streak starts once you keep to your goal of {stats.goal.describe()}"
    if streak.days_left == 0:
        return "do a session today to keep it"
    deadline = f" ({streak.deadline:%a %d %b})" if streak.deadline else ""
    return f"next session due within {plural(streak.days_left or 0, 'day')}{deadline}"


def streak_text(stats: AdherenceStats) -> str:
    return f"{streak_headline(stats)}; {streak_detail(stats)}"


def week_text(stats: AdherenceStats) -> str:
    """'2 of 5 sessions', or '7 sessions (goal 5)' past the goal; the caller says 'this week'."""
    if stats.week_sessions > stats.week_target:
        return f"{plural(stats.week_sessions, 'session')} (goal {stats.week_target})"
    return f"{stats.week_sessions} of {plural(stats.week_target, 'session')}"


def day_ranges_text(days: Iterable[date]) -> str:
    """Days as runs: '2026-12-20 to 2027-01-02, 2027-02-14' (a vacation is one entry)."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return ", ".join(
        first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
        for first, last in runs
    )


def sentence(text: str) -> str:
    """The first letter capitalised, the rest as it is ('Fri 04 Dec' stays so)."""
    return text[:1].upper() + text[1:]


def zones_done_text(session: SessionRecord) -> str:
    """'3/4' zones complete; '3/4½' when a zone was done in part."""
    complete = sum(1 for zone in session.zones if zone.is_complete)
    partly = any(zone.glides_done and not zone.is_complete for zone in session.zones)
    return f"{complete}/{len(session.zones)}{'½' if partly else ''}"


def zones_list_text(session: SessionRecord) -> str:
    """Each zone treated, once, in order; ½ when some of its glides were not done."""
    complete: dict[str, bool] = {}
    for zone in session.zones:
        if zone.glides_done:
            complete[zone.zone] = complete.get(zone.zone, True) and zone.is_complete
    return ", ".join(
        f"{name.replace('_', '-')}{'' if whole else '½'}" for name, whole in complete.items()
    )


def clipped(text: str, width: int) -> str:
    """`text` in at most `width` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def program_text(stats: AdherenceStats) -> str:
    """'intro, day 3 of 60', 'starts on Fri 01 Jan 2027' or 'starts with your first session'."""
    if stats.program is not None:
        return stats.program.describe()
    if stats.program_start is not None and stats.program_start > stats.today:
        return f"starts on {stats.program_start:%a %d %b %Y}"
    return "starts with your first session"
