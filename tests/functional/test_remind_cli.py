"""`facecoach remind` and `facecoach doctor` as a user (or a scheduler) runs them."""

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main
from facecoach.companion.bluetooth_check import check_bluetooth
from facecoach.companion.day_status import DayState, DayStatus
from facecoach.companion.reminders import ReminderMemory, decide
from facecoach.safety.records import SafetyRecords
from facecoach.safety.waiting import InjectionKind
from tests.support.cli import facecoach
from tests.support.dbus_mocks import Notified, bluez, needs_dbus_daemon, private_bus


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def calendar_days(capsys: pytest.CaptureFixture[str]) -> date:
    """Days start at midnight here, so 'today' is the calendar's today."""
    run(capsys, "program", "--day-start-hour", "0")
    return date.today()


def test_a_due_session_is_reminded_once_a_day(
    capsys: pytest.CaptureFixture[str], calendar_days: date
) -> None:
    code, out, err = run(capsys, "remind", "--no-notify")
    assert (code, err) == (EXIT_OK, "")
    assert out == "facecoach: a session is due today. 0 of 5 sessions this week.\n"
    assert run(capsys, "remind", "--no-notify") == (EXIT_OK, "", "")  # already reminded
    code, out, _ = run(capsys, "remind", "--no-notify", "--again")
    assert out.startswith("facecoach: a session is due today.")


def test_json_always_says_what_was_decided_and_uses_nothing_up(
    capsys: pytest.CaptureFixture[str], calendar_days: date
) -> None:
    _, out, _ = run(capsys, "remind", "--json", "--no-notify")
    first = json.loads(out)
    assert (first["state"], first["due"], first["reminded"], first["already"]) == (
        "due",
        True,
        False,  # nothing reached anyone: a script only asked
        False,
    )
    assert first["day"] == calendar_days.isoformat()
    run(capsys, "remind", "--no-notify")  # the scheduled reminder still comes
    _, out, _ = run(capsys, "remind", "--json", "--no-notify")
    second = json.loads(out)
    assert (second["reminded"], second["already"]) == (False, True)


def test_nothing_is_said_on_a_day_already_done(
    capsys: pytest.CaptureFixture[str], calendar_days: date
) -> None:
    run(capsys, "log", "express", "--date", calendar_days.isoformat(), "--time", "00:01")
    assert run(capsys, "remind", "--no-notify") == (EXIT_OK, "", "")
    _, out, _ = run(capsys, "remind", "--json", "--no-notify")
    assert json.loads(out)["state"] == "done"


def test_the_waiting_period_is_not_a_reminder(
    capsys: pytest.CaptureFixture[str], calendar_days: date, isolated_dirs: Path
) -> None:
    with SessionLog.open(isolated_dirs.parent / "data" / "facecoach.db") as store:
        SafetyRecords(store.database).add_injection(InjectionKind.BOTOX, calendar_days)
    assert run(capsys, "remind", "--no-notify") == (EXIT_OK, "", "")
    _, out, _ = run(capsys, "remind", "--json", "--no-notify")
    decided = json.loads(out)
    assert (decided["state"], decided["due"]) == ("wait", False)
    assert decided["waiting_until"] is not None


def test_the_streak_that_ends_today_is_named() -> None:
    today = date(2026, 11, 30)
    status = DayStatus(
        state=DayState.DUE,
        streak_days=6,
        best_days=9,
        strength=0.4,
        week_sessions=2,
        week_target=5,
        deadline=today,
        goal="5/7",
        waiting_until=None,
    )
    reminder = decide(status, today)
    assert reminder.streak_breaks
    assert reminder.message == (
        "2 of 5 sessions this week. Your 6-day streak ends if you skip today."
    )
    later = decide(status, today - timedelta(days=1))
    assert not later.streak_breaks


def test_a_damaged_memory_file_means_one_reminder_too_many_not_a_crash(tmp_path: Path) -> None:
    memory = ReminderMemory(tmp_path)
    memory.path.write_text("{not json")
    assert memory.reminded_on() is None
    memory.remember(date(2026, 11, 30))
    assert memory.reminded_on() == date(2026, 11, 30)


def test_at_goes_with_install_and_takes_a_time_of_day(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "remind", "--at", "08:30")
    assert code == EXIT_ERROR
    assert "--at goes with --install" in err
    code, _, err = run(capsys, "remind", "--install", "--at", "noon")
    assert code == EXIT_ERROR
    assert "'noon' is not a time of day" in err


def test_install_without_any_scheduler_says_what_to_do(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = facecoach(
        "remind", "--install", "--at", "07:45", env={"PATH": str(empty), "HOME": str(tmp_path)}
    )
    assert result.returncode == EXIT_ERROR
    assert "the reminder is not installed" in result.stderr
    assert "Install cron" in result.stderr


# --- the desktop notification, over a real session bus ------------------------------------------


@needs_dbus_daemon
def test_a_due_session_is_a_desktop_notification(
    capsys: pytest.CaptureFixture[str], calendar_days: date, notification_daemon: list[Notified]
) -> None:
    code, out, err = run(capsys, "remind")
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("facecoach: a session is due today.")
    assert [(n.summary, n.body) for n in notification_daemon] == [
        ("facecoach: a session is due today", "0 of 5 sessions this week.")
    ]


# --- doctor -------------------------------------------------------------------------------------


def test_doctor_lists_every_channel_and_says_why_one_cannot_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "doctor")
    assert code == EXIT_OK
    assert "Cues during a session" in out
    assert "Desktop notifications: not available (auto) · there is no D-Bus session bus" in out
    assert "Voice: off ·" in out
    assert "Daily reminder\n  No daily reminder is installed." in out
    _, out, _ = run(capsys, "doctor", "--json")
    report = json.loads(out)
    assert [c["channel"] for c in report["cues"]] == [
        "sound",
        "voice",
        "desktop",
        "terminal",
        "hook",
    ]
    assert set(report["bluetooth"]) == {"available", "how", "findings"}
    assert {f["what"] for f in report["bluetooth"]["findings"]} >= {"rfkill", "BlueZ"}


@pytest.fixture
def system_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private bus standing in for the system bus; yields its address."""
    with private_bus() as address:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", address)
        yield address


@needs_dbus_daemon
def test_bluetooth_check_follows_bluez_on_the_system_bus(system_bus: str) -> None:
    assert check_bluetooth("linux").how == (
        "BlueZ is not running (start it: `systemctl start bluetooth`)"
    )
    with bluez(system_bus):
        assert check_bluetooth("linux").how == (
            "BlueZ is running, but there is no Bluetooth adapter"
        )
    with bluez(system_bus, ("hci0",), powered=False):
        assert check_bluetooth("linux").how == "the adapter (hci0) is off: `bluetoothctl power on`"
    with bluez(system_bus, ("hci0",)):
        found = check_bluetooth("linux")
        assert (found.available, found.how) == (True, "BlueZ with hci0")
        # The mock's adapter has BlueZ's advertisement monitor, as BlueZ 5.56 and later do.
        passive = next(f for f in found.findings if f.what == "Passive scanning")
        assert (passive.found, passive.fix) == ("available", "")


def test_without_a_system_bus_bluetooth_says_so_and_points_to_simulate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from facecoach.companion import bluetooth_check

    monkeypatch.delenv("DBUS_SYSTEM_BUS_ADDRESS", raising=False)
    monkeypatch.setattr(bluetooth_check, "SYSTEM_BUS_SOCKET", Path("/nonexistent/socket"))
    found = check_bluetooth("linux")
    assert not found.available
    assert "`--simulate` runs everything without a radio" in found.how
