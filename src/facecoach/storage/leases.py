"""Leases: whether the process that owns a live session is still alive, known at once.

The owner of a session holds an exclusive lock (`system.file_locks`: flock on POSIX, msvcrt's
on Windows) on a small file named after the session, next to the database. The operating system
releases the lock the moment the process ends, however it ends (`kill -9` included), so a reader
that can take the lock knows the owner is gone: the session was interrupted. No clock, no
timeout, and no pid that could be reused.

Where no lease can be taken (a lease folder that cannot be written, a file system that cannot
lock), this process still knows its own sessions are running; other processes then see them as
interrupted.
"""

import os
from contextlib import suppress
from pathlib import Path

from facecoach.system.file_locks import try_lock_exclusively

# Sessions this process owns, by uid: known running here whether or not a lock could be taken.
_OWN: set[str] = set()


def lease_dir(database: Path) -> Path:
    return database.with_name(database.name + ".leases")


class SessionLease:
    """Held by the process that records a session, from its start until it is finished."""

    def __init__(self, database: Path, uid: str) -> None:
        self.path = lease_dir(database) / uid
        self.uid = uid
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Takes the lease; False when it could not be (the session then still records)."""
        _OWN.add(self.uid)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError:
            return False
        if not try_lock_exclusively(fd):
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        _OWN.discard(self.uid)
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with suppress(OSError):
            self.path.unlink()  # refused on Windows while the file is open: tried again below
        os.close(fd)  # closing the descriptor drops the lock
        with suppress(OSError):
            self.path.unlink(missing_ok=True)


def owner_is_alive(database: Path, uid: str) -> bool:
    """Whether some process still holds the lease of session `uid` (this one included)."""
    if uid in _OWN:
        return True
    path = lease_dir(database) / uid
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False  # no lease file: the owner finished, died before taking it, or is old
    try:
        if not try_lock_exclusively(fd):
            return True  # someone holds it
    finally:
        os.close(fd)
    with suppress(OSError):  # the owner is gone; its lease file is of no more use
        path.unlink()
    return False
