"""Export and import of the session log as JSON or CSV.

Every session carries a unique id, so an import adds only sessions that are not there yet:
importing the same file twice adds nothing. Skip days are merged by day.
"""

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from facecoach.adherence.session_log import (
    SESSION_COLUMNS,
    GlideRecord,
    SessionLog,
    SessionRecord,
    ZoneRecord,
)
from facecoach.datafiles import describe_validation_error
from facecoach.errors import FacecoachError

EXPORT_FORMAT = "facecoach-export"
EXPORT_VERSION = 1


class TransferError(FacecoachError):
    """An export file that cannot be imported."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExportedZone(_Model):
    zone_index: int = Field(ge=0)
    zone: str = Field(min_length=1, max_length=40)
    glides_planned: int = Field(ge=0)
    glides_done: int = Field(ge=0)
    glides_skipped: int = Field(default=0, ge=0)


class ExportedGlide(_Model):
    step_index: int = Field(ge=0)
    zone_index: int = Field(ge=0)
    side: str
    glide: int = Field(ge=1)
    seconds: float = Field(gt=0)
    completed_offset: float = Field(ge=0)


class ExportedSession(_Model):
    uid: str = Field(pattern=r"^[0-9a-f]{32}$")
    routine_id: str = Field(min_length=1, max_length=40)
    routine_name: str = Field(max_length=200)
    device: str | None = None
    source: str = Field(max_length=40)
    started_utc: AwareDatetime
    utc_offset_minutes: int = Field(ge=-16 * 60, le=16 * 60)
    ended_utc: AwareDatetime | None = None
    status: Literal["in_progress", "completed", "partial", "aborted"]
    planned_seconds: float = Field(ge=0)
    active_seconds: float = Field(ge=0)
    note: str | None = None
    zones: list[ExportedZone] = Field(default_factory=list)
    glides: list[ExportedGlide] = Field(default_factory=list)


class ExportedSkipDay(_Model):
    day: date
    reason: str = Field(max_length=200)


class ExportFile(_Model):
    format: Literal["facecoach-export"]
    version: int = Field(ge=1, le=EXPORT_VERSION)
    exported_utc: AwareDatetime | None = None
    sessions: list[ExportedSession]
    skip_days: list[ExportedSkipDay] = Field(default_factory=list)


def export_data(store: SessionLog, *, with_glides: bool = True) -> ExportFile:
    sessions = sorted(store.sessions(), key=lambda s: (s.started_utc, s.uid))
    return ExportFile(
        format=EXPORT_FORMAT,
        version=EXPORT_VERSION,
        exported_utc=datetime.now(UTC),
        sessions=[_exported(s, store if with_glides else None) for s in sessions],
        skip_days=[ExportedSkipDay(day=d, reason=r) for d, r in store.skip_days().items()],
    )


def _exported(session: SessionRecord, store: SessionLog | None) -> ExportedSession:
    glides = store.glides(session.id) if store is not None else []
    return ExportedSession(
        **_shared_fields(session),
        zones=[ExportedZone(**z._asdict()) for z in session.zones],
        glides=[ExportedGlide(**g._asdict()) for g in glides],
    )


# The log's session columns that an export carries under the same names; `updated_utc` is the
# log's own bookkeeping.
_SHARED_SESSION_FIELDS = tuple(name for name in SESSION_COLUMNS if name != "updated_utc")


CSV_FIELDS = ["kind", *_SHARED_SESSION_FIELDS, "zones", "day", "reason"]


def _shared_fields(session: SessionRecord | ExportedSession) -> dict[str, Any]:
    return {name: getattr(session, name) for name in _SHARED_SESSION_FIELDS}


def to_json(export: ExportFile) -> str:
    return export.model_dump_json(indent=2) + "\n"


def to_csv(export: ExportFile) -> str:
    """One row per session (zones packed in one cell) and one per skip day; glides are left out."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for session in export.sessions:
        row = session.model_dump(mode="json", exclude={"zones", "glides"})
        row["kind"] = "session"
        row["zones"] = ";".join(
            f"{z.zone_index}:{z.zone}:{z.glides_planned}:{z.glides_done}:{z.glides_skipped}"
            for z in session.zones
        )
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    for skip in export.skip_days:
        writer.writerow({"kind": "skip_day", "day": skip.day.isoformat(), "reason": skip.reason})
    return out.getvalue()


def parse_export(text: str, source: str) -> ExportFile:
    """Read a JSON or CSV export; errors name the file, the record and the field."""
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise TransferError(f"{source}: invalid JSON: {exc}") from None
            return ExportFile.model_validate(data)
        return ExportFile.model_validate(_csv_to_data(text, source))
    except ValidationError as exc:
        problems = "\n".join(f"  - {line}" for line in describe_validation_error(exc))
        raise TransferError(f"{source}: not a facecoach export:\n{problems}") from None


def _csv_to_data(text: str, source: str) -> dict[str, Any]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "kind" not in reader.fieldnames:
        raise TransferError(f"{source}: not a facecoach export (no 'kind' column in a CSV header)")
    sessions: list[dict[str, Any]] = []
    skip_days: list[dict[str, Any]] = []
    for line, row in enumerate(reader, start=2):
        values = {k: (v if v != "" else None) for k, v in row.items() if k is not None}
        if values.get("kind") == "skip_day":
            skip_days.append({"day": values.get("day"), "reason": values.get("reason") or ""})
        elif values.get("kind") == "session":
            values.pop("kind")
            values.pop("day", None)
            values.pop("reason", None)
            values["zones"] = _parse_zones(values.get("zones") or "", source, line)
            sessions.append(values)
        else:
            raise TransferError(f"{source}: line {line}: unknown kind {values.get('kind')!r}")
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "sessions": sessions,
        "skip_days": skip_days,
    }


def _parse_zones(cell: str, source: str, line: int) -> list[dict[str, Any]]:
    zones = []
    for part in filter(None, cell.split(";")):
        fields = part.split(":")
        if len(fields) != 5:
            raise TransferError(
                f"{source}: line {line}: zones: expected index:zone:planned:done:skipped, "
                f"got {part!r}"
            )
        zones.append(
            dict(
                zip(
                    ["zone_index", "zone", "glides_planned", "glides_done", "glides_skipped"],
                    fields,
                    strict=True,
                )
            )
        )
    return zones


def import_data(store: SessionLog, export: ExportFile) -> tuple[int, int]:
    """Add the sessions the log does not have yet; returns (added, already there)."""
    added = present = 0
    for session in export.sessions:
        # The store turns an imported "in_progress" session into "partial".
        record = SessionRecord(
            id=0,
            **_shared_fields(session),
            zones=tuple(ZoneRecord(**z.model_dump()) for z in session.zones),
        )
        glides = [GlideRecord(**g.model_dump()) for g in session.glides]
        if store.insert_imported(record, glides):
            added += 1
        else:
            present += 1
    for skip in export.skip_days:
        store.add_skip_days(skip.day, skip.day, skip.reason)
    return added, present
