"""Where facecoach keeps its files: platformdirs locations with environment overrides."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "facecoach"
CONFIG_DIR_ENV = "FACECOACH_CONFIG_DIR"


def config_dir() -> Path:
    """The user's configuration directory (routines, settings, paired devices)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_routines_dir() -> Path:
    """Directory where users add or override routines, one TOML file each."""
    return config_dir() / "routines"


DATA_DIR_ENV = "FACECOACH_DATA_DIR"
DATABASE_FILE = "facecoach.db"


def data_dir() -> Path:
    """The user's data directory (the session log)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path() -> Path:
    return data_dir() / DATABASE_FILE
