"""Validated copies of data files, keyed by the files' exact bytes.

Validating a data file loads pydantic and builds its models: most of the cost of starting the
app. A file that has not changed since it last passed validation does not need that again, so
what it held then is kept under the cache directory, next to a digest of the bytes it came
from. A copy is used only when the digest of the bytes read now matches (and it was written
by this version of facecoach); anything else is a miss and the file is validated as usual. The
cache is never the only copy of anything.

Every copy is sealed with a key of this cache's own (a keyed BLAKE2 over the copy's bytes): a
copy is read back only as facecoach wrote it, so what reads it checks nothing again. The rules
live in the validating model alone; a damaged, hand-edited or copied-in file does not match its
seal and is a miss, and its bytes are never decoded. (Whoever can read the key can forge a
seal: the key guards against mistakes and other machines' copies, not against a program running
as the user.) The bytes are `marshal`'s, which is built in: JSON would load its module on the
app's first frame.
"""

import functools
import marshal
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from facecoach import __version__
from facecoach.system.files import open_without_blocking

try:  # CPython's own BLAKE2: `hashlib` would load OpenSSL first, 2 ms of the first frame
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

# Part of every key: a change in what is cached, or a new version, misses every old copy.
_FORMAT = 1
_MAX_BYTES = 1 << 20
_SEAL_KEY_BYTES = 32
_SEAL_BYTES = 32
# The code that decides what a cached value holds (validation rules, routine lengths): the
# version number alone does not change with every build, and two checkouts share a cache.
_DECIDING_CODE = ("config", "routines")
# ...and the modules beside them that say a file's problems, which the routine list keeps.
_DECIDING_MODULES = (
    "datafiles.py",
    "problems.py",
    "validation_problems.py",
    "units.py",
    "toml_problems.py",
)


@functools.cache
def _code_digest() -> bytes:
    """A digest of the source of the packages that make the cached values, read once."""
    package = Path(__file__).resolve().parents[1]
    hasher = blake2b()
    paths = [path for folder in _DECIDING_CODE for path in sorted((package / folder).glob("*.py"))]
    for path in [*paths, *(package / name for name in _DECIDING_MODULES)]:
        try:
            hasher.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            hasher.update(path.name.encode() + b"\0unreadable")
    return hasher.digest()


def digest(*sources: bytes) -> str:
    hasher = blake2b(f"{__version__}/{_FORMAT}".encode())
    hasher.update(_code_digest())
    for source in sources:
        hasher.update(len(source).to_bytes(8, "big"))
        hasher.update(source)
    return hasher.hexdigest()


class ValidatedCache:
    """One cached, validated value per name (`settings`, ...)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        return self.directory / f"{name}.copy"

    def get(self, name: str, key: str) -> Any | None:
        """The value stored under `name` for `key` exactly as `put` wrote it, or None (a miss)
        for anything else."""
        raw = read_cache_file(self._path(name), _MAX_BYTES)
        seal_key = read_cache_file(self._seal_key_path(), _SEAL_KEY_BYTES)
        if raw is None or seal_key is None or len(seal_key) != _SEAL_KEY_BYTES:
            return None
        seal, payload = raw[:_SEAL_BYTES], raw[_SEAL_BYTES:]
        if seal != _seal(seal_key, payload):
            return None  # not as facecoach wrote it: never decoded
        try:
            stored_key, value = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):  # sealed by a Python that writes it otherwise
            return None
        return value if stored_key == key else None

    def put(self, name: str, key: str, value: Any) -> None:
        """Stores `value` for `key`, sealed; best effort, since a miss only costs time."""
        seal_key = self._seal_key()
        if seal_key is None:
            return
        try:
            payload = marshal.dumps((key, value))
        except ValueError:  # not plain data
            return
        write_cache_file(self._path(name), _seal(seal_key, payload) + payload)

    def _seal_key_path(self) -> Path:
        return self.directory / "seal.key"

    def _seal_key(self) -> bytes | None:
        """This cache's key, made on its first copy (readable by the user alone)."""
        path = self._seal_key_path()
        existing = read_cache_file(path, _SEAL_KEY_BYTES)
        if existing is not None and len(existing) == _SEAL_KEY_BYTES:
            return existing
        write_cache_file(path, os.urandom(_SEAL_KEY_BYTES))
        made = read_cache_file(path, _SEAL_KEY_BYTES)  # another process may have made it first
        return made if made is not None and len(made) == _SEAL_KEY_BYTES else None


def read_cache_file(path: Path, limit: int) -> bytes | None:
    """A cache file's bytes, or None for anything but a readable regular file of at most
    `limit` bytes."""
    try:
        # Non-blocking, and a regular file only: a FIFO put in the cache's place must not
        # hold the app up (it had frozen it before its first frame).
        descriptor = open_without_blocking(path)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        raw = os.read(descriptor, limit + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return raw if len(raw) <= limit else None


def write_cache_file(path: Path, data: bytes) -> None:
    """Writes a cache file whole (a reader never sees half of it); best effort, since a
    missing cache file only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return


def _seal(seal_key: bytes, payload: bytes) -> bytes:
    """The copy's seal: a keyed BLAKE2 of its bytes."""
    return blake2b(payload, key=seal_key, digest_size=_SEAL_BYTES).digest()
