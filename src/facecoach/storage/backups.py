"""Backups of the facecoach database: SQLite's online backup API, never a file copy.

A file copy of a database in WAL mode can miss what is still in the -wal file, or catch a page
half written; the backup API copies a consistent snapshot while other connections go on. Backups
live in `backups/` beside the database, private (0600), one a day at most when the log is opened
for writing, kept for a number of days; `restore` puts the current file aside first.
"""

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from facecoach.storage.database import (
    ForeignFileError,
    StoreError,
    check_database_file,
    read_only_uri,
    translate_errors,
)
from facecoach.storage.log_holders import RestoreLease

BACKUP_DIR = "backups"
# A backup's progress photos, when it has any: a zip beside it, named after it.
PHOTOS_BESIDE = ".photos.zip"
_NAME = re.compile(r"^facecoach-(\d{8}-\d{6})\.db$")
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    made: datetime  # UTC

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def backup_dir(database: Path) -> Path:
    return database.parent / BACKUP_DIR


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of `source` at `target` (written beside it, then moved in place)."""
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with translate_errors(source):
            reading = sqlite3.connect(read_only_uri(source), uri=True)
            try:
                fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
                os.close(fd)
                writing = sqlite3.connect(temporary)
                try:
                    reading.backup(writing)
                    # A copy is one self-contained file: no -wal or -shm beside it, ever.
                    writing.execute("PRAGMA journal_mode = DELETE")
                finally:
                    writing.close()
            finally:
                reading.close()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


class Backups:
    """The backups of one database."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.folder = backup_dir(database)

    def list(self) -> list[Backup]:
        """Newest first."""
        found = []
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                match = _NAME.match(path.name)
                if match and path.is_file():
                    try:
                        made = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
                    except ValueError:  # named like one (20269999-999999), but not one of ours
                        continue
                    found.append(Backup(path, made))
        return sorted(found, key=lambda backup: backup.made, reverse=True)

    def make(self, now: datetime, target: Path | None = None, *, checked: bool = False) -> Path:
        """A backup now, in the backups folder or at `target` (a file or a folder).
        `checked`: the caller has just run the full integrity check itself."""
        if not self.database.exists():
            raise StoreError(f"there is no session log at {self.database} to back up")
        if not checked:  # a damaged log must never be copied over the good backups
            check_database_file(self.database, full=True)
        name = f"facecoach-{now.astimezone(UTC).strftime(_STAMP)}.db"
        if target is None:
            if (self.folder.exists() or self.folder.is_symlink()) and not self.folder.is_dir():
                raise StoreError(
                    f"{self.folder} is not a folder (a file, a pipe or a broken link), so no "
                    "backup can be kept there; move it away and facecoach makes the folder."
                )
            try:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot make the folder {self.folder}: {exc.strerror}") from None
            target = self.folder / name
        elif target.is_dir():
            target = target / name
        elif target.exists() and not target.is_file():
            raise StoreError(f"{target} is not a regular file; a backup goes in a file or a folder")
        try:
            copy_database(self.database, target)
        except OSError as exc:
            raise StoreError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
        return target

    def due(self, now: datetime) -> bool:
        existing = self.list()
        return not existing or existing[0].made.date() != now.astimezone(UTC).date()

    def daily(self, now: datetime, keep_days: int, *, checked: bool = False) -> Path | None:
        """Makes today's backup if there is none yet, and drops those older than `keep_days`.
        Returns the new backup's path, if one was made."""
        if keep_days <= 0 or not self.database.exists():
            return None
        made = None
        if self.due(now):
            made = self.make(now, checked=checked)
        existing = self.list()
        cutoff = now - timedelta(days=keep_days)
        for backup in existing[1:]:  # the newest one is always kept
            if backup.made < cutoff:
                backup.path.unlink(missing_ok=True)
                backup.path.with_name(backup.path.name + PHOTOS_BESIDE).unlink(missing_ok=True)
        return made

    @staticmethod
    def check_backup(backup: Path) -> None:
        """Raises StoreError, in words, unless `backup` is an intact facecoach database."""
        try:
            check_database_file(backup, full=True)
        except ForeignFileError as exc:
            raise StoreError(
                f"{backup} is not a facecoach backup ({exc.reason}); your log was not changed."
            ) from None

    def restore(self, backup: Path, now: datetime) -> Path:
        """Puts `backup` in the database's place; the current file is kept aside first.
        Returns where the current file went."""
        # A backup must itself be an intact facecoach database before anything is moved.
        self.check_backup(backup)
        with RestoreLease(self.database) as holders:
            if holders.sessions:
                raise StoreError(
                    "a session is being recorded right now; restore when it has ended. "
                    "Your log was not changed."
                )
            if holders.open:
                raise StoreError(
                    "facecoach has the session log open in another window (the app, or a "
                    "coach waiting to start); quit it, then restore. Your log was not changed."
                )
            stamp = now.astimezone(UTC).strftime(_STAMP)
            aside = self.database.with_name(f"{self.database.name}.before-restore-{stamp}")
            incoming = self.database.with_name(f".{self.database.name}.restoring")
            try:
                copy_database(backup, incoming)  # the copy first: nothing moves if it fails
            except OSError as exc:
                raise StoreError(
                    f"cannot write in {self.database.parent} ({exc.strerror}); your log was not "
                    "changed. Check the folder's permissions."
                ) from None
            moved = False
            try:
                if self.database.exists():
                    copy_or_move_aside(self.database, aside)
                    moved = True
                os.replace(incoming, self.database)
            except OSError as exc:
                if moved:  # put the log back as it was
                    copy_or_move_aside(aside, self.database)
                incoming.unlink(missing_ok=True)
                raise StoreError(
                    f"cannot put the backup in place in {self.database.parent} "
                    f"({exc.strerror}); your log was not changed."
                ) from None
        return aside


def copy_or_move_aside(database: Path, aside: Path) -> None:
    """The current database, with its -wal and -shm files, moved out of the way intact."""
    for suffix in ("", "-wal", "-shm"):
        current = Path(f"{database}{suffix}")
        if current.exists():
            os.replace(current, Path(f"{aside}{suffix}"))
