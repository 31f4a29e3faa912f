"""Backups: made once a day by writers, kept for a while, and a restore gives every session back."""

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import main
from facecoach.cli.time_source import time_from
from facecoach.storage.backups import Backups
from tests.support.cli import QUICK
from tests.support.virtual_time import VIRTUAL_TIME


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


def logged(capsys: pytest.CaptureFixture[str], *days: str) -> None:
    for day in days:
        assert main(["log", "lift-5", "--date", day, "--time", "08:00"]) == 0
    capsys.readouterr()


def test_writing_makes_one_private_backup_a_day(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    logged(capsys, "2026-11-01", "2026-11-02")
    backups = Backups(data_dir / "facecoach.db").list()
    # The first write found no log to back up; the second made today's backup, once.
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].path.stat().st_mode) == 0o600
    with SessionLog.open(backups[0].path) as copy:
        assert len(copy.sessions()) == 1  # the log as it was before the second write


def test_old_backups_go_after_the_days_to_keep(data_dir: Path) -> None:
    database = data_dir / "facecoach.db"
    SessionLog.open(database).close()
    backups = Backups(database)
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    for day in range(20):
        backups.daily(start + timedelta(days=day), keep_days=14)
    made = [b.made.date() for b in backups.list()]
    assert len(made) == 15
    assert made[0] == (start + timedelta(days=19)).date()
    assert backups.daily(start + timedelta(days=19, hours=3), keep_days=14) is None


def test_restore_after_a_deliberate_corruption_gives_every_session_back(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    logged(capsys, "2026-11-01", "2026-11-02", "2026-11-03")
    assert main(["backup", str(tmp_path)]) == 0
    made = capsys.readouterr().out
    (backup,) = tmp_path.glob("facecoach-*.db")
    assert str(backup) in made
    database = data_dir / "facecoach.db"
    with sqlite3.connect(database) as db:  # everything into the main file first
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = database.stat().st_size
    with database.open("r+b") as file:  # scribble over all but the header
        file.seek(100)
        file.write(os.urandom(size - 100))
    assert main(["history"]) == 1
    assert "damaged" in capsys.readouterr().err
    assert main(["restore", str(backup)]) == 0
    assert "kept as" in capsys.readouterr().out
    assert main(["history"]) == 0
    history = capsys.readouterr().out
    assert all(f"2026-11-0{day}" in history for day in (1, 2, 3))
    assert list(data_dir.glob("facecoach.db.before-restore-*"))  # the damaged file, kept


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_moves(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    logged(capsys, "2026-11-01")
    fake = tmp_path / "fake.db"
    fake.write_text("not a database")
    assert main(["restore", str(fake)]) == 1
    assert "not" in capsys.readouterr().err
    assert not list(data_dir.glob("facecoach.db.before-restore-*"))
    assert main(["backup", "list"]) == 0


def test_export_works_after_planned_skip_days_and_an_edited_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logged(capsys, "2026-11-01")
    ahead = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    assert main(["skip", ahead, "--reason", "holiday"]) == 0
    capsys.readouterr()
    assert main(["history"]) == 0
    short_id = capsys.readouterr().out.splitlines()[1].split()[0]
    assert main(["log", "edit", short_id, "--date", "2026-10-30"]) == 0
    for fmt in ("json", "csv"):
        assert main(["export", "--format", fmt]) == 0, capsys.readouterr().err
    capsys.readouterr()


def test_a_data_folder_with_a_hash_in_its_name_gets_whole_backups(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "my#data?%"
    for day in ("2026-11-01", "2026-11-02"):
        assert main(["--data-dir", str(folder), "log", "lift-5", "--date", day]) == 0
    (backup,) = Backups(folder / "facecoach.db").list()
    with SessionLog.open(backup.path) as copy:
        assert len(copy.sessions()) == 1
    assert not list(backup.path.parent.glob("*-wal"))  # a backup is one self-contained file


def test_a_coach_session_makes_the_days_backup_too(
    capsys: pytest.CaptureFixture[str], data_dir: Path, user_routines_dir: Path
) -> None:
    logged(capsys, "2026-11-01")
    assert Backups(data_dir / "facecoach.db").list() == []
    assert main(["safety", "screen", "--none"]) == 0
    (user_routines_dir / "quick.toml").write_text(QUICK)
    with time_from(VIRTUAL_TIME):  # the session's waits take no real time
        assert main(["coach", "quick", "--no-prep", "--confirm-checks"]) in (0, 130)
    assert len(Backups(data_dir / "facecoach.db").list()) == 1


@pytest.mark.parametrize("given", [".", "folder"])
def test_restore_of_a_folder_is_refused_in_words_and_the_log_kept(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    given: str,
) -> None:
    """`restore .` (the fuzz found it: a traceback from the photos' name beside the backup)
    and `restore FOLDER` say it is no backup and leave the log as it was."""
    logged(capsys, "2026-01-05")
    before = (data_dir / "facecoach.db").read_bytes()
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["restore", given]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"facecoach: error: {given} is not a facecoach backup (it is not a file); your log was "
        "not changed.\n"
    )
    assert (data_dir / "facecoach.db").read_bytes() == before
