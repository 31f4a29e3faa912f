"""The photo library: image files in the photos folder (only the user can read them), indexed
in the facecoach database (schema 7)."""

import contextlib
import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from facecoach.photos.images import PhotoError, PreparedPhoto
from facecoach.storage.database import Database, parse_utc, utc_text

MAX_PHOTO_NOTE_CHARS = 500


@dataclass(frozen=True, slots=True)
class Photo:
    id: int
    file: str
    taken: date
    added: datetime
    width: int
    height: int
    note: str


class PhotoLibrary:
    """Photos in `folder` (made 0700, each file 0600), indexed in `database`."""

    def __init__(self, database: Database, folder: Path) -> None:
        self._database = database
        self.folder = folder

    def path_of(self, photo: Photo) -> Path:
        return self.folder / photo.file

    def add(self, prepared: PreparedPhoto, taken: date, note: str, now: datetime) -> Photo:
        if len(note) > MAX_PHOTO_NOTE_CHARS:
            raise PhotoError(f"the note can be at most {MAX_PHOTO_NOTE_CHARS} characters")
        same = self._database.read("SELECT id FROM photos WHERE sha256 = ?", (prepared.sha256,))
        if same:
            raise PhotoError(f"this photo is in the library already (photo {same[0][0]})")
        name = f"{taken.isoformat()}-{uuid.uuid4().hex[:12]}.jpg"
        self._write_private(name, prepared.data)
        try:
            with self._database.write() as db:
                cursor = db.execute(
                    "INSERT INTO photos (file, taken_day, added_utc, width, height, sha256, note)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        taken.isoformat(),
                        utc_text(now),
                        prepared.width,
                        prepared.height,
                        prepared.sha256,
                        note,
                    ),
                )
        except BaseException:
            (self.folder / name).unlink(missing_ok=True)  # no file without its index row
            raise
        assert cursor.lastrowid is not None
        return self.get(cursor.lastrowid)

    def _write_private(self, name: str, data: bytes) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with contextlib.suppress(OSError):  # Windows keeps its own ACLs
                self.folder.chmod(0o700)
            temp = self.folder / f".{name}.tmp"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            handle = os.open(temp, flags, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.folder / name)
        except OSError as exc:
            raise PhotoError(f"cannot write into {self.folder}: {exc.strerror or exc}") from None

    def photos(self) -> list[Photo]:
        """Oldest first, as a timeline reads."""
        rows = self._database.read(
            "SELECT id, file, taken_day, added_utc, width, height, note FROM photos"
            " ORDER BY taken_day, id"
        )
        return [_photo(row) for row in rows]

    def get(self, photo_id: int) -> Photo:
        rows = self._database.read(
            "SELECT id, file, taken_day, added_utc, width, height, note FROM photos WHERE id = ?",
            (photo_id,),
        )
        if not rows:
            raise PhotoError(f"there is no photo {photo_id}; `facecoach photos list` lists them")
        return _photo(rows[0])

    def delete(self, photo_id: int) -> Photo:
        """Removes the photo's file and its index row."""
        photo = self.get(photo_id)
        with self._database.write() as db:
            db.execute("DELETE FROM photos WHERE id = ?", (photo_id,))
        try:
            self.path_of(photo).unlink(missing_ok=True)
        except OSError as exc:
            raise PhotoError(
                f"photo {photo_id} is out of the list, but its file {self.path_of(photo)} "
                f"could not be removed ({exc.strerror or exc}); delete it yourself"
            ) from None
        return photo


def _photo(row: tuple[object, ...]) -> Photo:
    photo_id, file, day, added, width, height, note = row
    return Photo(
        int(str(photo_id)),
        str(file),
        date.fromisoformat(str(day)),
        parse_utc(str(added)),
        int(str(width)),
        int(str(height)),
        str(note),
    )
