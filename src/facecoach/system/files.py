"""Opening a file that must not hold us up: a FIFO put where a small data file was expected
would block a plain `open` until someone writes to it (it had frozen the app before its first
frame). POSIX opens it non-blocking; Windows has no FIFO in the file system to fear."""

import os
import sys


def open_without_blocking(path: os.PathLike[str] | str) -> int:
    """A read-only descriptor of `path`, opened without waiting for a writer; raises OSError."""
    flags = os.O_RDONLY
    if sys.platform != "win32":
        flags |= os.O_NONBLOCK
    else:
        flags |= os.O_BINARY
    return os.open(path, flags)
