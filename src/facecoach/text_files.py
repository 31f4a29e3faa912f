"""A user's text files, read and written safely: bounded, regular files only, and written
whole (a crash mid-write leaves the old file, never half a file).

Light on purpose: the app's first frame and `facecoach status` read files through it before
anything validates them (`datafiles` parses and validates, with pydantic).
"""

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import TypeVar

from facecoach.errors import FacecoachError
from facecoach.problems import Problem, file_report, problem_line

MAX_DATA_FILE_BYTES = 256 * 1024


class DataFileError(FacecoachError):
    """A user data file that cannot be used: the file, then each problem with its field.

    Each kind of file has its own subclass (a routine, a profile, settings, paired devices),
    so callers catch what they expect while every file is read and reported the same way.
    """

    what = "data file"

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(problem_line(self.problem))

    @property
    def problem(self) -> Problem:
        """The whole error as one problem about the file (a folder's list of problems)."""
        return file_report(self.source, self.what, self.problems)


E = TypeVar("E", bound=DataFileError)


def read_text_file(path: Path, error: type[E], max_bytes: int = MAX_DATA_FILE_BYTES) -> str:
    """A regular file's UTF-8 text, at most `max_bytes`; FIFOs and devices are refused unread."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(str(path), [Problem("", "file not found")]) from None
    except OSError as exc:
        raise error(str(path), [Problem("", f"cannot be read ({exc.strerror or exc})")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(str(path), [Problem("", f"is a directory, not a {error.what} file")])
    if not stat.S_ISREG(info.st_mode):
        raise error(
            str(path), [Problem("", "is not a regular file (a pipe or a device?); not read")]
        )
    if info.st_size > max_bytes:
        raise error(
            str(path),
            [
                Problem(
                    "",
                    f"is {info.st_size} bytes; a {error.what} is at most {max_bytes // 1024} KiB",
                )
            ],
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(str(path), [Problem("", f"cannot be read ({exc.strerror or exc})")]) from None
    if len(raw) > max_bytes:  # it grew since stat
        raise error(str(path), [Problem("", f"is larger than {max_bytes // 1024} KiB")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(str(path), [Problem("", "not UTF-8 text")]) from None


def write_text_atomic(path: Path, text: str, error: type[FacecoachError]) -> None:
    """Writes `text` in place of `path`: the old file or the new one, never half of either."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise error(f"cannot write {path}: {exc.strerror}") from None


def keep_backup(path: Path) -> None:
    """Keeps a copy of a file we could not read before it is overwritten."""

    if path.exists():
        shutil.copy2(path, path.with_suffix(path.suffix + ".bak"))
