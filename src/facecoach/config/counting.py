"""The settings that counting needs, read without the settings' validators: the hour a day
starts, what share of a session counts, the program and its start, the waiting period.

`facecoach status` runs every few seconds in a status bar, and importing the validators
(pydantic) costs more than all the rest of it. These values come from the validated copy of
the settings that `load_settings` keeps, when the file has not changed since (the defaults'
copy when there is no file); otherwise the caller validates the file, as before, once.
That copy is the model's own dump, sealed: nothing is checked again here.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from facecoach.adherence.goals import Goal, Phase, Program
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
    start = value["program_start"]
    return CountingSettings(
        day_start_hour=value["day_start_hour"],
        count_share=float(value["count_share"]),
        program_start=None if start is None else date.fromisoformat(start),
        injection_wait_days=value["injection_wait_days"],
        phases=tuple(
            Phase(phase["name"], Goal.parse(phase["goal"]), phase["days"])
            for phase in value["phases"]
        ),
    )
