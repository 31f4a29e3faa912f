"""Home's first frame shows its cards before their numbers; nothing moves when they arrive."""

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.containers import VerticalScroll
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Footer, Static

from facecoach.companion.core import Companion
from facecoach.companion.devices import DeviceService
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.session.clock import FakeClock
from facecoach.tui import remembered_css
from facecoach.tui.app import FacecoachApp
from facecoach.tui.remembered_css import RememberedStylesheet
from facecoach.tui.screens.home import HomeScreen
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.widgets.reserved import Card
from tests.support.tui_support import (
    log_one_session,
    make_companion,
    settled_screenshot,
    text_of,
    until,
)

# A first start, as a new user's: each app parses and keeps its styles in the test's own folders
# (and two tests here check what the next start reads back).
pytestmark = pytest.mark.cold_styles

SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((60, 20), id="60x20"),
    pytest.param((100, 30), id="100x30"),
]
# What a user's eye holds on to: the cards, the start row, and whether the page scrolls.
WATCHED = ("#today-card", "#streak-card", "#week-card", "#device-card", "#start-row")
REF_A = "5A:1D:00:00:00:02"


def layout(app: FacecoachApp) -> dict[str, Region | bool]:
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    places: dict[str, Region | bool] = {name: screen.query_one(name).region for name in WATCHED}
    places["scrollbar"] = screen.query_one("#home-body", VerticalScroll).show_vertical_scrollbar
    return places


def returning_user(clock: FakeClock, config: Path) -> Companion:
    """Twelve days of sessions up to yesterday, and a paired device that connects."""
    KnownDevices(config).remember(
        KnownDevice(
            address=REF_A,
            profile="reference-a",
            name="FC-RefA 0002",
            paired_at=clock.now(),
            simulated=True,
        )
    )
    companion = make_companion(clock, device=DeviceService(config, simulate=True))
    for days_ago in range(1, 13):
        log_one_session(companion, "quick", "Quick test", days_ago=days_ago)
    return companion


@pytest.mark.parametrize("user", ["empty log", "returning user"])
@pytest.mark.parametrize("size", SIZES)
def test_nothing_moves_when_home_fills_in(
    clock: FakeClock, isolated_dirs: Path, user: str, size: tuple[int, int]
) -> None:
    companion = (
        make_companion(clock) if user == "empty log" else returning_user(clock, isolated_dirs)
    )
    app = FacecoachApp(companion)
    first_frame: dict[str, Region | bool] = {}
    # Registered before home's own: runs when the first frame is out, before anything fills in.
    app.after_first_frame(lambda: first_frame.update(layout(app)))

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            home = app.home
            await until(pilot, lambda: home.controls_ready)
            assert "Habit strength" in text_of(app, "#streak-card")
            if user == "returning user":
                assert "13 days" in text_of(app, "#streak-card")
                await until(pilot, lambda: "battery" in text_of(app, "#device-card"))
            await pilot.pause()
            assert first_frame, "the first frame was never written"
            assert layout(app) == first_frame

    asyncio.run(main())


# Loaded after the first frame, or only by the commands that need them.
NOT_FOR_THE_FIRST_FRAME = (
    "facecoach.cli.adherence",  # every command's module: the parser is built for a command
    "facecoach.cli.coach",
    "facecoach.cli.status",
    "facecoach.adherence.stats",
    "facecoach.session.engine",
    "facecoach.session.timeline",
    "tomllib",  # routines and settings come from validated copies
    "argparse",  # no words: no parser
    "facecoach.adherence.session_log",  # the first frame asks only: were the questions answered?
    "facecoach.safety.screening",
    "facecoach.safety.waiting",
    "facecoach.config.routine_listing",  # the routines and settings home shows, just after
    "facecoach.config.home_settings",
    "facecoach.devices.protocol.status",  # the device card, just after
    "hashlib",  # no settings file: no copy of it to look up; BLAKE2 keys the kept styles
    "json",
    "facecoach.companion.devices",  # the device service is made just after
    "facecoach.routines.limits",  # no words to read
    "facecoach.tui.motion",
    "facecoach.tui.signals",
    "facecoach.datafiles",
    "facecoach.adherence.days",
    "textual.widgets._header",  # the title bar is one widget of our own
)


# What a first run's Safety screen shows is the questions themselves.
FIRST_RUN_NEEDS = {"facecoach.safety.screening"}


@pytest.mark.parametrize("start", ["home", "first run"])
def test_facecoach_without_a_command_reaches_its_first_frame_without_the_rest(
    clock: FakeClock, start: str
) -> None:
    make_companion(clock, screened=start == "home")  # answered: home comes first
    not_needed = set(NOT_FOR_THE_FIRST_FRAME) - (FIRST_RUN_NEEDS if start == "first run" else set())
    filled_in = "app.home.controls_ready" if start == "home" else "app.screen.query('#injections')"
    code = (
        "import asyncio, sys\n"
        "import facecoach.cli.main as cli\n"
        "import facecoach.tui.app as tui\n"
        "loaded = []\n"
        "def run_tui(**options):  # the app `facecoach` opens, headless, to its first frame\n"
        "    from facecoach.companion.core import Companion\n"
        "    from facecoach.config.paths import config_dir, database_path\n"
        "    from facecoach.session.clock import SystemClock\n"
        "    app = tui.FacecoachApp(Companion(SystemClock(), config_dir(), database_path()))\n"
        "    app.after_first_frame(lambda: loaded.extend(sys.modules))\n"
        "    async def until_filled_in():\n"
        "        async with app.run_test(size=(80, 24)) as pilot:\n"
        f"            while not {filled_in}:\n"
        "                await pilot.pause(0.01)\n"
        "    asyncio.run(until_filled_in())\n"
        "    return 0\n"
        "tui.run_tui = run_tui\n"
        "cli.has_terminal = lambda: True\n"
        "assert cli.main([]) == 0\n"
        f"print(sorted(set(loaded) & {not_needed!r}), bool(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["[]", "True"], result.stderr


class _Probe(SizedScreen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.first_styled_with: set[str] | None = None

    def on_mount(self) -> None:  # its widgets are mounted, and styled, by now; no Resize yet
        if self.first_styled_with is None:
            self.first_styled_with = set(self.classes)


@pytest.mark.parametrize(
    "size", [(60, 20), (69, 21), (70, 22), (109, 29), (110, 30)], ids=lambda s: f"{s[0]}x{s[1]}"
)
@pytest.mark.parametrize("shown", ["as the app's base screen", "pushed"])
def test_a_screen_is_first_styled_for_the_terminal_it_is_in(
    size: tuple[int, int], shown: str
) -> None:
    """The narrow and short layouts hold from a screen's first frame: no frame is laid out
    for another size, and the first Resize does not restyle the whole screen."""
    probe = _Probe()

    class ProbeApp(App[None]):
        HORIZONTAL_BREAKPOINTS = FacecoachApp.HORIZONTAL_BREAKPOINTS
        VERTICAL_BREAKPOINTS = FacecoachApp.VERTICAL_BREAKPOINTS

        def get_default_screen(self) -> Screen[Any]:  # as home and a first run's safety
            return probe if shown == "as the app's base screen" else super().get_default_screen()

        def on_mount(self) -> None:
            if shown == "pushed":
                self.push_screen(probe)

    async def main() -> None:
        app = ProbeApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert probe.first_styled_with is not None
            assert probe.first_styled_with == set(probe.classes)
            assert len(probe.classes & {"-narrow", "-normal", "-wide"}) == 1

    asyncio.run(main())


def test_a_cards_muted_lines_follow_the_theme(clock: FakeClock) -> None:
    app = FacecoachApp(make_companion(clock))

    def muted_colour() -> str:
        card = app.screen.query_one("#device-card", Card)
        text = card.render()
        muted = text.plain.index("Sessions run")
        return str(text.get_style_at_offset(app.console, muted).color)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.home.controls_ready)
            app.theme = "textual-dark"
            await pilot.pause()
            dark = muted_colour()
            app.theme = "textual-light"
            await pilot.pause()
            assert muted_colour() != dark
            # The same colour as the muted lines elsewhere (`.muted` text).
            muted_text = app.screen.query_one("#routine-detail", Static)
            assert muted_colour() == str(muted_text.rich_style.color)

    asyncio.run(main())


@pytest.mark.parametrize("user", ["first run", "returning user"])
def test_a_start_with_kept_styles_draws_what_a_first_start_drew(
    clock: FakeClock, isolated_dirs: Path, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second start reads back the rules the first one parsed: the same screen."""
    kept = isolated_dirs.parent / "cache" / "textual-css"

    def screenshot(companion: Companion) -> str:
        app = FacecoachApp(companion)
        shot = ""

        async def main() -> None:
            nonlocal shot
            async with app.run_test(size=(80, 24)) as pilot:
                if user == "returning user":
                    await until(pilot, lambda: app.home.controls_ready)
                    await until(pilot, lambda: "battery" in text_of(app, "#device-card"))
                else:  # the Safety screen is built in two steps: its footer comes last
                    await until(pilot, lambda: bool(app.screen.query(Footer)))
                await pilot.pause()
                shot = app.export_screenshot()
            app.companion.close()

        asyncio.run(main())
        return shot

    def again() -> Companion:  # the same files: the log and the paired device as they are
        if user == "first run":
            return make_companion(clock, screened=False)
        return make_companion(clock, device=DeviceService(isolated_dirs, simulate=True))

    first = screenshot(again() if user == "first run" else returning_user(clock, isolated_dirs))
    assert list(kept.rglob("*.rules")), "the first start kept nothing"
    parsed_again: list[object] = []
    parse = Stylesheet._parse_rules

    def counted(self: Stylesheet, *args: Any, **kwargs: Any) -> list[RuleSet]:
        parsed_again.append(args[1] if len(args) > 1 else kwargs.get("read_from"))
        return parse(self, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "_parse_rules", counted)
    assert screenshot(again()) == first
    assert parsed_again == []  # every rule set read back


def drawn_difference(first: str, again: str) -> str:
    """What differs between two screenshots, as lines of text, for a failure's message."""
    import difflib
    import html
    import re

    def lines(svg: str) -> list[str]:
        return [html.unescape(text) for text in re.findall(r"<text[^>]*>(.*?)</text>", svg)]

    return "\n".join(difflib.unified_diff(lines(first), lines(again), lineterm="", n=1))


def _break_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    def renamed(self: RememberedStylesheet) -> bytes:
        raise AttributeError("'RememberedStylesheet' object has no attribute '_variables'")

    monkeypatch.setattr(RememberedStylesheet, "_digest_of_variables", renamed)


def _break_parse_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    parse = Stylesheet._parse_rules

    def with_a_new_argument(self: Stylesheet, *args: Any, **kwargs: Any) -> list[RuleSet]:
        return parse(self, *args, **kwargs)

    # A Textual whose parse step moved: the override is no longer what Textual calls.
    monkeypatch.setattr(RememberedStylesheet, "_parse_rules", with_a_new_argument)


def _break_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remembered_css, "VERIFIED_TEXTUAL", "0.0.0")
    remembered_css._textual_code.cache_clear()


def _break_pickled_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remembered_css, "_BUILDABLE", {})  # a style class under a new name


def _break_styles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remembered_css, "_styles_fields", lambda: frozenset({"renamed"}))


@pytest.mark.parametrize(
    "breakage",
    [_break_variables, _break_parse_rules, _break_version, _break_pickled_classes, _break_styles],
    ids=["_variables", "_parse_rules", "another Textual", "pickled classes", "Styles fields"],
)
def test_a_textual_whose_internals_moved_starts_and_looks_the_same(
    clock: FakeClock,
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
    breakage: Callable[[pytest.MonkeyPatch], None],
) -> None:
    """The kept stylesheets lean on private names of Textual: with any of them broken, keeping
    turns itself off and the app draws what it draws with Textual's own parsing."""
    remembered_css._textual_code.cache_clear()

    def screenshot() -> tuple[str, str | None]:
        app = FacecoachApp(make_companion(clock))
        shot = ""

        async def main() -> None:
            nonlocal shot
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, lambda: app.home.controls_ready)
                shot = await settled_screenshot(app, pilot)
            app.companion.close()

        asyncio.run(main())
        sheet = app.stylesheet
        return shot, sheet.turned_off if isinstance(sheet, RememberedStylesheet) else None

    first, turned_off = screenshot()  # kept for the next start
    assert turned_off is None
    breakage(monkeypatch)
    again, turned_off = screenshot()
    remembered_css._textual_code.cache_clear()
    assert again == first, drawn_difference(first, again)
    if breakage is _break_variables:
        assert turned_off is not None
        assert "_variables" in turned_off


SAFETY_WATCHED = ("#q-heart", "#save-row", "#screening-result", "#footer-skeleton")


@pytest.mark.parametrize("size", [*SIZES, pytest.param((160, 50), id="160x50")])
def test_nothing_moves_when_a_first_runs_safety_screen_fills_in(
    clock: FakeClock, size: tuple[int, int]
) -> None:
    """The injections and the evidence are added under the questions after the first frame:
    what was there stays where it was, also where the page then needs a scrollbar."""
    app = FacecoachApp(make_companion(clock, screened=False))
    first_frame: dict[str, Region] = {}

    def places() -> dict[str, Region]:
        screen = app.screen
        assert isinstance(screen, SafetyScreen)
        found = {name: screen.query_one(name).region for name in SAFETY_WATCHED[:-1]}
        found["scroll"] = screen.query_one("#safety-body").content_region
        return found

    def drawn(selector: str) -> list[list[tuple[str, str]]]:
        widget = app.screen.query_one(selector)
        lines = widget.render_lines(Region(0, 0, *widget.size))
        return [[(segment.text, str(segment.style)) for segment in line] for line in lines]

    def text_drawn(selector: str) -> str:
        return "".join(text for line in drawn(selector) for text, _ in line)

    save_row_drawn: list[str] = []
    app.after_first_frame(lambda: first_frame.update(places()))
    app.after_first_frame(lambda: save_row_drawn.append(text_drawn("#save-row")))

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await until(
                pilot, lambda: isinstance(app.screen, SafetyScreen) and app.screen.controls_ready
            )
            await pilot.pause()
            assert first_frame, "the first frame was never written"
            assert places() == first_frame
            # Blank room (no stand-in that looks like a button but does nothing), then the
            # Save button in it.
            assert save_row_drawn[0].strip() == ""
            assert first_frame["#save-row"].contains_region(app.screen.query_one("#save").region)
            assert app.screen.query("#log-injection")
            keys = [str(key.render()) for key in app.screen.query("FooterKey")]
            assert any("Save" in key for key in keys), keys  # without a key pressed first

    asyncio.run(main())
