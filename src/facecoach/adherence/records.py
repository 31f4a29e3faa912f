"""What a session record may hold: the bounds every way into the log shares.

The live recorder, `facecoach log`, edits and imports all write sessions; a value outside these
bounds is a typo or a hostile file, and letting it in would make every later read slow or fail
(a year 0026 makes the stats walk two thousand years of days; `Infinity` breaks every sum).
"""

from datetime import UTC, date, datetime, timedelta

from facecoach.errors import FacecoachError
from facecoach.routines.limits import MAX_REPEATS, MAX_SESSION_SECONDS

# Nobody logged a home microcurrent session before this day; an earlier date is a typo.
EARLIEST_DAY = date(2000, 1, 1)
# A clock may run a little ahead; a day further ahead is a typo too.
LATEST_AHEAD = timedelta(days=1)
# Active time of one session: a routine is at most an hour; allow generous slack, never more.
MAX_ACTIVE_SECONDS = 4 * MAX_SESSION_SECONDS
MAX_ZONES = 100
MAX_GLIDES_PER_ZONE = 2 * MAX_REPEATS  # both sides of a zone
MAX_TEXT_CHARS = 200  # routine names, device names, sources, skip reasons
MAX_NOTE_CHARS = 2000
MAX_UTC_OFFSET_MINUTES = 16 * 60


class RecordError(FacecoachError):
    """A value that cannot go into the session log."""


# Skip days and a program's start may be planned ahead, up to a year.
PLAN_AHEAD = timedelta(days=366)


def check_day(day: date, today: date, what: str, ahead: timedelta = LATEST_AHEAD) -> date:
    """`day`, if it can be a session's day; otherwise an error that names `what` and why."""
    if day < EARLIEST_DAY:
        raise RecordError(
            f"{what} {day.isoformat()} is before {EARLIEST_DAY.isoformat()}; "
            "is the year mistyped? (use YYYY-MM-DD)"
        )
    if day > today + ahead:
        too_far = "in the future" if ahead == LATEST_AHEAD else "more than a year ahead"
        raise RecordError(f"{what} {day.isoformat()} is {too_far}")
    return day


def earliest_moment() -> datetime:
    return datetime.combine(EARLIEST_DAY, datetime.min.time(), UTC)
