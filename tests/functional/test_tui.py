"""The TUI driven by Pilot on a fake clock: what the user sees, and what lands in the store."""

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Select, Static, Switch

from facecoach.adherence.session_log import RecordStatus, SessionLog
from facecoach.companion.core import Companion
from facecoach.config.settings import load_settings
from facecoach.routines.zones import Zone
from facecoach.safety.records import SafetyRecords
from facecoach.safety.waiting import InjectionKind
from facecoach.session.clock import FakeClock
from facecoach.session.engine import SessionStatus
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog, PreSessionChecks, SafetyOverrideDialog
from facecoach.tui.screens.felt import FeltDialog
from facecoach.tui.screens.history import HistoryScreen
from facecoach.tui.screens.home import HomeScreen
from facecoach.tui.screens.routine_editor import RoutineEditorScreen
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.session import SessionScreen
from facecoach.tui.screens.settings import SettingsScreen
from facecoach.tui.screens.summary import SummaryScreen
from facecoach.tui.screens.too_small import TooSmallScreen
from facecoach.tui.screens.zone_guide import ZoneGuide
from facecoach.tui.widgets.big_countdown import BigCountdown
from facecoach.tui.widgets.face import FaceDiagram
from facecoach.tui.widgets.reserved import Card
from facecoach.tui.widgets.toggles import TickBox
from facecoach.wording.session import NOT_COUNTED
from facecoach.wording.zone_guide import ZONE_GUIDE
from tests.support.tui_support import (
    confirm_checks,
    log_one_session,
    make_app,
    make_companion,
    record_notifications,
    start_session,
    text_of,
    until,
)

Scenario = Callable[[FacecoachApp, Pilot[None]], Awaitable[None]]


def run(app: FacecoachApp, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            if isinstance(app.screen, HomeScreen):
                # Home fills its cards in after its first frame: under load, after one pause.
                await until(pilot, lambda: app.home.controls_ready)
            await scenario(app, pilot)

    asyncio.run(main())


def stored_sessions(data_dir: Path, clock: FakeClock) -> list:  # type: ignore[type-arg]
    with SessionLog.open(data_dir / "facecoach.db") as store:
        return store.sessions()


async def advance(pilot: Pilot[None], clock: FakeClock, screen: SessionScreen, s: float) -> None:
    clock.advance(s)
    screen.tick()
    await pilot.pause()


def countdown(screen: SessionScreen) -> str:
    return str(screen.query_one(BigCountdown).seconds)


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


def test_first_run_asks_the_safety_questions_and_records_the_answers(
    clock: FakeClock, data_dir: Path
) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, SafetyScreen)
        await pilot.click("#q-heart")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.home.controls_ready)
        assert "ask your doctor" in text_of(app, "#notices Static").lower()

    run(make_app(clock, screened=False), scenario)
    with SessionLog.open(data_dir / "facecoach.db") as store:
        record = SafetyRecords(store.database).latest_screening()
    assert record is not None
    assert record.result.answers["heart"] is True
    assert record.result.answers["pregnancy"] is False


def test_a_session_with_pause_skip_and_abort_is_shown_and_logged(
    clock: FakeClock, data_dir: Path
) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        assert text_of(app, "#zone-title") == "Prep"
        assert countdown(screen) == "3"
        await advance(pilot, clock, screen, 5.2)  # prep and transition done: first glide
        assert text_of(app, "#zone-title") == "Zone 1 of 2 · Forehead, left side"
        assert "Glide 1 of 2: brows to hairline." in text_of(app, "#glide-line")
        assert countdown(screen) == "5"
        assert screen.query_one("#countdown").has_class("flash")  # the glide-change cue

        # Pause 0.3 s before the glide ends, let 20 s pass: the glide must not end.
        await advance(pilot, clock, screen, 4.5)
        await pilot.press("space")
        await advance(pilot, clock, screen, 20)
        assert "Glide 1 of 2" in text_of(app, "#glide-line")
        assert countdown(screen) == "1"
        assert "PAUSED" in text_of(app, "#session-status")
        assert screen.query_one(BigCountdown).paused  # drawn with the pause sign
        await pilot.press("space")
        await advance(pilot, clock, screen, 0.4)
        assert "Glide 2 of 2" in text_of(app, "#glide-line")

        await pilot.press("s")  # skip glide 2 of the left side
        await pilot.pause()
        assert "Switch to right side" in text_of(app, "#glide-line")
        await pilot.press("z")  # skip the rest of the forehead
        await pilot.pause()
        assert text_of(app, "#zone-title") == "Zone 2 of 2 · Neck, left side"

        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert text_of(app, "#summary-outcome").startswith("Session stopped")
        assert "Drink a glass of water" in text_of(app, "#water")

    run(make_app(clock), scenario)
    [session] = stored_sessions(data_dir, clock)
    assert session.status == RecordStatus.ABORTED
    forehead, neck = session.zones
    assert (forehead.glides_done, forehead.glides_skipped) == (1, 3)
    assert (neck.glides_done, neck.glides_skipped) == (0, 0)


def test_a_completed_session_is_logged_and_home_shows_it_done(
    clock: FakeClock, data_dir: Path
) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 49.5)  # the whole routine in one late redraw
        assert isinstance(app.screen, SummaryScreen)
        assert text_of(app, "#summary-outcome") == "Session complete: 49 s."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert str(app.screen.query_one("#today-card", Card).render()).startswith(
            "Done for today\n"
        )
        # The same routine stays chosen; what is said of it follows the day (U25).
        await until(pilot, lambda: "Suggested next time:" in text_of(app, "#routine-detail"))

    run(make_app(clock), scenario)
    [session] = stored_sessions(data_dir, clock)
    assert session.status == RecordStatus.COMPLETED
    assert session.glides_done == 8


def test_quitting_mid_session_logs_it_as_interrupted(clock: FakeClock, data_dir: Path) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 11)  # prep, transition, one glide
        await pilot.press("ctrl+q")

    run(make_app(clock), scenario)
    [session] = stored_sessions(data_dir, clock)
    assert session.status == RecordStatus.PARTIAL
    assert session.glides_done == 1


def test_waiting_period_needs_an_explicit_override_which_is_recorded(
    clock: FakeClock, data_dir: Path
) -> None:
    companion = make_companion(clock)
    companion.safety_service.add_injection(
        InjectionKind.BOTOX, clock.now().date() - timedelta(days=2)
    )

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        assert "waiting period runs until" in text_of(app, "#notices Static:last-of-type")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SafetyOverrideDialog)
        await pilot.press("escape")  # the safe default: do not start
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("s")
        await pilot.pause()
        await pilot.click("#override")
        await pilot.pause()
        assert isinstance(app.screen, PreSessionChecks)

    run(FacecoachApp(companion), scenario)
    with SessionLog.open(data_dir / "facecoach.db") as store:
        overrides = SafetyRecords(store.database).overrides()
    assert [(warning, detail) for _, warning, detail in overrides] == [("waiting_period", "quick")]
    assert stored_sessions(data_dir, clock) == []  # the checks were not ticked: no session


def test_pre_session_checks_block_start_until_both_are_ticked(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await pilot.pause()
        await pilot.click("#check-gel")
        await pilot.click("#go")  # disabled: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, PreSessionChecks)

    run(make_app(clock), scenario)


def test_settings_are_saved_and_bad_values_are_refused_with_a_message(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    notices: list[str] = []

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#glide-seconds").value = "4"  # type: ignore[attr-defined]
        app.screen.query_one("#ongoing-goal").value = "9/7"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("a goal of 9 per 7 days is not possible" in n for n in notices), notices
        app.screen.query_one("#ongoing-goal").value = "3/7"  # type: ignore[attr-defined]
        app.screen.query_one("#bell").scroll_visible(animate=False)  # below the fold
        await pilot.pause()
        await pilot.click("#bell")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    run(make_app(clock), scenario)
    settings = load_settings(isolated_dirs)
    assert settings.glide_seconds == 4
    assert settings.bell is False
    assert settings.phases[-1].goal == "3/7"


def test_cue_settings_are_saved_and_each_channel_can_be_tried(
    clock: FakeClock, isolated_dirs: Path, tmp_path: Path
) -> None:
    notices: list[str] = []
    received = tmp_path / "cue.json"
    script = f"import sys; open({str(received)!r}, 'w').write(sys.stdin.read())"
    command = f"{sys.executable} -c {json.dumps(script)}"

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        facilities = str(screen.query_one("#cue-facilities", Static).render())
        assert "Sound: not available (auto) · no sound server" in facilities
        screen.query_one("#on-cue", Input).value = command
        screen.query_one("#try-hook").scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#try-hook")
        await until(pilot, lambda: any("test sent" in n for n in notices))
        await pilot.click("#try-desktop")
        await until(pilot, lambda: any("cannot work here" in n for n in notices))
        screen.query_one("#sound", Select).value = "on"
        screen.query_one("#sound-volume", Input).value = "200"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Sound volume" in n for n in notices), notices
        screen.query_one("#sound-volume", Input).value = "40"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    run(make_app(clock), scenario)
    assert json.loads(received.read_text())["cue"] == "glide_start"
    assert "Command at each cue: test sent (runs " in " ".join(notices)
    assert "Desktop notifications cannot work here: there is no D-Bus session bus" in " ".join(
        notices
    )
    settings = load_settings(isolated_dirs)
    assert (settings.sound, settings.sound_volume, settings.on_cue) == ("on", 40, command)


def test_history_shows_streak_heatmap_and_recent_sessions(clock: FakeClock) -> None:
    companion = make_companion(clock)
    assert companion.log_service.store is not None
    for days_ago in range(5):  # five sessions in five days meet the 5/7 intro goal
        started = clock.now() - timedelta(days=days_ago)
        companion.log_service.store.log_manual_session(
            routine_id="quick",
            routine_name="Quick test",
            started=started,
            utc_offset_minutes=0,
            seconds=300,
            zones=[],
        )

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        # The log is read in a worker thread, after the screen's first frame.
        await until(pilot, lambda: not text_of(app, "#history-numbers").startswith("Reading"))
        assert text_of(app, "#history-numbers").startswith("Streak 5 days, best 5")
        table = app.screen.query_one("#recent")
        assert table.row_count == 5  # type: ignore[attr-defined]

    run(FacecoachApp(companion), scenario)


def test_a_damaged_session_log_is_reported_and_the_app_still_runs(
    clock: FakeClock, data_dir: Path
) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "facecoach.db").write_bytes(b"not a database at all" * 100)

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, HomeScreen)
        assert "sessions will not be saved" in text_of(app, "#notices Static")
        # U22: the toast's advice shows its command as text, with no Markdown backticks.
        assert any("mv '" in notice for notice in shown), shown
        assert not any("`" in notice for notice in shown), shown
        # The safety answers live in the log: the start says they cannot be checked.
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SafetyOverrideDialog)
        assert "cannot be read" in str(app.screen.gate.title)
        await pilot.click("#override")
        screen = await confirm_checks(app, pilot)
        assert "not logged" in text_of(app, "#session-status")
        assert screen.live.recorder is None

    app = make_app(clock, screened=False)
    shown = record_notifications(app)
    run(app, scenario)
    assert (data_dir / "facecoach.db").read_bytes() == b"not a database at all" * 100


def test_keys_can_be_remapped_by_binding_id(clock: FakeClock, isolated_dirs: Path) -> None:
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text('[keymap]\n"home.history" = "x"\n')

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)

    run(make_app(clock), scenario)


def test_a_broken_settings_file_is_reported_and_kept_when_saving(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text("day_start_hour = 'late'\n")
    notices: list[str] = []

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()

    app = make_app(clock)
    assert any("day_start_hour" in problem for problem in app.companion.load())
    app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
    run(app, scenario)
    assert (isolated_dirs / "settings.toml.bak").read_text() == "day_start_hour = 'late'\n"
    assert load_settings(isolated_dirs).day_start_hour == 3


def big_rows(screen: SessionScreen) -> list[str]:
    countdown = screen.query_one(BigCountdown)
    return [line for line in countdown.render().plain.splitlines() if "█" in line]


@pytest.mark.parametrize(("size", "rows"), [((80, 24), 15), ((100, 30), 20), ((60, 20), 10)])
def test_the_countdown_fills_the_free_space_and_pause_changes_its_shape(
    clock: FakeClock, size: tuple[int, int], rows: int
) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 5.2)  # first glide, 5 s
        running = big_rows(screen)
        assert len(running) == rows  # digits this many rows tall, not Digits' three
        assert "Zone 1 of 2" in text_of(app, "#zone-title")
        await pilot.press("space")
        await pilot.pause()
        paused = big_rows(screen)
        assert len(paused) >= 5
        # The pause sign is drawn beside the digit, so paused reads without colour; shaded,
        # so its bars are not read as part of the number (U23).
        assert paused[0].startswith("▒▒")
        assert "▒" not in "".join(running)
        assert paused[0] != running[0]
        assert "PAUSED" in text_of(app, "#session-status")
        # The zone list marks where the session is, with a glyph.
        assert "▸ 1 Forehead" in str(screen.query_one("#overview").render())

    run(make_app(clock), scenario, size)


def test_a_session_skipped_to_its_end_says_it_does_not_count(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 5.2)
        await pilot.press("z", "z")  # both zones skipped: "complete", but nothing done
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        outcome = text_of(app, "#summary-outcome")
        assert outcome.startswith("Session complete")
        assert "0 of 8 glides done, 8 skipped" in outcome  # skipped time is not progress
        zones = text_of(app, "#summary-zones").splitlines()
        assert zones == [
            "○ 1. Forehead: 0 of 4 glides, 4 skipped",
            "○ 2. Neck: 0 of 4 glides, 4 skipped",
        ]
        assert text_of(app, "#summary-not-counted") == NOT_COUNTED

    run(make_app(clock), scenario)


def footer_keys(app: FacecoachApp) -> list[str]:
    """What each key in the footer says it does (each key drawn as "key  description")."""
    return [str(key.render()).split(None, 1)[-1].strip() for key in app.screen.query("FooterKey")]


def test_the_checks_dialog_never_unticks_on_enter_reads_without_colour_and_shows_its_keys(
    clock: FakeClock,
) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        gel, charger = app.screen.query(TickBox)
        assert "Tick each item" in text_of(app, "#checks-hint")
        # The dialog's own keys, not Home's (which do nothing here).
        assert "Cancel" in footer_keys(app)
        assert "History" not in footer_keys(app)
        # An empty box is empty; a ticked one has a tick: no colour needed to tell them apart.
        assert "✓" not in str(gel.render())
        await pilot.press("enter")
        assert gel.value
        assert "✓" in str(gel.render())
        assert app.focused is charger  # a tick goes on to the box still to tick...
        await pilot.press("enter")  # ...which the next Enter ticks
        assert gel.value
        assert charger.value
        assert isinstance(app.screen, PreSessionChecks)
        assert app.focused is not None
        assert app.focused.id == "go"
        assert "Enter starts" in text_of(app, "#checks-hint")
        await pilot.press("shift+tab", "shift+tab", "enter")  # back on a ticked box: it starts
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert gel.value  # never unticked on the way

    run(make_app(clock), scenario)


def test_space_presses_a_focused_button(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.focused is not None
        assert app.focused.id == "no"  # "Keep going"
        await pilot.press("space")
        await until(pilot, lambda: app.screen is screen)
        assert screen.session.status is SessionStatus.RUNNING

    run(make_app(clock), scenario)


def test_escape_in_a_session_asks_to_stop_it_as_q_does(clock: FakeClock, data_dir: Path) -> None:
    """escape goes back on every other screen; in a session it did nothing. It now asks, as q
    does: escape again keeps going, Stop ends the session, logged as stopped."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 11)  # prep, transition, one glide
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # the dialog's own escape: keep going
        await until(pilot, lambda: app.screen is screen)
        assert screen.session.status is SessionStatus.RUNNING
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#yes")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))

    run(make_app(clock), scenario)
    [session] = stored_sessions(data_dir, clock)
    assert session.status == RecordStatus.ABORTED


def test_ctrl_q_twice_in_a_session_asks_once_and_keep_going_resumes(clock: FakeClock) -> None:
    """ctrl+q pressed twice mid-session stacked two quit questions: "Keep going" left the
    other one up, and under it the session stayed paused. Now one question; escape keeps
    going and the session runs on."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert sum(isinstance(s, ConfirmDialog) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert screen.session.status is SessionStatus.RUNNING
        await pilot.press("ctrl+q")  # asked again after the first was answered
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))

    run(make_app(clock), scenario)


def test_a_button_pressed_twice_in_a_burst_closes_its_screen_once(
    clock: FakeClock, data_dir: Path
) -> None:
    """Enter or space twice on "Keep going" before the dialog had gone (a burst of keys in a
    terminal; here two presses queued at once) dismissed the session screen too, and then
    home. Now the dialog closes once and the session runs on; the same for the summary's
    "Back to home", which left no home under it."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        keep_going = app.screen.query_one("#no", Button)
        keep_going.press()
        keep_going.press()
        await until(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        await pilot.pause()
        assert app.screen is screen
        assert screen.session.status is SessionStatus.RUNNING
        clock.advance(10_000)
        screen.tick()
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        back = app.screen.query_one("#home", Button)
        back.press()
        back.press()
        await until(pilot, lambda: app.screen is app.home)
        await pilot.pause()
        assert app.screen_stack[-1] is app.home  # home stays, and is in front

    run(make_app(clock), scenario)
    [session] = stored_sessions(data_dir, clock)
    assert session.status == RecordStatus.COMPLETED


class FocusTrail(FacecoachApp):
    """The app, noting each widget that takes the focus, in order."""

    def __init__(self, companion: Companion) -> None:
        super().__init__(companion)
        self.trail: list[str | None] = []

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.trail.append(event.widget.id)


def test_settings_opens_in_its_first_field_and_typing_adds_to_it(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        assert isinstance(app, FocusTrail)
        app.trail.clear()  # home's own
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        field = app.focused
        assert isinstance(field, Input)
        assert field.id == "intro-goal"
        # Straight there: each widget the focus passed through on the way (the scrolling
        # form) restyled itself and everything in it, the whole form, as the screen opened.
        await until(pilot, lambda: bool(app.trail))
        assert app.trail == ["intro-goal"]
        await pilot.press("tab", "tab", "tab")  # through to "New day starts at", by accident
        assert app.focused is not None
        assert app.focused.id == "day-start"
        await pilot.press("6")
        assert app.screen.query_one("#day-start", Input).value == "36"  # not replaced by "6"
        app.screen.query_one("#glide-seconds", Input).value = "100"
        await pilot.press("ctrl+s")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("Glide length must be at most 60 seconds." in m for m in messages), messages
        assert not any("glide_seconds" in m for m in messages)

    run(FocusTrail(make_companion(clock)), scenario)


def test_each_screen_gives_the_focus_straight_to_what_it_opens_on(clock: FakeClock) -> None:
    """Each widget the focus passes through restyles itself and all it holds: a scrolling body
    given the focus on the way restyled the whole screen as it opened."""

    async def opens_focused(
        app: FocusTrail, pilot: Pilot[None], opening: Callable[[], Awaitable[None]], screen: type
    ) -> list[str | None]:
        app.trail.clear()
        await opening()
        await until(pilot, lambda: isinstance(app.screen, screen) and bool(app.trail))
        await pilot.pause()
        return app.trail

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        assert isinstance(app, FocusTrail)
        for key, screen, control in (
            ("h", HistoryScreen, "recent"),
            ("e", RoutineEditorScreen, "zones"),
        ):
            assert await opens_focused(app, pilot, partial(pilot.press, key), screen) == [control]
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        session = await start_session(app, pilot)

        async def to_the_end() -> None:
            clock.advance(49.5)
            session.tick()

        assert await opens_focused(app, pilot, to_the_end, SummaryScreen) == ["home"]
        assert await opens_focused(app, pilot, partial(pilot.press, "f"), FeltDialog) == [
            "felt-comfort"
        ]

    run(FocusTrail(make_companion(clock)), scenario)


def test_a_terminal_too_small_says_so_and_a_session_waits_for_it(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await pilot.resize_terminal(50, 15)
        await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        assert "needs 60x20, this one is 50x15" in text_of(app, "#too-small")
        assert screen.session.status is SessionStatus.PAUSED  # nobody can follow it now
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: app.screen is screen)
        # Why, in words short enough for the line (C7); the footer says space resumes.
        assert "PAUSED  was too small · " in text_of(app, "#session-status")

    run(make_app(clock), scenario)


def test_an_app_started_too_small_says_so_first(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        await pilot.resize_terminal(60, 20)
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))

    run(make_app(clock), scenario, (59, 24))


def test_the_zone_guide_shows_where_the_zone_is_and_the_session_waits(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 5.2)  # forehead, left side
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, ZoneGuide))
        assert screen.session.status is SessionStatus.PAUSED
        assert text_of(app, "#guide-title") == "Zone guide: Forehead (1 of 2 in this routine)"
        guide = text_of(app, "#guide-text")
        assert guide.startswith(ZONE_GUIDE[Zone.FOREHEAD])
        assert "This routine: brows to hairline." in guide  # the routine's own path
        assert "▲" in str(app.screen.query_one(FaceDiagram).render())  # the zone, lit
        await pilot.press("left")  # the routine's zones before and after: the neck wraps round
        assert text_of(app, "#guide-title") == "Zone guide: Neck (2 of 2 in this routine)"
        assert "never the front" in text_of(app, "#guide-text")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)

    run(make_app(clock), scenario)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_a_pause_moves_nothing_on_the_session_screen(
    clock: FakeClock, size: tuple[int, int]
) -> None:
    """The user is at the mirror: paused by the zone guide (the longest message), the
    countdown, the step's lines and the status stay where they were, and the status says why
    and the time left, whole (C7: it was cut; the footer says the key that resumes)."""
    watched = ("#countdown", "#glide-line", "#next-line", "#session-status", "#device-status")

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 5.2)
        running = {name: screen.query_one(name).region for name in watched}
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, ZoneGuide))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert screen.session.status is SessionStatus.PAUSED
        assert {name: screen.query_one(name).region for name in watched} == running
        status = screen.query_one("#session-status")
        seen = "".join(
            segment.text for segment in status.render_lines(Region(0, 0, *status.size))[0]
        )
        assert "PAUSED  was covered · " in seen, seen
        assert seen.rstrip().endswith(" s left"), seen  # not cut to "…"

    run(make_app(clock), scenario, size)


def test_reduced_motion_turns_the_glide_flash_off(clock: FakeClock) -> None:
    app = make_app(clock)
    app.companion.program_service.update_settings(reduced_motion=True)

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await advance(pilot, clock, screen, 5.2)  # a glide has just started
        assert "Glide 1 of 2" in text_of(app, "#glide-line")
        assert not screen.query_one(BigCountdown).has_class("flash")
        assert app.animation_level == "none"

    run(app, scenario)


def test_history_at_60x20_shows_the_sessions_and_the_selected_one_in_full(
    clock: FakeClock,
) -> None:
    app = make_app(clock)
    for days_ago in range(1, 8):
        log_one_session(app.companion, "quick", "Quick test", days_ago=days_ago)

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await until(pilot, lambda: "zones:" in text_of(app, "#recent-detail"))
        table = app.screen.query_one("#recent", DataTable)
        assert table.row_count == 7
        assert app.focused is table  # arrows move through the sessions at once
        await pilot.press("down")
        await until(pilot, lambda: "Quick test" in text_of(app, "#recent-detail"))
        # Every column fits: the widest row is no wider than the table's room.
        assert table.virtual_size.width <= table.size.width

    run(app, scenario, (60, 20))


def test_the_footer_says_what_space_does_now(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        assert "Pause" in footer_keys(app)
        assert "Resume" not in footer_keys(app)
        await pilot.press("space")
        await until(pilot, lambda: "Resume" in footer_keys(app))
        assert "Pause" not in footer_keys(app)
        assert screen.session.status is SessionStatus.PAUSED
        await pilot.press("space")
        await until(pilot, lambda: "Pause" in footer_keys(app))
        await until(pilot, lambda: screen.session.status is SessionStatus.RUNNING)

    run(make_app(clock), scenario)


def test_a_remapped_pause_key_pauses_and_resumes(clock: FakeClock) -> None:
    app = make_app(clock)
    app.companion.program_service.update_settings(keymap={"session.pause": "p"})

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_session(app, pilot)
        await pilot.press("p")
        await until(pilot, lambda: screen.session.status is SessionStatus.PAUSED)
        await pilot.press("p")
        await until(pilot, lambda: screen.session.status is SessionStatus.RUNNING)

    run(app, scenario)


def test_settings_switches_say_on_or_off(clock: FakeClock) -> None:
    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        bell = app.screen.query_one("#bell", Switch)
        state = bell.parent.query_one(".switch-state", Static) if bell.parent else None
        assert state is not None
        assert str(state.render()) == "on"
        bell.toggle()
        await until(pilot, lambda: str(state.render()) == "off")

    run(make_app(clock), scenario)
