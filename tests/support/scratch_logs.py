"""Session logs a property test makes for one example and throws away: where they live, and a
new one copied from one made once per test process.

Making a log runs every schema migration (about 8 ms of CPU); a property test that wants a
fresh log for each of its hundred examples pays that a hundred times for the same bytes. A copy
is opened as an existing log is (checked, then written), which is what the tests go on to do.

The log syncs each write to disk (`synchronous=FULL`), about 3 ms of waiting and 0.5 ms of CPU
per write on this machine's disk; a log thrown away after the example does not need it. Where
the system keeps a folder in memory (Linux's /dev/shm), the syncs cost nothing there; the log,
SQLite and every statement are the same.
"""

import functools
import os
import tempfile
from pathlib import Path

from facecoach.adherence.session_log import SessionLog

_IN_MEMORY = Path("/dev/shm")


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder, in memory where the system has one, removed when the block ends."""
    in_memory = _IN_MEMORY.is_dir() and os.access(_IN_MEMORY, os.W_OK | os.X_OK)
    return tempfile.TemporaryDirectory(dir=_IN_MEMORY if in_memory else None)


@functools.cache
def _empty_log_bytes() -> bytes:
    with scratch_folder() as folder:
        path = Path(folder) / "empty.db"
        SessionLog.open(path).close()  # closing checkpoints: the file alone is the whole log
        return path.read_bytes()


def open_empty_log(path: Path) -> SessionLog:
    """A new, empty session log at `path` (which must not exist yet), open."""
    with path.open("xb") as file:
        file.write(_empty_log_bytes())
    return SessionLog.open(path)
