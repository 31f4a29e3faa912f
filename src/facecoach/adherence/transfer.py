"""Export and import of the session log as JSON or CSV.

Every session carries a unique id, so an import adds only sessions that are not there yet:
importing the same file twice adds nothing. Skip days are merged by day.
"""

import csv
import io
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from facecoach.adherence.records import (
    EARLIEST_DAY,
    LATEST_AHEAD,
    MAX_ACTIVE_SECONDS,
    MAX_GLIDES_PER_ZONE,
    MAX_NOTE_CHARS,
    MAX_TEXT_CHARS,
    MAX_UTC_OFFSET_MINUTES,
    MAX_ZONES,
    PLAN_AHEAD,
    RecordError,
    check_day,
    earliest_moment,
)
from facecoach.adherence.session_log import (
    SESSION_COLUMNS,
    GlideRecord,
    RecordStatus,
    SessionLog,
    SessionRecord,
    ZoneRecord,
)
from facecoach.datafiles import DataFileError, describe_validation_error, read_text_file
from facecoach.errors import FacecoachError
from facecoach.problems import Problem
from facecoach.routines.limits import MAX_GLIDE_SECONDS, MAX_REPEATS
from facecoach.routines.zones import Side, Zone
from facecoach.safety.comfort import Comfort, Feeling, SideEffect
from facecoach.safety.comfort_records import ComfortRecords
from facecoach.safety.records import SafetyRecords, insert_missing_safety_records
from facecoach.safety.waiting import InjectionKind
from facecoach.units import Unit

EXPORT_FORMAT: Literal["facecoach-export"] = "facecoach-export"
EXPORT_VERSION = 1


class TransferError(FacecoachError):
    """An export file that cannot be imported."""


class ExportFileError(DataFileError, TransferError):
    what = "facecoach export"


MAX_EXPORT_BYTES = 256 * 1024 * 1024  # about a million sessions with every glide
MAX_STEP_INDEX = 100_000
MAX_OFFSET_SECONDS = 24 * 3600  # a glide's offset includes pauses: still within a day


class _Model(BaseModel):
    # `Infinity` and `NaN` are not numbers a session can hold; they break every sum later.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _none_if_empty(value: object) -> object:
    """CSV cannot tell an empty text from a missing one: both are None, so files round-trip."""
    return None if value == "" else value


OptionalText = Annotated[str | None, BeforeValidator(_none_if_empty)]


def _one_of(choices: type[StrEnum]) -> AfterValidator:
    # Kept as text (an export carries what the log holds), checked against the closed set.
    def check(value: str) -> str:
        if value not in {choice.value for choice in choices}:
            known = ", ".join(choice.value for choice in choices)
            raise ValueError(f"{value!r} is not one of {known}")
        return value

    return AfterValidator(check)


ZoneName = Annotated[str, _one_of(Zone)]
SideName = Annotated[str, _one_of(Side)]


class ExportedZone(_Model):
    zone_index: int = Field(ge=0, lt=MAX_ZONES)
    zone: ZoneName
    glides_planned: int = Field(ge=0, le=MAX_GLIDES_PER_ZONE)
    glides_done: int = Field(ge=0, le=MAX_GLIDES_PER_ZONE)
    glides_skipped: int = Field(default=0, ge=0, le=MAX_GLIDES_PER_ZONE)

    @model_validator(mode="after")
    def _counts_fit(self) -> Self:
        if self.glides_done + self.glides_skipped > self.glides_planned:
            raise ValueError(
                f"{self.glides_done} done and {self.glides_skipped} skipped glides are more "
                f"than the {self.glides_planned} planned"
            )
        return self


class ExportedGlide(_Model):
    step_index: int = Field(ge=0, le=MAX_STEP_INDEX)
    zone_index: int = Field(ge=0, lt=MAX_ZONES)
    side: SideName
    glide: int = Field(ge=1, le=MAX_REPEATS)
    seconds: Annotated[float, Unit.SECONDS] = Field(gt=0, le=MAX_GLIDE_SECONDS)
    completed_offset: Annotated[float, Unit.SECONDS] = Field(ge=0, le=MAX_OFFSET_SECONDS)


def _in_range(moment: datetime) -> datetime:
    # Check the year before any arithmetic: year 1 with a positive offset is before the
    # earliest datetime Python can hold in UTC, and converting it would fail.
    if not EARLIEST_DAY.year <= moment.year <= 2100:
        raise ValueError(f"{moment.isoformat()} is not a date a session can have")
    moment = moment.astimezone(UTC)
    if moment < earliest_moment():
        raise ValueError(f"{moment.isoformat()} is before {EARLIEST_DAY.isoformat()}")
    if moment > datetime.now(UTC) + LATEST_AHEAD:
        raise ValueError(f"{moment.isoformat()} is in the future")
    return moment


SessionMoment = Annotated[AwareDatetime, AfterValidator(_in_range)]


class ExportedFelt(_Model):
    """How the session felt (JSON exports; an import reads it and leaves it out)."""

    comfort: Comfort
    side_effects: list[SideEffect] = Field(default_factory=list, max_length=len(SideEffect))
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class ExportedSession(_Model):
    uid: str = Field(pattern=r"^[0-9a-f]{32}$")
    routine_id: str = Field(min_length=1, max_length=40)
    routine_name: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    device: OptionalText = Field(default=None, max_length=MAX_TEXT_CHARS)
    source: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    started_utc: SessionMoment
    utc_offset_minutes: Annotated[int, Unit.MINUTES] = Field(
        ge=-MAX_UTC_OFFSET_MINUTES, le=MAX_UTC_OFFSET_MINUTES
    )
    ended_utc: SessionMoment | None = None
    status: RecordStatus
    planned_seconds: Annotated[float, Unit.SECONDS] = Field(ge=0, le=MAX_ACTIVE_SECONDS)
    active_seconds: Annotated[float, Unit.SECONDS] = Field(ge=0, le=MAX_ACTIVE_SECONDS)
    note: OptionalText = Field(default=None, max_length=MAX_NOTE_CHARS)
    zones: list[ExportedZone] = Field(default_factory=list, max_length=MAX_ZONES)
    glides: list[ExportedGlide] = Field(
        default_factory=list, max_length=MAX_ZONES * MAX_GLIDES_PER_ZONE
    )
    felt: ExportedFelt | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ended_utc is not None and not (
            self.started_utc <= self.ended_utc <= self.started_utc + timedelta(days=1)
        ):
            raise ValueError("ended_utc must be after started_utc, within a day")
        indexes = [zone.zone_index for zone in self.zones]
        if len(set(indexes)) != len(indexes):
            raise ValueError("zones: each zone_index may appear only once")
        planned = {zone.zone_index: zone.glides_planned for zone in self.zones}
        done: dict[int, int] = {}
        for glide in self.glides:
            if glide.zone_index not in planned:
                raise ValueError(f"glides: zone_index {glide.zone_index} is not one of the zones")
            done[glide.zone_index] = done.get(glide.zone_index, 0) + 1
        for index, count in done.items():
            if count > planned[index]:
                raise ValueError(f"glides: zone {index} has more glides than planned")
        steps = [glide.step_index for glide in self.glides]
        if len(set(steps)) != len(steps):
            raise ValueError("glides: each step_index may appear only once")
        return self


class ExportedSkipDay(_Model):
    day: date
    reason: str = Field(max_length=MAX_TEXT_CHARS)

    @model_validator(mode="after")
    def _day_in_range(self) -> Self:
        try:
            check_day(self.day, datetime.now(UTC).date(), "day", ahead=PLAN_AHEAD)
        except RecordError as exc:
            raise ValueError(str(exc)) from None
        return self


class ExportedScreening(_Model):
    answered_utc: SessionMoment
    answers: dict[Annotated[str, Field(max_length=40)], bool] = Field(max_length=40)


class ExportedInjection(_Model):
    kind: InjectionKind
    day: date
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class ExportedOverride(_Model):
    at_utc: SessionMoment
    warning: str = Field(min_length=1, max_length=40)
    detail: str = Field(default="", max_length=MAX_TEXT_CHARS)


class ExportedSafety(_Model):
    """The safety records: screening answers, injections, overrides. JSON exports only."""

    screenings: list[ExportedScreening] = Field(default_factory=list)
    injections: list[ExportedInjection] = Field(default_factory=list)
    overrides: list[ExportedOverride] = Field(default_factory=list)


class ExportFile(_Model):
    format: Literal["facecoach-export"]
    version: int = Field(ge=1, le=EXPORT_VERSION)
    exported_utc: AwareDatetime | None = None
    sessions: list[ExportedSession]
    skip_days: list[ExportedSkipDay] = Field(default_factory=list)
    safety: ExportedSafety | None = None


def export_data(store: SessionLog, *, with_glides: bool = True) -> ExportFile:
    """The whole log; with glides (the JSON export) also the safety records."""
    sessions = sorted(store.sessions(), key=lambda s: (s.started_utc, s.uid))
    felt = ComfortRecords(store.database).feelings(s.id for s in sessions) if with_glides else {}
    # Built without validation, all the way down: an export carries whatever the log holds.
    return ExportFile.model_construct(
        format=EXPORT_FORMAT,
        version=EXPORT_VERSION,
        exported_utc=datetime.now(UTC),
        sessions=[_exported(s, store if with_glides else None, felt.get(s.id)) for s in sessions],
        skip_days=[
            ExportedSkipDay.model_construct(day=d, reason=r) for d, r in store.skip_days().items()
        ],
        safety=_exported_safety(store) if with_glides else None,
    )


def _exported_safety(store: SessionLog) -> ExportedSafety:
    records = SafetyRecords(store.database)
    return ExportedSafety.model_construct(
        screenings=[
            ExportedScreening.model_construct(answered_utc=at, answers=answers)
            for at, answers in records.screenings()
        ],
        injections=[
            ExportedInjection.model_construct(kind=i.kind, day=i.day, note=i.note)
            for i in sorted(records.injections(), key=lambda i: (i.day, i.id))
        ],
        overrides=[
            ExportedOverride.model_construct(at_utc=at, warning=warning, detail=detail)
            for at, warning, detail in reversed(records.overrides())
        ],
    )


def empty_export() -> ExportFile:
    """The export of a log with nothing in it yet."""
    return ExportFile(
        format=EXPORT_FORMAT, version=EXPORT_VERSION, exported_utc=datetime.now(UTC), sessions=[]
    )


def _exported(
    session: SessionRecord, store: SessionLog | None, felt: Feeling | None = None
) -> ExportedSession:
    # Built without validation: an export carries whatever the log holds, even a value an
    # import would refuse today, so that nothing the user has is ever left behind.
    glides = store.glides(session.id) if store is not None else []
    return ExportedSession.model_construct(
        **_shared_fields(session),
        zones=[ExportedZone.model_construct(**z._asdict()) for z in session.zones],
        glides=[ExportedGlide.model_construct(**g._asdict()) for g in glides],
        felt=ExportedFelt.model_construct(
            comfort=felt.comfort, side_effects=list(felt.effects), note=felt.note
        )
        if felt is not None
        else None,
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
    # CRLF, as RFC 4180 has it: with "\n" alone, a lone "\r" in a field would go out unquoted.
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for session in export.sessions:
        row = session.model_dump(mode="json", exclude={"zones", "glides", "felt"})
        row["kind"] = "session"
        row["zones"] = ";".join(
            f"{z.zone_index}:{z.zone}:{z.glides_planned}:{z.glides_done}:{z.glides_skipped}"
            for z in session.zones
        )
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
    for skip in export.skip_days:
        writer.writerow({"kind": "skip_day", "day": skip.day.isoformat(), "reason": skip.reason})
    return out.getvalue()


def _csv_value(value: object) -> object:
    """A cell as a spreadsheet should show it: seconds to the millisecond the log keeps
    (66.333, not 66.33330000000001), nothing for none."""
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 3)
    return value


def read_export(path: Path) -> ExportFile:
    """An export file, read within bounds (a regular file of at most 256 MiB) and validated."""
    return parse_export(read_text_file(path, ExportFileError, MAX_EXPORT_BYTES), str(path))


def parse_export(text: str, source: str) -> ExportFile:
    """Read a JSON or CSV export; errors name the file, the record and the field."""
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ExportFileError(source, [Problem("", f"invalid JSON: {exc}")]) from None
            return ExportFile.model_validate(data)
        if stripped.startswith("["):
            raise ExportFileError(
                source, [Problem("", "a JSON list; a facecoach export is one JSON object ({...})")]
            )
        return ExportFile.model_validate(_csv_to_data(text, source))
    except csv.Error as exc:  # a field over the csv module's limit, a stray quote
        raise ExportFileError(
            source, [Problem("", f"not a facecoach CSV export ({exc})")]
        ) from None
    except ValidationError as exc:
        raise ExportFileError(source, describe_validation_error(exc, model=ExportFile)) from None
    except RecursionError:
        raise ExportFileError(source, [Problem("", "nested too deeply")]) from None


def _csv_to_data(text: str, source: str) -> dict[str, Any]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
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
    """Add the sessions the log does not have yet (in short transactions: see
    `SessionLog.import_records`); returns (added, already there)."""
    records = [
        (
            # The store turns an imported "in_progress" session into "partial".
            SessionRecord(
                id=0,
                **_shared_fields(session),
                # Field by field (the names are the same): a model_dump per glide costs an
                # import of many sessions several times its database work.
                zones=tuple(
                    ZoneRecord(*(getattr(z, name) for name in ZoneRecord._fields))
                    for z in session.zones
                ),
            ),
            [
                GlideRecord(*(getattr(g, name) for name in GlideRecord._fields))
                for g in session.glides
            ],
        )
        for session in export.sessions
    ]
    skip_days = [(skip.day, skip.reason) for skip in export.skip_days]
    safety = export.safety

    def safety_records(db: sqlite3.Connection) -> None:
        if safety is not None:
            insert_missing_safety_records(
                db,
                [(s.answered_utc, s.answers) for s in safety.screenings],
                [(i.kind, i.day, i.note) for i in safety.injections],
                [(o.at_utc, o.warning, o.detail) for o in safety.overrides],
            )

    return store.import_records(records, skip_days, also=safety_records)
