"""Hostile files and arguments (issue 28): each one is a message in words, never a traceback,
and whatever else is there still works."""

import contextlib
import sqlite3
from pathlib import Path

import pytest

from facecoach.cli.main import EXIT_ERROR, EXIT_OK, EXIT_USAGE, main
from tests.support.cli import QUICK

# 1,000 arrays inside each other: 2 KB of TOML that Python's reader cannot follow.
NESTED = "x = " + "[" * 1000 + "]" * 1000 + "\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit:  # argparse's way out, with its message said
        code = int(exit.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("file", "command", "still_there"),
    [
        ("settings.toml", ["routines", "list"], "mine"),
        ("devices.toml", ["routines", "list"], "mine"),
        ("routines/nested.toml", ["routines", "list"], "mine"),
        ("device_profiles/nested.toml", ["profiles", "list"], "reference-a"),
    ],
)
def test_a_deeply_nested_toml_file_is_reported_and_the_others_still_load(
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    command: list[str],
    still_there: str,
) -> None:
    """F7: RecursionError from the TOML reader crashed every command (settings, devices) or
    every listing (a routine, a profile)."""
    (isolated_dirs / "routines").mkdir(parents=True)
    (isolated_dirs / "device_profiles").mkdir()
    (isolated_dirs / "routines" / "mine.toml").write_text(
        QUICK.replace('id = "quick"', 'id = "mine"')
    )
    (isolated_dirs / file).write_text(NESTED)
    code, out, err = run(capsys, *command)
    assert code == EXIT_OK
    assert still_there in out
    assert f"{Path(file).name}: nested too deeply" in err
    assert "Traceback" not in err
    if file == "devices.toml":
        code, out, err = run(capsys, "devices", "list")
        assert code == EXIT_OK
        assert "nested too deeply" in err


@pytest.mark.parametrize(
    "text", ["{state:{state}}", "{streak:%}", "{streak:>999999999}", "{streak:.99999999999}"]
)
def test_status_refuses_a_format_it_cannot_print_or_that_prints_without_bound(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """F11: tracebacks, and 1 GB printed (1.9 GB resident) for {streak:>999999999}, from a
    command a status bar runs every few seconds."""
    code, out, err = run(capsys, "status", "--format", text)
    assert code == EXIT_ERROR
    assert out == ""
    assert err.startswith("facecoach: error: --format has {")


def test_status_keeps_alignment_and_widths_within_bounds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "status", "--format", "[{streak:>3}|{state:*^8}|{week:200}]")
    assert code == EXIT_OK
    assert out == "[  0|**due***|" + "0/5".ljust(200) + "]\n"


# What Python makes of `$(printf 'a\xff')` in a UTF-8 locale: the byte as a lone surrogate.
NOT_UTF8 = "a\udcff"


@pytest.mark.parametrize(
    "command",
    [
        ["log", "express", "--note", NOT_UTF8],
        ["skip", "2030-01-01", "--reason", NOT_UTF8],
        ["log", "edit", "{id}", "--note", NOT_UTF8],
    ],
)
def test_a_note_or_reason_that_is_not_utf8_is_refused_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """F12: UnicodeEncodeError from SQLite crashed log, skip and log edit."""
    assert run(capsys, "log", "express", "--note", "kept")[0] == EXIT_OK
    _, before, _ = run(capsys, "history")
    session_id = before.splitlines()[1].split()[0]
    code, _, err = run(capsys, *(part.replace("{id}", session_id) for part in command))
    assert code == EXIT_USAGE
    assert "is not UTF-8 text" in err
    assert "Traceback" not in err
    assert run(capsys, "history")[1] == before
    assert "2030-01-01" not in run(capsys, "history", "--limit", "100")[1]


def test_a_log_whose_totals_row_was_deleted_is_said_damaged(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the fuzz (bench/fuzz_hostile.py): `status`, `stats` and `remind` unpacked a row
    that another tool had deleted (ValueError)."""
    assert run(capsys, "log", "express")[0] == EXIT_OK
    database = isolated_dirs.parent / "data" / "facecoach.db"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("DELETE FROM log_totals")
        connection.commit()
    for command in (["status"], ["stats", "--json"], ["remind", "--no-notify"]):
        code, _, err = run(capsys, *command)
        assert code == EXIT_ERROR
        assert "it is damaged" in err


@pytest.mark.parametrize(
    ("column", "command"),
    [
        ("note", ["history"]),
        ("active_seconds", ["history"]),
        ("utc_offset_minutes", ["history"]),
        ("routine_id", ["export", "--format", "json"]),
    ],
)
def test_binary_data_put_in_the_log_by_another_tool_is_said_damaged(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str], column: str, command: list[str]
) -> None:
    """Found by the fuzz: a blob in a text or number column was a TypeError (or pydantic's
    serialization error) in history, stats and export."""
    assert run(capsys, "log", "express", "--note", "n")[0] == EXIT_OK
    database = isolated_dirs.parent / "data" / "facecoach.db"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute(f"UPDATE sessions SET {column} = ?", (b"\xff\xfe",))
        connection.commit()
    code, _, err = run(capsys, *command)
    assert code == EXIT_ERROR
    assert "it is damaged (binary data" in err


def test_text_in_a_number_column_of_the_log_is_said_damaged(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the fuzz: text put in `utc_offset_minutes` by another tool was a TypeError."""
    assert run(capsys, "log", "express")[0] == EXIT_OK
    database = isolated_dirs.parent / "data" / "facecoach.db"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("UPDATE sessions SET utc_offset_minutes = 'sixty'")
        connection.commit()
    for command in (["history"], ["log", "express", "--force"]):
        code, _, err = run(capsys, *command)
        assert code == EXIT_ERROR
        assert "it is damaged" in err
