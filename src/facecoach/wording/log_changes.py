"""How a correction of the log is said (a session changed, deleted, restored), in the CLI and
the TUI alike; only the way to undo differs, as each front end has its own key or command."""

from facecoach.adherence.session_log import SessionRecord
from facecoach.wording.session import format_duration

NOTHING_TO_RESTORE = "Nothing to undo: no deleted session is waiting to be restored."


def session_named(record: SessionRecord) -> str:
    """'abc123: Morning lift on Sat 05 Dec 2026 at 08:10'."""
    when = f"{record.started_local:%a %d %b %Y at %H:%M}"
    return f"{record.short_id}: {record.routine_name} on {when}"


def changed(record: SessionRecord) -> str:
    note = f", note: {record.note}" if record.note else ""
    return f"Changed {session_named(record)}, {format_duration(record.active_seconds)}{note}."


def deleted(record: SessionRecord, how_to_undo: str) -> str:
    """`how_to_undo`: the front end's way back ("`facecoach log undo` brings it back.")."""
    return f"Deleted {session_named(record)}. {how_to_undo}"


def restored(record: SessionRecord) -> str:
    return f"Restored {session_named(record)}."
