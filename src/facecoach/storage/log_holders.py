"""Who has the session log open, so that `restore` never pulls the file from under them.

A process with the log open (the app sitting on Home, a `coach` waiting at its first question)
holds a lease named `open-...` beside the session leases (`storage.leases`) for as long as the
log is open; the operating system drops it when the process ends, however it ends. `restore`
takes the lease `restoring` first and then refuses while any other lease is held; an opener
takes its own lease first and then refuses while `restoring` is held. Each side takes before
it looks, so of two that race, one always sees the other.

Where no lease can be taken (a read-only folder, a system without advisory locks), nothing is
known here; `Database` then still notices, before each write, that its file was replaced.
"""

import uuid
from contextlib import suppress
from pathlib import Path
from typing import NamedTuple

from facecoach.storage.leases import SessionLease, lease_dir, owner_is_alive

OPEN_PREFIX = "open-"
RESTORING = "restoring"

# The open leases this process holds: it is not "another process" to itself.
_MINE: set[str] = set()


class LogHolders(NamedTuple):
    """The other processes that hold the log, as their leases say."""

    sessions: int  # recording a session
    open: int  # with the log open, between sessions


class OpenLease:
    """Held by a process for as long as it has the log open."""

    def __init__(self, database: Path) -> None:
        self._lease = SessionLease(database, f"{OPEN_PREFIX}{uuid.uuid4().hex}")

    def acquire(self) -> None:
        _MINE.add(self._lease.uid)
        self._lease.acquire()  # where it cannot be taken, the log still opens

    def release(self) -> None:
        _MINE.discard(self._lease.uid)
        with suppress(OSError):
            self._lease.release()


def being_restored(database: Path) -> bool:
    """Whether another process is putting a backup in the log's place right now."""
    return owner_is_alive(database, RESTORING)


class RestoreLease:
    """Held by `restore` while it moves files; openers wait for it to be done."""

    def __init__(self, database: Path) -> None:
        self._database = database
        self._lease = SessionLease(database, RESTORING)

    def __enter__(self) -> LogHolders:
        self._lease.acquire()
        return other_holders(self._database)

    def __exit__(self, *exc: object) -> None:
        with suppress(OSError):
            self._lease.release()


def other_holders(database: Path) -> LogHolders:
    """The live leases other processes hold on the log (besides `restore`'s own)."""
    folder = lease_dir(database)
    sessions = opened = 0
    if not folder.is_dir():
        return LogHolders(0, 0)
    try:
        names = [path.name for path in folder.iterdir()]
    except OSError:
        return LogHolders(0, 0)
    for name in names:
        if name == RESTORING or name in _MINE or not owner_is_alive(database, name):
            continue
        if name.startswith(OPEN_PREFIX):
            opened += 1
        else:
            sessions += 1
    return LogHolders(sessions, opened)
