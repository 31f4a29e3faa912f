"""The command line as a new user met it in the second walk (issue 29), run in process."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from facecoach.adherence.days import DEFAULT_DAY_START_HOUR
from facecoach.adherence.days import today as counting_today
from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import main
from facecoach.safety.records import SafetyRecords
from facecoach.safety.waiting import InjectionKind


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


def facecoach(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`facecoach ARGS`: its exit code, what it printed and what it said on stderr."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own exits
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_says_the_waiting_period_as_status_does(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """U2: Botox three days ago: `stats` does not say a session is due; its JSON says wait."""
    today = counting_today(datetime.now(UTC), DEFAULT_DAY_START_HOUR)
    with SessionLog.open(data_dir / "facecoach.db") as store:
        SafetyRecords(store.database).add_injection(InjectionKind.BOTOX, today - timedelta(days=3))
    code, out, _ = facecoach(capsys, "stats")
    assert code == 0
    first = out.splitlines()[0]
    assert "due" not in first
    assert f"waiting period after an injection, until {today + timedelta(days=6):%a %d %b}" in first
    code, out, _ = facecoach(capsys, "stats", "--json")
    assert json.loads(out)["today_state"] == "wait"
    code, out, _ = facecoach(capsys, "status", "--format", "{state}")
    assert out == "wait\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--intro", "5/79"],
            "The intro goal 5/79 counts over 79 days, longer than the 60-day intro phase it "
            "belongs to; perhaps 5/7 was meant.",
        ),
        (
            ["--intro-days", "5"],
            "The intro goal 5/7 counts over 7 days, longer than the 5-day intro phase it belongs "
            "to; give it at most 5 days.",
        ),
    ],
)
def test_program_refuses_a_goal_window_longer_than_its_phase(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    """U3: `program --intro 5/79` (a typo of 5/7) is refused, saying why; nothing is saved."""
    code, _, err = facecoach(capsys, "program", *args)
    assert code == 1
    assert err == f"facecoach: error: {said}\n"
    assert not (isolated_dirs / "settings.toml").exists()
