"""The app as a new user met it in the second walk (issue 29): Pilot on a fake clock."""

import asyncio
import importlib
import pkgutil
import shlex
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static

import facecoach.tui.screens
from facecoach.config.keymap import APP_KEYS, SCREEN_KEYS
from facecoach.config.settings import load_settings
from facecoach.routines.loader import RoutineLibrary, load_routine_file
from facecoach.safety.waiting import InjectionKind
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog, NoteDialog, PreSessionChecks
from facecoach.tui.screens.history import HistoryScreen
from facecoach.tui.screens.routine_editor import RoutineEditorScreen
from facecoach.tui.screens.session import SessionScreen
from facecoach.tui.screens.settings import SettingsScreen
from facecoach.tui.screens.summary import SummaryScreen
from facecoach.tui.screens.zone_guide import ZoneGuide
from facecoach.tui.widgets.reserved import Card
from facecoach.tui.widgets.toggles import TickBox
from facecoach.wording.session import format_duration
from tests.support.tui_support import log_one_session, make_app, make_companion, until

Scenario = Callable[[FacecoachApp, Pilot[None]], Awaitable[None]]


def run(app: FacecoachApp, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())


def card_text(app: FacecoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Card).render()).replace("\n", " ")


def text(app: FacecoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def chosen(app: FacecoachApp, routine_id: str) -> bool:
    """Chooses `routine_id` on Home once the routine list has it."""
    try:
        app.screen.query_one("#routine-select", Select).value = routine_id
    except Exception:  # not there yet: the list is filled in after the first frame
        return False
    return True


def first_match(app: FacecoachApp) -> str:
    """The command palette's first result, or '' while it has none."""
    results = app.screen.query_one(OptionList)
    return str(results.get_option_at_index(0).prompt) if results.option_count else ""


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


def test_home_does_not_urge_a_session_during_the_waiting_period(clock: FakeClock) -> None:
    """U2: Botox three days ago: the Today card says the waiting period, as `status` does."""
    companion = make_companion(clock)
    companion.safety_service.add_injection(
        InjectionKind.BOTOX, clock.now().date() - timedelta(days=3)
    )

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: "waiting period" in card_text(app, "#today-card"))
        today = card_text(app, "#today-card")
        assert "due" not in today
        last_day = clock.now().date() + timedelta(days=6)
        assert f"until {last_day:%a %d %b}" in today
        # Nor suggests a routine for today (U25).
        await until(pilot, lambda: "Suggested" in text(app, "#routine-detail"))
        assert "Suggested next time:" in text(app, "#routine-detail")

    run(FacecoachApp(companion), scenario)


def test_settings_refuses_an_intro_goal_longer_than_the_intro(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """U3: a 9 typed into the first field makes the intro goal 5/79: refused, saying why."""
    notices: list[str] = []

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("9", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # not saved: still there to correct
        assert any(
            "5/79 counts over 79 days, longer than the 60-day intro phase" in notice
            and "perhaps 5/7 was meant" in notice
            for notice in notices
        ), notices

    run(make_app(clock), scenario)
    assert str(load_settings(isolated_dirs).program().phases[0].goal) == "5/7"


def test_settings_refuses_an_ongoing_goal_over_a_month(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """U3, one phase: with no intro, a 9 typed after the ongoing goal's 7 makes it 3/79:
    refused with the likely meaning, and the goal stays 3/7."""
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text('phases = [{ name = "ongoing", goal = "3/7" }]\n')
    notices: list[str] = []

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        app.screen.query_one("#ongoing-goal").focus()
        await pilot.press("end", "9", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # not saved: still there to correct
        assert any(
            "3/79 counts over 79 days; a goal counts over 31 days at most" in notice
            and "perhaps 3/7 was meant" in notice
            for notice in notices
        ), notices

    run(make_app(clock), scenario)
    assert str(load_settings(isolated_dirs).program().phases[0].goal) == "3/7"


def test_enter_enter_enter_ticks_both_checks_and_starts(clock: FakeClock) -> None:
    """U11: each Enter ticks a box and moves on; the third starts the session."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        await pilot.press("enter")
        assert [box.value for box in app.screen.query(TickBox)] == [True, False]
        await pilot.press("enter")
        assert [box.value for box in app.screen.query(TickBox)] == [True, True]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))

    run(make_app(clock), scenario)


def test_two_quick_enters_tick_both_checks(clock: FakeClock) -> None:
    """U11: two Enters typed before the app draws again both count."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        checks = app.screen
        for _ in range(2):  # queued together, no pause between them
            app.post_message(events.Key("enter", "\r"))
        await until(pilot, lambda: all(box.value for box in checks.query(TickBox)))
        assert app.screen is checks  # ticked, not started: the third Enter starts

    run(make_app(clock), scenario)


def test_a_clock_standing_still_on_a_half_second_does_not_spin_the_session_screen(
    clock: FakeClock,
) -> None:
    """Issue 32: on a half second of the time left the next change is 'as soon as the clock
    moves'; a clock that does not move must not re-arm a 1 ms timer for ever."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        await pilot.press("enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        clock.advance(3.5)  # the time left is now on a half second, and stays there
        ticks = 0
        tick = screen.tick

        def counted() -> None:
            nonlocal ticks
            ticks += 1
            tick()

        screen.tick = counted  # type: ignore[method-assign]
        screen.tick()
        for _ in range(5):
            await pilot.pause()
        # One wake-up on the boundary, then the longest wait (1 s); a spinning screen wakes
        # every millisecond, hundreds of times.
        assert ticks <= 4, ticks

    run(make_app(clock), scenario)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
def test_a_long_summary_keeps_its_headline_on_screen_and_names_esc(
    clock: FakeClock, builtin_library: RoutineLibrary, size: tuple[int, int]
) -> None:
    """U14: Full face (ten zones) stopped at once: the headline and the first zone are on
    screen, not scrolled past; the footer names Esc."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: chosen(app, "full-face-15"))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        await pilot.press("enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#yes")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.pause()
        screen = app.screen
        _, height = size
        on_screen = {screen.get_widget_at(3, y)[0] for y in range(height)}
        assert screen.query_one("#summary-outcome") in on_screen
        assert screen.query_one("#summary-zones") in on_screen
        assert screen.query_one("#home") in on_screen  # the way out, too
        assert "escape" in {
            key for key, active in screen.active_bindings.items() if active.binding.show
        }

    run(FacecoachApp(make_companion(clock, library=builtin_library)), scenario, size)


def test_a_summary_zone_list_too_long_for_its_room_says_so_and_scrolls_by_arrow_keys(
    clock: FakeClock, builtin_library: RoutineLibrary
) -> None:
    """At 60x20 Full face's fifteen zones do not fit: a line under them says how many lines
    are out of sight and that the arrow keys scroll them (the focus is on a button); it
    follows the scrolling, and a short list says nothing."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: chosen(app, "full-face-15"))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        await pilot.press("enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#yes")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await until(pilot, lambda: "below (arrow keys scroll)" in text(app, "#summary-zones-more"))
        first = text(app, "#summary-zones-more")
        assert first.startswith("↓ "), first
        assert "above" not in first
        await pilot.press("down", "down")
        await until(pilot, lambda: "↑ 2 lines above" in text(app, "#summary-zones-more"))
        assert app.screen.focused is app.screen.query_one("#home")  # the keys did not move it
        await pilot.press("up", "up")
        await until(pilot, lambda: text(app, "#summary-zones-more") == first)

    run(FacecoachApp(make_companion(clock, library=builtin_library)), scenario, (60, 20))


def test_an_unknown_keymap_id_and_a_key_clash_are_named_in_the_app(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """U10: `home.bogus` and `home.history = "s"` (Start's key): the app says both."""
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text(
        '[keymap]\n"home.bogus" = "z"\n"home.history" = "s"\n'
    )
    notices: list[str] = []

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: len(notices) >= 2)

    app = make_app(clock)
    app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
    run(app, scenario)
    assert any("'home.bogus', which is not a key binding" in notice for notice in notices)
    assert any(
        "gives 's' to home.start and home.history on the home screen" in notice
        for notice in notices
    ), notices


def test_the_keymap_table_is_the_apps_bindings() -> None:
    """The command line checks keymaps against `config.keymap`: the app's ids and keys."""
    classes: list[type[DOMNode]] = []
    for module in pkgutil.iter_modules(facecoach.tui.screens.__path__):
        loaded = importlib.import_module(f"facecoach.tui.screens.{module.name}")
        classes += [
            value
            for value in vars(loaded).values()
            if isinstance(value, type)
            and issubclass(value, DOMNode)
            and value.__module__ == loaded.__name__
        ]
    in_app: set[tuple[str, str]] = {
        (binding.id, binding.key)
        for cls in [FacecoachApp, *classes]
        for binding in cls.__dict__.get("BINDINGS", [])
        if isinstance(binding, Binding) and binding.id
    }
    in_table = {(name, key) for name, keys in APP_KEYS.items() for key in keys.split(",")} | {
        (name, key)
        for screen in SCREEN_KEYS.values()
        for name, keys in screen.items()
        for key in keys.split(",")
    }
    in_app_keys = {(name, key) for name, keys in in_app for key in keys.split(",")}
    assert in_table == in_app_keys


def test_the_zone_guide_pages_through_the_routines_zones(clock: FakeClock) -> None:
    """U17: in a session of forehead and neck, 'Next zone' goes to the neck, then back."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        await pilot.press("enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, ZoneGuide))
        titles = [str(app.screen.query_one("#guide-title", Label).render())]
        for _ in range(2):
            await pilot.press("right")
            titles.append(str(app.screen.query_one("#guide-title", Label).render()))
        assert titles == [
            "Zone guide: Forehead (1 of 2 in this routine)",
            "Zone guide: Neck (2 of 2 in this routine)",
            "Zone guide: Forehead (1 of 2 in this routine)",
        ]

    run(make_app(clock), scenario)


def test_the_editor_says_that_settings_replace_every_zones_glides(
    clock: FakeClock, isolated_dirs: Path, builtin_library: RoutineLibrary
) -> None:
    """U8: Settings' glide length 1 s and repeats 1: the editor gives the time it runs for."""
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text("glide_seconds = 1\nrepeats = 1\n")
    companion = make_companion(clock, library=builtin_library)
    express = companion.program_service.apply_preferences(
        builtin_library.routines["express"].routine
    )

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: chosen(app, "express"))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))
        check = str(app.screen.query_one("#editor-check", Static).render())
        assert (
            f"It runs as {format_duration(express.total_seconds())}: your Settings (glide "
            "length 1 s and repeats 1) replace every zone's." in check
        ), check

    run(FacecoachApp(companion), scenario)


def test_a_copy_of_a_builtin_does_not_keep_its_description(
    clock: FakeClock, isolated_dirs: Path, builtin_library: RoutineLibrary
) -> None:
    """U15: a copy of Express, saved, is not described as 'forehead, cheeks, jawline...'."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: chosen(app, "express"))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, RoutineEditorScreen))

    run(FacecoachApp(make_companion(clock, library=builtin_library)), scenario)
    [saved] = (isolated_dirs / "routines").glob("*.toml")
    copy = load_routine_file(saved)
    express = builtin_library.routines["express"].routine
    assert copy.description == f"A copy of {express.name}, made in the editor."


def test_the_palette_opens_the_routine_editor_and_speaks_this_apps_words(
    clock: FakeClock,
) -> None:
    """U12: ctrl+p, 'edit', Enter opens the editor; Textual's own entries are not offered."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: chosen(app, "quick"))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Edit routine" in titles
        assert "Maximize" not in titles
        assert "Screenshot" not in titles
        assert titles.count("Quit") == 1
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"edit")
        await until(pilot, lambda: "Edit routine" in first_match(app))  # found in a worker
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))

    run(make_app(clock), scenario)


def test_tab_on_home_stops_only_where_the_focus_shows(clock: FakeClock) -> None:
    """U13: at 80x24 (Home fits), Tab goes between the routine list and Start, no third stop."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: chosen(app, "quick"))
        stops = []
        for _ in range(4):
            await pilot.press("tab")
            assert app.focused is not None
            stops.append(app.focused.id)
        assert set(stops) == {"routine-select", "start"}

    run(make_app(clock), scenario)


def test_the_cue_command_says_it_runs_without_a_shell_and_has_one_name(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """U16: Settings says how the command runs; the session header calls it 'command' too."""
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text(f"on_cue = {shlex.quote(sys.executable)!r}\n")

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        hint = str(app.screen.query_one("#on-cue-hint", Static).render())
        assert "without a shell" in hint
        assert "sh -c" in hint
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SettingsScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        await pilot.press("enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await until(pilot, lambda: "command" in (app.screen.sub_title or ""))
        assert "hook" not in (app.screen.sub_title or "")

    run(make_app(clock), scenario)


def test_history_keeps_the_selection_after_a_note_and_the_delete_question_names_the_time(
    clock: FakeClock,
) -> None:
    """U24: a note on the 2nd row leaves the 2nd row selected; delete asks with the time."""
    companion = make_companion(clock)
    log_one_session(companion, "quick", "Quick test")
    log_one_session(companion, "quick", "Quick test", days_ago=1)

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        table = app.screen.query_one("#recent", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("down")
        second = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        app.screen.query_one("#note", Input).value = "evening"
        await pilot.press("enter")
        await until(pilot, lambda: str(table.get_row(second)[5]) == "✎")
        assert table.cursor_row == 1
        assert "Note: evening" in str(app.screen.query_one("#recent-detail", Static).render())
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = str(app.screen.query(Static).first().render())
        started = (clock.now() - timedelta(days=1)).astimezone()
        assert f"on {started:%a %d %b at %H:%M}?" in question, question

    run(FacecoachApp(companion), scenario)


def test_after_a_session_today_home_suggests_a_routine_for_next_time(clock: FakeClock) -> None:
    """U25: 'Done for today' and 'Suggested today' together read as a contradiction."""
    companion = make_companion(clock)
    log_one_session(companion, "quick", "Quick test")

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: "Done for today" in card_text(app, "#today-card"))
        await until(pilot, lambda: "Suggested" in text(app, "#routine-detail"))
        assert "Suggested next time:" in text(app, "#routine-detail")

    run(FacecoachApp(companion), scenario)
