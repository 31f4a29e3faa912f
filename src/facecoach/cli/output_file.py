"""Files a command writes at a path the user names (`export -o`, `backup PATH`): an existing
file is replaced only with --force, and facecoach's own files (the live log and what SQLite
keeps beside it, its backups, the settings and the paired devices) never, even with --force."""

import os
from pathlib import Path

from facecoach.config.paths import config_dir, database_path, known_devices_path, settings_path
from facecoach.errors import FacecoachError
from facecoach.storage.backups import backup_dir

# What SQLite (and facecoach) keep beside the log: writing any of these corrupts or loses it.
_LOG_COMPANIONS = ("", "-wal", "-shm", "-journal", "-checked")


def check_output_file(target: Path, *, force: bool) -> None:
    """Raises FacecoachError when `target` must not be written."""
    database = database_path()
    config = config_dir()
    own = [Path(f"{database}{suffix}") for suffix in _LOG_COMPANIONS]
    own += [settings_path(config), known_devices_path(config)]
    for path in own:
        if _same(target, path):
            raise FacecoachError(
                f"{target} is facecoach's own {_what(path, database)}; it is never written over "
                "(not even with --force). Choose another file."
            )
    if target.exists() and (
        _same(target.parent, backup_dir(database))
        or (_same(target.parent, database.parent) and target.name.startswith(f"{database.name}."))
    ):
        raise FacecoachError(
            f"{target} is a backup of your session log; it is never written over (not even "
            "with --force). Choose another file."
        )
    if target.is_file() and not force:
        raise FacecoachError(f"{target} exists; pass --force to replace it, or choose another file")


def _what(path: Path, database: Path) -> str:
    if path.parent == database.parent and path.name.startswith(database.name):
        return "session log" if path == database else "file beside the session log"
    return f"{path.name} (its settings)" if path.suffix == ".toml" else path.name


def _same(one: Path, other: Path) -> bool:
    """The same file: by identity when both exist (links, `..`, case-insensitive disks),
    else by their absolute paths."""
    try:
        if one.exists() and other.exists():
            return os.path.samefile(one, other)
    except OSError:
        pass
    return os.path.abspath(one.expanduser()) == os.path.abspath(other.expanduser())
