"""Which calendar day a session counts for.

A session counts for the local calendar day it started on, shifted by the hour at which a new day
starts (default 03:00): a session at 00:30 belongs to the day before. The local day is computed
from the UTC start and the UTC offset recorded *with the session*, so travelling or a daylight-
saving change never moves an old session to another day, and never counts one twice.
"""

from datetime import UTC, date, datetime, timedelta

DEFAULT_DAY_START_HOUR = 3


def counting_day(started_utc: datetime, utc_offset_minutes: int, day_start_hour: int) -> date:
    """The day a session counts for, from its aware UTC start and its UTC offset (minutes east)."""
    local = started_utc.astimezone(UTC) + timedelta(minutes=utc_offset_minutes)
    return (local - timedelta(hours=day_start_hour)).date()


def local_offset_minutes(moment: datetime) -> int:
    """The machine's UTC offset at `moment`, in minutes east of UTC."""
    offset = moment.astimezone().utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def today(now_utc: datetime, day_start_hour: int) -> date:
    """The counting day it is now, in the machine's current time zone."""
    return counting_day(now_utc, local_offset_minutes(now_utc), day_start_hour)
