"""The facecoach database: one SQLite file in the user data directory, for every domain.

Opening checks that the file is ours (application id), not from a newer facecoach, and not
damaged, before anything is written; then it migrates the schema (`storage.schema`). Durability:
WAL mode with `synchronous=FULL`, so each write transaction is on disk when it returns.
Concurrency: writers take the lock up front (`BEGIN IMMEDIATE`) and wait up to
`lock_wait_seconds()` for each other. Errors are classified by SQLite's own result code, never by
the wording of its message, and become a `StoreError` that says what to do.
"""

import math
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from facecoach.errors import FacecoachError
from facecoach.storage.log_holders import OpenLease, being_restored
from facecoach.storage.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_SECONDS = 10.0
# How long a write waits for another process that holds the log, where the default does not
# suit: a log on a slow network folder, or a test that holds the log on purpose.
LOCK_WAIT_ENV = "FACECOACH_LOCK_WAIT_SECONDS"
LONGEST_LOCK_WAIT_SECONDS = 3600.0
SQLITE_HEADER = b"SQLite format 3\x00"

# SQLite's primary result codes (the low byte of an extended code), https://sqlite.org/rescode.html
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class StoreError(FacecoachError):
    """The facecoach database cannot be opened, read or written."""


class ForeignFileError(StoreError):
    """A file that is not a usable facecoach database (another program's, damaged, not
    SQLite at all); `reason` says which, for callers that word it for their own case."""

    def __init__(self, path: Path, reason: str, message: str | None = None) -> None:
        super().__init__(message or foreign_message(path, reason))
        self.reason = reason


class CheckLevel(StrEnum):
    """How thoroughly a file was found sound: `quick` (SQLite's quick check: pages and
    records) or `full` (its integrity check: every index against its table too)."""

    QUICK = "quick"
    FULL = "full"


def lock_wait_seconds() -> float:
    """How long a write waits for another facecoach process to let go of the log:
    `FACECOACH_LOCK_WAIT_SECONDS` where it is set, else 10 s."""
    given = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not given:
        return BUSY_TIMEOUT_SECONDS
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= LONGEST_LOCK_WAIT_SECONDS:  # NaN fails this too
        raise StoreError(
            f"{LOCK_WAIT_ENV}={given!r}: it must be a number of seconds above 0 and at most "
            f"{LONGEST_LOCK_WAIT_SECONDS:g}, such as 10 (the default); nothing was opened"
        )
    return seconds


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times stored in the database must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


# Times facecoach writes lie in this range; one outside it was written by another tool, and
# would overflow later arithmetic on dates (a local day, a week) instead of being said.
_EARLIEST_STORED_YEAR = 1970
_LATEST_STORED_YEAR = 9000


def parse_utc(text: str) -> datetime:
    """A time as facecoach stores it (ISO 8601 with its offset); ValueError for anything else
    (see `Database.decoding`, which says it is damage)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"the stored time {text!r} has no offset")
    if not _EARLIEST_STORED_YEAR <= moment.year <= _LATEST_STORED_YEAR:
        raise ValueError(f"the stored time {text!r} is not one a session can have")
    return moment.astimezone(UTC)


class Database:
    """An open facecoach database. Open with `Database.open(path)`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        # The app reads stats in a worker thread while the session writes glides on the event
        # loop: one connection, so one user at a time (a write holds it for its transaction).
        self._lock = threading.RLock()
        self._identity = _identity(path)
        self._fully_checked = False
        # Held while the log is open, so that `restore` waits for this process to let go.
        self._holding = OpenLease(path)

    @classmethod
    def open(cls, path: Path) -> "Database":
        path = path.expanduser()
        lock_wait = lock_wait_seconds()
        _check_existing_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # Create the file ourselves so it is private (0600) from its first byte.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            connection = sqlite3.connect(
                path, timeout=lock_wait, isolation_level=None, check_same_thread=False
            )
        except OSError as exc:
            raise StoreError(
                f"cannot create the session log at {path}: {exc.strerror}. "
                "Check the folder's permissions, or choose another with --data-dir."
            ) from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the session log at {path}: {exc}") from None
        database = cls(connection, path)
        database._holding.acquire()
        try:
            if being_restored(path):
                raise StoreError(
                    f"the session log at {path} is being restored from a backup right now; "
                    "try again in a moment"
                )
            database._prepare()
        except BaseException:
            connection.close()
            database._holding.release()
            raise
        return database

    def _prepare(self) -> None:
        with translate_errors(self.path):
            # The same wait as the connection's, for every statement.
            self._db.execute(f"PRAGMA busy_timeout = {round(lock_wait_seconds() * 1000)}")
            app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            if app_id != APPLICATION_ID and (app_id != 0 or tables):
                raise ForeignFileError(self.path, "it is another program's database")
            if version < 0:  # a damaged header: no facecoach ever wrote one
                raise ForeignFileError(self.path, f"it is damaged (schema version {version})")
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the session log at {self.path} was written by a newer facecoach "
                    f"(schema {version}, this one knows {SCHEMA_VERSION}). Upgrade facecoach; "
                    "the file has not been changed."
                )
            level = checked_level(self.path)
            if tables and level is None:
                problem = self._db.execute("PRAGMA quick_check").fetchone()[0]
                if problem != "ok":
                    raise ForeignFileError(self.path, f"it is damaged ({problem})")
            # Damage the quick check cannot see (an index out of step with its table) is
            # looked for before this process first writes, unless the file is as facecoach
            # left it after the full check: a write into a damaged file spreads the damage.
            self._fully_checked = not tables or level is CheckLevel.FULL
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"cannot use write-ahead logging for {self.path} (got {mode})")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate(version)
        _make_private(self.path)

    def _migrate(self, version: int) -> None:
        if version >= SCHEMA_VERSION:
            return
        # Every pending migration in one transaction: all of them or none (a new log is made
        # with one sync to disk instead of one per migration).
        with self.write():
            # Another process may have migrated while we waited for the lock.
            current = self._db.execute("PRAGMA user_version").fetchone()[0]
            if not 0 <= current <= SCHEMA_VERSION:  # changed under us, by something else
                raise ForeignFileError(self.path, f"it is damaged (schema version {current})")
            for target in range(current + 1, SCHEMA_VERSION + 1):
                for statement in statements(MIGRATIONS[target - 1]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self._holding.release()
        # Checked when opened (or unchanged since it was), and written only through SQLite
        # since: the next open need not scan it again unless something else changes it.
        _stamp_checked(self.path, CheckLevel.FULL if self._fully_checked else CheckLevel.QUICK)

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; database errors become StoreError with a user message."""
        with self._lock, translate_errors(self.path):
            if self.replaced():
                raise StoreError(replaced_message(self.path))
            if not self._fully_checked:
                self.check_integrity()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def replaced(self) -> bool:
        """Whether the file at the log's path is no longer the one opened (a restore, or
        another tool, moved it): writing would go into the file moved away."""
        return _identity(self.path) != self._identity

    @contextmanager
    def decoding(self) -> Iterator[None]:
        """Where stored values become Python ones: a value that is not what facecoach keeps
        there (a time edited to 'garbage', a status it never writes) is damage, said as such."""
        try:
            yield
        except (ValueError, TypeError, OverflowError) as exc:
            raise ForeignFileError(
                self.path, f"it is damaged (a stored value is wrong: {exc})"
            ) from None

    def check_integrity(self) -> None:
        """The full check (indexes against their tables too), which `open`'s quick check
        skips; it reads the whole file, so it runs once a day, before the daily backup."""
        with self._lock, translate_errors(self.path):
            problem = self._db.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise ForeignFileError(self.path, f"it is damaged ({problem})")
        self._fully_checked = True

    def read(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query; database errors become StoreError with a user message."""
        with self._lock, translate_errors(self.path):
            try:
                rows = self._db.execute(sql, parameters).fetchall()
            except sqlite3.OperationalError as exc:
                # Python's own error (no SQLite result code): text that is not UTF-8, written
                # by another tool. From now on this connection reads such text with
                # replacement characters; the fast path stays for the usual, valid log.
                if getattr(exc, "sqlite_errorcode", None) is not None:
                    raise
                self._db.text_factory = _replacing_decode
                rows = self._db.execute(sql, parameters).fetchall()
        # facecoach stores no binary data: a blob was put there by another tool (found by
        # bench/fuzz_hostile.py; it broke history, stats and export with a TypeError).
        if any(type(value) is bytes for row in rows for value in row):
            raise ForeignFileError(
                self.path, "it is damaged (binary data where facecoach keeps text or numbers)"
            )
        return rows


def statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (a trigger's body holds semicolons too), so
    that they run inside the caller's transaction, which `executescript` would commit."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""
    if pending.strip(" \n;"):
        raise ValueError(f"an incomplete SQL statement: {pending.strip()[:60]}")


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens `path` read-only; `#`, `?` and `%` in folder names escaped."""
    return path.resolve().as_uri() + "?mode=ro"


def check_database_file(path: Path, *, full: bool = False) -> None:
    """Refuses a file that is not an intact facecoach database, without changing it."""
    if not path.is_file():
        raise ForeignFileError(path, "it is not a file", f"{path} is not a file")
    _check_existing_file(path)
    with translate_errors(path):
        connection = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                reason = "it is not a facecoach session log"
                raise ForeignFileError(path, reason, f"{path} is not a facecoach session log")
            check = "integrity_check" if full else "quick_check"
            problem = connection.execute(f"PRAGMA {check}").fetchone()[0]
            if problem != "ok":
                raise ForeignFileError(path, f"it is damaged ({problem})")
        finally:
            connection.close()


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows


def checked_stamp_path(path: Path) -> Path:
    return Path(f"{path}-checked")


def _file_state(path: Path) -> str:
    info = path.stat()
    return f"{info.st_dev} {info.st_ino} {info.st_size} {info.st_mtime_ns}"


def _stamp_checked(path: Path, level: CheckLevel) -> None:
    """Notes the file as it is now, after a check or facecoach's own writes."""
    stamp = checked_stamp_path(path)
    with suppress(OSError):
        if _wal_in_use(path):
            stamp.unlink(missing_ok=True)  # another facecoach still has it open
            return
        descriptor = os.open(stamp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NO_FOLLOW, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(f"{_file_state(path)} {level}")


def unchanged_since_checked(path: Path) -> bool:
    """Whether the file is exactly as facecoach last left it after checking it (same file,
    size and modification time, nothing pending in the write-ahead log). Opening then skips
    the quick check, which reads the whole file (about 6 ms per MB); anything else that
    changed it, a copy, a restore or another tool, makes the next open check it again."""
    return checked_level(path) is not None


def checked_level(path: Path) -> CheckLevel | None:
    """How the file was checked, if it is exactly as facecoach left it since (see
    `unchanged_since_checked`); None when it must be checked again."""
    stamp = checked_stamp_path(path)
    try:
        if _wal_in_use(path) or not stamp.is_file() or stamp.stat().st_size > 100:
            return None
        state, _, level = stamp.read_text(encoding="ascii").strip().rpartition(" ")
        if level not in (CheckLevel.QUICK, CheckLevel.FULL):  # an older stamp: the quick one
            state, level = f"{state} {level}".strip(), CheckLevel.QUICK
        return CheckLevel(level) if state == _file_state(path) else None
    except (OSError, UnicodeDecodeError):
        return None


def _wal_in_use(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def replaced_message(path: Path) -> str:
    return (
        f"the session log at {path} was replaced since facecoach opened it (restored from a "
        "backup, or moved); nothing more was written to the old file. Quit facecoach and start "
        "it again to use the log that is there now."
    )


def _replacing_decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _check_existing_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database at all."""
    if path.is_symlink() and not path.exists():
        raise StoreError(
            f"{path} is a link to {os.readlink(path)}, which does not exist; facecoach will not "
            "create a session log at the other end of a broken link. Remove the link, or "
            "point it at your log."
        )
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a session log")
    if not path.is_file():  # a pipe or a device would block, or never end, when read
        raise ForeignFileError(
            path,
            "it is not a regular file (a pipe or a device?)",
            f"{path} is not a regular file (a pipe or a device?); not opened",
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read the session log at {path}: {exc.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise ForeignFileError(path, "it is not an SQLite database")


def foreign_message(path: Path, reason: str) -> str:
    return (
        f"{path} is not a usable facecoach session log: {reason}. The file has not been changed. "
        f"Keep it as a backup and move it aside (for example: mv '{path}' '{path}.broken') to "
        "start a new log, or point facecoach at another folder with --data-dir."
    )


def _make_private(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        # On media where chmod fails (read-only, some network mounts) the log still works.
        with suppress(OSError):
            if candidate.exists() and stat.S_IMODE(candidate.stat().st_mode) & 0o077:
                candidate.chmod(0o600)


def _is_damage(exc: sqlite3.Error) -> bool:
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    return code in (SQLITE_CORRUPT, SQLITE_NOTADB) or not isinstance(exc, sqlite3.OperationalError)


def error_message(path: Path, exc: sqlite3.Error) -> str:
    """What a failed database call means for the user, from SQLite's result code."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == SQLITE_READONLY:
        return (
            f"the session log at {path} is read-only; nothing was written. Check the file "
            "and folder permissions, or use --data-dir."
        )
    if code == SQLITE_FULL:
        return (
            f"the disk holding {path} is full; the last change was not saved. Free some "
            "space and try again: everything saved before is intact."
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return (
            f"the session log at {path} stayed locked by another facecoach process for "
            f"{lock_wait_seconds():g} s; try again."
        )
    if code == SQLITE_CANTOPEN:
        return f"cannot open the session log at {path}; check the folder"
    if code == SQLITE_IOERR:
        return f"the disk holding {path} reported an input/output error; try again ({exc})"
    if _is_damage(exc):
        return foreign_message(path, f"it is damaged ({exc})")
    return f"the session log at {path} failed: {exc}"


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if _is_damage(exc):
            raise ForeignFileError(path, f"it is damaged ({exc})") from None
        raise StoreError(error_message(path, exc)) from None
    except UnicodeDecodeError:
        # SQLite's message about the file quotes bytes of it that are not UTF-8 (a schema
        # edited by another tool): the message cannot even be read, the file is damaged.
        raise ForeignFileError(
            path, "it is damaged (its structure holds text that is not UTF-8)"
        ) from None
