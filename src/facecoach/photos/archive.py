"""Photos in a zip archive: how `export --format zip` and `backup` carry them (an index,
`photos.json`, and the stored JPEGs under `photos/`), and how `import` and `restore` take them
back. An archive is checked whole before anything is written: a member named outside the
pattern facecoach writes (a path, `..`, a drive), a member larger than a stored photo can be (a
zip bomb), an index or a photo that does not match, each is refused in words."""

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from facecoach.photos.images import PhotoError, check_stored_photo
from facecoach.photos.library import MAX_PHOTO_NOTE_CHARS, STORED_NAME, Photo
from facecoach.storage.database import parse_utc, utc_text

ARCHIVE_INDEX = "photos.json"
ARCHIVE_FOLDER = "photos/"
# A stored photo is a JPEG of at most 2048 pixels a side (a few MiB at most); anything larger
# inside an archive is not one of ours.
MAX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_INDEX_BYTES = 8 * 1024 * 1024
MAX_ARCHIVED_PHOTOS = 20_000


@dataclass(frozen=True, slots=True)
class ArchivedPhoto:
    """One photo's entry in an archive's index."""

    file: str
    taken: date
    added: datetime
    width: int
    height: int
    sha256: str
    note: str


def archived(photo: Photo, sha256: str) -> ArchivedPhoto:
    return ArchivedPhoto(
        photo.file, photo.taken, photo.added, photo.width, photo.height, sha256, photo.note
    )


def write_photos(archive: zipfile.ZipFile, photos: list[tuple[ArchivedPhoto, Path]]) -> None:
    """The index and each photo's file (stored as is: a JPEG does not compress)."""
    index = [
        {**asdict(entry), "taken": entry.taken.isoformat(), "added": utc_text(entry.added)}
        for entry, _ in photos
    ]
    archive.writestr(ARCHIVE_INDEX, json.dumps({"photos": index}, indent=1))
    for entry, path in photos:
        try:
            archive.write(path, ARCHIVE_FOLDER + entry.file, compress_type=zipfile.ZIP_STORED)
        except OSError as exc:
            raise PhotoError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def has_photos(archive: zipfile.ZipFile) -> bool:
    return ARCHIVE_INDEX in archive.namelist()


def read_index(
    archive: zipfile.ZipFile, source: str, other_members: frozenset[str]
) -> list[ArchivedPhoto]:
    """The archive's photo index, every member's name and size checked, every photo read and
    checked against the index (its digest, a JPEG facecoach could have written). Raises
    PhotoError in the user's words; reads nothing into memory beyond one photo at a time."""
    infos = archive.infolist()
    if len(infos) > MAX_ARCHIVED_PHOTOS + len(other_members) + 1:
        raise PhotoError(f"{source}: {len(infos)} files in the archive; refused")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name == ARCHIVE_INDEX or name in other_members:
            continue
        if not (
            name.startswith(ARCHIVE_FOLDER) and STORED_NAME.fullmatch(name[len(ARCHIVE_FOLDER) :])
        ):
            raise PhotoError(
                f"{source}: the archive holds a file named {name!r}, which facecoach never "
                "writes (a path outside its photos folder?); refused, nothing was changed"
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise PhotoError(
                f"{source}: {name} would unpack to {info.file_size // (1024 * 1024)} MiB, more "
                "than a stored photo can be (a zip bomb?); refused, nothing was changed"
            )
        members[name[len(ARCHIVE_FOLDER) :]] = info
    entries = _parse_index(member_bytes(archive, ARCHIVE_INDEX, source, MAX_INDEX_BYTES), source)
    for entry in entries:
        if entry.file not in members:
            raise PhotoError(f"{source}: photo {entry.file} is in the index but not in the archive")
        photo_bytes(archive, entry, source)
    return entries


def photo_bytes(archive: zipfile.ZipFile, entry: ArchivedPhoto, source: str) -> bytes:
    """An archived photo's bytes, checked: its digest as indexed, a JPEG within bounds."""
    data = member_bytes(archive, ARCHIVE_FOLDER + entry.file, source, MAX_MEMBER_BYTES)
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise PhotoError(f"{source}: photo {entry.file} does not match its index (damaged)")
    check_stored_photo(data, f"{source}: {entry.file}")
    return data


def member_bytes(archive: zipfile.ZipFile, name: str, source: str, limit: int) -> bytes:
    """A member read whole, never more than `limit` bytes whatever its header says."""
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except KeyError:
        raise PhotoError(f"{source}: no {name} in the archive") from None
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise PhotoError(f"{source}: {name} cannot be unpacked ({exc}); refused") from None
    if len(data) > limit:
        raise PhotoError(
            f"{source}: {name} unpacks to more than {limit // (1024 * 1024)} MiB (a zip bomb?); "
            "refused, nothing was changed"
        )
    return data


def _parse_index(data: bytes, source: str) -> list[ArchivedPhoto]:
    try:
        loaded: Any = json.loads(data.decode("utf-8"))
        rows = loaded["photos"]
        if not isinstance(rows, list):
            raise TypeError("'photos' is not a list")
        return list(_entries(rows))
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise PhotoError(f"{source}: the photo index is damaged ({exc}); refused") from None


def _entries(rows: list[Any]) -> Iterator[ArchivedPhoto]:
    seen: set[str] = set()
    for row in rows:
        entry = ArchivedPhoto(
            file=_text(row, "file"),
            taken=date.fromisoformat(_text(row, "taken")),
            added=parse_utc(_text(row, "added")),
            width=_size(row, "width"),
            height=_size(row, "height"),
            sha256=_text(row, "sha256"),
            note=_text(row, "note"),
        )
        if not STORED_NAME.fullmatch(entry.file) or entry.file in seen:
            raise ValueError(f"a photo named {entry.file!r}")
        if not re.fullmatch(r"[0-9a-f]{64}", entry.sha256):
            raise ValueError(f"photo {entry.file} has no valid digest")
        if len(entry.note) > MAX_PHOTO_NOTE_CHARS:
            raise ValueError(
                f"photo {entry.file} has a note over {MAX_PHOTO_NOTE_CHARS} characters"
            )
        seen.add(entry.file)
        yield entry


def _text(row: Any, key: str) -> str:
    value = row[key]
    if not isinstance(value, str):
        raise TypeError(f"'{key}' is not text")
    return value


def _size(row: Any, key: str) -> int:
    value = row[key]
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 100_000:
        raise ValueError(f"'{key}' is not a size in pixels")
    return value
