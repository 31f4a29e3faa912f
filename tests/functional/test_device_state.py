"""The device line follows what the device reports (review2 #1), and the too-small screen says
the device is stopped after the grace only when that is so (review2 #2).

Pilot on the virtual-time loop, the device simulated and reached through BleakClient:
reference-a, whose status says whether its stimulation runs, started on its own button
(`press_button`) as the user does.
"""

import asyncio
from pathlib import Path

from textual.command import CommandPalette

from facecoach.session.clock import FakeClock
from facecoach.session.engine import SessionStatus
from facecoach.session.pauses import PAUSE_GRACE_SECONDS
from facecoach.tui.screens.too_small import TooSmallScreen
from tests.functional.test_device_pauses import REFERENCE_A, app_with, session_with_device
from tests.support.tui_support import text_of, until
from tests.support.virtual_time import run_virtual


def test_start_it_again_ends_when_the_user_starts_the_device(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """#1 (a): told to start it again, the user presses the device's button; the device line
    drops the instruction (it said it to the end of a one-program routine)."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await session_with_device(app, pilot, device, press=True)
            await pilot.press("space")
            await pilot.press("space")
            await until(pilot, lambda: "start it again" in text_of(app, "#device-status"))
            assert device.press_button()
            await until(pilot, lambda: "start it again" not in text_of(app, "#device-status"))
            assert text_of(app, "#device-status").startswith(f"{device.name} (simulated)")
            assert screen.session.status is SessionStatus.RUNNING

    run_virtual(main())


def test_a_device_started_while_paused_is_not_said_to_be_stopped(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """#1 (b): paused (the device stopped), the user starts it on its button: the line says it
    runs, not "stopped for the pause"; and after the resume nothing says to start it again."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)
    name = f"{device.name} (simulated)"

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await session_with_device(app, pilot, device, press=True)
            await pilot.press("space")
            await until(pilot, lambda: "stopped for the pause" in text_of(app, "#device-status"))
            assert device.press_button()
            running = f"{name} · running while the session is paused"
            await until(pilot, lambda: text_of(app, "#device-status") == running)
            await pilot.press("space")
            await until(pilot, lambda: "paused" not in text_of(app, "#device-status"))
            await asyncio.sleep(1)
            await pilot.pause()
            assert "start it again" not in text_of(app, "#device-status")
            assert device.firmware.running

    run_virtual(main())


def test_a_glance_at_the_palette_keeps_start_it_again(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """#1 (c): told to start it again, the user opens the palette, closes it and resumes
    within the grace: nothing was sent, the device is still stopped, and the line still says so."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)
    again = f"{device.name} (simulated) · start it again on the device"

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await session_with_device(app, pilot, device, press=True)
            await pilot.press("space")
            await pilot.press("space")
            await until(pilot, lambda: text_of(app, "#device-status") == again)
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
            await pilot.press("space")  # resumed within the grace: nothing was sent
            await until(pilot, lambda: screen.session.status is SessionStatus.RUNNING)
            await asyncio.sleep(1)
            await pilot.pause()
            assert not device.firmware.running
            assert text_of(app, "#device-status") == again

    run_virtual(main())


def test_too_small_after_space_does_not_promise_a_stop(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """#2: paused with space, the device is already stopped: the too-small screen does not say
    it will be stopped after the grace."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await session_with_device(app, pilot, device, press=True)
            await pilot.press("space")
            await until(pilot, lambda: not device.firmware.running)
            await pilot.resize_terminal(50, 15)
            await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
            said = text_of(app, "#too-small")
            assert "paused until then." in said, said
            assert f"after {PAUSE_GRACE_SECONDS:g} s" not in said, said

    run_virtual(main())


def test_too_small_with_the_device_gone_does_not_promise_a_stop(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """#2: the device dropped out mid-session: nothing can stop it, so the too-small screen
    does not say it will be stopped after the grace."""
    app, device = app_with(clock, isolated_dirs, REFERENCE_A)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await session_with_device(app, pilot, device, press=True)
            device.in_range = False  # carried out of range: the link drops
            device.drop_link()
            await until(pilot, lambda: not app.companion.device.is_connected)
            await pilot.resize_terminal(50, 15)
            await until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
            said = text_of(app, "#too-small")
            assert "paused until then." in said, said
            assert f"after {PAUSE_GRACE_SECONDS:g} s" not in said, said

    run_virtual(main())
