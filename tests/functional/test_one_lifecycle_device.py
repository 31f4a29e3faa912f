"""The plain coach and the app run one session lifecycle, the core's: a session with a device
ends the same way in both, the device stopped and the stop written into the log."""

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Static

from facecoach.adherence.session_log import RecordStatus, SessionLog
from facecoach.companion import device_sinks
from facecoach.companion.devices import DeviceService
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry
from facecoach.session.clock import FakeClock
from facecoach.session.engine import SessionStatus
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog, PreSessionChecks
from facecoach.tui.screens.home import HomeScreen
from facecoach.tui.screens.summary import SummaryScreen
from facecoach.wording.devices import START_AGAIN_STATE, paused_output_state
from tests.support.cli import QUICK, facecoach
from tests.support.device_air import paired_reference
from tests.support.tui_support import (
    make_companion,
    record_notifications,
    start_session,
    text_of,
    until,
)

REFERENCE_A = "5A:1D:00:00:00:02"  # the simulated reference-a device's address
BEAR = "5A:1D:00:00:00:05"  # the simulated FOREO BEAR's
PROFILES = load_registry().profiles


def the_session(data_dir: Path) -> tuple[RecordStatus, list[str], str | None]:
    """The newest session in the log: its status, its events and the device it ran with."""
    with SessionLog.open(data_dir / "facecoach.db") as log:
        (record,) = log.sessions(limit=1)
        return record.status, [kind for _, kind, _ in log.session_events(record.id)], record.device


def through_the_coach(config: Path, data_dir: Path) -> tuple[RecordStatus, list[str], str | None]:
    (config / "routines").mkdir(parents=True)
    (config / "routines" / "quick.toml").write_text(QUICK)
    assert facecoach("devices", "pair", REFERENCE_A, "--simulate").returncode == 0
    ran = facecoach("coach", "quick", "--simulate", "--no-prep", "--confirm-checks")
    assert ran.returncode == 0, ran.stderr
    return the_session(data_dir)


def through_the_app(
    clock: FakeClock, config: Path, data_dir: Path
) -> tuple[RecordStatus, list[str], str | None]:
    air, device = paired_reference(config, REFERENCE_A, clock.now(), advertise_interval=0.05)
    app = FacecoachApp(make_companion(clock, device=DeviceService(config, air=air)))

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.companion.device.is_connected)
            screen = await start_session(app, pilot)
            clock.advance(10_000)
            screen.tick()
            await until(pilot, lambda: isinstance(app.screen, SummaryScreen))

    asyncio.run(main())
    assert device.firmware.received[-1].name == CommandName.STOP
    return the_session(data_dir)


@pytest.mark.slow  # the coach runs its session in real time
def test_the_coach_and_the_app_end_a_device_session_the_same_way(
    clock: FakeClock, isolated_dirs: Path, tmp_path: Path
) -> None:
    """The screened user, the simulated reference-a device paired: a whole session in each
    front end is logged as completed, with the device, and the device's confirmed stop."""
    data_dir = tmp_path / "data"
    app = through_the_app(clock, isolated_dirs, data_dir)
    coach = through_the_coach(isolated_dirs, data_dir)
    assert app == coach
    assert coach[:2] == (RecordStatus.COMPLETED, ["device_stopped"])
    assert coach[2] is not None


def test_a_device_put_on_its_charger_while_the_checks_are_ticked_stops_the_start(
    clock: FakeClock, isolated_dirs: Path, tmp_path: Path
) -> None:
    """The app opens a session the core's way, as the coach does: the start is refused with
    the core's reason when the device went onto its charger after the gates (the app began
    the session on the session screen, outside the core's way in, and crashed there)."""
    air, device = paired_reference(isolated_dirs, REFERENCE_A, clock.now(), advertise_interval=0.05)
    app = FacecoachApp(make_companion(clock, device=DeviceService(isolated_dirs, air=air)))
    said: list[tuple[str, str]] = []

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            app.notify = lambda message, **kw: said.append((kw.get("title", ""), message))  # type: ignore[method-assign]
            await until(pilot, lambda: app.companion.device.is_connected)
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
            device.plug_in()
            link = app.companion.device.link
            await until(pilot, lambda: link is not None and link.status.charging is True)
            await pilot.click("#check-gel")
            await pilot.click("#check-off_charger")
            await pilot.click("#go")
            await until(pilot, lambda: any(title == "Cannot start" for title, _ in said))
            assert isinstance(app.screen, HomeScreen)
            assert app.companion.live is None

    asyncio.run(main())
    blocker = ("Cannot start", f"{device.name} is on its charger. Microcurrent devices must never")
    assert any(title == blocker[0] and text.startswith(blocker[1]) for title, text in said)
    with SessionLog.open(tmp_path / "data" / "facecoach.db") as log:
        assert log.sessions() == []


def test_the_quit_question_says_the_device_is_stopped_by_quitting_not_already(
    clock: FakeClock, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ctrl+q mid-session with the device connected: the question says quitting stops the
    device (it said "The device is stopped." before anything was sent). The question pauses the
    session, but a pause the user did not ask for stops the device only after its grace (C2):
    a Quit within it sends the end's stop alone."""
    # The grace runs on the loop's real time here: longer than any loaded machine's delay.
    monkeypatch.setattr(device_sinks, "PAUSE_GRACE_SECONDS", 3600.0)
    air, device = paired_reference(isolated_dirs, REFERENCE_A, clock.now(), advertise_interval=0.05)
    app = FacecoachApp(make_companion(clock, device=DeviceService(isolated_dirs, air=air)))

    def stops() -> int:
        return sum(command.name == CommandName.STOP for command in device.firmware.received)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.companion.device.is_connected)
            await start_session(app, pilot)
            await pilot.press("ctrl+q")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            question = str(app.screen.query(Static).first().render())
            assert "Quitting stops the device." in question, question
            assert "The device is stopped." not in question
            assert stops() == 0  # within the pause's grace
            await pilot.click("#yes")
        assert device.firmware.received[-1].name == CommandName.STOP
        assert stops() == 1  # the end's

    asyncio.run(main())


def test_space_pauses_the_device_with_the_session_and_a_resume_says_to_start_it_again(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """A paused session must not leave the device stimulating (W7): space stops it, and the
    device line says so; space again resumes the session, sets the program again and asks the
    user, on the device line, to start the device, since facecoach never sends `start`. No
    note at all: notes covered a dialog's Keep going and stacked over the countdown (C3, C4)."""
    air, device = paired_reference(isolated_dirs, REFERENCE_A, clock.now(), advertise_interval=0.05)
    app = FacecoachApp(make_companion(clock, device=DeviceService(isolated_dirs, air=air)))
    shown = record_notifications(app)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.companion.device.is_connected)
            screen = await start_session(app, pilot)
            assert device.press_button()  # the user starts the device with its own button
            await pilot.press("space")
            await until(pilot, lambda: not device.firmware.running)
            stopped = f"{device.name} (simulated) · {paused_output_state(False)}"
            await until(pilot, lambda: text_of(app, "#device-status") == stopped)
            paused = screen.session.status
            await pilot.press("space")
            again = f"{device.name} (simulated) · {START_AGAIN_STATE}"
            await until(pilot, lambda: text_of(app, "#device-status") == again)
            assert (paused, screen.session.status) == (SessionStatus.PAUSED, SessionStatus.RUNNING)
            assert not device.firmware.running
            assert CommandName.START not in [c.name for c in device.firmware.received]
        # The commands run in order: the start's program was selected before the pause.
        assert CommandName.SELECT_PROGRAM in [c.name for c in device.firmware.received]
        assert shown == []

    asyncio.run(main())


def test_a_foreo_level_stopped_for_a_pause_and_back_after_it_is_said_on_the_device_line(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """A FOREO device's level is its output: a pause sets it to 0 and a resume sets it back.
    The device line says the level is 0 while paused, and is the usual line after; no note
    covers the countdown (C9)."""
    air, device = paired_reference(isolated_dirs, BEAR, clock.now(), advertise_interval=0.05)
    (isolated_dirs / "settings.toml").write_text("device_intensity = 3\n")
    app = FacecoachApp(make_companion(clock, device=DeviceService(isolated_dirs, air=air)))
    shown = record_notifications(app)
    paused = f"{device.name} (simulated) · {paused_output_state(True)}"

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.companion.device.is_connected)
            await start_session(app, pilot)
            await until(pilot, lambda: device.firmware.intensity == 3)
            usual = text_of(app, "#device-status")
            await pilot.press("space")
            await until(pilot, lambda: text_of(app, "#device-status") == paused)
            assert device.firmware.received[-1].name == CommandName.STOP  # BEAR's level 0
            await pilot.press("space")
            await until(
                pilot,
                lambda: device.firmware.intensity == 3 and text_of(app, "#device-status") == usual,
            )
            level = device.firmware.received[-1]
            assert (level.name, dict(level.args)) == (CommandName.SET_INTENSITY, {"level": 3})

    asyncio.run(main())
    assert shown == []
