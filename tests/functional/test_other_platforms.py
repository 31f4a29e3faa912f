"""Every CLI command, a whole coached session with a simulated device, and the app's first frame,
run with the POSIX-only names taken away and `sys.platform` saying "win32" (see
tests/support/other_platform.py): what can be run of Windows on this machine. Each must end
without a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def as_on_windows(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.support.other_platform", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])},
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_command_runs_without_posix_names(
    command: list[str], tmp_path: Path, screened: None
) -> None:
    quick = tmp_path / "quick.toml"
    quick.write_text(QUICK)
    result = as_on_windows(*(word.replace("{quick}", str(quick)) for word in command))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 130), (result.returncode, result.stderr)


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
