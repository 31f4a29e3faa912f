"""The device while a session is paused, as the app shows it (walkcover C1-C4, C7, C9, C10).

Each runs the app with Pilot on the virtual-time loop (the pause's grace is the event loop's
timer), its device simulated and reached through BleakClient: reference-a, whose stimulation
starts on its own button, and FOREO's BEAR, whose level is its output.
"""

import asyncio
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from facecoach.companion.devices import DeviceService
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.session.clock import FakeClock
from facecoach.session.engine import SessionStatus
from facecoach.session.pauses import PAUSE_GRACE_SECONDS
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.session import SessionScreen
from facecoach.tui.screens.too_small import TooSmallScreen
from tests.support.device_air import paired_reference
from tests.support.tui_support import (
    make_companion,
    record_notifications,
    start_session,
    text_of,
    until,
)
from tests.support.virtual_time import run_virtual

REFERENCE_A = "5A:1D:00:00:00:02"  # the simulated reference-a device's address
BEAR = "5A:1D:00:00:00:05"  # the simulated FOREO BEAR's
SIZES = [(80, 24), (60, 20)]


def app_with(clock: FakeClock, config: Path, address: str) -> tuple[FacecoachApp, SimulatedDevice]:
    air, device = paired_reference(config, address, clock.now(), advertise_interval=0.05)
    return FacecoachApp(make_companion(clock, device=DeviceService(config, air=air))), device


def stops(device: SimulatedDevice) -> int:
    return sum(command.name == CommandName.STOP for command in device.firmware.received)


def fits(app: FacecoachApp, selector: str) -> bool:
    """Whether a one-line Static's text fits its width (not cut to "…")."""
    line = app.screen.query_one(selector, Static)
    return len(text_of(app, selector)) <= line.content_region.width


async def session_with_device(
    app: FacecoachApp, pilot: Pilot[None], device: SimulatedDevice, *, press: bool
) -> SessionScreen:
    await until(pilot, lambda: app.companion.device.is_connected)
    screen = await start_session(app, pilot)
    if press:
        assert device.press_button()  # the user starts the device with its own button
        link = app.companion.device.link
        await until(pilot, lambda: link is not None and link.status.running is True)
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_a_glance_at_the_palette_leaves_the_device_running_and_says_nothing(
    clock: FakeClock, isolated_dirs: Path, size: tuple[int, int]
) -> None:
    """C2: the palette for a second, esc, space: the timer stopped meanwhile, but the device
    got nothing and the user is told nothing (before: `stop`, then "start it again")."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)
    shown = record_notifications(app)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await session_with_device(app, pilot, device, press=True)
            before = stops(device)
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            assert screen.session.status is SessionStatus.PAUSED
            await asyncio.sleep(1)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
            banner = text_of(app, "#session-status")
            assert "PAUSED  was covered · " in banner, banner
            assert fits(app, "#session-status"), banner  # C7: not cut at either size
            await pilot.press("space")
            assert screen.live.status is SessionStatus.RUNNING
            await asyncio.sleep(PAUSE_GRACE_SECONDS + 1)
            assert stops(device) == before
            assert device.firmware.running
            assert "stopped" not in text_of(app, "#device-status")
        assert not any("FC-RefA" in text for text in shown), shown

    run_virtual(main())


@pytest.mark.parametrize("size", SIZES)
def test_a_covered_pause_past_its_grace_stops_the_device_and_the_device_line_says_so(
    clock: FakeClock, isolated_dirs: Path, size: tuple[int, int]
) -> None:
    """C2, C3, C9: the quit question left open past the grace stops the device; the device
    line under the countdown says so, and after Keep going it says to start it again. No
    note: one covered Keep going at 60x20."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)
    shown = record_notifications(app)
    name = f"{device.name} (simulated)"

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            screen = await session_with_device(app, pilot, device, press=True)
            await pilot.press("q")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await asyncio.sleep(PAUSE_GRACE_SECONDS - 1)
            assert device.firmware.running  # within the grace
            await asyncio.sleep(2)
            await until(pilot, lambda: not device.firmware.running)
            await pilot.click("#no")  # Keep going
            await until(pilot, lambda: app.screen is screen)
            line = f"{name} · start it again on the device"
            await until(pilot, lambda: text_of(app, "#device-status") == line)
            assert screen.session.status is SessionStatus.RUNNING
            assert not device.firmware.running  # facecoach never starts it
        assert shown == []

    run_virtual(main())


def test_space_stops_the_device_at_once_and_the_device_line_follows_it(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """C9: a pause the user asked for stops the device at once, as before, and the device line
    says so while paused; once resumed, it says to start the device again (until the device
    reports that it runs: tests/functional/test_device_state.py)."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)
    name = f"{device.name} (simulated)"

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await session_with_device(app, pilot, device, press=True)
            await pilot.press("space")
            paused = f"{name} · stopped for the pause"
            await until(pilot, lambda: text_of(app, "#device-status") == paused)
            assert not device.firmware.running
            assert "PAUSED  space resumes · " in text_of(app, "#session-status")
            await pilot.press("space")
            again = f"{name} · start it again on the device"
            await until(pilot, lambda: text_of(app, "#device-status") == again)
            assert screen.session.status is SessionStatus.RUNNING

    run_virtual(main())


def test_a_device_that_never_ran_is_not_asked_to_start_again(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """C1: paused and resumed during Prep, before the user pressed reference-a's button: its
    status said it was not running, so nothing says to start it again."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)
    shown = record_notifications(app)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await session_with_device(app, pilot, device, press=False)
            await pilot.press("space")
            await until(pilot, lambda: "stopped for the pause" in text_of(app, "#device-status"))
            await pilot.press("space")
            await until(pilot, lambda: "stopped" not in text_of(app, "#device-status"))
            await asyncio.sleep(1)
            assert "start it again" not in text_of(app, "#device-status")
        assert not any("start it again" in text for text in shown), shown

    run_virtual(main())


@pytest.mark.parametrize("size", SIZES)
def test_a_foreo_level_paused_and_back_shows_on_the_device_line(
    clock: FakeClock, isolated_dirs: Path, size: tuple[int, int]
) -> None:
    """C9: BEAR's level goes to 0 for a pause and back after it; the device line says it
    while paused and is the usual line again after, with no note over the countdown."""
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.toml").write_text("device_intensity = 3\n")
    app, device = app_with(clock, isolated_dirs, BEAR)
    shown = record_notifications(app)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await session_with_device(app, pilot, device, press=False)
            await until(pilot, lambda: device.firmware.intensity == 3)
            usual = text_of(app, "#device-status")
            await pilot.press("space")
            paused = "BEAR (simulated) · level 0 while paused"
            await until(pilot, lambda: text_of(app, "#device-status") == paused)
            assert fits(app, "#session-status")
            await pilot.press("space")
            await until(pilot, lambda: device.firmware.received[-1].name != CommandName.STOP)
            await until(pilot, lambda: text_of(app, "#device-status") == usual)
        assert shown == []

    run_virtual(main())


def test_a_terminal_too_small_says_what_the_device_does(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """C10: with a device, the too-small message says it is stopped after the grace; and so
    it is, while the session stays paused."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await session_with_device(app, pilot, device, press=True)
            await pilot.resize_terminal(50, 15)
            await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
            said = text_of(app, "#too-small")
            grace = f"{PAUSE_GRACE_SECONDS:g} s"
            assert f"paused until then, and after {grace} {device.name} (simulated) is" in said
            await asyncio.sleep(PAUSE_GRACE_SECONDS + 1)
            await until(pilot, lambda: not device.firmware.running)
            await pilot.resize_terminal(60, 20)
            await until(pilot, lambda: app.screen is screen)
            banner = text_of(app, "#session-status")
            assert "PAUSED  was too small · " in banner, banner
            assert fits(app, "#session-status"), banner

    run_virtual(main())
