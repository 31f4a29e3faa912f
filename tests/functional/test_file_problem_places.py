"""A broken file's problem is placed the way the user counts: the second [[zones]] of a routine
is "zone 2", as the routine editor calls it ("Zone 2") and the comments it writes say
("# Zone 2 of 3"), never pydantic's 0-based `zones[1]`. The same in the app's toast, `routines`
and `status` (which reads the settings, whose [[phases]] are counted the same way)."""

import asyncio
import os
from pathlib import Path

import pytest

from facecoach.cli.main import main
from facecoach.companion.core import Companion
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from tests.support.machines import bare_machine
from tests.support.tui_support import record_notifications, until

THREE_ZONES = """id = "three"
name = "Three"
[[zones]]
zone = "forehead"
[[zones]]
zone = "neck"
glide_seconds = 500
[[zones]]
zone = "chin"
sides = ["center", "up"]
"""
SECOND_ZONE = "zone 2 (neck), glide_seconds: must be at most 60 seconds (got 500)"
THIRD_ZONE = "zone 3 (chin), side 2: must be one of 'left', 'right' or 'center' (got 'up')"

TWO_PHASES = """[[phases]]
name = "intro"
goal = "3/7"
days = 0
[[phases]]
name = "keep"
goal = "9/7"
"""


def test_routines_and_validate_count_a_routine_s_zones_from_one(
    user_routines_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (user_routines_dir / "three.toml").write_text(THREE_ZONES)
    for command in (["routines"], ["routines", "validate", str(user_routines_dir / "three.toml")]):
        main(command)
        err = capsys.readouterr().err
        assert SECOND_ZONE in err, command
        assert THIRD_ZONE in err, command
        assert "zones[" not in err, command


def test_status_counts_the_settings_phases_from_one(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text(TWO_PHASES)
    main(["status"])
    err = capsys.readouterr().err
    assert "phase 1 (intro), days: must be at least 1 day (got 0)" in err
    assert "phase 2 (keep): a goal of 9 per 7 days is not possible" in err
    assert "phases[" not in err


def test_the_app_s_toast_counts_a_routine_s_zones_from_one(
    clock: FakeClock, user_routines_dir: Path
) -> None:
    (user_routines_dir / "three.toml").write_text(THREE_ZONES)
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

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: any("three.toml" in message for message in shown))

    asyncio.run(scenario())
    toast = next(message for message in shown if "three.toml" in message)
    assert SECOND_ZONE in toast
    assert THIRD_ZONE in toast
    assert "zones[" not in toast
