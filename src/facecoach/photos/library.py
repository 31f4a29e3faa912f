"""The photo library: image files in the photos folder (only the user can read them), indexed
in the facecoach database (schema 7)."""

import contextlib
import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from facecoach.photos.images import PhotoError, PreparedPhoto
from facecoach.storage.database import Database, parse_utc, utc_text

MAX_PHOTO_NOTE_CHARS = 500
PHOTO_COLUMNS = "id, file, taken_day, added_utc, width, height, note"
# How a stored photo's file is named (the day taken, a random part): nothing else is ever
# written into the photos folder, from an import or a restore either.
STORED_NAME = re.compile(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{12}\.jpg")


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
        same = self._database.read(
            "SELECT id, deleted_utc FROM photos WHERE sha256 = ?", (prepared.sha256,)
        )
        if same:
            hidden = " (deleted: `facecoach photos undo` brings it back)" if same[0][1] else ""
            raise PhotoError(f"this photo is in the library already (photo {same[0][0]}){hidden}")
        name = f"{taken.isoformat()}-{uuid.uuid4().hex[:12]}.jpg"
        return self._store(name, prepared.data, taken, now, prepared, note)

    def add_archived(
        self, data: bytes, file: str, taken: date, added: datetime, size: tuple[int, int], note: str
    ) -> Photo | None:
        """A photo brought back from an export or a backup (`data` checked by the caller), its
        day, note and the time it was first added kept; None when it is here already."""
        digest = hashlib.sha256(data).hexdigest()
        if self._database.read("SELECT id FROM photos WHERE sha256 = ?", (digest,)):
            return None
        if not STORED_NAME.fullmatch(file) or (self.folder / file).exists():
            file = f"{taken.isoformat()}-{uuid.uuid4().hex[:12]}.jpg"
        prepared = PreparedPhoto(data, size[0], size[1], digest, taken)
        return self._store(file, data, taken, added, prepared, note)

    def index_missing(self, photo: Photo, sha256: str) -> bool:
        """Puts back the index row of a photo whose file is in the folder (one added after a
        backup that is being restored); False when the photo or its file is not there."""
        if not self.path_of(photo).is_file() or self._database.read(
            "SELECT id FROM photos WHERE sha256 = ? OR file = ?", (sha256, photo.file)
        ):
            return False
        with self._database.write() as db:
            db.execute(
                "INSERT INTO photos (file, taken_day, added_utc, width, height, sha256, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    photo.file,
                    photo.taken.isoformat(),
                    utc_text(photo.added),
                    photo.width,
                    photo.height,
                    sha256,
                    photo.note,
                ),
            )
        return True

    def sha256_of(self, photo: Photo) -> str:
        rows = self._database.read("SELECT sha256 FROM photos WHERE id = ?", (photo.id,))
        return str(rows[0][0]) if rows else ""

    def without_files(self) -> list[Photo]:
        """Photos indexed (deleted ones too) whose file is not in the folder."""
        rows = self._database.read(f"SELECT {PHOTO_COLUMNS} FROM photos ORDER BY taken_day, id")
        photos = [photo_from_row(row) for row in rows]
        return [photo for photo in photos if not self.path_of(photo).is_file()]

    def forget(self, photo_id: int) -> None:
        """Drops an index row whose file is gone."""
        with self._database.write() as db:
            db.execute("DELETE FROM photos WHERE id = ?", (photo_id,))

    def _store(
        self,
        name: str,
        data: bytes,
        taken: date,
        added: datetime,
        prepared: PreparedPhoto,
        note: str,
    ) -> Photo:
        self._write_private(name, data)
        try:
            with self._database.write() as db:
                cursor = db.execute(
                    "INSERT INTO photos (file, taken_day, added_utc, width, height, sha256, note)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        taken.isoformat(),
                        utc_text(added),
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

    def write_file(self, name: str, data: bytes) -> None:
        """A photo file, private, written beside and moved in place."""
        self._write_private(name, data)

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
            f"SELECT {PHOTO_COLUMNS} FROM photos WHERE deleted_utc IS NULL ORDER BY taken_day, id"
        )
        return [photo_from_row(row) for row in rows]

    def get(self, photo_id: int) -> Photo:
        rows = self._database.read(
            f"SELECT {PHOTO_COLUMNS} FROM photos WHERE id = ? AND deleted_utc IS NULL",
            (photo_id,),
        )
        if not rows:
            raise PhotoError(f"there is no photo {photo_id}; `facecoach photos list` lists them")
        return photo_from_row(rows[0])

    def delete(self, photo_id: int, now: datetime) -> Photo:
        """Marks the photo deleted: gone from the list and the app, its file kept until
        `purge_deleted`, so that `undo_delete` can bring it back."""
        photo = self.get(photo_id)
        with self._database.write() as db:
            db.execute(
                "UPDATE photos SET deleted_utc = ? WHERE id = ? AND deleted_utc IS NULL",
                (utc_text(now), photo_id),
            )
        return photo

    def undo_delete(self) -> Photo | None:
        """Brings back the photo deleted last; None when none is waiting."""
        with self._database.write() as db:
            row = db.execute(
                "SELECT id, file FROM photos WHERE deleted_utc IS NOT NULL"
                " ORDER BY deleted_utc DESC, id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            if not (self.folder / str(row[1])).is_file():
                db.execute("DELETE FROM photos WHERE id = ?", (row[0],))
                raise PhotoError(
                    f"photo {row[0]}'s file is no longer in {self.folder}, so it cannot come "
                    "back; it is out of the list for good"
                )
            db.execute("UPDATE photos SET deleted_utc = NULL WHERE id = ?", (row[0],))
        return self.get(int(row[0]))

    def purge_deleted(self) -> int:
        """Removes deleted photos and their files for good; returns how many."""
        rows = self._database.read(
            f"SELECT {PHOTO_COLUMNS} FROM photos WHERE deleted_utc IS NOT NULL"
        )
        for photo in map(photo_from_row, rows):
            try:
                self.path_of(photo).unlink(missing_ok=True)
            except OSError as exc:
                raise PhotoError(
                    f"the file of deleted photo {photo.id}, {self.path_of(photo)}, could not be "
                    f"removed ({exc.strerror or exc}); nothing more was purged"
                ) from None
            with self._database.write() as db:  # the row goes with its file, one by one
                db.execute("DELETE FROM photos WHERE id = ?", (photo.id,))
        return len(rows)


def photo_from_row(row: tuple[object, ...]) -> Photo:
    """A Photo from a row of PHOTO_COLUMNS."""
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
