"""An exclusive lock on an open file that the operating system drops when its process ends,
however it ends (`kill -9`, a crash, a closed console): `flock` on POSIX, `msvcrt.locking` of
the file's first byte on Windows.

Both are per open file, so a second descriptor of the same file in the same process is refused
like another process would be; that is what lets a process ask whether a lock is held at all.
"""

import os
import sys

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl


def try_lock_exclusively(descriptor: int) -> bool:
    """Takes the lock without waiting; False when another descriptor holds it (or the file
    system cannot lock). Closing the descriptor releases it."""
    try:
        if sys.platform == "win32":
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
