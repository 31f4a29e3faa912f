"""How the app looks from its first frame (theme, keys), read without the settings' validators.

The settings are validated with pydantic, which costs more than a bare Textual app's whole start.
The first frame needs only the theme and the keymap, so they come from the validated copy of the
settings file kept by `load_settings` when the file has not changed since (or from the defaults
when there is no file). After a change, the file is validated before the first frame, once.
The copy is the model's own dump, sealed by the cache: read back, it is used as it is, with no
rule checked again here (the rules are the model's alone).
"""

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from facecoach.config.paths import settings_path
from facecoach.config.validated_cache import ValidatedCache, digest
from facecoach.text_files import DataFileError, read_text_file

DEFAULT_THEME = "textual-dark"
SETTINGS_CACHE = "settings"
# What the copy of the defaults is keyed by: the bytes of a settings file that is not there.
NO_SETTINGS_FILE = b""


class Appearance(NamedTuple):  # not a dataclass: a tenth of the import time, for the first frame
    theme: str = DEFAULT_THEME
    keymap: Mapping[str, str] = MappingProxyType({})  # shared, so never changeable


def checked_copy(config_dir: Path, cache: ValidatedCache) -> dict[str, Any] | None:
    """The validated copy of the settings file (of the defaults, when there is no file) if
    the file has not changed since it was validated; None when it must be validated first
    (changed, unreadable, or never seen). `load_settings` keeps the copies."""
    path = settings_path(config_dir)
    if not path.exists() and not path.is_symlink():
        text = NO_SETTINGS_FILE
    else:
        try:
            # The one bounded reader: no FIFO, no giant.
            text = read_text_file(path, DataFileError).encode()
        except DataFileError:
            return None  # validation will say what is wrong with it
    value = cache.get(SETTINGS_CACHE, digest(text))
    return value if isinstance(value, dict) else None


def cached_appearance(config_dir: Path, cache: ValidatedCache) -> Appearance | None:
    """The appearance the settings file gives, if known without validating it; None when the
    file must be validated first."""
    path = settings_path(config_dir)
    if not path.exists() and not path.is_symlink():
        return Appearance()  # a first run need not wait for the defaults' copy
    value = checked_copy(config_dir, cache)
    if value is None:
        return None
    return Appearance(value["theme"], value["keymap"])
