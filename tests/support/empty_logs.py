"""New, empty session logs for property tests, copied from one made once per test process.

Making a log runs every schema migration (about 8 ms of CPU); a property test that wants a
fresh log for each of its hundred examples pays that a hundred times for the same bytes. A copy
is opened as an existing log is (checked, then written), which is what the tests go on to do.
"""

import functools
import tempfile
from pathlib import Path

from facecoach.adherence.session_log import SessionLog


@functools.cache
def _empty_log_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "empty.db"
        SessionLog.open(path).close()  # closing checkpoints: the file alone is the whole log
        return path.read_bytes()


def open_empty_log(path: Path) -> SessionLog:
    """A new, empty session log at `path` (which must not exist yet), open."""
    with path.open("xb") as file:
        file.write(_empty_log_bytes())
    return SessionLog.open(path)
