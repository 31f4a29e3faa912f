"""Kept copies of the validated cache edited as a hand (or a broken disk) would: the value
changed, the seal left as it was."""

import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEAL_BYTES = 32


def copy_value(path: Path) -> Any:
    """The value a kept copy holds."""
    _key, value = marshal.loads(path.read_bytes()[SEAL_BYTES:])
    return value


def edit_copy(path: Path, change: Callable[[Any], Any]) -> None:
    """Writes the copy again with `change(value)` in place of its value, under its old seal."""
    data = path.read_bytes()
    key, value = marshal.loads(data[SEAL_BYTES:])
    path.write_bytes(data[:SEAL_BYTES] + marshal.dumps((key, change(value))))


def with_field(name: str, value: object) -> Callable[[Any], Any]:
    """A change for `edit_copy`: the copy's field `name` holds `value`."""
    return lambda held: {**held, name: value}


def replaced_by(value: object) -> Callable[[Any], Any]:
    """A change for `edit_copy`: the copy holds `value` instead."""
    return lambda _held: value
