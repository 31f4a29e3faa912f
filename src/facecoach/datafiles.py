"""The user's data files (routines, profiles, settings, paired devices) parsed and validated.

Reads turn every problem into one error naming the file and the field. Reading and writing the
bytes themselves is `text_files` (light: the first frame uses it before anything validates).
"""

import tomllib
from pathlib import Path
from typing import Any, TypeVar

import tomli_w
from pydantic import BaseModel, ValidationError

from facecoach.errors import FacecoachError
from facecoach.problems import Problem
from facecoach.text_files import DataFileError as DataFileError
from facecoach.text_files import keep_backup as keep_backup
from facecoach.text_files import read_text_file as read_text_file
from facecoach.text_files import write_text_atomic as write_text_atomic
from facecoach.toml_problems import toml_problem
from facecoach.validation_problems import file_problems

M = TypeVar("M", bound=BaseModel)

NESTED_TOO_DEEPLY = "nested too deeply (arrays or tables inside each other, hundreds deep)"


def read_toml_model(path: Path, model: type[M], error: type[DataFileError]) -> M | None:
    """The validated file, or None when it does not exist."""
    if not path.exists() and not path.is_symlink():
        return None
    return parse_toml_model(read_text_file(path, error), model, error, str(path))


def parse_toml_model(text: str, model: type[M], error: type[DataFileError], source: str) -> M:
    """TOML text validated as `model`; every problem is one `error` naming `source` and fields."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(source, [toml_problem(exc, text)]) from None
    except RecursionError:  # arrays or tables nested a thousand deep, in a few KB
        raise error(source, [Problem("", NESTED_TOO_DEEPLY)]) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(source, describe_validation_error(exc, data, model)) from None
    except RecursionError:  # deeply nested tables: refuse rather than crash
        raise error(source, [Problem("", NESTED_TOO_DEEPLY)]) from None


def write_toml_atomic(path: Path, data: dict[str, Any], error: type[FacecoachError]) -> str:
    """Writes `data` as TOML in place of `path`; returns the text written."""
    text = tomli_w.dumps(data)
    write_text_atomic(path, text, error)
    return text


def describe_validation_error(
    exc: ValidationError, data: object = None, model: type[BaseModel] | None = None
) -> list[Problem]:
    """One problem per field: its path in the file (`data`, as read, names its lists' items),
    and what is wrong with it (its limits in the units marked on `model`, what was validated)."""
    return file_problems(exc.errors(include_url=False), data, model)
