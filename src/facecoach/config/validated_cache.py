"""Validated copies of data files, keyed by the files' exact bytes.

Validating a data file loads pydantic and builds its models: most of the cost of starting the
app. A file that has not changed since it last passed validation does not need that again, so
what it held then is kept as JSON under the cache directory, next to a digest of the bytes it
came from. A copy is used only when the digest of the bytes read now matches (and it was written
by this version of facecoach); anything else, including a damaged or hostile cache file, is a
miss and the file is validated as usual. The cache is never the only copy of anything.
"""

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from facecoach import __version__

# Part of every key: a change in what is cached, or a new version, misses every old copy.
_FORMAT = 1
_MAX_BYTES = 1 << 20


def digest(*sources: bytes) -> str:
    hasher = hashlib.sha256(f"{__version__}/{_FORMAT}".encode())
    for source in sources:
        hasher.update(len(source).to_bytes(8, "big"))
        hasher.update(source)
    return hasher.hexdigest()


class ValidatedCache:
    """One cached, validated value per name (`settings`, ...)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        return self.directory / f"{name}.json"

    def get(self, name: str, key: str) -> Any | None:
        """The value stored under `name` for `key`, or None (a miss) for anything else."""
        try:
            with self._path(name).open("rb") as file:
                raw = file.read(_MAX_BYTES + 1)
        except OSError:
            return None
        if len(raw) > _MAX_BYTES:
            return None
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get("value")

    def put(self, name: str, key: str, value: Any) -> None:
        """Stores `value` for `key`; best effort, since a miss only costs time."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    json.dump({"key": key, "value": value}, file)
                os.replace(temporary, self._path(name))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except (OSError, TypeError, ValueError):
            return
