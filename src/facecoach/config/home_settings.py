"""What the home screen needs of the settings, read without the settings' validators: the
routines' glide length and repeats, reduced motion, and how long daily backups are kept.

Loading the validators (pydantic) and the settings model costs about 10 MiB, a third of a bare
Textual app, for values that have not changed since the file was last validated. They come
from the validated copy `load_settings` keeps when the file has not changed since (the
defaults' copy when there is no file); otherwise the caller validates the file, as before.
That copy is the model's own dump, sealed: nothing is checked again here.
"""

from dataclasses import dataclass
from pathlib import Path

from facecoach.config.appearance import checked_copy
from facecoach.config.validated_cache import ValidatedCache


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
    glide = value["glide_seconds"]
    return HomeSettings(
        glide_seconds=None if glide is None else float(glide),
        repeats=value["repeats"],
        reduced_motion=value["reduced_motion"],
        backup_days=value["backup_days"],
    )
