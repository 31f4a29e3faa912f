"""Progress photos travel with the log: `export --format zip` and `backup` carry them, `import`
and `restore` bring them back (files, days, notes, privately), a hostile archive is refused in
words with nothing changed, and a restore loses no photo added since the backup."""

import os
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main


def photo(path: Path, colour: int) -> Path:
    Image.new("RGB", (30, 40), (colour, 90, 40)).save(path)
    return path


def listed(capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    capsys.readouterr()
    assert main(["photos", "list"]) == EXIT_OK
    return [line.split(None, 3) for line in capsys.readouterr().out.splitlines()[1:]]


def use_data_dir(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    monkeypatch.setenv("FACECOACH_DATA_DIR", str(folder))
    return folder / "photos"


def assert_private(folder: Path) -> None:
    if sys.platform == "win32":
        return
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in folder.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600


def add_two(tmp_path: Path) -> None:
    assert main(["photos", "add", str(photo(tmp_path / "a.png", 10)), "--date", "2025-09-01",
                 "--note", "before"]) == EXIT_OK  # fmt: skip
    assert main(["photos", "add", str(photo(tmp_path / "b.png", 200)), "--date", "2025-11-01",
                 "--note", "after 8 weeks"]) == EXIT_OK  # fmt: skip


def test_a_zip_export_brings_the_log_and_the_photos_to_another_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_two(tmp_path)
    assert main(["log", "lift-5", "--date", "2025-11-01", "--time", "08:00"]) == EXIT_OK
    kept = listed(capsys)
    archive = tmp_path / "facecoach.zip"
    assert main(["export", "--format", "zip", "--output", str(archive)]) == EXIT_OK
    assert f"Exported 1 session and 2 photos to {archive}." in capsys.readouterr().err

    elsewhere = use_data_dir(monkeypatch, tmp_path / "other")
    assert main(["import", str(archive)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Imported 1 new session" in out
    assert "Imported 2 new photos; 0 were already there." in out
    assert listed(capsys) == kept  # days and notes as they were
    assert len(list(elsewhere.iterdir())) == 2
    assert_private(elsewhere)
    assert main(["import", str(archive)]) == EXIT_OK  # a second time adds nothing
    assert "Imported 0 new photos; 2 were already there." in capsys.readouterr().out
    assert len(list(elsewhere.iterdir())) == 2


def test_a_zip_export_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "zip"]) == EXIT_ERROR
    assert "a zip export goes to a file: give --output FILE.zip" in capsys.readouterr().err


def test_restore_brings_back_a_deleted_photo_and_keeps_one_added_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_two(tmp_path)
    folder = tmp_path / "backup"
    folder.mkdir()
    assert main(["backup", str(folder)]) == EXIT_OK
    out = capsys.readouterr().out
    (backup,) = folder.glob("*.db")
    assert f"Backed up 2 photos to {backup}.photos.zip." in out
    photos = Path(os.environ["FACECOACH_DATA_DIR"]) / "photos"

    assert main(["photos", "delete", "1", "--yes"]) == EXIT_OK
    assert main(["photos", "purge", "--yes"]) == EXIT_OK  # its file gone for good
    assert main(["photos", "add", str(photo(tmp_path / "c.png", 120)), "--date", "2025-12-01",
                 "--note", "since"]) == EXIT_OK  # fmt: skip
    assert len(list(photos.iterdir())) == 2

    assert main(["restore", str(backup)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Brought back 1 photo from the backup." in out
    assert "Kept 1 photo added since the backup." in out
    assert [row[1:] for row in listed(capsys)] == [
        ["2025-09-01", "30x40", "before"],
        ["2025-11-01", "30x40", "after 8 weeks"],
        ["2025-12-01", "30x40", "since"],
    ]
    assert len(list(photos.iterdir())) == 3
    assert_private(photos)
    capsys.readouterr()
    assert main(["photos", "show", "1", "--width", "4"]) == EXIT_OK  # the file is back, whole


def hostile_archive(tmp_path: Path, name: str, data: bytes) -> Path:
    """A zip export made by facecoach, with one member added by someone else."""
    add_two(tmp_path)
    archive = tmp_path / "export.zip"
    assert main(["export", "--format", "zip", "--output", str(archive)]) == EXIT_OK
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return archive


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("../../escaped.jpg", b"x", "a file named '../../escaped.jpg', which facecoach never"),
        ("/etc/cron.d/x", b"x", "a file named '/etc/cron.d/x', which facecoach never writes"),
        ("photos/..\\..\\x.jpg", b"x", "which facecoach never writes"),
        (
            "photos/2025-01-01-0123456789ab.jpg",
            bytes(40 * 1024 * 1024),  # 40 MiB of zeros: a few KiB packed
            "would unpack to 40 MiB, more than a stored photo can be (a zip bomb?)",
        ),
    ],
    # Named by hand: pytest would name the bomb's case by its 40 MiB of bytes (a 160 MB test
    # id in every report).
    ids=["dot-dot", "absolute", "backslash", "zip-bomb"],
)
def test_a_hostile_archive_is_refused_in_words_and_nothing_changes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    said: str,
) -> None:
    archive = hostile_archive(tmp_path, name, data)
    elsewhere = use_data_dir(monkeypatch, tmp_path / "other")
    capsys.readouterr()
    assert main(["import", str(archive)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err
    assert not elsewhere.exists()
    assert not (tmp_path / "escaped.jpg").exists()
    assert main(["history"]) == EXIT_OK  # no session came in either
    assert "No sessions" in capsys.readouterr().out


def test_a_photo_that_does_not_match_its_index_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_two(tmp_path)
    archive = tmp_path / "export.zip"
    assert main(["export", "--format", "zip", "--output", str(archive)]) == EXIT_OK
    swapped = tmp_path / "swapped.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(swapped, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("photos/"):
                data = data[: len(data) // 2]  # truncated
            target.writestr(info, data)
    use_data_dir(monkeypatch, tmp_path / "other")
    capsys.readouterr()
    assert main(["import", str(swapped)]) == EXIT_ERROR
    assert "does not match its index (damaged)" in capsys.readouterr().err
    assert listed(capsys) == []


def test_a_backup_with_hostile_photos_is_not_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_two(tmp_path)
    folder = tmp_path / "backup"
    folder.mkdir()
    assert main(["backup", str(folder)]) == EXIT_OK
    (backup,) = folder.glob("*.db")
    with zipfile.ZipFile(f"{backup}.photos.zip", "a") as z:
        z.writestr("../../escaped.jpg", b"x")
    assert main(["photos", "delete", "2", "--yes"]) == EXIT_OK
    capsys.readouterr()
    assert main(["restore", str(backup)]) == EXIT_ERROR
    assert "a file named '../../escaped.jpg'" in capsys.readouterr().err
    assert [row[3] for row in listed(capsys)] == ["before"]  # the log as it was
