"""The session log as a careful user meets it: typos, wrong folders, broken links, odd bytes."""

import os
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from facecoach.adherence.session_log import RecordStatus, SessionLog, ZonePlan
from facecoach.adherence.stats import compute_stats, session_counts
from facecoach.cli.adherence import TODAY, _planned_day
from facecoach.cli.main import main
from facecoach.companion.core import Companion
from facecoach.config.settings import Settings
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from tests.support.cli import facecoach


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "lift-5", "--date", "0026-11-01"], "is before 2000-01-01; is the year mistyped?"),
        (["log", "lift-5", "--date", "0001-01-01", "--time", "00:00"], "is the year mistyped?"),
        (["log", "lift-5", "--date", "2999-01-01"], "is in the future"),
        (["program", "--start", "0001-01-01"], "is the year mistyped?"),
        (["skip", "0026-11-01", "--reason", "typo"], "is the year mistyped?"),
    ],
    ids=["log year 0026", "log year 1", "log far ahead", "program start year 1", "skip year 0026"],
)
def test_a_mistyped_year_is_refused_before_anything_is_written(
    args: list[str], expected: str, data_dir: Path, isolated_dirs: Path
) -> None:
    result = facecoach(*args)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("facecoach: error: ")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (data_dir / "facecoach.db").exists()
    assert not (isolated_dirs / "settings.toml").exists()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["stats"], ["history"], ["export"]])
def test_reading_from_a_mistyped_folder_creates_nothing_and_says_so(
    tmp_path: Path, command: list[str]
) -> None:
    wrong = tmp_path / "no-such-folder"
    result = facecoach("--data-dir", str(wrong), *command)
    assert result.returncode == 1
    assert "there is no session log in" in result.stderr
    assert not wrong.exists()


@pytest.mark.slow
def test_a_new_user_reads_an_empty_history_without_a_log_being_created(data_dir: Path) -> None:
    assert "No sessions yet" in facecoach("history").stdout
    assert "a session is due today" in facecoach("stats").stdout
    assert not (data_dir / "facecoach.db").exists()


@pytest.mark.slow
def test_history_limit_must_be_at_least_one() -> None:
    result = facecoach("history", "--limit", "0")
    assert result.returncode == 2
    assert "must be from 1 to 1000000" in result.stderr


def test_skip_today_just_after_midnight_marks_the_counting_day(isolated_dirs: Path) -> None:
    clock = FakeClock(start=datetime(2026, 11, 20, 1, 30, tzinfo=UTC))  # a new day starts at 03
    companion = Companion(clock, isolated_dirs, isolated_dirs / "log.db", RoutineLibrary.load(None))
    assert _planned_day(TODAY, companion, "FROM") == date(2026, 11, 19)


def test_a_complete_session_with_most_glides_skipped_does_not_count(tmp_path: Path) -> None:
    started = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    with SessionLog.open(tmp_path / "log.db") as log:
        sid = log.begin_session(
            routine_id="lift-5",
            routine_name="Lift",
            started=started,
            utc_offset_minutes=0,
            planned_seconds=300,
            zones=[ZonePlan(0, "forehead", 30)],
            source="tui",
        )
        for step in range(4):
            log.record_glide(
                sid,
                step_index=step,
                zone_index=0,
                side="left",
                glide=1,
                seconds=5,
                completed_offset=5.0 * step,
                active_seconds=5.0 * step,
                now=started,
            )
        log.record_skipped_glides(sid, 0, 26, started)
        log.finish_session(
            sid,
            status=RecordStatus.COMPLETED,
            ended=started + timedelta(minutes=5),
            active_seconds=20,
        )
        (session,) = log.sessions()
    assert session.status is RecordStatus.COMPLETED
    assert not session_counts(session, 0.5)
    settings = Settings()
    stats = compute_stats(
        [session],
        {},
        today=started.date(),
        program=settings.program(),
        program_start=None,
        day_start_hour=3,
        count_share=0.5,
    )
    assert stats.counted_sessions == 0
    assert stats.today_state != "done"


@pytest.mark.slow
def test_a_broken_link_as_the_log_is_refused_and_nothing_is_created_at_its_end(
    data_dir: Path, tmp_path: Path
) -> None:
    data_dir.mkdir(parents=True)
    target = tmp_path / "elsewhere" / "facecoach.db"
    (data_dir / "facecoach.db").symlink_to(target)
    result = facecoach("log", "lift-5")
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert not target.exists()


@pytest.mark.slow
def test_text_that_is_not_utf8_in_the_log_is_shown_not_a_traceback(data_dir: Path) -> None:
    assert facecoach("log", "lift-5").returncode == 0
    with sqlite3.connect(data_dir / "facecoach.db") as db:
        db.execute("UPDATE sessions SET routine_name = CAST(x'4c6966ff7420c3' AS TEXT)")
    db.close()
    result = facecoach("history")
    assert result.returncode == 0, result.stderr
    assert "Lif\ufffdt" in result.stdout


@pytest.mark.slow
def test_escape_sequences_from_the_log_never_reach_the_terminal(data_dir: Path) -> None:
    os.environ["FACECOACH_DATA_DIR"] = str(data_dir)  # the isolated folder, for main()
    with SessionLog.open(data_dir / "facecoach.db") as log:
        log.log_manual_session(
            routine_id="evil",
            routine_name="\x1b]0;pwned\x07\x1b[2JEvil",
            started=datetime.now(UTC) - timedelta(hours=1),
            utc_offset_minutes=0,
            seconds=60,
            zones=[],
        )
    for command in (["history"], ["stats"]):
        result = facecoach(*command)
        assert "\x1b" not in result.stdout, command
    # An export is data: into a pipe or a file it keeps every byte, to come back on import.
    assert "\x1b]0;pwned" in facecoach("export", "--format", "csv").stdout


def history_rows(capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    capsys.readouterr()  # what came before
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    if lines and lines[0].startswith("No sessions"):
        return []
    return [line.split() for line in lines[1:] if line and not line.startswith("Skip")]


def test_a_second_log_of_the_same_routine_that_day_needs_force(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["log", "lift-5", "--date", "2026-11-20", "--time", "08:00"]) == 0
    assert main(["log", "lift-5", "--date", "2026-11-20", "--time", "19:00"]) == 1
    err = capsys.readouterr().err
    assert "already logged for that day" in err
    assert "--force" in err
    assert len(history_rows(capsys)) == 1
    assert main(["log", "express", "--date", "2026-11-20"]) == 0  # another routine is fine
    assert main(["log", "lift-5", "--date", "2026-11-20", "--time", "19:00", "--force"]) == 0
    assert len(history_rows(capsys)) == 3


def test_edit_delete_undo_and_purge_through_the_short_id(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    assert main(["log", "lift-5", "--date", "2026-11-20", "--time", "08:00"]) == 0
    capsys.readouterr()
    (row,) = history_rows(capsys)
    short_id = row[0]
    assert len(short_id) == 6

    assert main(["log", "edit", short_id, "--note", "left cheek tingled", "--minutes", "7"]) == 0
    assert "note: left cheek tingled" in capsys.readouterr().out
    (row,) = history_rows(capsys)
    assert "7" in row
    assert "min" in row
    assert "tingled" in " ".join(row)
    with SessionLog.open(data_dir / "facecoach.db") as log:
        (session,) = log.sessions()
        (event,) = log.session_events(session.id)
        assert event[1] == "edited"
        assert "note was None" in event[2]

    assert main(["log", "delete", short_id]) == 0
    assert "log undo" in capsys.readouterr().out
    assert history_rows(capsys) == []
    assert main(["log", "undo"]) == 0
    assert f"Restored {short_id}" in capsys.readouterr().out
    assert len(history_rows(capsys)) == 1

    assert main(["log", "delete", short_id]) == 0
    assert main(["log", "purge"]) == 1  # no terminal to ask on
    assert main(["log", "purge", "--yes"]) == 0
    assert "Purged 1 deleted session" in capsys.readouterr().out
    assert main(["log", "undo"]) == 0
    assert "Nothing to undo" in capsys.readouterr().out
    assert main(["log", "edit", "zzzz"]) == 1
    assert "not a session id" in capsys.readouterr().err


@pytest.mark.slow
def test_a_pipe_in_place_of_the_log_is_refused_not_waited_on(data_dir: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("a FIFO (os.mkfifo) is POSIX only")
    data_dir.mkdir(parents=True)
    os.mkfifo(data_dir / "facecoach.db")
    result = facecoach("history")
    assert result.returncode == 1
    assert "not a regular file" in result.stderr


@pytest.mark.slow
def test_index_damage_the_quick_check_misses_stops_the_days_first_write(data_dir: Path) -> None:
    for day in ("01", "02"):
        assert (
            facecoach("log", "lift-5", "--date", f"2026-11-{day}", "--time", "08:00").returncode
            == 0
        )
    path = data_dir / "facecoach.db"
    for backup in (data_dir / "backups").glob("*.db"):
        backup.unlink()  # so that today's first write is due its check again
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sessions_started'"
        ).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    data = bytearray(path.read_bytes())
    at = data.find(b"2026-11-01T", (root - 1) * size, root * size)
    data[at : at + 10] = b"2026-10-31"  # the index now disagrees with its table
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = facecoach("log", "express", "--date", "2026-11-03")
    assert result.returncode == 1
    assert "missing from index" in result.stderr
    assert path.read_bytes() == before


def test_a_routine_cannot_take_a_word_that_log_reads_as_an_action(tmp_path: Path) -> None:
    routine = tmp_path / "edit.toml"
    routine.write_text('id = "edit"\nname = "Edit"\n[[zones]]\nzone = "cheeks"\n')
    result = facecoach("routines", "validate", str(routine))
    assert result.returncode == 1
    assert "reserved by `facecoach log`" in result.stderr
