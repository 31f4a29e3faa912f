"""Every CLI command, a whole coached session with a simulated device, and the app's first frame,
run with the POSIX-only names taken away and `sys.platform` saying "win32" (see
tests/support/other_platform.py): what can be run of Windows on this machine. Each must end
without a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TypedDict

import pytest

from facecoach.adherence.session_log import SessionLog
from facecoach.safety.records import SafetyRecords
from facecoach.session.clock import SystemClock
from tests.conftest import CUE_ENVIRONMENT
from tests.support.cli import QUICK

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="on Windows the real thing runs instead"),
]

REPO = Path(__file__).resolve().parents[2]

COMMANDS = [
    ["--version"],
    ["--help"],
    ["routines"],
    ["routines", "show", "express"],
    ["stats"],
    ["status"],
    ["history"],
    ["safety"],
    ["program"],
    ["doctor"],
    ["doctor", "--json"],
    ["remind", "--no-notify"],
    ["remind", "--show"],
    # (Not `remind --install`: schtasks rightly refuses this interpreter's POSIX path as a
    # program; the task it makes is tested against a fake schtasks in test_reminder_schedule.)
    ["remind", "--uninstall"],
    ["devices", "list"],
    ["backup"],
    ["backup", "list"],
    ["export"],
    ["log", "express"],
    ["coach", "{quick}", "--confirm-checks", "--simulate"],
]


class Ran(TypedDict):
    command: list[str]
    code: int
    out: str
    err: str


def as_on_windows(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.support.other_platform", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=REPO,
        env={
            **(os.environ if env is None else env),
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
        },
    )


@pytest.fixture(scope="module")
def each_command_as_on_windows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ran]:
    """Every command of COMMANDS, run in turn in one process made to look like Windows (one
    interpreter's start, not twenty), for a user who has answered the safety questions."""
    folder = tmp_path_factory.mktemp("as_on_windows")
    environment = {name: value for name, value in os.environ.items() if name not in CUE_ENVIRONMENT}
    environment.update(
        FACECOACH_CONFIG_DIR=str(folder / "config"),
        FACECOACH_DATA_DIR=str(folder / "data"),
        FACECOACH_CACHE_DIR=str(folder / "cache"),
        TZ="UTC",
    )
    with SessionLog.open(folder / "data" / "facecoach.db") as log:
        SafetyRecords(log.database).record_screening({}, SystemClock().now())
    quick = folder / "quick.toml"
    quick.write_text(QUICK)
    commands = folder / "commands.json"
    commands.write_text(
        json.dumps([[word.replace("{quick}", str(quick)) for word in c] for c in COMMANDS])
    )
    results = folder / "results.json"
    batch = as_on_windows("--batch", str(commands), str(results), env=environment)
    assert batch.returncode == 0, batch.stderr
    ran: list[Ran] = json.loads(results.read_text())
    return {" ".join(command): each for command, each in zip(COMMANDS, ran, strict=True)}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_command_runs_without_posix_names(
    command: list[str], each_command_as_on_windows: dict[str, Ran]
) -> None:
    result = each_command_as_on_windows[" ".join(command)]
    assert "Traceback" not in result["err"], result["err"]
    assert result["code"] in (0, 1, 130), (result["code"], result["err"])


def test_the_app_draws_its_first_frame_without_posix_names(screened: None) -> None:
    result = as_on_windows("--first-frame")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.strip() == "first frame drawn"


def test_the_names_are_really_gone() -> None:
    """The harness itself: a command that reaches for a POSIX-only name fails there."""
    code = "import os; os.O_NONBLOCK"
    result = subprocess.run(
        [sys.executable, "-c", f"import tests.support.other_platform as p; p.main([]); {code}"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])},
        timeout=60,
    )
    assert "AttributeError: module 'os' has no attribute 'O_NONBLOCK'" in result.stderr
