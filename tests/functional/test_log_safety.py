"""The session log is never lost, overwritten or written in the wrong place (issue 28)."""

import asyncio
import os
from pathlib import Path

import pytest
from textual.app import App

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import main
from facecoach.session.clock import FakeClock
from tests.support.cli import facecoach
from tests.support.tui_support import make_app, start_session, until


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


def sessions_in(path: Path) -> int:
    with SessionLog.open(path) as log:
        return len(log.sessions())


def notices(app: App[None]) -> str:
    return " ".join(str(notice.message) for notice in app._notifications)


# F1. A restore never pulls the log from under a process that has it open -------------------


def test_restore_is_refused_while_the_app_has_the_log_open(
    clock: FakeClock, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(clock)  # its safety answers are written: the log is open
    database = data_dir / "facecoach.db"
    assert main(["backup", str(tmp_path / "b.db")]) == 0
    before = database.stat().st_ino

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            # The app sits on Home, no session running, as a user leaves it.
            restore = facecoach("restore", str(tmp_path / "b.db"))
            assert restore.returncode == 1
            assert "open in another window" in restore.stderr
            assert "Traceback" not in restore.stderr
            await start_session(app, pilot)

    asyncio.run(run())
    assert database.stat().st_ino == before
    assert not list(data_dir.glob("facecoach.db.before-restore-*"))
    assert sessions_in(database) == 1


def test_a_log_replaced_under_the_app_is_not_written_to_and_the_app_says_so(
    clock: FakeClock, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(clock)
    database = data_dir / "facecoach.db"
    assert main(["backup", str(tmp_path / "b.db")]) == 0
    aside = data_dir / "moved-away.db"

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            # Another tool (or a restore where no lease could be taken) swaps the file.
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{database}{suffix}").exists():
                    os.replace(f"{database}{suffix}", f"{aside}{suffix}")
            os.replace(tmp_path / "b.db", database)
            await start_session(app, pilot)
            await until(pilot, lambda: "was replaced" in notices(app))

    asyncio.run(run())
    assert sessions_in(aside) == 0  # nothing went into the file moved away


# F3, U4. Writing a file the user names never destroys one ----------------------------------


def logged_once(capsys: pytest.CaptureFixture[str], day: str = "2026-11-01") -> None:
    assert main(["log", "lift-5", "--date", day, "--time", "08:00"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("command", ["export", "backup"])
def test_an_existing_file_is_replaced_only_with_force(
    command: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys)
    target = tmp_path / "mine.txt"
    target.write_text("my own notes\n")
    write = ["export", "-o", str(target)] if command == "export" else ["backup", str(target)]
    assert main(write) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    assert target.read_text() == "my own notes\n"
    assert main([*write, "--force"]) == 0
    assert target.read_bytes() != b"my own notes\n"


@pytest.mark.parametrize("command", ["export", "backup"])
@pytest.mark.parametrize("own", ["facecoach.db", "settings.toml", "backup"])
def test_facecoachs_own_files_are_never_written_over_even_with_force(
    command: str,
    own: str,
    data_dir: Path,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    logged_once(capsys)
    assert main(["program", "--goal", "3/7"]) == 0  # a settings file
    logged_once(capsys, "2026-11-02")  # the second write of the day makes today's backup
    targets = {
        "facecoach.db": data_dir / "facecoach.db",
        "settings.toml": isolated_dirs / "settings.toml",
        "backup": next((data_dir / "backups").glob("facecoach-*.db")),
    }
    target = targets[own]
    before = target.read_bytes()
    write = ["export", "-o", str(target)] if command == "export" else ["backup", str(target)]
    assert main([*write, "--force"]) == 1
    assert "never written over" in capsys.readouterr().err
    assert target.read_bytes() == before
    assert main(["history"]) == 0
    assert "2026-11-01" in capsys.readouterr().out
