"""What the home screen needs of the settings, read without the settings' validators: the
routines' glide length and repeats, reduced motion, and how long daily backups are kept.

Loading the validators (pydantic) and the settings model costs about 10 MiB, a third of a bare
Textual app, for values that have not changed since the file was last validated. They come
from the validated copy `load_settings` keeps when the file has not changed since (the
defaults' copy when there is no file); otherwise the caller validates the file, as before.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facecoach.config.appearance import checked_copy
from facecoach.config.validated_cache import ValidatedCache
from facecoach.routines.limits import MAX_GLIDE_SECONDS, MAX_REPEATS, MIN_GLIDE_SECONDS_SET


@dataclass(frozen=True, slots=True)
class HomeSettings:
    glide_seconds: float | None  # for every routine; None keeps each routine's own
    repeats: int | None
    reduced_motion: bool
    backup_days: int


def cached_home_settings(config_dir: Path, cache: ValidatedCache) -> HomeSettings | None:
    """The home screen's settings the file gives, if known without validating it; None when
    the file must be validated first (changed, unreadable, or never seen)."""
    value = checked_copy(config_dir, cache)
    if value is None:
        return None
    try:
        return _home_settings(value)
    except (KeyError, TypeError, ValueError):
        return None  # a copy that does not read as expected is a miss, never a guess


def _home_settings(value: dict[str, Any]) -> HomeSettings:
    glide, repeats = value["glide_seconds"], value["repeats"]
    motion, backup_days = value["reduced_motion"], value["backup_days"]
    if glide is not None and (
        isinstance(glide, bool)
        or not isinstance(glide, int | float)
        or not MIN_GLIDE_SECONDS_SET <= glide <= MAX_GLIDE_SECONDS
    ):
        raise ValueError("glide length out of range")  # as the settings' own limits say
    if repeats is not None and (
        isinstance(repeats, bool) or not isinstance(repeats, int) or not 1 <= repeats <= MAX_REPEATS
    ):
        raise ValueError("repeats out of range")
    if not isinstance(motion, bool):
        raise TypeError("not true or false")
    if isinstance(backup_days, bool) or not isinstance(backup_days, int) or backup_days < 0:
        raise ValueError("backup days out of range")
    return HomeSettings(
        glide_seconds=None if glide is None else float(glide),
        repeats=repeats,
        reduced_motion=motion,
        backup_days=backup_days,
    )
