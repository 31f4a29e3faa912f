"""Parsed stylesheets kept between starts: the same rules back, and nothing else ever."""

import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.color import Color
from textual.css.model import RuleSet, _check_class
from textual.css.styles import Styles
from textual.css.stylesheet import Stylesheet

from facecoach.tui.app import FacecoachApp
from facecoach.tui.remembered_css import ParsedRules, RememberedStylesheet

APP_CSS = Path(FacecoachApp.CSS_PATH).read_text(encoding="utf-8")
SOURCE = ("app.tcss", "")


def variables(theme: str = "textual-dark") -> dict[str, str]:
    app = App[None]()
    app.theme = theme
    return app.get_css_variables()


def described(rules: list[RuleSet]) -> list[tuple[str, object, bool, int]]:
    """What a rule set means to the cascade: its CSS, specificity, defaults and tie-breaker."""
    return [
        (
            rule.css,
            [s.specificity for s in rule.selector_set],
            rule.is_default_rules,
            rule.tie_breaker,
        )
        for rule in rules
    ]


def parsed(sheet: Stylesheet) -> list[RuleSet]:
    return sheet._parse_rules(APP_CSS, SOURCE)


def keeper(root: Path, key: str = "key") -> ParsedRules:
    return ParsedRules(root / "css", root / key)


def kept_files(root: Path) -> list[Path]:
    return sorted((root / "css").rglob("*.rules"))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_kept_rules_read_back_as_parsed(tmp_path: Path, theme: str) -> None:
    fresh = parsed(Stylesheet(variables=variables(theme)))
    first = parsed(RememberedStylesheet(variables=variables(theme), kept=keeper(tmp_path)))
    assert len(kept_files(tmp_path)) == 1
    again = parsed(RememberedStylesheet(variables=variables(theme), kept=keeper(tmp_path)))
    assert again is not first  # read back from the file, not this process's objects
    assert described(again) == described(first) == described(fresh)


def test_each_theme_keeps_its_own_rules(tmp_path: Path) -> None:
    dark = parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
    light = parsed(
        RememberedStylesheet(variables=variables("textual-light"), kept=keeper(tmp_path))
    )
    assert len(kept_files(tmp_path)) == 2
    assert described(dark) != described(light)  # $background and the rest differ


class _Runs:
    """Pickles as a call of `os.system`: what a hostile cache file would hold."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


class _Reaches:
    """Pickles as `getattr(Color, "parse")`: a function reached from a class a style may
    hold, through the `getattr` pickle names a style's lookups with."""

    def __reduce__(self) -> tuple[object, tuple[object, str]]:
        return (getattr, (Color, "parse"))


@pytest.mark.parametrize("content", ["hostile", "reaching", "truncated", "not a list", "empty"])
def test_a_bad_kept_file_is_parsed_again_never_run(tmp_path: Path, content: str) -> None:
    parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
    (kept,) = kept_files(tmp_path)
    marker = tmp_path / "ran"
    good = kept.read_bytes()
    payloads: dict[str, Callable[[], bytes]] = {
        "hostile": lambda: pickle.dumps([_Runs(marker)]),
        "reaching": lambda: pickle.dumps([_Reaches()]),
        "truncated": lambda: good[: len(good) // 2],
        "not a list": lambda: pickle.dumps({"rules": 1}),
        "empty": lambda: b"",
    }
    bad = payloads[content]()
    kept.write_bytes(bad)
    rules = parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
    assert not marker.exists()
    assert described(rules) == described(parsed(Stylesheet(variables=variables())))


def test_a_fifo_in_place_of_a_kept_file_does_not_hold_the_app(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("a FIFO (os.mkfifo) is POSIX only")
    parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
    (kept,) = kept_files(tmp_path)
    kept.unlink()
    os.mkfifo(kept)
    rules = parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
    assert rules  # parsed, not blocked on the FIFO


def test_another_textuals_rules_are_removed(tmp_path: Path) -> None:
    old = tmp_path / "css" / "0123456789abcdef"
    old.mkdir(parents=True)
    (old / "x.rules").write_bytes(b"old")
    parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
    assert not old.exists()
    assert len(kept_files(tmp_path)) == 1


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    rules = parsed(
        RememberedStylesheet(variables=variables(), kept=ParsedRules(blocked, tmp_path / "key"))
    )
    assert described(rules) == described(parsed(Stylesheet(variables=variables())))


def test_a_file_facecoach_did_not_sign_is_never_unpickled(tmp_path: Path) -> None:
    """Pickle can do more than build: this file, read, would give Textual's own `Styles` a
    constructor that fails, breaking every later start. Unsigned, it is never read."""
    parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
    (kept_file,) = kept_files(tmp_path)
    crafted = (
        b"ctextual.css.model\n_check_class\n(N}V__defaults__\n(I1\ntstb0"
        b"ctextual.css.styles\nStyles\n(N}V__post_init__\nctextual.color\nColor\nstb."
    )
    before = (_check_class.__defaults__, vars(Styles).get("__post_init__"))
    for signature in (kept_file.read_bytes()[:32], b"\0" * 32):  # another file's, or none
        kept_file.write_bytes(signature + crafted)
        rules = parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path)))
        assert (_check_class.__defaults__, vars(Styles).get("__post_init__")) == before
        Styles()  # still made as Textual makes it
        assert described(rules) == described(parsed(Stylesheet(variables=variables())))


def test_rules_kept_with_another_key_are_not_read_back(tmp_path: Path) -> None:
    """A cache folder shared or synced between machines: each reads only what it wrote."""
    parsed(RememberedStylesheet(variables=variables(), kept=keeper(tmp_path, key="mine")))
    (kept_file,) = kept_files(tmp_path)
    theirs = keeper(tmp_path, key="theirs")
    written = kept_file.read_bytes()
    parsed(RememberedStylesheet(variables=variables(), kept=theirs))
    assert kept_file.read_bytes() != written  # parsed again, and signed with their key
    assert (tmp_path / "mine").read_bytes() != (tmp_path / "theirs").read_bytes()
