"""Reading and writing the user's data files (routines, profiles, settings, paired devices).

Reads turn every problem into one error naming the file and the field. Writes are atomic: a
crash mid-write leaves the old file, never half a file.
"""

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from facecoach.errors import FacecoachError

M = TypeVar("M", bound=BaseModel)


def read_toml_model(path: Path, model: type[M], error: type[FacecoachError], what: str) -> M | None:
    """The validated file, or None when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}") from None
    return parse_toml_model(text, model, error, str(path), what)


def parse_toml_model(
    text: str, model: type[M], error: type[FacecoachError], source: str, what: str
) -> M:
    """TOML text validated as `model`; every problem is one `error` naming `source` and fields."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source}: invalid TOML: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "\n".join(f"  - {line}" for line in describe_validation_error(exc))
        raise error(f"{source}: invalid {what}:\n{problems}") from None


def write_toml_atomic(path: Path, data: dict[str, Any], error: type[FacecoachError]) -> Path:
    import tomli_w  # only writers pay for it

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".toml")
        with os.fdopen(handle, "wb") as out:
            tomli_w.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise error(f"cannot write {path}: {exc.strerror}") from None
    return path


def keep_backup(path: Path) -> None:
    """Keeps a copy of a file we could not read before it is overwritten."""
    import shutil

    if path.exists():
        shutil.copy2(path, path.with_suffix(path.suffix + ".bak"))


def describe_validation_error(exc: ValidationError) -> list[str]:
    """One line per problem: the field's path in the file, then what is wrong with it."""
    lines = []
    for error in exc.errors(include_url=False):
        where = _field_path(error["loc"])
        message = str(error["msg"])
        if error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        elif error["type"] == "missing":
            message = "required field is missing"
        message = message.removeprefix("Value error, ")
        if error["type"] not in ("missing", "extra_forbidden") and "input" in error:
            shown = repr(error["input"])
            if len(shown) <= 60 and not isinstance(error["input"], dict | list):
                message += f" (got {shown})"
        lines.append(f"{where}: {message}" if where else message)
    return lines


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path
