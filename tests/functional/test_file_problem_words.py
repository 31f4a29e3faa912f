"""A file's problem is said in the user's words. A limit says its unit as the routine editor
and Settings say it ('must be at most 60 seconds', '100%', 'level 255'), in every kind of file:
routines, settings, device profiles, imports. A file that is not TOML at all is placed at its
line and said as the mistake it is ('a text value is not closed'), not in the parser's words
("Illegal character '\\n'"): for routines, settings, profiles and paired devices alike, in the
CLI and in the app's toast."""

import asyncio
import json
import os
from pathlib import Path

import pytest

from facecoach.cli.main import main
from facecoach.companion.core import Companion
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from tests.support.machines import bare_machine
from tests.support.tui_support import record_notifications, until

REFERENCE_A = Path(__file__).parents[2] / "device_profiles" / "reference-a.toml"

LONG_ROUTINE = """id = "long"
name = "Long"
hold_seconds = 31
[prep]
text = "Gel"
seconds = 900
[[zones]]
zone = "forehead"
[[zones]]
zone = "neck"
glide_seconds = 500
"""

LOUD_SETTINGS = """sound_volume = 150
device_intensity = 300
voice_rate = 5
backup_days = -1
[[phases]]
name = "intro"
goal = "3/7"
days = 0
[[phases]]
name = "keep"
goal = "3/7"
"""


def test_a_routine_file_says_its_limits_in_seconds_as_the_editor_does(
    user_routines_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (user_routines_dir / "long.toml").write_text(LONG_ROUTINE)
    main(["routines", "validate", str(user_routines_dir / "long.toml")])
    err = capsys.readouterr().err
    assert "zone 2 (neck), glide_seconds: must be at most 60 seconds (got 500)" in err
    assert "hold_seconds: must be at most 30 seconds (got 31)" in err
    assert "prep.seconds: must be at most 600 seconds (got 900)" in err


def test_the_settings_file_says_days_percent_level_and_rate(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text(LOUD_SETTINGS)
    main(["status"])
    err = capsys.readouterr().err
    assert "phase 1 (intro), days: must be at least 1 day (got 0)" in err
    assert "sound_volume: must be at most 100% (got 150)" in err
    assert "device_intensity: must be at most level 255 (got 300)" in err
    assert "voice_rate: must be at least 80 words per minute (got 5)" in err
    assert "backup_days: must be at least 0 days (got -1)" in err


def test_a_device_profile_says_milliseconds_seconds_bytes_and_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "mine.toml"
    text = REFERENCE_A.read_text().replace("max_write = 20", "max_write = 1000")
    text = text.replace("timeout = 1.0, retries = 2 }", "timeout = 60, retries = 2 }", 1)
    text += '\n[keepalive]\ncommand = "query_status"\ninterval_ms = 10\ntimeout_ms = 400\n'
    profile.write_text(text.replace("max_intensity = 5", "max_intensity = 999"))
    assert main(["profiles", "validate", str(profile)]) == 1
    err = capsys.readouterr().err
    assert "gatt.max_write: must be at most 512 bytes (got 1000)" in err
    assert "commands.select_program.ack.timeout: must be at most 30 seconds (got 60)" in err
    assert "keepalive.interval_ms: must be at least 50 milliseconds (got 10)" in err
    assert "limits.max_intensity: must be at most level 255 (got 999)" in err


def test_an_import_says_its_sessions_limits_in_seconds_and_minutes(
    isolated_dirs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = {
        "uid": "a" * 32,
        "routine_id": "express",
        "routine_name": "Express",
        "source": "app",
        "started_utc": "2026-11-01T10:00:00+00:00",
        "utc_offset_minutes": 5000,
        "status": "completed",
        "planned_seconds": 100,
        "active_seconds": 99999,
    }
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps({"format": "facecoach-export", "version": 1, "sessions": [session]})
    )
    assert main(["import", str(export)]) == 1
    err = capsys.readouterr().err
    assert "session 1, utc_offset_minutes: must be at most 960 minutes (got 5000)" in err
    assert "session 1, active_seconds: must be at most 14400 seconds (got 99999)" in err


# The common mistakes in a hand-edited TOML file, and what the user reads about them.
BROKEN_TOML = {
    "a text value not closed": (
        'id = "mine"\nname = "My routine\n',
        "line 2: a text value is not closed (column 19)",
    ),
    "a text value not closed at the end": (
        'id = "mine"\nname = "My routine',
        ": a text value is not closed (at the end of the file)",
    ),
    "a missing =": ('id = "mine"\nname "My routine"\n', "line 2: '=' is missing after a key"),
    "a key given twice": ('id = "mine"\nid = "yours"\n', "line 2: the key 'id' is given twice"),
    "a key given twice on the last line": (
        'id = "mine"\nid  = "yours"',
        "line 2: the key 'id' is given twice (column 14)",
    ),
    "a missing = on the last line": ('id = "mine"\nname', "line 2: '=' is missing after a key"),
    "a value then a dotted key under it": (
        'id = "mine"\nname = "Mine"\nprep = "gel first"\nprep.seconds = 20\n',
        "line 4: the key 'prep' holds a value, so it cannot also be a table ('prep.seconds')",
    ),
    "a value then a [table] under it": (
        'id = "mine"\nprep = 1\n\n[prep.x]\n',
        "line 4: the key 'prep' holds a value, so it cannot also be a table ([prep.x])",
    ),
    "a key given twice after a line separator in a text value": (
        # tomllib counts lines at '\n' only: U+2028 inside the text does not start a line.
        'id = "x"\nname = "Line\u2028two = 1"\nname = "again"\n',
        "line 3: the key 'name' is given twice (column 15)",
    ),
    "a table given twice": (
        '[prep]\ntext = "Gel"\n[prep]\n',
        "line 3: the table [prep] is given twice",
    ),
    "an unquoted word": (
        "id = mine\n",
        'line 1: the value is not one TOML knows (text goes in "quotes", true and false in '
        "lower case) (column 6)",
    ),
    "anything else, in tomllib's words": (
        "= 1\n",
        "line 1: not valid TOML: Invalid statement (column 1)",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_TOML), ids=list(BROKEN_TOML))
def test_a_routine_that_is_not_toml_is_said_at_its_line_in_words(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, said = BROKEN_TOML[case]
    routine = tmp_path / "broken.toml"
    routine.write_text(text, encoding="utf-8")
    assert main(["routines", "validate", str(routine)]) == 1
    err = capsys.readouterr().err
    where = f"{routine}, " if said.startswith("line") else str(routine)
    assert f"facecoach: error: {where}{said}" in err
    assert "invalid TOML" not in err
    assert "Illegal character" not in err
    assert "Traceback" not in err


@pytest.mark.parametrize("written", ["2024-1-5", "2024-13-01"])
def test_a_date_in_the_settings_not_written_yyyy_mm_dd_is_said_so(
    written: str, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text(f"day_start_hour = 3\nprogram_start = {written}\n")
    main(["status"])
    err = capsys.readouterr().err
    said = "line 2: a date is a day that exists, written YYYY-MM-DD (2024-01-05) (column 21)"
    assert f"{isolated_dirs / 'settings.toml'}, {said}" in err
    assert "more follows a value" not in err


def test_a_quoted_date_that_does_not_exist_is_not_said_to_be_ill_written(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """finalwalk F4: program_start = "2027-13-01" was 'must be a date (YYYY-MM-DD)', which it
    is written as; month 13 is what is wrong."""
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text('program_start = "2027-13-01"\n')
    main(["status"])
    err = capsys.readouterr().err
    said = "program_start: must be a day that exists, written YYYY-MM-DD (got '2027-13-01')"
    assert f"{isolated_dirs / 'settings.toml'}: {said}" in err


UNCLOSED = 'id = "x"\nname = "Express\n'
UNCLOSED_SAID = "line 2: a text value is not closed (column 16)"


def test_settings_profiles_and_paired_devices_say_toml_mistakes_the_same_way(
    isolated_dirs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    for name in ("settings.toml", "devices.toml"):
        (isolated_dirs / name).write_text(UNCLOSED)
    profile = tmp_path / "profile.toml"
    profile.write_text(UNCLOSED)
    main(["status"])
    assert f"{isolated_dirs / 'settings.toml'}, {UNCLOSED_SAID}" in capsys.readouterr().err
    main(["devices", "list"])
    assert f"{isolated_dirs / 'devices.toml'}, {UNCLOSED_SAID}" in capsys.readouterr().err
    assert main(["profiles", "validate", str(profile)]) == 1
    assert f"{profile}, {UNCLOSED_SAID}" in capsys.readouterr().err


def test_the_app_s_toasts_say_toml_mistakes_and_units_in_words(
    clock: FakeClock, user_routines_dir: Path
) -> None:
    (user_routines_dir / "broken.toml").write_text(UNCLOSED)
    (user_routines_dir / "long.toml").write_text(LONG_ROUTINE)
    (user_routines_dir.parent / "settings.toml").write_text(UNCLOSED)
    # The core reads the routines folder itself, as the app does (a given library is a test's).
    companion = Companion(
        clock,
        user_routines_dir.parent,
        Path(os.environ["FACECOACH_DATA_DIR"]) / "facecoach.db",
        machine=bare_machine(),
    )
    companion.safety_service.record_screening({})
    app = FacecoachApp(companion)
    shown = record_notifications(app)
    files = ("broken.toml", "long.toml", "settings.toml")

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: all(any(f in m for m in shown) for f in files))

    asyncio.run(scenario())
    toasts = "\n".join(shown)
    assert f"broken.toml, {UNCLOSED_SAID}" in toasts
    assert f"settings.toml, {UNCLOSED_SAID}" in toasts
    assert "zone 2 (neck), glide_seconds: must be at most 60 seconds (got 500)" in toasts
    assert "Illegal character" not in toasts
