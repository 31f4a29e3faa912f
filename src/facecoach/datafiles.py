"""Reading and writing the user's data files (routines, profiles, settings, paired devices).

Reads turn every problem into one error naming the file and the field. Writes are atomic: a
crash mid-write leaves the old file, never half a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from facecoach.errors import FacecoachError

if TYPE_CHECKING:  # pydantic loads when a file is validated, not when this module is imported
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound="BaseModel")

MAX_DATA_FILE_BYTES = 256 * 1024
NESTED_TOO_DEEPLY = "nested too deeply (arrays or tables inside each other, hundreds deep)"


class DataFileError(FacecoachError):
    """A user data file that cannot be used: the file, then each problem with its field.

    Each kind of file has its own subclass (a routine, a profile, settings, paired devices),
    so callers catch what they expect while every file is read and reported the same way.
    """

    what = "data file"

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            text = f"{source}: {problems[0]}"
        else:
            lines = "\n".join(f"  - {problem}" for problem in problems)
            text = f"{source}: not a valid {self.what}:\n{lines}"
        super().__init__(text)


E = TypeVar("E", bound=DataFileError)


def read_text_file(path: Path, error: type[E], max_bytes: int = MAX_DATA_FILE_BYTES) -> str:
    """A regular file's UTF-8 text, at most `max_bytes`; FIFOs and devices are refused unread."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(str(path), ["file not found"]) from None
    except OSError as exc:
        raise error(str(path), [f"cannot be read ({exc.strerror or exc})"]) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(str(path), [f"is a directory, not a {error.what} file"])
    if not stat.S_ISREG(info.st_mode):
        raise error(str(path), ["is not a regular file (a pipe or a device?); not read"])
    if info.st_size > max_bytes:
        raise error(
            str(path),
            [f"is {info.st_size} bytes; a {error.what} is at most {max_bytes // 1024} KiB"],
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(str(path), [f"cannot be read ({exc.strerror or exc})"]) from None
    if len(raw) > max_bytes:  # it grew since stat
        raise error(str(path), [f"is larger than {max_bytes // 1024} KiB"])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(str(path), ["not UTF-8 text"]) from None


def read_toml_model(path: Path, model: type[M], error: type[DataFileError]) -> M | None:
    """The validated file, or None when it does not exist."""
    if not path.exists() and not path.is_symlink():
        return None
    return parse_toml_model(read_text_file(path, error), model, error, str(path))


def parse_toml_model(text: str, model: type[M], error: type[DataFileError], source: str) -> M:
    """TOML text validated as `model`; every problem is one `error` naming `source` and fields."""
    # Loaded with the first file that is parsed: an unchanged start reads validated copies.
    import tomllib

    from pydantic import ValidationError

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(source, [f"invalid TOML: {exc}"]) from None
    except RecursionError:  # arrays or tables nested a thousand deep, in a few KB
        raise error(source, [NESTED_TOO_DEEPLY]) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(source, describe_validation_error(exc)) from None
    except RecursionError:  # deeply nested tables: refuse rather than crash
        raise error(source, [NESTED_TOO_DEEPLY]) from None


def write_toml_atomic(path: Path, data: dict[str, Any], error: type[FacecoachError]) -> str:
    """Writes `data` as TOML in place of `path`; returns the text written."""
    import tomli_w  # only writers pay for it

    text = tomli_w.dumps(data)
    write_text_atomic(path, text, error)
    return text


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
    import shutil

    if path.exists():
        shutil.copy2(path, path.with_suffix(path.suffix + ".bak"))


def describe_validation_error(exc: ValidationError) -> list[str]:
    """One line per problem: the field's path in the file, then what is wrong with it."""
    from facecoach.validation_problems import file_problems

    return file_problems(exc.errors(include_url=False))
