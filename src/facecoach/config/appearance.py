"""How the app looks from its first frame (theme, keys), read without the settings' validators.

The settings are validated with pydantic, which costs more than a bare Textual app's whole start.
The first frame needs only the theme and the keymap, so they come from the validated copy of the
settings file kept by `load_settings` when the file has not changed since (or from the defaults
when there is no file). After a change, the file is validated before the first frame, once.
"""

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from facecoach.config.paths import settings_path
from facecoach.config.validated_cache import ValidatedCache, digest

DEFAULT_THEME = "textual-dark"
SETTINGS_CACHE = "settings"
_MAX_SETTINGS_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Appearance:
    theme: str = DEFAULT_THEME
    keymap: Mapping[str, str] = field(default_factory=dict)


def cached_appearance(config_dir: Path, cache: ValidatedCache) -> Appearance | None:
    """The appearance the settings file gives, if known without validating it; None when the
    file must be validated first (changed, unreadable, or never seen)."""
    path = settings_path(config_dir)
    try:
        # Non-blocking: a FIFO in place of the file must not hang the start.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None if path.is_symlink() else Appearance()
    except OSError:
        return None
    try:
        with os.fdopen(handle, "rb") as file:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
            source = file.read(_MAX_SETTINGS_BYTES + 1)
    except OSError:
        return None
    value = cache.get(SETTINGS_CACHE, digest(source))
    if not isinstance(value, dict):
        return None
    theme, keymap = value.get("theme"), value.get("keymap")
    if not isinstance(theme, str) or not isinstance(keymap, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()):
        return None
    return Appearance(theme, keymap)
