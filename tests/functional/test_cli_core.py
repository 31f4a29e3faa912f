"""The command line through the application core: the same gates, words and routines as the app.

Each test runs `facecoach` as a user does, in a subprocess with its own files.
"""

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facecoach.adherence.days import DEFAULT_DAY_START_HOUR, today
from facecoach.adherence.session_log import RecordStatus, SessionLog
from facecoach.config.settings import Settings, load_settings, save_settings
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.safety.records import SafetyRecords
from facecoach.safety.screening import CONTRAINDICATIONS
from facecoach.safety.waiting import InjectionKind
from tests.support.cli import BRIEF, QUICK, facecoach

pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


@pytest.fixture
def quick(tmp_path: Path) -> Path:
    file = tmp_path / "quick.toml"
    file.write_text(QUICK)
    return file


def safety(data_dir: Path) -> SafetyRecords:
    return SafetyRecords(SessionLog.open(data_dir / "facecoach.db").database)


def sessions(data_dir: Path) -> list[RecordStatus]:
    with SessionLog.open(data_dir / "facecoach.db") as log:
        return [s.status for s in log.sessions()]


def overrides(data_dir: Path) -> list[str]:
    with SessionLog.open(data_dir / "facecoach.db") as log:
        return [warning for _, warning, _ in SafetyRecords(log.database).overrides()]


def on_a_terminal(
    args: list[str], answers: list[bytes], interrupt: bool = False
) -> tuple[int, str]:
    """`facecoach ARGS` on a real pseudo-terminal: each `[y/N]` or `[y/n]` prompt gets the next
    answer (b"\\x04" is Ctrl-D), or with `interrupt`, the first prompt gets Ctrl-C; a prompt
    past the last answer gets Ctrl-C too. Returns the exit code and all it printed."""
    if sys.platform == "win32":
        pytest.skip("a pseudo-terminal (os.openpty) is POSIX only")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "facecoach", *args],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    os.close(terminal)
    output = b""
    pending = iter(answers)
    deadline = time.monotonic() + 60  # a bound, so a stuck process fails the test, not CI
    interrupted_at: float | None = None
    try:
        while time.monotonic() < deadline:
            if interrupted_at is not None and time.monotonic() - interrupted_at > 2:
                # A second Ctrl-C, as a person would press again if the first went unseen.
                process.send_signal(signal.SIGINT)
                interrupted_at = time.monotonic()
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process has ended
                break
            if not chunk:
                break
            output += chunk
            if output.endswith((b"[y/N] ", b"[y/n] ")):
                answer = next(pending, None)
                if interrupt or answer is None:
                    process.send_signal(signal.SIGINT)
                    interrupted_at = time.monotonic()
                else:
                    os.write(controller, answer)
            elif output.endswith(b"(Enter skips): "):  # how it felt, after a session
                os.write(controller, b"\n")
    finally:
        if process.poll() is None and time.monotonic() >= deadline:
            process.kill()
        process.wait(60)
        os.close(controller)
    return process.returncode, output.decode()


# 4. The plain coach passes the same gates as the app -----------------------------------------


def test_without_answers_the_coach_refuses_and_says_how_to_go_on(
    quick: Path, data_dir: Path
) -> None:
    result = facecoach("coach", str(quick), "--confirm-checks")
    assert result.returncode == 1
    assert result.stderr.startswith("facecoach: error: Please answer the safety questions")
    assert "--accept-risk" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert sessions(data_dir) == []


def test_accepting_the_risk_is_recorded_and_said(quick: Path, data_dir: Path) -> None:
    result = facecoach("coach", str(quick), "--accept-risk", "--confirm-checks")
    assert result.returncode == 0, result.stderr
    assert "going on because of --accept-risk (recorded in your log)" in result.stderr
    assert overrides(data_dir) == ["screening_missing"]
    assert sessions(data_dir) == [RecordStatus.COMPLETED]


def test_do_not_use_answers_need_an_override(quick: Path, data_dir: Path) -> None:
    safety(data_dir).record_screening({"pregnancy": True}, datetime.now(UTC))
    refused = facecoach("coach", str(quick), "--confirm-checks")
    assert refused.returncode == 1
    assert "advise against using the device" in refused.stderr
    assert "pregnant" in refused.stderr
    assert sessions(data_dir) == []
    accepted = facecoach("coach", str(quick), "--confirm-checks", "--json", "--accept-risk")
    assert accepted.returncode == 0, accepted.stderr
    json.loads(accepted.stdout.splitlines()[0])  # the warning went to stderr, not into the JSON
    assert overrides(data_dir) == ["screening"]


@pytest.mark.usefixtures("screened")
def test_the_waiting_period_after_an_injection_needs_an_override(
    quick: Path, data_dir: Path
) -> None:
    # Today as facecoach counts it (a new day starts at 03:00): the calendar date is tomorrow
    # between midnight and three, when an injection "today" would lie ahead.
    counting_today = today(datetime.now(UTC), DEFAULT_DAY_START_HOUR)
    safety(data_dir).add_injection(InjectionKind.BOTOX, counting_today)
    refused = facecoach("coach", str(quick), "--confirm-checks")
    assert refused.returncode == 1
    assert "waiting period" in refused.stderr
    assert sessions(data_dir) == []


@pytest.mark.usefixtures("screened")
def test_the_checks_must_be_confirmed(quick: Path, data_dir: Path) -> None:
    result = facecoach("coach", str(quick))
    assert result.returncode == 1
    assert "--confirm-checks" in result.stderr
    assert "conductive gel" in result.stderr
    assert sessions(data_dir) == []


def test_on_a_terminal_the_gates_are_questions(quick: Path, data_dir: Path) -> None:
    """The safety questions, then the checks, answered at the prompts of a real terminal."""
    quick.write_text(BRIEF)  # then a session on the real clock
    code, text = on_a_terminal(["coach", str(quick)], [b"n\n"] * 8 + [b"y\n", b"y\n"])
    assert code == 0, text
    assert "pacemaker" in text
    assert "No contraindications reported." in text
    assert "Conductive gel applied" in text
    assert "Session complete" in text
    assert sessions(data_dir) == [RecordStatus.COMPLETED]


def test_an_unclear_answer_to_a_safety_question_is_asked_again(quick: Path, data_dir: Path) -> None:
    """U1: "ye", "1" or a stray line is not "no": for a contraindication, no lets a session
    start. Only y/yes or n/no is taken; the question comes again until it is clear."""
    unclear = [b"ye\n", b"oui\n", b"1\n", b"maybe\n", b"clear; facecoach history\n", b"\n"]
    answers = [*unclear, b"y\n"] + [b"no\n"] * 7 + [b"y\n", b"y\n"]
    code, text = on_a_terminal(["coach", str(quick)], answers)
    assert text.count("Please answer y or n.") == 5  # the sixth unclear answer gives up
    assert code == 1, text
    assert "no clear answer (y or n) after 5 tries; nothing was saved" in text
    assert safety(data_dir).latest_screening() is None
    answers = [b"ye\n", b"YES\n"] + [b"n\n"] * 7 + [b"\n"]  # Enter at "Start anyway? [y/N]"
    code, text = on_a_terminal(["coach", str(quick)], answers)
    assert code == 1, text
    assert "not started" in text
    assert text.count("Please answer y or n.") == 1
    screening = safety(data_dir).latest_screening()
    assert screening is not None
    assert screening.result.answers[CONTRAINDICATIONS[0].id] is True  # taken from "YES", not "ye"


@pytest.mark.parametrize("end", [b"\x04", None], ids=["ctrl-d", "ctrl-c"])
def test_safety_screen_saves_nothing_until_every_question_is_answered(
    data_dir: Path, end: bytes | None
) -> None:
    """Ctrl-D or Ctrl-C part way through the questions: earlier answers are not saved as if the
    rest were "no"."""
    answers = [b"y\n", b"n\n", b"n\n"] + ([end] if end else [])
    code, text = on_a_terminal(["--data-dir", str(data_dir), "safety", "screen"], answers)
    assert code == 1, text
    assert "Traceback" not in text
    assert "nothing was saved" in text or "none of these answers was saved" in text
    assert not (data_dir / "facecoach.db").exists() or safety(data_dir).latest_screening() is None
    shown = facecoach("--data-dir", str(data_dir), "safety")
    assert "not answered yet" in shown.stdout


def test_safety_screen_takes_yes_and_no_in_words(data_dir: Path) -> None:
    answers = [b"Yes\n", b"nope\n", b"no\n"] + [b"N\n"] * 6
    code, text = on_a_terminal(["--data-dir", str(data_dir), "safety", "screen"], answers)
    assert code == 0, text
    assert text.count("Please answer y or n.") == 1
    screening = safety(data_dir).latest_screening()
    assert screening is not None
    assert list(screening.result.answers.values()).count(True) == 1


def test_ctrl_c_at_a_question_starts_nothing(quick: Path, data_dir: Path) -> None:
    code, text = on_a_terminal(["coach", str(quick)], [], interrupt=True)
    assert code == 1, text
    assert "interrupted before the session started" in text
    assert "Traceback" not in text
    assert not (data_dir / "facecoach.db").exists() or sessions(data_dir) == []


def test_a_damaged_log_does_not_switch_the_safety_gates_off(quick: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "facecoach.db").write_bytes(b"not a database" * 100)
    refused = facecoach("coach", str(quick), "--confirm-checks")
    assert refused.returncode == 1
    assert "safety answers cannot be read" in refused.stderr
    accepted = facecoach("coach", str(quick), "--confirm-checks", "--accept-risk")
    assert accepted.returncode == 0, accepted.stderr
    assert "not recorded" in accepted.stderr
    assert "it is not logged" in accepted.stderr
    assert (data_dir / "facecoach.db").read_bytes() == b"not a database" * 100


# 5. Settings apply to every listing and to what the coach runs --------------------------------


def test_the_glide_length_setting_shows_in_every_listing_and_runs(
    isolated_dirs: Path, data_dir: Path
) -> None:
    save_settings(isolated_dirs, Settings(glide_seconds=6))
    listing = facecoach("routines")
    express = next(line for line in listing.stdout.splitlines() if line.startswith("express"))
    assert "2 min 59 s" in express
    assert "Total: 2 min 59 s" in facecoach("routines", "show", "express").stdout
    coach = facecoach("coach", "express", "--json", "--accept-risk", "--confirm-checks")
    assert coach.returncode == 0, coach.stderr
    records = [json.loads(line) for line in coach.stdout.splitlines()]
    assert records[0]["planned_seconds"] == 179
    glides = [r for r in records if r["event"] == "step_started" and r["step"]["kind"] == "glide"]
    assert {r["step"]["duration"] for r in glides} == {6}  # the setting runs, too


# 9. A killed session is interrupted at once -------------------------------------------------


@pytest.mark.usefixtures("screened")
def test_a_killed_coach_shows_as_interrupted_straight_away(quick: Path) -> None:
    slow = quick.with_name("slow.toml")
    slow.write_text(QUICK.replace("0.2", "30"))
    process = subprocess.Popen(
        [sys.executable, "-m", "facecoach", "coach", str(slow), "--json", "--confirm-checks"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if json.loads(line)["event"] == "step_started":
            break
    assert "running" in facecoach("history").stdout  # its owner is alive: still running
    process.kill()
    process.wait(30)
    process.stdout.close()
    history = facecoach("history").stdout
    assert "interrupted" in history
    assert "running" not in history


# 10. One vocabulary ---------------------------------------------------------------------------


def test_a_one_goal_program_is_named_as_in_the_app(isolated_dirs: Path) -> None:
    result = facecoach("program", "--goal", "3/7")
    assert result.returncode == 0, result.stderr
    # U25: one phase has no "then" to follow: it runs with no end.
    assert "ongoing: 3 per week, with no end" in result.stdout
    assert [phase.name for phase in load_settings(isolated_dirs).phases] == ["ongoing"]


# 2. No Bluetooth service: a clear message, not a traceback ------------------------------------


def test_a_real_paired_device_without_bluetooth_is_a_clear_message(isolated_dirs: Path) -> None:
    KnownDevices(isolated_dirs).remember(
        KnownDevice(
            address="C0:11:22:33:44:55",
            profile="reference-a",
            name="My device",
            paired_at=datetime.now(UTC),
            simulated=False,
        )
    )
    no_bus = {"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/system_bus_socket"}
    result = facecoach("devices", "info", env=no_bus)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("facecoach: error: Cannot connect to My device: Bluetooth")
