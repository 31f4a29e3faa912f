"""Home's routine list and settings come from validated copies when nothing changed, so a start
without changes loads no pydantic; any change (a routine file, the preferences) is validated."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from facecoach.companion.core import Companion
from facecoach.config.home_settings import cached_home_settings
from facecoach.config.paths import user_routines_dir
from facecoach.config.settings import load_settings
from facecoach.config.validated_cache import ValidatedCache
from facecoach.session.clock import FakeClock
from tests.support.cache_copies import edit_copy, replaced_by, with_field

USER_ROUTINE = """
id = "mine"
name = "My evening"
glide_seconds = 4
repeats = 2
[[zones]]
zone = "forehead"
[[zones]]
zone = "cheeks"
"""


def companion(tmp_path: Path) -> Companion:
    return Companion(
        FakeClock(),
        tmp_path / "config",
        tmp_path / "data" / "facecoach.db",
        cache=ValidatedCache(tmp_path / "cache"),
    )


def write_routine(tmp_path: Path, name: str, text: str) -> None:
    folder = user_routines_dir(tmp_path / "config")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def listed(tmp_path: Path) -> dict[str, tuple[str, float]]:
    listings = companion(tmp_path).program_service.routine_listings()
    return {r.id: (r.name, r.seconds) for r in listings.routines}


def test_the_copy_lists_what_the_library_lists(tmp_path: Path) -> None:
    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    first = companion(tmp_path)
    expected = {
        c.routine.id: (c.routine.name, c.total_seconds) for c in first.program_service.routines()
    }
    assert {
        r.id: (r.name, r.seconds) for r in first.program_service.routine_listings().routines
    } == expected
    again = companion(tmp_path)
    assert {
        r.id: (r.name, r.seconds) for r in again.program_service.routine_listings().routines
    } == expected
    mine = again.program_service.routine_listings().get("mine")
    assert mine is not None
    assert not mine.is_builtin
    assert mine.zones == ("Forehead", "Cheeks")


def test_an_edited_routine_file_is_read_again(tmp_path: Path) -> None:
    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    assert listed(tmp_path)["mine"][0] == "My evening"
    write_routine(tmp_path, "mine.toml", USER_ROUTINE.replace("My evening", "My morning"))
    assert listed(tmp_path)["mine"][0] == "My morning"


def test_a_new_glide_length_changes_the_lengths_listed(tmp_path: Path) -> None:
    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    before = listed(tmp_path)["mine"][1]
    companion(tmp_path).program_service.update_settings(glide_seconds=8.0)
    assert listed(tmp_path)["mine"][1] > before
    # The app that changed it lists the new lengths at once, not after a restart.
    app_core = companion(tmp_path)
    app_core.program_service.routine_listings()
    app_core.program_service.update_settings(glide_seconds=2.0)
    assert app_core.program_service.routine_listings().get("mine") is not None
    assert app_core.program_service.routine_listings().routines[-1].seconds < before


def test_a_broken_routine_file_is_reported_on_every_start(tmp_path: Path) -> None:
    write_routine(tmp_path, "broken.toml", 'id = "broken"\nname = "x"\nzones = []\n')
    for _ in range(2):  # the second start reads the copy: the problem is still said
        problems = companion(tmp_path).load()
        assert any("broken.toml" in problem for problem in problems)


def test_a_damaged_copy_is_a_miss_never_a_guess(tmp_path: Path) -> None:
    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    expected = listed(tmp_path)
    stored = tmp_path / "cache" / "routines.copy"
    good = stored.read_bytes()
    for junk in ({"routines": "x"}, {"routines": [{"id": 1}], "problems": []}, None):
        stored.write_bytes(good)
        edit_copy(stored, replaced_by(junk))
        assert listed(tmp_path) == expected


def test_the_home_settings_come_from_the_checked_copy(tmp_path: Path) -> None:
    config, cache = tmp_path / "config", ValidatedCache(tmp_path / "cache")
    config.mkdir()
    (config / "settings.toml").write_text(
        "glide_seconds = 6.5\nrepeats = 4\nreduced_motion = true\nbackup_days = 3\n"
    )
    assert cached_home_settings(config, cache) is None  # never validated: validate first
    load_settings(config, cache)
    home = cached_home_settings(config, cache)
    assert home is not None
    assert (home.glide_seconds, home.repeats, home.reduced_motion, home.backup_days) == (
        6.5,
        4,
        True,
        3,
    )
    stored = tmp_path / "cache" / "settings.copy"
    good = stored.read_bytes()
    for field, junk in [("repeats", 0), ("glide_seconds", "6"), ("reduced_motion", 1)]:
        stored.write_bytes(good)
        edit_copy(stored, with_field(field, junk))
        assert cached_home_settings(config, cache) is None, field


def test_a_start_without_changes_lists_the_routines_without_pydantic(tmp_path: Path) -> None:
    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    companion(tmp_path).load()  # the first start validates and keeps the copies
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from facecoach.companion.core import Companion\n"
        "from facecoach.config.validated_cache import ValidatedCache\n"
        "from facecoach.session.clock import FakeClock\n"
        f"root = Path({str(tmp_path)!r})\n"
        "core = Companion(FakeClock(), root / 'config', root / 'data' / 'facecoach.db', "
        "cache=ValidatedCache(root / 'cache'))\n"
        "problems = core.load()\n"
        "names = [r.name for r in core.program_service.routine_listings().routines]\n"
        "core.suggested_routine_id(); core.program_service.home_settings(); core.device.summary()\n"
        "print('My evening' in names, problems, 'pydantic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["True", "[]", "False"], result.stderr


def test_a_library_read_before_a_file_changed_is_never_kept_for_the_new_file(
    tmp_path: Path,
) -> None:
    """The app read its routines, the user renamed one in another terminal, then changed a
    setting in the app: the next start lists the file as it is, not the app's old copy."""
    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    app_core = companion(tmp_path)
    app_core.program_service.library  # noqa: B018 - read now, as a session start reads it
    write_routine(tmp_path, "mine.toml", USER_ROUTINE.replace("My evening", "My morning"))
    app_core.program_service.update_settings(
        glide_seconds=6.0
    )  # the list is made again from the old library
    assert app_core.program_service.routine_listings().get("mine") is not None
    assert listed(tmp_path)["mine"][0] == "My morning"


def test_a_library_given_by_a_caller_is_never_kept(tmp_path: Path) -> None:
    from facecoach.routines.loader import RoutineLibrary

    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    given = RoutineLibrary.load(None)  # the built-ins only, not the user's files
    core = Companion(
        FakeClock(),
        tmp_path / "config",
        tmp_path / "data" / "facecoach.db",
        given,
        cache=ValidatedCache(tmp_path / "cache"),
    )
    assert core.program_service.routine_listings().get("mine") is None
    assert listed(tmp_path)["mine"][0] == "My evening"  # the files, not the caller's library


def test_a_hostile_cache_is_a_miss_never_a_crash_nor_a_hang(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("a FIFO (os.mkfifo) is POSIX only")
    import os

    write_routine(tmp_path, "mine.toml", USER_ROUTINE)
    listed(tmp_path)  # keeps a copy
    cache_file = tmp_path / "cache" / "routines.copy"

    def nan_seconds(value: dict[str, Any]) -> dict[str, Any]:
        value["routines"][0]["seconds"] = float("nan")  # which no copy may hold
        return value

    edit_copy(cache_file, nan_seconds)
    assert all(seconds > 0 for _, seconds in listed(tmp_path).values())
    cache_file.unlink()
    os.mkfifo(cache_file)  # a pipe with no writer: reading it would wait for ever
    assert listed(tmp_path)["mine"][0] == "My evening"
