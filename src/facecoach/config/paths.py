"""Where facecoach keeps its files: platformdirs locations with environment overrides."""

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

from facecoach.errors import FacecoachError

APP_NAME = "facecoach"
CONFIG_DIR_ENV = "FACECOACH_CONFIG_DIR"


def _directory(env_var: str, default: Callable[..., str]) -> Path:
    override = os.environ.get(env_var)
    if override:
        try:
            return Path(override).expanduser()
        except RuntimeError:  # `~someone` for a user this system does not know
            user = override.split("/", 1)[0].split("\\", 1)[0]
            raise FacecoachError(
                f"{override}: there is no user {user[1:]!r} here whose home folder {user} could "
                "be; write the folder out in full"
            ) from None
    return Path(default(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user's configuration directory (routines, settings, paired devices)."""
    return _directory(CONFIG_DIR_ENV, platformdirs.user_config_dir)


SETTINGS_FILE = "settings.toml"


def settings_path(config: Path) -> Path:
    return config / SETTINGS_FILE


def user_routines_dir(config: Path | None = None) -> Path:
    """Directory where users add or override routines, one TOML file each."""
    return (config or config_dir()) / "routines"


DATA_DIR_ENV = "FACECOACH_DATA_DIR"
DATABASE_FILE = "facecoach.db"


def data_dir() -> Path:
    """The user's data directory (the session log)."""
    return _directory(DATA_DIR_ENV, platformdirs.user_data_dir)


def database_path() -> Path:
    return data_dir() / DATABASE_FILE


def user_profiles_dir(config: Path | None = None) -> Path:
    """Directory where users add device profiles, one TOML file each."""
    return (config or config_dir()) / "device_profiles"


def known_devices_path(config: Path | None = None) -> Path:
    """The paired devices facecoach remembers."""
    return (config or config_dir()) / "devices.toml"


CACHE_DIR_ENV = "FACECOACH_CACHE_DIR"


def cache_dir() -> Path:
    """Where facecoach keeps what it can always rebuild (validated copies of data files)."""
    return _directory(CACHE_DIR_ENV, platformdirs.user_cache_dir)
