"""`facecoach remind` and `facecoach doctor` as a user (or a scheduler) runs them."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main
from facecoach.companion.day_status import DayState, DayStatus
from facecoach.companion.reminders import ReminderMemory, decide
from facecoach.safety.records import SafetyRecords
from facecoach.safety.waiting import InjectionKind
from facecoach.system.bluetooth import check_bluetooth
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
    from facecoach.system import bluetooth as bluetooth_check

    monkeypatch.delenv("DBUS_SYSTEM_BUS_ADDRESS", raising=False)
    monkeypatch.setattr(bluetooth_check, "SYSTEM_BUS_SOCKET", Path("/nonexistent/socket"))
    found = check_bluetooth("linux")
    assert not found.available
    assert "`--simulate` runs everything without a radio" in found.how


# --- the crontab, as cron and the user see it (no systemctl here: the reminder goes to cron) ---

FAKE_CRONTAB = """#!/bin/sh
# crontab -l / crontab -: the table is the file $FAKE_CRONTAB, bytes as they are.
case "$1" in
  -l) [ -f "$FAKE_CRONTAB" ] || { echo "no crontab for ann" >&2; exit 1; }
      exec /bin/cat "$FAKE_CRONTAB" ;;
  -) exec /bin/cat > "$FAKE_CRONTAB" ;;
esac
exit 2
"""

needs_sh = pytest.mark.skipif(not Path("/bin/sh").exists(), reason="no /bin/sh for a crontab")


@pytest.fixture
def cron_only(tmp_path: Path) -> dict[str, str]:
    """A PATH with a crontab program and no systemctl; the table is the file `table`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    crontab = bin_dir / "crontab"
    crontab.write_text(FAKE_CRONTAB)
    crontab.chmod(0o755)
    return {"PATH": str(bin_dir), "HOME": str(tmp_path), "FAKE_CRONTAB": str(tmp_path / "table")}


def cron_command(line: str) -> str:
    """What cron gives /bin/sh for a crontab line: the command after the five time fields,
    cut at the first unescaped `%`, each `\\%` made `%` (vixie cron's do_command.c)."""
    command = line.split(" ", 5)[5]
    out: list[str] = []
    escaped = False
    for char in command:
        if escaped:
            if char == "%":
                out[-1] = "%"
            else:
                out.append(char)
            escaped = False
            continue
        if char == "%":
            break
        out.append(char)
        escaped = char == "\\"
    return "".join(out)


@needs_sh
def test_install_and_uninstall_keep_every_other_byte_of_the_crontab(
    tmp_path: Path, cron_only: dict[str, str]
) -> None:
    theirs = (
        b"MAILTO=ann@example.org\r\n"  # a CRLF line
        b"0 1 * * * /usr/bin/a\rb\n"  # a lone CR inside a line
        b"# caf\xe9 in Latin-1\n"  # not UTF-8
        b"0 9 * * * /usr/bin/echo mine # facecoach-remind\n"  # the user's, with our marker
    )
    table = tmp_path / "table"
    table.write_bytes(theirs)
    installed = facecoach("remind", "--install", "--at", "07:45", env=cron_only)
    assert installed.returncode == EXIT_OK, installed.stderr
    lines = table.read_bytes().split(b"\n")
    assert table.read_bytes().startswith(theirs)
    assert lines[-2].startswith(b"45 7 * * * ")
    assert lines[-2].endswith(b"  # facecoach-remind")
    removed = facecoach("remind", "--uninstall", env=cron_only)
    assert removed.returncode == EXIT_OK, removed.stderr
    assert "Removed the line marked" in removed.stdout
    assert table.read_bytes() == theirs


@needs_sh
def test_a_percent_after_a_backslash_in_the_data_folder_reaches_the_reminder(
    tmp_path: Path, cron_only: dict[str, str], calendar_days: date
) -> None:
    data = tmp_path / "odd \\%d folder"
    data.mkdir()
    env = {**cron_only, "FACECOACH_DATA_DIR": str(data)}
    installed = facecoach("remind", "--install", env=env)
    assert installed.returncode == EXIT_OK, installed.stderr
    line = (tmp_path / "table").read_text().splitlines()[-1]
    # cron's bare environment, and the worktree's code for the reminder it starts.
    bare = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    bare["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    ran = subprocess.run(
        ["/bin/sh", "-c", cron_command(line)], capture_output=True, text=True, env=bare, timeout=60
    )
    assert ran.stdout.startswith("facecoach: a session is due today."), ran.stderr
    assert (data / "last-reminder.json").exists()


@needs_sh
def test_the_xdg_folders_travel_with_the_reminder(
    tmp_path: Path, cron_only: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FACECOACH_CONFIG_DIR", "FACECOACH_DATA_DIR", "FACECOACH_CACHE_DIR"):
        monkeypatch.delenv(name)
    env = {**cron_only, "XDG_DATA_HOME": str(tmp_path / "xd"), "XDG_CONFIG_HOME": "rel/xc"}
    installed = subprocess.run(
        [sys.executable, "-m", "facecoach", "remind", "--install"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=tmp_path,
        timeout=60,
    )
    assert installed.returncode == EXIT_OK, installed.stderr
    line = (tmp_path / "table").read_text().splitlines()[-1]
    bare = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    bare["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    ran = subprocess.run(
        ["/bin/sh", "-c", cron_command(line)], capture_output=True, text=True, env=bare, timeout=60
    )
    assert ran.returncode == EXIT_OK, ran.stderr
    # The reminder read and wrote where this shell's facecoach does: the XDG folders.
    assert (tmp_path / "xd" / "facecoach" / "last-reminder.json").exists()
    assert f"XDG_CONFIG_HOME={tmp_path / 'rel' / 'xc'}" in line


@needs_sh
def test_an_empty_at_is_refused_and_installs_nothing(
    tmp_path: Path, cron_only: dict[str, str]
) -> None:
    result = facecoach("remind", "--install", "--at", "", env=cron_only)
    assert result.returncode == EXIT_ERROR
    assert "'' is not a time of day" in result.stderr
    assert not (tmp_path / "table").exists()


def test_remind_with_a_mistyped_data_dir_refuses_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    typo = tmp_path / "fcaecoach"
    code, out, err = run(capsys, "--data-dir", str(typo), "remind")
    assert (code, out) == (EXIT_ERROR, "")
    assert f"there is no session log in {typo}" in err
    assert not typo.exists()
