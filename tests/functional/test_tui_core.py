"""The app through the application core: each defect of the core issue, as a user meets it."""

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from facecoach.adherence.session_log import RecordStatus, SessionLog
from facecoach.companion import device_sinks
from facecoach.companion.devices import DeviceService
from facecoach.config.settings import Settings, save_settings
from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import reference_air
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from facecoach.session.engine import SessionStatus
from facecoach.session.pauses import PauseReason
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog, NoteDialog
from facecoach.tui.screens.home import HomeScreen
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.settings import SettingsScreen
from facecoach.tui.signals import ExitOnSignals
from facecoach.tui.widgets.big_countdown import BigCountdown
from tests.support.device_air import paired_reference
from tests.support.tui_support import (
    log_one_session,
    make_app,
    make_companion,
    start_session,
    text_of,
    until,
)

PROFILES = load_registry().profiles
REF_A = "5A:1D:00:00:00:02"
BATTERY_ONLY = "5A:1D:00:00:00:01"


def pair_simulated(config: Path, address: str, clock: FakeClock) -> None:
    paired_reference(config, address, clock.now())


def stored(data_dir: Path) -> list[RecordStatus]:
    with SessionLog.open(data_dir / "facecoach.db") as log:
        return [session.status for session in log.sessions()]


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


# 1. Crash at start after pairing -----------------------------------------------------------


@pytest.mark.parametrize("simulate", [True, False], ids=["--simulate", "without --simulate"])
@pytest.mark.parametrize("screened", [True, False], ids=["returning", "first run"])
def test_the_app_starts_with_a_paired_battery_only_device(
    clock: FakeClock, isolated_dirs: Path, simulate: bool, screened: bool
) -> None:
    pair_simulated(isolated_dirs, BATTERY_ONLY, clock)
    device = DeviceService(isolated_dirs, simulate=simulate)
    app = FacecoachApp(make_companion(clock, device=device, screened=screened))

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            if not screened:
                assert isinstance(app.screen, SafetyScreen)
                await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            await until(pilot, lambda: "battery only" in text_of(app, "#device-card"))
            expected = "connected" if simulate else "not connected"
            await until(pilot, lambda: expected in text_of(app, "#device-card"))

    asyncio.run(main())
    assert app.return_code in (0, None)


# 2. No Bluetooth service: the app says so and goes on ---------------------------------------


def test_a_real_paired_device_without_bluetooth_is_a_message_not_a_crash(
    clock: FakeClock, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/system_bus_socket")
    KnownDevices(isolated_dirs).remember(
        KnownDevice(
            address="C0:11:22:33:44:55",
            profile="reference-a",
            name="My device",
            paired_at=clock.now(),
            simulated=False,
        )
    )
    app = FacecoachApp(make_companion(clock, device=DeviceService(isolated_dirs)))
    notices: list[str] = []
    app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: any("Bluetooth is not available" in n for n in notices))
            assert isinstance(app.screen, HomeScreen)
            assert "not connected" in text_of(app, "#device-card")

    asyncio.run(main())


# 3. Quitting mid-session stops the device --------------------------------------------------


@pytest.mark.parametrize(
    "how", ["ctrl+q, confirmed", "closed terminal (SIGHUP path)", "a bug in the session screen"]
)
def test_leaving_the_app_mid_session_stops_the_device_and_logs_it(
    clock: FakeClock, isolated_dirs: Path, data_dir: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quit question's pause stops nothing within its grace, which runs on the loop's real
    # time here: longer than any loaded machine's delay.
    monkeypatch.setattr(device_sinks, "PAUSE_GRACE_SECONDS", 3600.0)
    pair_simulated(isolated_dirs, REF_A, clock)
    air = reference_air(PROFILES, advertise_interval=0.05)
    app = FacecoachApp(make_companion(clock, device=DeviceService(isolated_dirs, air=air)))

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.companion.device.is_connected)
            screen = await start_session(app, pilot)
            await until(pilot, lambda: "Lift" in text_of(app, "#device-status"))
            assert screen.live.is_running
            if how.startswith("ctrl+q"):
                await pilot.press("ctrl+q")
                await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
                await pilot.click("#yes")
            elif how.startswith("closed"):
                app._interrupted()  # what the SIGHUP/SIGTERM handler asks the loop to do
            else:

                def bug() -> None:
                    raise RuntimeError("a bug")

                screen._redraw = bug  # type: ignore[method-assign]
                await pilot.press("space")
            await pilot.pause()

    if how.startswith("a bug"):
        with pytest.raises(RuntimeError, match="a bug"):
            asyncio.run(main())
    else:
        asyncio.run(main())
    received = [command.name for command in air.device(REF_A).firmware.received]
    assert received[-1] == CommandName.STOP
    assert stored(data_dir) == [RecordStatus.PARTIAL]
    with SessionLog.open(data_dir / "facecoach.db") as log:
        (session,) = log.sessions()
        events = [kind for _, kind, _ in log.session_events(session.id)]
    # The bug comes with space, a pause the user asked for: the device's stop for it is in the
    # record too (walkcover C20). The quit question's pause stops nothing within its grace.
    paused = ["device_paused"] if how.startswith("a bug") else []
    assert events == [*paused, "device_stopped"]


def test_a_device_put_on_its_charger_ends_the_session_and_says_why(
    clock: FakeClock, isolated_dirs: Path, data_dir: Path
) -> None:
    from facecoach.tui.screens.summary import SummaryScreen

    pair_simulated(isolated_dirs, REF_A, clock)
    air = reference_air(PROFILES, advertise_interval=0.05)
    app = FacecoachApp(make_companion(clock, device=DeviceService(isolated_dirs, air=air)))

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.companion.device.is_connected)
            await start_session(app, pilot)
            await until(pilot, lambda: "Lift" in text_of(app, "#device-status"))
            air.device(REF_A).plug_in()
            await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
            why = text_of(app, "#summary-why")
            assert "was put on its charger, so the session ended" in why

    asyncio.run(main())
    received = [command.name for command in air.device(REF_A).firmware.received]
    assert received[-1] == CommandName.STOP
    assert stored(data_dir) == [RecordStatus.PARTIAL]


# 6. The session does not run on unseen ------------------------------------------------------


def test_covering_the_session_pauses_it_and_other_screens_are_not_offered(
    clock: FakeClock,
) -> None:
    app = make_app(clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = await start_session(app, pilot)
            clock.advance(4)
            screen.tick()
            assert screen.session.status is SessionStatus.RUNNING
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            assert screen.live.paused_because is PauseReason.COVERED
            commands = [c.title for c in app.get_system_commands(screen)]
            assert "History" not in commands
            assert "Settings" not in commands
            assert "Devices" not in commands
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
            clock.advance(60)  # time passes while paused: nothing moves
            screen.tick()
            assert screen.session.snapshot().position == pytest.approx(4, abs=0.01)
            # Why, in words short enough for the line (C7); the footer says space resumes.
            assert "PAUSED  was covered · 45 s left" in text_of(app, "#session-status")
            await pilot.press("space")
            assert screen.session.status is SessionStatus.RUNNING

    asyncio.run(main())


# 7. ctrl+q asks during a session; Esc in Settings asks before dropping edits ---------------


def test_ctrl_q_during_a_session_asks_like_q(clock: FakeClock, data_dir: Path) -> None:
    app = make_app(clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = await start_session(app, pilot)
            await pilot.press("ctrl+q")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.click("#no")
            await until(pilot, lambda: app.screen is screen)
            assert screen.session.status is SessionStatus.RUNNING  # it goes on, as after `q`
            assert app.is_running
            # ...and the screen follows it with no key pressed: the countdown moves on by
            # itself (the screen's own timer wakes for the next digit).
            shown = screen.query_one(BigCountdown).seconds
            clock.advance(1.0)
            await until(pilot, lambda: screen.query_one(BigCountdown).seconds != shown)

    asyncio.run(main())


def test_escape_in_settings_asks_before_dropping_edits(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    app = make_app(clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            app.screen.query_one("#glide-seconds", Input).value = "7"
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.click("#no")  # keep editing
            await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            assert app.screen.query_one("#glide-seconds", Input).value == "7"
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.click("#yes")  # discard
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            # Unchanged settings leave at once.
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))

    asyncio.run(main())
    assert not (isolated_dirs / "settings.toml").exists()


# 5. Settings apply to every listing, and to what runs ---------------------------------------


def test_home_lists_and_the_session_runs_the_routine_with_the_users_glide_length(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    save_settings(isolated_dirs, Settings(glide_seconds=6))
    companion = make_companion(clock, library=RoutineLibrary.load(None))
    expected = companion.program_service.routine_for_session("express").total_seconds()
    app = FacecoachApp(companion)

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            # The routine list is filled after the first frame: one pause is not always enough
            # (under load `next` found no "express" and raised StopIteration in the coroutine).
            await until(pilot, lambda: bool(app.screen.query("#routine-select")))
            select = app.screen.query_one("#routine-select")
            # What the routine list offers when opened: a blank choice, then the routines.
            offered = select.query_one(OptionList)
            await until(pilot, lambda: offered.option_count > 1)
            listed = [r.id for r in companion.program_service.routine_listings().routines]
            label = str(offered.get_option_at_index(1 + listed.index("express")).prompt)
            assert "2 min 59 s" in label
            app.screen.query_one("#routine-select").value = "express"  # type: ignore[attr-defined]
            screen = await start_session(app, pilot)
            assert screen.session.timeline.total_seconds == pytest.approx(expected)

    assert expected == pytest.approx(179)  # 2 min 35 s as written, 2 min 59 s with 6 s glides
    asyncio.run(main())


# 8. A closed terminal never leaves a process behind ------------------------------------------


def test_a_hang_up_does_not_restart_the_terminal_and_sets_an_exit_deadline() -> None:
    if sys.platform == "win32":
        pytest.skip("SIGHUP and SIGCONT are POSIX only")
    resumed: list[int] = []
    exits: list[int] = []
    requested: list[bool] = []
    previous = signal.signal(signal.SIGCONT, lambda signum, frame: resumed.append(signum))
    handlers = ExitOnSignals(
        lambda: requested.append(True),
        grace_seconds=3600,
        is_terminal=lambda: False,
        hard_exit=exits.append,
    )
    try:
        assert handlers.install()
        os.kill(os.getpid(), signal.SIGCONT)  # what the kernel sends with SIGHUP
        assert resumed == []  # Textual's restart is not run on a terminal that is gone
        handlers.on_exit_signal(signal.SIGHUP, None)
        assert requested == [True]
        assert handlers.deadline is not None
        assert handlers.deadline.daemon
        handlers.cancel()
    finally:
        signal.signal(signal.SIGCONT, previous)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert exits == []


def test_sigcont_still_resumes_while_the_terminal_is_there() -> None:
    if sys.platform == "win32":
        pytest.skip("SIGHUP and SIGCONT are POSIX only")
    resumed: list[int] = []
    previous = signal.signal(signal.SIGCONT, lambda signum, frame: resumed.append(signum))
    handlers = ExitOnSignals(lambda: None, is_terminal=lambda: True)
    try:
        assert handlers.install()
        os.kill(os.getpid(), signal.SIGCONT)  # Ctrl-Z, then `fg`
        assert resumed == [signal.SIGCONT]
    finally:
        signal.signal(signal.SIGCONT, previous)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def test_the_deadline_ends_a_process_whose_exit_hangs() -> None:
    exits: list[int] = []
    handlers = ExitOnSignals(lambda: None, grace_seconds=0.0, hard_exit=exits.append)
    handlers.on_exit_signal(signal.SIGTERM, None)
    assert handlers.deadline is not None
    handlers.deadline.join(5)
    assert exits == [128 + signal.SIGTERM]


def test_a_glide_length_no_routine_can_take_is_refused_when_saved(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    app = FacecoachApp(make_companion(clock, library=RoutineLibrary.load(None)))
    notices: list[str] = []
    app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
            app.screen.query_one("#glide-seconds", Input).value = "60"
            app.screen.query_one("#repeats", Input).value = "20"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: any("more than an hour" in n for n in notices))
            assert isinstance(app.screen, SettingsScreen)

    asyncio.run(main())
    assert any("Full face" in n for n in notices)
    assert not (isolated_dirs / "settings.toml").exists()


HOSTILE_NAMES = [
    "[@click=app.quit]Quit[/]",
    "[b]Bold[/b] [red]red",
    "\x1b]0;pwned\x07Title",
    "[link=https://example.com]x[/link]",
]


def _printable_names() -> st.SearchStrategy[str]:
    # Names a routine file may hold: any text without line breaks, plus the hostile ones.
    text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
    usable = text.filter(lambda t: "\n" not in t and bool(t.strip()))
    return st.one_of(usable, st.sampled_from(HOSTILE_NAMES))


@settings(
    # Each example starts the app once and shows every hostile name and a few drawn ones:
    # one app per name cost about 0.7 s a name.
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(drawn=st.lists(_printable_names(), min_size=1, max_size=4))
def test_names_from_files_and_the_log_are_shown_as_text(
    tmp_path_factory: pytest.TempPathFactory, drawn: list[str]
) -> None:
    from rich.text import Text
    from textual.widgets import DataTable, OptionList, Select, Static

    from facecoach.routines.loader import LoadedRoutine
    from facecoach.routines.model import Routine
    from facecoach.tui.screens.history import ROUTINE_COLUMN, HistoryScreen
    from facecoach.wording.adherence import clipped
    from facecoach.wording.text import plain

    data_dir = tmp_path_factory.mktemp("data")
    os.environ["FACECOACH_DATA_DIR"] = str(data_dir)
    clock = FakeClock()
    names = [*HOSTILE_NAMES, *drawn]
    routines = [
        Routine.model_validate(
            {"id": f"named-{index}", "name": name, "zones": [{"zone": "cheeks", "path": name}]}
        )
        for index, name in enumerate(names)
    ]
    library = RoutineLibrary(
        routines={routine.id: LoadedRoutine(routine, "test") for routine in routines}
    )
    companion = make_companion(clock, library=library)
    for days_ago, (routine, name) in enumerate(zip(routines, names, strict=True)):
        log_one_session(companion, routine.id, name, days_ago=days_ago)  # newest first
    app = FacecoachApp(companion)

    def says(line: Static, text: str) -> Callable[[], bool]:
        return lambda: text in str(line.render())

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: bool(app.screen.query("#routine-select")))
            select = app.screen.query_one("#routine-select", Select)
            # What the routine list offers when opened (after the blank choice); filled in
            # after the first frame.
            offered = select.query_one(OptionList)
            await until(pilot, lambda: offered.option_count > len(routines))
            labels = [str(option.prompt) for option in offered.options[1:]]
            # Each as written, before its duration: no markup taken away.
            assert sorted(label.rsplit(" · ", 1)[0] for label in labels) == sorted(
                plain(routine.name) for routine in routines
            )
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            table = app.screen.query_one("#recent", DataTable)
            await until(pilot, lambda: table.row_count == len(names))
            detail = app.screen.query_one("#recent-detail", Static)
            for row, name in enumerate(names):
                cell = table.get_cell_at((row, 1))  # type: ignore[arg-type]
                assert isinstance(cell, Text)
                assert cell.plain == clipped(plain(name), ROUTINE_COLUMN)
                table.move_cursor(row=row)
                # Whole, above the table, for the selected session.
                await until(pilot, says(detail, f" · {plain(name)} · zones: "))
            assert app.is_running  # nothing clicked its way to quitting

    asyncio.run(main())


def test_history_deletes_restores_and_notes_a_session(clock: FakeClock, data_dir: Path) -> None:
    from textual.widgets import DataTable

    from facecoach.tui.screens.history import HistoryScreen

    companion = make_companion(clock)
    log_one_session(companion, "quick", "Quick test")
    app = FacecoachApp(companion)

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            table = app.screen.query_one("#recent", DataTable)
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, NoteDialog))
            app.screen.query_one("#note", Input).value = "jaw felt [b]tight[/b]"
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            assert str(table.get_row_at(0)[5]) == "✎"  # a note: in full above the table
            detail = str(app.screen.query_one("#recent-detail").render())
            assert "Note: jaw felt [b]tight[/b]" in detail
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.click("#yes")
            await until(pilot, lambda: table.get_row_at(0)[0] == "No sessions yet")
            await pilot.press("u")
            await until(pilot, lambda: table.get_row_at(0)[0] != "No sessions yet")

    asyncio.run(main())
    with SessionLog.open(data_dir / "facecoach.db") as log:
        (session,) = log.sessions()
        assert session.note == "jaw felt [b]tight[/b]"
