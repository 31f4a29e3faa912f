"""The validated copy of the settings that lets the first frame skip pydantic."""

import subprocess
import sys
from pathlib import Path

import pytest

from facecoach.adherence.goals import DEFAULT_PROGRAM
from facecoach.config.appearance import DEFAULT_THEME, Appearance, cached_appearance
from facecoach.config.counting import cached_counting_settings
from facecoach.config.settings import SettingsError, load_settings
from facecoach.config.validated_cache import ValidatedCache
from tests.support.cache_copies import edit_copy, with_field


def test_no_settings_file_is_the_default_look(tmp_path: Path) -> None:
    assert cached_appearance(tmp_path, ValidatedCache(tmp_path / "cache")) == Appearance()


def test_a_file_read_once_gives_its_look_without_validating_again(tmp_path: Path) -> None:
    cache = ValidatedCache(tmp_path / "cache")
    (tmp_path / "settings.toml").write_text('theme = "nord"\n[keymap]\n"session.pause" = "p"\n')
    assert cached_appearance(tmp_path, cache) is None  # never validated: must be first
    load_settings(tmp_path, cache)
    assert cached_appearance(tmp_path, cache) == Appearance("nord", {"session.pause": "p"})


def test_an_edited_file_is_validated_again(tmp_path: Path) -> None:
    cache = ValidatedCache(tmp_path / "cache")
    path = tmp_path / "settings.toml"
    path.write_text('theme = "nord"\n')
    load_settings(tmp_path, cache)
    path.write_text('theme = "gruvbox"\n')
    assert cached_appearance(tmp_path, cache) is None


def test_an_invalid_file_is_never_cached(tmp_path: Path) -> None:
    cache = ValidatedCache(tmp_path / "cache")
    (tmp_path / "settings.toml").write_text('theme = "nord"\nday_start_hour = 99\n')
    with pytest.raises(SettingsError):
        load_settings(tmp_path, cache)
    assert cached_appearance(tmp_path, cache) is None


def test_a_damaged_or_hostile_cache_is_a_miss(tmp_path: Path) -> None:
    cache = ValidatedCache(tmp_path / "cache")
    (tmp_path / "settings.toml").write_text('theme = "nord"\n')
    load_settings(tmp_path, cache)
    stored = tmp_path / "cache" / "settings.copy"
    for junk in (b"\x00\xff" * 10, b"[" * 100_000, b'{"key": 1}', b"x" * (2 << 20)):
        stored.write_bytes(junk)
        assert cached_appearance(tmp_path, cache) is None
    # A copy under the right key but with a wrong shape is refused too.
    load_settings(tmp_path, cache)
    edit_copy(stored, lambda value: {**value, "theme": 7})
    assert cached_appearance(tmp_path, cache) is None


def test_a_fifo_in_place_of_the_settings_does_not_hang_the_start(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("a FIFO (os.mkfifo) is POSIX only")
    import os

    os.mkfifo(tmp_path / "settings.toml")
    assert cached_appearance(tmp_path, ValidatedCache(tmp_path / "cache")) is None


def test_the_cached_look_is_read_without_loading_pydantic(tmp_path: Path) -> None:
    cache = ValidatedCache(tmp_path / "cache")
    (tmp_path / "settings.toml").write_text('theme = "nord"\n')
    load_settings(tmp_path, cache)
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from facecoach.config.appearance import cached_appearance\n"
        "from facecoach.config.validated_cache import ValidatedCache\n"
        f"look = cached_appearance(Path({str(tmp_path)!r}), "
        f"ValidatedCache(Path({str(tmp_path / 'cache')!r})))\n"
        "print(look.theme, 'pydantic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["nord", "False"]
    assert DEFAULT_THEME != "nord"


def test_what_counting_needs_comes_from_the_checked_copy(tmp_path: Path) -> None:
    cache = ValidatedCache(tmp_path / "cache")
    assert cached_counting_settings(tmp_path, cache) is None  # defaults never validated yet
    load_settings(tmp_path, cache)  # no file: the defaults' copy is kept
    defaults = cached_counting_settings(tmp_path, cache)
    assert defaults is not None
    assert defaults.program() == DEFAULT_PROGRAM
    path = tmp_path / "settings.toml"
    path.write_text(
        "day_start_hour = 5\ncount_share = 0.8\nprogram_start = 2026-01-05\n"
        'injection_wait_days = 14\n[[phases]]\nname = "ongoing"\ngoal = "2/7"\n'
    )
    assert cached_counting_settings(tmp_path, cache) is None  # changed: validate first
    settings = load_settings(tmp_path, cache)
    counting = cached_counting_settings(tmp_path, cache)
    assert counting is not None
    assert (counting.day_start_hour, counting.count_share) == (5, 0.8)
    assert counting.program_start == settings.program_start
    assert counting.injection_wait_days == 14
    assert counting.program() == settings.program()


def test_a_checked_copy_that_does_not_read_right_is_a_miss(tmp_path: Path) -> None:
    cache = ValidatedCache(tmp_path / "cache")
    load_settings(tmp_path, cache)
    stored = tmp_path / "cache" / "settings.copy"
    good = stored.read_bytes()
    for field, junk in [
        ("day_start_hour", "3"),
        ("count_share", None),
        ("count_share", 5.0),
        ("day_start_hour", 24),
        ("phases", [{"name": "x", "goal": "9/7", "days": None}]),
        ("phases", []),
        ("program_start", "yesterday"),
    ]:
        stored.write_bytes(good)
        edit_copy(stored, with_field(field, junk))
        assert cached_counting_settings(tmp_path, cache) is None, field
