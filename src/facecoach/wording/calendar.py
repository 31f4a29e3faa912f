"""How the calendar export says things: event titles, their notes, and what was written."""

from datetime import date

from facecoach.adherence.goals import Goal
from facecoach.safety.waiting import InjectionKind

CALENDAR_NAME = "facecoach"


def session_title(routine_name: str) -> str:
    return f"Microcurrent: {routine_name}"


def session_description(
    zones: list[str], minutes: int, phase: str, goal: Goal, routine_id: str
) -> str:
    return (
        f"{minutes} min · {', '.join(zones)}.\n"
        f"Program: {phase} phase, goal {goal.describe()}.\n"
        f"Start it with `facecoach coach {routine_id}` or in the app (s on Home). "
        "Gel on, device off its charger."
    )


def alarm_text(routine_name: str) -> str:
    return f"Microcurrent session soon: {routine_name}"


def wait_title(kind: InjectionKind) -> str:
    return f"No microcurrent: waiting after {kind.label}"


def wait_description(kind: InjectionKind, day: date, last_day: date) -> str:
    return (
        f"{kind.label} on {day:%a %d %b}: sessions are advised against until "
        f"{last_day:%a %d %b}. facecoach plans none on these days."
    )


def export_summary(path: str, sessions: int, waits: int, first: date | None) -> str:
    """One line: what `calendar export` and the Settings button wrote."""
    what = f"{sessions} planned session{'s' if sessions != 1 else ''}"
    if waits:
        what += f" and {waits} waiting period{'s' if waits != 1 else ''}"
    start = f" from {first:%a %d %b}" if first else ""
    return (
        f"Wrote {what}{start} to {path}. Import it into your calendar; "
        "exporting again updates the same events."
    )


def short_weeks_warning(mondays: list[date]) -> str:
    weeks = ", ".join(f"{monday:%d %b}" for monday in mondays)
    return (
        f"The weeks of {weeks} plan fewer sessions than the goal (a waiting period, or fewer "
        "weekdays picked than the goal needs)."
    )
