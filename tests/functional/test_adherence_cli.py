"""Adherence commands as a user runs them: log, stats, history, skip, export, import, program."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main
from tests.support.cli import QUICK, facecoach


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_log_then_stats_and_history(capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    run(capsys, "program", "--day-start-hour", "0")  # days are plain calendar days here
    for back in range(1, 6):
        day = str(today - timedelta(days=back))
        code, out, err = run(capsys, "log", "express", "--date", day, "--time", "09:00")
        assert code == EXIT_OK, err
    code, out, _ = run(capsys, "stats", "--json")
    stats = json.loads(out)
    # 5 sessions in 5 days meet 5 per 7, which covers today too: a 6-day streak.
    assert stats["streak"]["current_days"] == 6
    assert stats["today_state"] == "rest"  # the goal is met for the next two days
    assert stats["streak"]["days_left"] == 2
    assert stats["program"]["day_in_phase"] == 6
    assert stats["zone_glides"]["neck"] == 5 * 6
    code, out, _ = run(capsys, "stats")
    assert "Streak: 6 days" in out
    code, out, _ = run(capsys, "history", "--limit", "3")
    assert len(out.splitlines()) == 4
    assert out.startswith("ID ")  # the id that `log edit` and `log delete` take


@pytest.mark.usefixtures("screened")
def test_coach_sessions_are_logged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "quick.toml"
    file.write_text(QUICK)
    result = facecoach("coach", str(file), "--confirm-checks")
    assert result.returncode == EXIT_OK, result.stderr
    _code, out, _ = run(capsys, "history")
    assert "Quick" in out
    assert "done" in out  # the same word as the app's History
    assert "2/2" in out


def test_skip_days_keep_the_streak(capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    run(capsys, "program", "--goal", "1/1", "--day-start-hour", "0")
    for back in (6, 5, 4, 1):
        run(
            capsys, "log", "express", "--date", str(today - timedelta(days=back)), "--time", "09:00"
        )
    assert json.loads(run(capsys, "stats", "--json")[1])["streak"]["current_days"] == 1
    _code, out, _ = run(
        capsys,
        "skip",
        str(today - timedelta(days=3)),
        str(today - timedelta(days=2)),
        "--reason",
        "flu",
    )
    assert "Marked 2 skip days" in out
    # Days 6 to 1 before today, skip days included; today is still pending.
    assert json.loads(run(capsys, "stats", "--json")[1])["streak"]["current_days"] == 6


def test_skip_needs_a_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "skip", "2026-01-01")
    assert code == EXIT_ERROR
    assert "--reason" in err


def test_export_import_round_trip_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "log", "lift-5", "--date", "2026-01-05")
    run(capsys, "skip", "2026-01-06", "--reason", "travel")
    for fmt in ("json", "csv"):
        out_file = tmp_path / f"export.{fmt}"
        assert run(capsys, "export", "--format", fmt, "-o", str(out_file))[0] == EXIT_OK
        other = ["--data-dir", str(tmp_path / f"other-{fmt}")]
        _code, out, _ = run(capsys, *other, "import", str(out_file))
        assert "Imported 1 new session; 0 were already" in out
        _code, out, _ = run(capsys, *other, "import", str(out_file))
        assert "Imported 0 new sessions; 1 was already" in out


def test_a_corrupt_log_gives_one_clear_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "facecoach.db").write_text("this is not a database")
    result = facecoach("--data-dir", str(data), "stats")
    assert result.returncode == EXIT_ERROR
    assert "Traceback" not in result.stderr
    assert "has not been changed" in result.stderr
    assert (data / "facecoach.db").read_text() == "this is not a database"


def test_program_changes_are_saved_and_validated(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "program", "--intro", "4/7", "--intro-days", "30", "--day-start-hour", "4"
    )
    assert code == EXIT_OK
    assert "intro: 4 per week, 30 days" in out
    assert "maintenance: 3 per week" in out
    code, _, err = run(capsys, "program", "--goal", "9/7")
    assert code == EXIT_ERROR
    assert "at most one session counts per day" in err


def test_export_to_csv_keeps_seconds_to_the_millisecond_and_counts_skip_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", "lift-5", "--date", "2026-11-20", "--minutes", "1.1055555"]) == 0
    assert main(["skip", "2026-11-21", "2026-11-22", "--reason", "travel"]) == 0
    capsys.readouterr()
    target = tmp_path / "s.csv"
    assert main(["export", "--format", "csv", "-o", str(target)]) == 0
    assert "Exported 1 session and 2 skip days" in capsys.readouterr().err
    text = target.read_text()
    assert ",66.333," in text  # 1.1055555 minutes, not 66.33333000000001
    assert "00000000" not in text


def test_pairing_refuses_what_is_not_an_address_at_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--simulate", "devices", "pair", "ZZ:ZZ"]) == 1
    assert "'ZZ:ZZ' is not a Bluetooth address" in capsys.readouterr().err
