"""The photo library as both front ends open it (the session log's index, the data folder's
`photos` folder), and the photos in exports and backups: `export --format zip` writes the log
and the photos in one archive, `backup` writes the photos beside the log's copy, and `import`
and `restore` bring them back, each archive checked whole before anything is written."""

import contextlib
import os
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.errors import FacecoachError
from facecoach.photos import PHOTOS_FOLDER
from facecoach.photos.archive import (
    ArchivedPhoto,
    archived,
    has_photos,
    member_bytes,
    photo_bytes,
    read_index,
    write_photos,
)
from facecoach.photos.images import PhotoError
from facecoach.photos.library import PHOTO_COLUMNS, Photo, PhotoLibrary, photo_from_row
from facecoach.storage.backups import PHOTOS_BESIDE
from facecoach.storage.database import Database, StoreError, read_only_uri

if TYPE_CHECKING:
    from facecoach.companion.core import Companion

# The log's export inside a zip export (the same JSON `export --format json` writes).
EXPORTED_LOG = "log.json"
ZIP_MAGIC = b"PK\x03\x04"


def photo_library(companion: "Companion") -> PhotoLibrary:
    store = companion.log_service.require_store()
    return PhotoLibrary(store.database, photos_folder(store.path))


def photos_folder(database: Path) -> Path:
    return database.parent / PHOTOS_FOLDER


def backup_photos_path(backup: Path) -> Path:
    return backup.with_name(backup.name + PHOTOS_BESIDE)


def is_archive(path: Path) -> bool:
    """Whether `path` is a zip (an export with photos), by its first bytes."""
    try:
        with path.open("rb") as file:
            return file.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    except OSError:
        return False  # the export reader says why in its own words


def write_archive(target: Path, library: PhotoLibrary | None, exported_log: str | None) -> int:
    """A zip at `target` (private, written beside it and moved in place) with the log's JSON
    export, if given, and every photo; returns how many photos."""
    photos = _archived(library) if library is not None else []
    _write_zip(target, exported_log, photos)
    return len(photos)


def _write_zip(
    target: Path, exported_log: str | None, photos: list[tuple[ArchivedPhoto, Path]]
) -> None:
    temporary = target.with_name(f".{target.name}.partial")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            if exported_log is not None:
                z.writestr(EXPORTED_LOG, exported_log)
            write_photos(z, photos)
        os.replace(temporary, target)
    except OSError as exc:
        raise FacecoachError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _archived(library: PhotoLibrary) -> list[tuple[ArchivedPhoto, Path]]:
    return [
        (archived(photo, library.sha256_of(photo)), library.path_of(photo))
        for photo in library.photos()
    ]


@dataclass(frozen=True, slots=True)
class CheckedArchive:
    """An archive whose photos were all checked (names, sizes, digests, images)."""

    path: Path
    photos: list[ArchivedPhoto] = field(default_factory=list)


def _opened(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PhotoError(f"{path}: not an archive facecoach can read ({exc}); refused") from None


def read_export_archive(path: Path, max_log_bytes: int) -> tuple[str, CheckedArchive]:
    """The log's export (JSON text) and the checked photos of a zip export."""
    with _opened(path) as archive:
        try:
            text = member_bytes(archive, EXPORTED_LOG, str(path), max_log_bytes).decode("utf-8")
        except UnicodeDecodeError:
            raise PhotoError(f"{path}: {EXPORTED_LOG} is not text; refused") from None
        others = frozenset({EXPORTED_LOG})
        photos = read_index(archive, str(path), others) if has_photos(archive) else []
    return text, CheckedArchive(path, photos)


def check_backup_photos(backup: Path) -> CheckedArchive | None:
    """The checked photos kept beside `backup`; None when it has none."""
    beside = backup_photos_path(backup)
    if not beside.is_file():
        return None
    with _opened(beside) as archive:
        return CheckedArchive(beside, read_index(archive, str(beside), frozenset()))


def bring_back(library: PhotoLibrary, checked: CheckedArchive) -> tuple[int, int]:
    """Puts an archive's photos in the library: (added, already there)."""
    added = present = 0
    with _opened(checked.path) as archive:
        for entry in checked.photos:
            data = photo_bytes(archive, entry, str(checked.path))  # checked again as written
            photo = library.add_archived(
                data, entry.file, entry.taken, entry.added, (entry.width, entry.height), entry.note
            )
            if photo is None:
                present += 1
            else:
                added += 1
    return added, present


def back_up_photos(database: Path, backup: Path) -> int:
    """The photos beside a backup just made of the log at `database` (those its copy lists,
    read from the copy: the log itself is not opened again); returns how many, and writes no
    archive when there are none."""
    try:
        with contextlib.closing(sqlite3.connect(read_only_uri(backup), uri=True)) as copy:
            rows = copy.execute(
                f"SELECT {PHOTO_COLUMNS}, sha256 FROM photos ORDER BY taken_day, id"
            ).fetchall()
            photos = [(photo_from_row(tuple(row[:-1])), str(row[-1])) for row in rows]
    except sqlite3.OperationalError:
        return 0  # a log from before photos (no photos table)
    except (sqlite3.Error, ValueError) as exc:
        raise PhotoError(
            f"the log was backed up to {backup}, but the list of photos in it cannot be read "
            f"({exc}); the photos were not backed up"
        ) from None
    folder = photos_folder(database)
    present = [
        (archived(photo, digest), folder / photo.file)
        for photo, digest in photos
        if (folder / photo.file).is_file()  # a file lost already is named at a restore
    ]
    if not present:
        return 0
    _write_zip(backup_photos_path(backup), None, present)
    return len(present)


def photos_before_restore(database: Path) -> list[tuple[Photo, str]]:
    """The photos the current log indexes (with their digests), kept to be indexed again
    after a restore of an older backup; none when the log cannot be read."""
    if not database.exists():
        return []
    try:
        with Database.open(database) as opened:
            library = PhotoLibrary(opened, photos_folder(database))
            return [(photo, library.sha256_of(photo)) for photo in library.photos()]
    except (StoreError, PhotoError):
        return []


@dataclass(frozen=True, slots=True)
class PhotosRestored:
    brought_back: int  # from the archive beside the backup
    kept: int  # photos added since the backup, indexed again
    without_file: list[Photo]  # indexed by the backup, but no file here or in its archive


def restore_photos(
    database: Path, checked: CheckedArchive | None, before: list[tuple[Photo, str]]
) -> PhotosRestored:
    """After a restore: the backup's photos back in the folder, the photos added since kept,
    and index rows with no file anywhere dropped (and named)."""
    with Database.open(database) as opened:
        library = PhotoLibrary(opened, photos_folder(database))
        brought_back = 0
        if checked is not None:
            brought_back = bring_back(library, checked)[0] + _write_missing_files(library, checked)
        kept = sum(library.index_missing(photo, digest) for photo, digest in before)
        missing = library.without_files()
        for photo in missing:
            library.forget(photo.id)
    return PhotosRestored(brought_back, kept, missing)


def _write_missing_files(library: PhotoLibrary, checked: CheckedArchive) -> int:
    """Files of photos the restored index has but the folder lost (deleted since the backup);
    returns how many."""
    indexed = {photo.file: photo for photo in library.photos()}
    written = 0
    with _opened(checked.path) as archive:
        for entry in checked.photos:
            photo = indexed.get(entry.file)
            if photo is not None and not library.path_of(photo).is_file():
                library.write_file(entry.file, photo_bytes(archive, entry, str(checked.path)))
                written += 1
    return written
