"""The command line as a new user met it in the second walk (issue 29), run in process."""

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from facecoach.adherence.days import DEFAULT_DAY_START_HOUR
from facecoach.adherence.days import today as counting_today
from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import main
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.safety.records import SafetyRecords
from facecoach.safety.waiting import InjectionKind
from tests.support.cli import QUICK
from tests.support.cli import facecoach as run_facecoach


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


def test_program_refuses_a_one_phase_goal_over_a_month_and_keeps_an_older_one(
    isolated_dirs: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """U3, one phase: `program --goal 5/79` (no phase length to hold it against) is refused
    with the likely meaning; a month is fine; a long window kept from an older settings file
    still loads, shows a week's target of at least one, and other changes still save."""
    code, _, err = facecoach(capsys, "program", "--goal", "5/79")
    assert code == 1
    assert err == (
        "facecoach: error: The ongoing goal 5/79 counts over 79 days; a goal counts over 31 "
        "days at most, so that weeks without a session never read as on track; perhaps 5/7 "
        "was meant.\n"
    )
    assert not (isolated_dirs / "settings.toml").exists()
    code, out, _ = facecoach(capsys, "program", "--goal", "4/30")
    assert code == 0
    assert "ongoing: 4 per 30 days" in out

    (isolated_dirs / "settings.toml").write_text('phases = [{ name = "ongoing", goal = "5/79" }]\n')
    code, _, _ = facecoach(capsys, "log", "express")
    assert code == 0
    code, out, _ = facecoach(capsys, "status", "--format", "{week}")
    assert out == "1/1\n"  # 5 in 79 days asks for one a week, not "0/0"
    code, out, _ = facecoach(capsys, "program", "--day-start-hour", "4")
    assert code == 0
    assert "ongoing: 5 per 79 days" in out


@pytest.mark.parametrize("command", ["stats", "doctor"])
def test_an_unknown_keymap_id_and_a_key_clash_are_warned_about(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """U10: `stats` and `doctor` warn as for any other settings problem."""
    isolated_dirs.mkdir(parents=True)
    (isolated_dirs / "settings.toml").write_text(
        '[keymap]\n"home.bogus" = "z"\n"home.history" = "s"\n'
    )
    _, _, err = facecoach(capsys, command)
    warnings = [line for line in err.splitlines() if line.startswith("facecoach: warning:")]
    assert any("'home.bogus', which is not a key binding" in line for line in warnings), err
    assert any("gives 's' to home.start and home.history" in line for line in warnings), err


def test_a_refused_coach_says_one_reason_a_line_and_each_flag_once(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """U21: 'do not use' answers, a waiting period and unconfirmed checks, without a terminal."""
    today = counting_today(datetime.now(UTC), DEFAULT_DAY_START_HOUR)
    with SessionLog.open(data_dir / "facecoach.db") as store:
        records = SafetyRecords(store.database)
        records.record_screening({"pregnancy": True}, datetime.now(UTC))
        records.add_injection(InjectionKind.BOTOX, today - timedelta(days=3))
    code, out, err = facecoach(capsys, "coach", "express")
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "facecoach: error: the session cannot start, for 3 reasons:"
    assert lines[1].startswith("  - Your screening answers advise against using the device. Do")
    assert lines[2].startswith("  - You are in the waiting period after an injection. Botox on")
    assert lines[3].startswith("  - The checks before a session are not confirmed: ")
    assert lines[4] == (
        "Pass --accept-risk to go on anyway (recorded in your log) and --confirm-checks to "
        "confirm the checks."
    )
    assert len(lines) == 5
    assert err.count("--accept-risk") == 1
    assert "((" not in err


@pytest.mark.skipif(sys.platform != "linux", reason="BlueZ over a D-Bus socket is Linux's")
def test_no_bluetooth_is_said_in_words_once(
    isolated_dirs: Path, tmp_path: Path, data_dir: Path
) -> None:
    """U21: a paired device and no Bluetooth service: no errno text, 'timer alone' said once."""
    KnownDevices(isolated_dirs).remember(
        KnownDevice(
            address="C0:11:22:33:44:55",
            profile="reference-a",
            name="My device",
            paired_at=datetime.now(UTC),
            simulated=False,
        )
    )
    routine = tmp_path / "quick.toml"
    routine.write_text(QUICK)
    no_bus = {"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/system_bus_socket"}
    args = ["--no-prep", "--accept-risk", "--confirm-checks", "--no-log"]
    result = run_facecoach("coach", str(routine), *args, env=no_bus)
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "Bluetooth" in line]
    assert "(no adapter, or no Bluetooth service answered)" in warning
    assert "Errno" not in result.stderr
    assert warning.count("timer alone") == 1


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["routine"], "unknown command 'routine'; did you mean 'routines'?"),
        (["stat"], "unknown command 'stat'; did you mean 'stats'?"),
        (["routines", "shw", "express"], "routines: unknown action 'shw'; did you mean 'show'?"),
    ],
)
def test_a_mistyped_command_or_action_gets_a_suggestion(
    capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    """U19: 'did you mean' for commands and actions too, as for routine ids."""
    code, out, err = facecoach(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith(f"facecoach: error: {said}")


def test_one_glide_is_said_in_the_singular(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """U20: with Repeats 1, `routines show` says '1 glide of 1 s', not '1 glides'."""
    isolated_dirs.mkdir(parents=True)
    (isolated_dirs / "settings.toml").write_text("glide_seconds = 1\nrepeats = 1\n")
    code, out, _ = facecoach(capsys, "routines", "show", "express")
    assert code == 0
    assert "left then right: 1 glide of 1 s per side" in out
    assert "1 glides" not in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--glide-seconds", "0"], "glide length must be at least 1 second"),
        (["--glide-seconds", "0.001"], "glide length must be at least 1 second"),
        (["--repeats", "2.5"], "not a whole number: '2.5'"),
    ],
)
def test_the_same_rule_is_said_in_the_same_words(
    capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    """U22: 0 s and 0.001 s break one rule and are told so alike; a count that is not whole
    is 'not a whole number', as for --limit."""
    code, _, err = facecoach(capsys, "coach", "express", *args)
    assert code in (1, 2)
    assert said in err
    assert "invalid int value" not in err
    assert "more than 0" not in err


def test_a_skeleton_profile_id_has_no_double_dash(capsys: pytest.CaptureFixture[str]) -> None:
    """U25: 'Bluetooth device (battery only)' becomes bluetooth-device-battery-only."""
    code, out, _ = facecoach(capsys, "devices", "--simulate", "inspect", "5A:1D:00:00:00:01")
    assert code == 0
    assert 'id = "bluetooth-device-battery-only"' in out


def test_coach_with_json_says_why_it_asked_nothing(isolated_dirs: Path, tmp_path: Path) -> None:
    """finalwalk F22: `coach --json` on a terminal, safety questions not answered yet, said
    'answer them in a terminal' to a user at one: --json is why nothing was asked."""
    routine = tmp_path / "quick.toml"
    routine.write_text(QUICK)
    result = run_facecoach("coach", str(routine), "--json", "--confirm-checks", "--no-prep")
    assert result.returncode == 1, result.stderr
    assert "in a terminal" not in result.stderr
    assert (
        "with --json nothing is asked; answer them first with `facecoach safety screen`."
        in result.stderr
    )
    assert result.stdout == ""
