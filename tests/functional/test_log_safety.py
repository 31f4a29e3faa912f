"""The session log is never lost, overwritten or written in the wrong place (issue 28)."""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.main import main
from facecoach.session.clock import FakeClock
from facecoach.storage.database import LOCK_WAIT_ENV
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
            restore = facecoach(
                "restore", str(tmp_path / "b.db"), real_process=True
            )  # another process
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


# F4. A glide shown as done is in the log, even when a write had to wait ---------------------

BRISK = """
id = "brisk"
name = "Brisk"
glide_seconds = 0.2
repeats = 2
transition_seconds = 0.05
side_switch_seconds = 0.05
[[zones]]
zone = "forehead"
[[zones]]
zone = "neck"
"""


@pytest.mark.slow
@pytest.mark.usefixtures("screened")
def test_glides_refused_while_the_log_is_locked_are_written_once_it_is_free(
    tmp_path: Path, data_dir: Path
) -> None:
    routine = tmp_path / "brisk.toml"
    routine.write_text(BRISK)
    # Half a second of waiting for the lock, not the default 10 s: the setting a user has too.
    quick_to_give_up = {"PYTHONUNBUFFERED": "1", LOCK_WAIT_ENV: "0.5"}
    coach = subprocess.Popen(
        [sys.executable, "-m", "facecoach", "coach", str(routine), "--json", "--confirm-checks"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **quick_to_give_up},
    )
    assert coach.stdout is not None
    assert coach.stderr is not None
    announced: set[int] = set()
    other = sqlite3.connect(data_dir / "facecoach.db", isolation_level=None)
    for line in coach.stdout:
        record = json.loads(line)
        if record["event"] == "step_completed" and record["step"]["kind"] == "glide":
            announced.add(record["step"]["index"])
            break
    # Another writer holds the log (a long import, another tool) past the busy timeout.
    other.execute("BEGIN IMMEDIATE")
    warning = coach.stderr.readline()
    other.execute("ROLLBACK")
    other.close()
    assert "stayed locked by another facecoach process for 0.5 s" in warning
    for line in coach.stdout:
        record = json.loads(line)
        if record["event"] == "step_completed" and record["step"]["kind"] == "glide":
            announced.add(record["step"]["index"])
    rest = coach.stderr.read()
    assert coach.wait(60) == 0
    coach.stdout.close()
    coach.stderr.close()
    assert "not saved" not in rest
    with SessionLog.open(data_dir / "facecoach.db") as log:
        (session,) = log.sessions()
        stored = {glide.step_index for glide in log.glides(session.id)}
    assert stored == announced
    assert len(stored) == 8
    assert session.status == "completed"


@pytest.mark.parametrize("wait", ["soon", "0", "-1", "nan", "1e9"])
def test_a_lock_wait_that_is_no_number_of_seconds_is_a_message(
    wait: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys, "2026-11-01")
    before = digest(data_dir / "facecoach.db")
    result = facecoach("log", "lift-5", "--date", "2026-11-02", env={LOCK_WAIT_ENV: wait})
    assert result.returncode == 1
    assert result.stderr == (
        f"facecoach: error: FACECOACH_LOCK_WAIT_SECONDS={wait!r}: it must be a number of "
        "seconds above 0 and at most 3600, such as 10 (the default); nothing was opened\n"
    )
    assert digest(data_dir / "facecoach.db") == before


def one_day_export(path: Path, sessions: int, day: str) -> None:
    """`sessions` sessions of four zones and 24 glides each, all on `day`."""
    records = []
    for number in range(sessions):
        start = f"{day}T08:{number // 60 % 60:02d}:{number % 60:02d}+00:00"
        records.append(
            {
                "uid": f"{number:032x}",
                "routine_id": "express",
                "routine_name": "Express",
                "source": "tui",
                "started_utc": start,
                "utc_offset_minutes": 60,
                "ended_utc": start,
                "status": "completed" if number % 3 else "aborted",
                "planned_seconds": 120.0,
                "active_seconds": 100.0 + number % 7,
                "zones": [
                    {"zone_index": i, "zone": "forehead", "glides_planned": 6, "glides_done": 6}
                    for i in range(4)
                ],
                "glides": [
                    {
                        "step_index": step,
                        "zone_index": step // 6,
                        "side": "left",
                        "glide": 1,
                        "seconds": 5.0,
                        "completed_offset": 5.0 * step,
                    }
                    for step in range(24 if number % 5 else 6)
                ],
            }
        )
    path.write_text(json.dumps({"format": "facecoach-export", "version": 1, "sessions": records}))


def totals(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    return {"totals": stats["totals"], "heatmap": stats["heatmap"], "zones": stats["zone_glides"]}


@pytest.mark.slow
def test_importing_many_sessions_on_one_day_is_quick_and_counts_them_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys, "2026-11-01")  # a day already in the log, which the import adds to
    export = tmp_path / "many.json"
    one_day_export(export, 1500, "2026-11-01")
    # 2.3 s for 500 and 32 s for 2000 before (quadratic); well under a second a thousand now.
    imported = subprocess.run(
        [sys.executable, "-m", "facecoach", "import", str(export)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert imported.returncode == 0, imported.stderr
    assert "Imported 1500 new sessions; 0 were already in the log" in imported.stdout
    after_import = totals(capsys)
    assert after_import["totals"]["sessions"] == 1501  # type: ignore[index]
    # Counting every day again from scratch (new counting rules, then the old) agrees.
    assert main(["program", "--day-start-hour", "4"]) == 0
    assert main(["program", "--day-start-hour", "3"]) == 0
    capsys.readouterr()
    assert totals(capsys) == after_import
    # And importing it again adds nothing.
    assert main(["import", str(export)]) == 0
    assert "Imported 0 new sessions; 1500 were already" in capsys.readouterr().out


# F5. A stray file named like a backup is left alone ---------------------------------------


def test_a_file_named_like_a_backup_but_not_one_is_left_alone(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys, "2026-11-01")
    stray = data_dir / "backups" / "facecoach-20269999-999999.db"
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"not ours")
    assert main(["log", "lift-5", "--date", "2026-11-02", "--time", "08:00"]) == 0
    assert main(["skip", "2026-11-03", "--reason", "travel"]) == 0
    export = tmp_path / "e.json"
    assert main(["export", "-o", str(export)]) == 0
    assert main(["import", str(export)]) == 0
    capsys.readouterr()
    assert main(["backup", "list"]) == 0
    listed = capsys.readouterr().out
    assert "1 backup." in listed
    assert "20269999" not in listed
    assert stray.read_bytes() == b"not ours"


# F10. A damaged log is said to be damaged, and never written into -------------------------


def digest(path: Path) -> bytes:
    return path.read_bytes()


def edited_by_another_tool(database: Path, *statements: str) -> None:
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    other.execute("PRAGMA writable_schema = ON")
    for statement in statements:
        other.execute(statement)
    other.close()


DAMAGE = {
    "schema not UTF-8": "UPDATE sqlite_master SET sql = CAST(CAST(sql AS BLOB) || X'FF' AS TEXT)"
    " WHERE name = 'skip_days'",
    "time 'garbage'": "UPDATE sessions SET started_utc = 'garbage'",
    "time 0001-01-01": "UPDATE sessions SET started_utc = '0001-01-01'",
    "time in year 1 with an offset": "UPDATE sessions SET ended_utc = '0001-01-01T00:00+14:00'",
    "text for a number": "UPDATE sessions SET utc_offset_minutes = 'east'",
    "a blob for text": "UPDATE sessions SET routine_name = X'FF'",
    # A damaged header: the fuzz found a negative schema version taken for "migrate from here".
    "a negative schema version": "PRAGMA user_version = -1962934265",
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
@pytest.mark.parametrize(
    "command",
    [["history"], ["export"], ["log", "lift-5", "--date", "2026-11-05"], ["backup"]],
    ids=" ".join,
)
def test_a_damaged_log_is_a_message_not_a_traceback(
    damage: str, command: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys, "2026-11-01")
    database = data_dir / "facecoach.db"
    edited_by_another_tool(database, damage)
    before = digest(database)
    outcome = main(command)
    err = capsys.readouterr().err
    if not damage.startswith("UPDATE sqlite_master") and command[0] == "backup":
        assert outcome == 0  # what SQLite itself reads well: the copy is as good as the log
        assert digest(database) == before
        return
    assert outcome == 1
    assert "is damaged" in err
    assert digest(database) == before


def test_damage_only_the_full_check_finds_is_never_written_into(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys, "2026-11-01")
    logged_once(capsys, "2026-11-02")  # today's backup, and with it today's full check, made
    database = data_dir / "facecoach.db"
    assert list((data_dir / "backups").glob("facecoach-*.db"))
    # An index out of step with its table: SQLite's quick check does not look at that.
    edited_by_another_tool(
        database,
        "UPDATE sqlite_master SET sql = 'CREATE INDEX sessions_started ON sessions (routine_id)'"
        " WHERE name = 'sessions_started'",
    )
    before = digest(database)
    assert main(["log", "lift-5", "--date", "2026-11-03", "--time", "08:00"]) == 1
    assert "missing from index sessions_started" in capsys.readouterr().err
    assert digest(database) == before


# F15. An import file csv cannot read is a message ------------------------------------------

UNREADABLE_IMPORTS = {
    "a field over 128 KiB": "kind,uid,note\r\nsession,x," + "a" * (129 * 1024) + "\r\n",
    "a JSON list": '[{"format": "facecoach-export"}]',
    "a long JSON string": '"' + "a" * (200 * 1024) + '"',
    "a stray quote": 'kind,uid\r\nsession,"a\r\n"b"c\r\n',
}


@pytest.mark.parametrize("text", UNREADABLE_IMPORTS.values(), ids=UNREADABLE_IMPORTS.keys())
def test_an_import_file_that_cannot_be_read_is_a_message(
    text: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys)
    before = digest(data_dir / "facecoach.db")
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"facecoach: error: {bad}")
    assert "Traceback" not in err
    assert digest(data_dir / "facecoach.db") == before


# F13. Paths the file system cannot take are messages ---------------------------------------

LONG = "x" * 300  # one name over the 255 bytes file systems allow


@pytest.mark.parametrize(
    "command",
    [
        ["--data-dir", "~nosuchuser-facecoach/x", "history"],
        ["--data-dir", "{tmp}/" + LONG, "history"],
        ["--data-dir", "{tmp}/" + LONG, "log", "lift-5"],
        ["backup", "{tmp}/" + LONG],
        ["restore", "{tmp}/" + LONG],
        ["profiles", "learn", "{tmp}/" + LONG],
        ["profiles", "learn", ""],
    ],
    ids=[
        "unknown ~user",
        "long data dir read",
        "long data dir write",
        "backup",
        "restore",
        "learn long",
        "learn empty",
    ],
)
def test_a_path_the_system_cannot_take_is_a_message(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys)
    outcome = main([word.replace("{tmp}", str(tmp_path)) for word in command])
    err = capsys.readouterr().err
    assert outcome == 1
    assert err.startswith("facecoach: error:")
    assert "Traceback" not in err


# F16. A backups folder that is not one, a folder that cannot be written -----------------


def not_a_folder(path: Path, kind: str) -> None:
    if kind == "file":
        path.write_text("mine")
    elif kind == "dangling link":
        path.symlink_to(path.with_name("gone"))
    else:
        make_fifo = getattr(os, "mkfifo", None)
        if make_fifo is None:
            pytest.skip("no named pipes here")
        make_fifo(path)


@pytest.mark.parametrize("kind", ["file", "dangling link", "pipe"])
def test_a_backups_folder_that_is_not_a_folder_is_a_message(
    kind: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys)
    not_a_folder(data_dir / "backups", kind)
    assert main(["backup"]) == 1
    assert "is not a folder" in capsys.readouterr().err
    # Writing still works without the day's backup.
    assert main(["log", "lift-5", "--date", "2026-11-02", "--time", "08:00"]) == 0
    assert main(["backup", "list"]) == 0
    assert "No backups yet" in capsys.readouterr().out
    assert (data_dir / "backups").is_symlink() or not (data_dir / "backups").is_dir()


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="root ignores file permissions (and a folder's mode is POSIX only)",
)
def test_restore_into_a_read_only_folder_is_a_message_and_changes_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys)
    assert main(["backup", str(tmp_path / "b.db")]) == 0
    before = digest(data_dir / "facecoach.db")
    data_dir.chmod(0o500)
    try:
        assert main(["restore", str(tmp_path / "b.db")]) == 1
        assert "your log was not changed" in capsys.readouterr().err
    finally:
        data_dir.chmod(0o700)
    assert digest(data_dir / "facecoach.db") == before


# U9. Restoring a file that is no backup says so, not the advice for a broken log ----------


@pytest.mark.parametrize(
    "content", [b"garbage\n", b"SQLite format 3\x00" + bytes(200)], ids=["text", "broken sqlite"]
)
def test_restoring_a_file_that_is_not_a_backup_says_so(
    content: bytes, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys)
    before = digest(data_dir / "facecoach.db")
    fake = tmp_path / "g.db"
    fake.write_bytes(content)
    assert main(["restore", str(fake)]) == 1
    err = capsys.readouterr().err
    assert f"{fake} is not a facecoach backup" in err
    assert "your log was not changed" in err
    assert "mv " not in err  # the advice for a broken main log is not for this
    assert digest(data_dir / "facecoach.db") == before


# U5. Editing a session's length moves its end; an edit of nothing says so -----------------


def test_editing_the_length_moves_the_end_and_an_empty_edit_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logged_once(capsys, "2026-11-01")  # 08:00, 5 min 8 s
    assert main(["history"]) == 0
    short_id = capsys.readouterr().out.splitlines()[1].split()[0]
    assert main(["log", "edit", short_id, "--minutes", "7"]) == 0
    capsys.readouterr()
    export = tmp_path / "e.json"
    assert main(["export", "-o", str(export)]) == 0
    (session,) = json.loads(export.read_text())["sessions"]
    assert session["active_seconds"] == 420
    assert session["ended_utc"].startswith("2026-11-01T08:07:00")
    assert main(["log", "edit", short_id]) == 1
    err = capsys.readouterr().err
    assert "nothing to change" in err
    assert "Changed" not in err


# U18. A program start can be cleared; the program is said to be global --------------------


def test_a_program_start_can_be_cleared_and_the_program_is_said_to_be_global(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["program", "--start", "2026-11-01"]) == 0
    assert "Program starts: 2026-11-01" in capsys.readouterr().out
    assert main(["program", "--start", "none"]) == 0
    assert "Program starts: your first session" in capsys.readouterr().out
    scratch = tmp_path / "scratch"
    assert main(["--data-dir", str(scratch), "program", "--goal", "3/7"]) == 0
    assert f"applies to every session log, not only the one in {scratch}" in (
        capsys.readouterr().out
    )


# U7. A Botox or filler treatment can be logged without the app -----------------------------


def test_an_injection_is_logged_listed_and_removed_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from facecoach.safety.waiting import InjectionKind

    assert {kind.value for kind in InjectionKind} == {"botox", "filler"}  # the CLI's KIND
    today = datetime.now(UTC).date()
    two_days_ago = (today - timedelta(days=2)).isoformat()
    assert main(["safety", "injection", "botox", "--date", two_days_ago]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Logged Botox on {today - timedelta(days=2):%a %d %b %Y}.")
    assert "the waiting period runs until" in out
    assert main(["status"]) == 0
    assert capsys.readouterr().out.startswith("wait")  # the coach and reminders honour it
    # The app's rules and words.
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert main(["safety", "injection", "filler", "--date", tomorrow]) == 1
    assert "That day is in the future; log it on the day." in capsys.readouterr().err
    assert main(["safety", "injection", "filler", "--date", "2026-13-01"]) == 1
    assert "Not a date: '2026-13-01'. Use YYYY-MM-DD." in capsys.readouterr().err
    assert main(["safety", "injection", "list"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    injection_id = line.split()[0]
    assert "Botox" in line
    assert main(["safety", "injection", "remove", injection_id]) == 0
    assert "its waiting period went with it" in capsys.readouterr().out
    assert main(["status"]) == 0
    assert not capsys.readouterr().out.startswith("wait")
    assert main(["safety", "injection", "remove", injection_id]) == 1
    assert "no treatment with id" in capsys.readouterr().err
