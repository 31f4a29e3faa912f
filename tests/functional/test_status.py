"""`facecoach status`, the one-line status for a status bar, as a user runs it."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facecoach.adherence.days import DEFAULT_DAY_START_HOUR
from facecoach.adherence.days import today as counting_today
from facecoach.adherence.session_log import SessionLog
from facecoach.safety.records import SafetyRecords
from facecoach.safety.waiting import InjectionKind
from tests.support.cache_copies import edit_copy
from tests.support.cli import facecoach


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


def test_a_new_user_sees_a_session_due_and_no_log_is_created(data_dir: Path) -> None:
    result = facecoach("status")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "due · streak 0 · week 0/5\n"
    assert result.stderr == ""
    assert not data_dir.exists()


def test_after_a_session_today_is_done(data_dir: Path) -> None:
    assert facecoach("log", "lift-5").returncode == 0
    result = facecoach("status", "--format", "{state} {week} {goal}")
    assert result.stdout == "done 1/5 5/7\n"
    fields = json.loads(facecoach("status", "--json").stdout)
    assert fields["state"] == "done"
    assert fields["week_sessions"] == 1
    assert fields["waiting_until"] is None


def test_the_waiting_period_after_an_injection_comes_first(data_dir: Path) -> None:
    with SessionLog.open(data_dir / "facecoach.db") as store:
        today = counting_today(datetime.now(UTC), DEFAULT_DAY_START_HOUR)
        SafetyRecords(store.database).add_injection(InjectionKind.BOTOX, today)
    fields = json.loads(facecoach("status", "--json").stdout)
    assert fields["state"] == "wait"
    assert fields["waiting_until"] is not None
    assert facecoach("status", "--format", "{state}").stdout == "wait\n"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{state.__class__}", "is not a field"),
        ("{0}", "is not a field"),
        ("{}", "is not a field"),
        ("{state!r}", "is not a field"),
        ("{streak", "cannot read --format"),
    ],
)
def test_a_format_that_is_not_only_fields_is_refused(data_dir: Path, text: str, said: str) -> None:
    result = facecoach("status", "--format", text)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("facecoach: error:")
    assert said in result.stderr


def test_a_status_bar_run_loads_no_validators_once_the_settings_are_known(
    data_dir: Path, isolated_dirs: Path, tmp_path: Path
) -> None:
    """A status bar runs `status` every few seconds: once the settings were validated (the
    first run), later runs read their checked copy and never load pydantic or asyncio."""
    env = {"FACECOACH_CACHE_DIR": str(tmp_path / "cache")}
    assert facecoach("log", "lift-5", env=env).returncode == 0
    assert facecoach("status", env=env).returncode == 0  # validates and keeps the copy
    code = (
        "import sys\n"
        "from facecoach.cli.main import main\n"
        "main(['status'])\n"
        "print(sorted(m for m in ('pydantic', 'asyncio', 'textual') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["done · streak 0 · week 1/5", "[]"]


def test_an_edited_copy_of_the_settings_is_never_taken_for_the_file(
    isolated_dirs: Path, tmp_path: Path
) -> None:
    """The copy of the validated settings is read back only as facecoach wrote it: one edited
    by hand (here to a phase of 5000 days, which the settings refuse) is a miss, and the
    settings file itself is read and validated again."""
    isolated_dirs.mkdir(parents=True)
    (isolated_dirs / "settings.toml").write_text('[[phases]]\nname = "ongoing"\ngoal = "3/7"\n')
    assert facecoach("status", "--format", "{goal}").stdout == "3/7\n"  # keeps the copy
    phases = [
        {"name": "intro", "goal": "6/7", "days": 5000},
        {"name": "ongoing", "goal": "3/7", "days": None},
    ]
    edit_copy(tmp_path / "cache" / "settings.copy", lambda value: {**value, "phases": phases})
    result = facecoach("status", "--format", "{goal}")
    assert (result.returncode, result.stdout, result.stderr) == (0, "3/7\n", "")
