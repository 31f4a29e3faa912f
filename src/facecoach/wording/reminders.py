"""What a reminder says: short enough for a notification, plain enough for cron's mail."""

from facecoach.wording.adherence import plural

REMINDER_TITLE = "facecoach: a session is due today"


def reminder_message(
    *, week_sessions: int, week_target: int, streak_days: int, streak_breaks: bool
) -> str:
    """'2 of 5 sessions this week. Your 6-day streak ends if you skip today.'"""
    week = f"{week_sessions} of {plural(week_target, 'session')} this week."
    if streak_breaks:
        return f"{week} Your {streak_days}-day streak ends if you skip today."
    return week
