"""`facecoach backup` and `facecoach restore`: copies of the session log, and getting one back."""

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from facecoach.cli.output import EXIT_OK, print_table, say
from facecoach.cli.output_file import check_output_file
from facecoach.companion.photos import (
    back_up_photos,
    backup_photos_path,
    check_backup_photos,
    photos_before_restore,
    restore_photos,
)
from facecoach.config.paths import database_path
from facecoach.errors import FacecoachError
from facecoach.photos.images import PhotosUnavailable
from facecoach.storage.backups import Backups
from facecoach.wording.adherence import plural

LIST = "list"


def add_backup_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    backup = commands.add_parser(
        "backup",
        description="Makes a backup of the session log now: in the backups folder beside it, "
        "or at PATH (a file or a folder). `facecoach backup list` lists the backups. A backup "
        "is also made once a day when the log is written, and kept for `backup_days` days "
        "(settings.toml, default 14).",
    )
    backup.add_argument("path", metavar="PATH", nargs="?", help="where to write it, or 'list'")
    backup.add_argument("--force", action="store_true", help="replace PATH if it is a file")
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser("restore")
    restore.add_argument("backup", metavar="BACKUP", type=Path, help="a backup file")
    restore.set_defaults(handler=_restore)


def _backups() -> "Backups":
    return Backups(database_path())


def _backup(args: argparse.Namespace) -> int:
    backups = _backups()
    if args.path == LIST:
        found = backups.list()
        if not found:
            say(f"No backups yet in {backups.folder}.")
            return EXIT_OK
        rows = [
            (b.made.astimezone().strftime("%Y-%m-%d %H:%M"), f"{b.size // 1024} KiB", str(b.path))
            for b in found
        ]
        print_table(("MADE", "SIZE", "FILE"), rows, sys.stdout)
        say(f"{plural(len(found), 'backup')}.")
        return EXIT_OK
    target = Path(args.path).expanduser() if args.path else None
    if target is not None:
        check_output_file(target, force=args.force)
    path = backups.make(datetime.now(UTC), target)
    say(f"Backed up the session log to {path}.")
    photos = back_up_photos(backups.database, path)
    if photos:
        say(f"Backed up {plural(photos, 'photo')} to {backup_photos_path(path)}.")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    backups = _backups()
    if not args.backup.exists():
        raise FacecoachError(f"{args.backup}: no such backup (see `facecoach backup list`)")
    backup = args.backup.expanduser()
    backups.check_backup(backup)  # a folder or a foreign file: said before its photos are read
    try:
        checked = check_backup_photos(backup)  # refused in words before anything is changed
        unchecked = None
    except PhotosUnavailable as exc:
        checked, unchecked = None, str(exc)
    before = photos_before_restore(backups.database)
    aside = backups.restore(backup, datetime.now(UTC))
    say(f"Restored {args.backup}. The log it replaced is kept as {aside}.")
    if unchecked is not None:
        say(f"The photos kept with the backup were not brought back: {unchecked}.")
    restored = restore_photos(backups.database, checked, before)
    if restored.brought_back:
        say(f"Brought back {plural(restored.brought_back, 'photo')} from the backup.")
    if restored.kept:
        say(f"Kept {plural(restored.kept, 'photo')} added since the backup.")
    for photo in restored.without_file:
        say(
            f"Photo of {photo.taken:%d %b %Y} ({photo.file}) is in the backup's list but its "
            "file is in neither the photos folder nor the backup; left out of the list."
        )
    return EXIT_OK
