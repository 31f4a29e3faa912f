"""The plain coach and the app run a session through the same core steps: the same gates, the
same records of what the user chose, the same end. Each test runs `facecoach coach` as a user
does and compares with what the app does in the same state (tests/functional/test_tui.py)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from facecoach.adherence.days import DEFAULT_DAY_START_HOUR, today
from facecoach.adherence.session_log import SessionLog
from facecoach.safety.records import SafetyRecords
from facecoach.safety.waiting import InjectionKind
from tests.support.cli import QUICK, facecoach


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


@pytest.fixture
def quick(tmp_path: Path) -> Path:
    file = tmp_path / "quick.toml"
    file.write_text(QUICK)
    return file


@pytest.mark.usefixtures("screened")
def test_a_risk_accepted_is_recorded_even_when_the_checks_then_stop_the_session(
    quick: Path, data_dir: Path
) -> None:
    # The app records an override as the user accepts it, though the checks are then left
    # unticked and no session starts; the coach, told to accept the risk, records it too.
    with SessionLog.open(data_dir / "facecoach.db") as log:
        counting_today = today(datetime.now(UTC), DEFAULT_DAY_START_HOUR)
        SafetyRecords(log.database).add_injection(InjectionKind.BOTOX, counting_today)
    refused = facecoach("coach", str(quick), "--accept-risk")
    assert refused.returncode == 1
    assert "--confirm-checks" in refused.stderr
    with SessionLog.open(data_dir / "facecoach.db") as log:
        overrides = SafetyRecords(log.database).overrides()
        assert log.sessions() == []
    assert [(warning, detail) for _, warning, detail in overrides] == [("waiting_period", "quick")]


def test_a_log_that_cannot_be_opened_is_said_once(quick: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "facecoach.db").write_bytes(b"not a database" * 100)
    accepted = facecoach("coach", str(quick), "--confirm-checks", "--accept-risk")
    assert accepted.returncode == 0, accepted.stderr
    said = [line for line in accepted.stderr.splitlines() if "session log" in line]
    assert len(said) == 1, accepted.stderr
    assert said[0].endswith("The session runs, but it is not logged.")
