"""The settings that counting needs, read without the settings' validators: the hour a day
starts, what share of a session counts, the program and its start, the waiting period.

`facecoach status` runs every few seconds in a status bar, and importing the validators
(pydantic) costs more than all the rest of it. These values come from the validated copy of
the settings that `load_settings` keeps, when the file has not changed since (the defaults'
copy when there is no file); otherwise the caller validates the file, as before, once.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from facecoach.adherence.goals import Goal, GoalError, Phase, Program
from facecoach.config.appearance import checked_copy
from facecoach.config.validated_cache import ValidatedCache


@dataclass(frozen=True, slots=True)
class CountingSettings:
    day_start_hour: int
    count_share: float
    program_start: date | None
    injection_wait_days: int
    phases: tuple[Phase, ...]

    def program(self) -> Program:
        return Program(self.phases)


def cached_counting_settings(config_dir: Path, cache: ValidatedCache) -> CountingSettings | None:
    """The counting settings the settings file gives, if known without validating it; None
    when the file must be validated first (changed, unreadable, or never seen)."""
    value = checked_copy(config_dir, cache)
    if value is None:
        return None
    try:
        return _counting(value)
    except (KeyError, TypeError, ValueError, GoalError):
        return None  # a copy that does not read as expected is a miss, never a guess


def _counting(value: dict[str, Any]) -> CountingSettings:
    hour, share, wait = value["day_start_hour"], value["count_share"], value["injection_wait_days"]
    if not isinstance(hour, int) or not isinstance(wait, int):
        raise TypeError("not whole numbers")
    if not isinstance(share, int | float):
        raise TypeError("not a number")
    if not (0 <= hour <= 23 and 0 < share <= 1 and wait >= 0):
        raise ValueError("out of range")  # as the settings' own limits say
    start = value["program_start"]
    phases = tuple(
        Phase(
            str(p["name"]),
            Goal.parse(str(p["goal"])),
            None if p["days"] is None else int(p["days"]),
        )
        for p in value["phases"]
    )
    Program(phases)  # checks what a program must be
    return CountingSettings(
        day_start_hour=hour,
        count_share=float(share),
        program_start=None if start is None else date.fromisoformat(start),
        injection_wait_days=wait,
        phases=phases,
    )
