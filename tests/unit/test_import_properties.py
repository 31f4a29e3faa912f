"""Imports, valid and hostile: refused with nothing written, or accepted and everything still works.

Hypothesis draws export documents from values a file could hold: good ones, and the ones that
poisoned the log before (`Infinity`, year 1 with a positive UTC offset, enormous counts, zone
indexes beyond the routine, control characters).
"""

import contextlib
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from facecoach.adherence.session_log import SessionLog
from facecoach.adherence.transfer import (
    ExportFileError,
    export_data,
    import_data,
    parse_export,
    to_csv,
    to_json,
)
from facecoach.cli.main import main
from tests.support.scratch_logs import open_empty_log, scratch_folder

NOW = datetime.now(UTC)

# Values that poisoned the log before, or could: each replaces one field of a valid session.
HOSTILE: dict[str, st.SearchStrategy[Any]] = {
    "active_seconds": st.sampled_from([float("inf"), float("nan"), 1e308, -1.0]),
    "planned_seconds": st.sampled_from([float("-inf"), 10**9]),
    "started_utc": st.sampled_from(
        ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "0026-11-01T08:00:00+00:00"]
    ),
    "utc_offset_minutes": st.sampled_from([10**9, -(10**9)]),
    "status": st.sampled_from(["done", "", "IN_PROGRESS"]),
    "source": st.sampled_from(["Bad Source", "", "x" * 100]),
    "routine_name": st.sampled_from(["", "x" * 1000]),
    "zones": st.just([{"zone_index": 0, "zone": "ears", "glides_planned": 3, "glides_done": 1}]),
    "glides": st.just(
        [
            {
                "step_index": 0,
                "zone_index": 99,
                "side": "left",
                "glide": 1,
                "seconds": 5,
                "completed_offset": 1,
            }
        ]
    ),
}
# Text that must be kept as text: terminal escapes, Textual markup, CSV's own characters.
texts = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["\x1b[2J\x1b]0;pwned\x07", "[@click=app.quit]quit[/]", "a,b\nc", "é;:"]),
)
# The parts of a session, built once rather than on every draw: a strategy built anew is
# validated anew, which cost more than drawing from it (the examples drawn are the same).
offsets = st.integers(-16 * 60, 16 * 60)
days_back = st.integers(0, 3000)
minutes_back = st.integers(0, 1440)
zone_counts = st.integers(0, 3)
zone_names = st.sampled_from(["forehead", "cheeks", "neck", "under_eye"])
glide_sides = st.sampled_from(["left", "right", "center"])
glide_seconds = st.floats(0.5, 60)
glide_offsets = st.floats(0, 3600)
optional_texts = st.one_of(st.none(), texts)
sources = st.sampled_from(["tui", "coach", "manual"])
statuses = st.sampled_from(["completed", "aborted", "partial", "in_progress"])
session_seconds = st.floats(0, 3600)
hostile_fields = st.sampled_from(sorted(HOSTILE))


@st.composite
def valid_sessions(draw: st.DrawFn) -> dict[str, Any]:
    offset = draw(offsets)
    back = timedelta(days=draw(days_back), minutes=draw(minutes_back))
    started = (NOW - back).astimezone(timezone(timedelta(minutes=offset)))
    zones: list[dict[str, Any]] = []
    glides: list[dict[str, Any]] = []
    for index in range(draw(zone_counts)):
        planned = draw(st.integers(0, 6))
        done = draw(st.integers(0, planned))
        skipped = draw(st.integers(0, planned - done))
        zones.append(
            {
                "zone_index": index,
                "zone": draw(zone_names),
                "glides_planned": planned,
                "glides_done": done,
                "glides_skipped": skipped,
            }
        )
        for glide in range(1, done + 1):
            glides.append(
                {
                    "step_index": len(glides) * 2,
                    "zone_index": index,
                    "side": draw(glide_sides),
                    "glide": min(glide, 20),
                    "seconds": draw(glide_seconds),
                    "completed_offset": draw(glide_offsets),
                }
            )
    return {
        "uid": draw(st.uuids()).hex,
        "routine_id": "lift-5",
        "routine_name": draw(texts),
        "device": draw(optional_texts),
        "source": draw(sources),
        "started_utc": started.isoformat(),
        "utc_offset_minutes": offset,
        "ended_utc": None,
        "status": draw(statuses),
        "planned_seconds": draw(session_seconds),
        "active_seconds": draw(session_seconds),
        "note": draw(optional_texts),
        "zones": zones,
        "glides": glides,
    }


@st.composite
def sessions(draw: st.DrawFn) -> dict[str, Any]:
    session = draw(valid_sessions())
    if draw(st.integers(0, 4)) == 0:  # one in five carries a hostile value
        field = draw(hostile_fields)
        session[field] = draw(HOSTILE[field])
    return session


documents = st.builds(
    lambda items: {"format": "facecoach-export", "version": 1, "sessions": items},
    st.lists(sessions(), max_size=3),
)


def stable(text: str) -> str:
    """An export without the moment it was made."""
    data = json.loads(text)
    data.pop("exported_utc", None)
    return json.dumps(data, sort_keys=True)


def every_command_works(data_dir: Path) -> None:
    for command in (["stats"], ["stats", "--json"], ["history"], ["export", "--format", "csv"]):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["--data-dir", str(data_dir), *command]) == 0, command


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents)
def test_an_import_is_refused_whole_or_accepted_and_round_trips(document: dict[str, Any]) -> None:
    with scratch_folder() as folder:
        import_is_refused_whole_or_round_trips(Path(folder), document)


def import_is_refused_whole_or_round_trips(data_dir: Path, document: dict[str, Any]) -> None:
    text = json.dumps(document)  # Python writes Infinity and NaN as JSON allows them in
    try:
        export = parse_export(text, "import.json")
    except ExportFileError as exc:
        refusal = str(exc)
        export = None
    if export is None:
        event("refused")
        assert refusal.startswith("import.json")
        assert not (data_dir / "facecoach.db").exists()
        return
    event(f"accepted {len(export.sessions)} sessions")
    with open_empty_log(data_dir / "facecoach.db") as log:
        import_data(log, export)
        first = to_json(export_data(log))
        as_csv = to_csv(export_data(log, with_glides=False))
    every_command_works(data_dir)
    # JSON: a second log fed the export exports the same file.
    with open_empty_log(data_dir / "again.db") as again:
        import_data(again, parse_export(first, "first.json"))
        assert stable(to_json(export_data(again))) == stable(first)
    # CSV: what the CSV export holds survives its own re-import.
    with open_empty_log(data_dir / "from-csv.db") as from_csv:
        import_data(from_csv, parse_export(as_csv, "first.csv"))
        assert to_csv(export_data(from_csv, with_glides=False)) == as_csv


def test_a_bad_record_leaves_nothing_behind_and_is_named(tmp_path: Path) -> None:
    good = {
        "uid": "a" * 32,
        "routine_id": "lift-5",
        "routine_name": "Lift",
        "source": "coach",
        "started_utc": (NOW - timedelta(days=2)).isoformat(),
        "utc_offset_minutes": 0,
        "status": "completed",
        "planned_seconds": 300,
        "active_seconds": 300,
    }
    bad = {**good, "uid": "b" * 32, "active_seconds": float("inf")}
    text = json.dumps({"format": "facecoach-export", "version": 1, "sessions": [good, bad]})
    with pytest.raises(ExportFileError, match="session 2, active_seconds"):
        parse_export(text, "mixed.json")


def test_safety_records_travel_with_a_json_export_and_are_not_doubled(tmp_path: Path) -> None:
    from facecoach.safety.records import SafetyRecords
    from facecoach.safety.waiting import InjectionKind

    with SessionLog.open(tmp_path / "a.db") as source:
        records = SafetyRecords(source.database)
        records.record_screening({"pregnancy": True}, NOW - timedelta(days=3))
        records.add_injection(InjectionKind.FILLER, (NOW - timedelta(days=2)).date(), "lips")
        records.record_override("screening", "lift-5", NOW - timedelta(days=1))
        text = to_json(export_data(source))
    with SessionLog.open(tmp_path / "b.db") as target:
        for _ in range(2):  # importing twice adds nothing the second time
            import_data(target, parse_export(text, "export.json"))
        copied = SafetyRecords(target.database)
        assert [answers for _, answers in copied.screenings()] == [{"pregnancy": True}]
        assert [(i.kind, i.note) for i in copied.injections()] == [(InjectionKind.FILLER, "lips")]
        assert [(w, d) for _, w, d in copied.overrides()] == [("screening", "lift-5")]
        assert stable(to_json(export_data(target))) == stable(text)
