"""The Devices screen and the device in sessions, driven by Pilot against simulated devices."""

import asyncio
import os
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, DataTable

from facecoach.companion.devices import DeviceService
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import SimulatedAir, reference_air
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.devices import DevicesScreen
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.home import HomeScreen
from facecoach.tui.screens.session import SessionScreen
from tests.support.tui_support import (
    make_companion,
    record_notifications,
    start_session,
    text_of,
    until,
)

PROFILES = load_registry().profiles
DEVICES = len(PROFILES)  # the simulated air holds one device per shipped profile


REF_A = "5A:1D:00:00:00:02"
REF_B = "5A:1D:00:00:00:03"


async def pair_row(pilot: Pilot[None], table: DataTable[object], address: str) -> None:
    """Moves to the device's row with the arrow keys and pairs it (`p`): rows come in the
    order the devices are heard, which a rescan may change."""
    index = next(i for i in range(table.row_count) if table.get_row_at(i)[1] == address)
    moves = index - table.cursor_row
    await pilot.press(*(["down"] * moves if moves > 0 else ["up"] * -moves), "p")


def simulated_app(clock: FakeClock) -> tuple[FacecoachApp, SimulatedAir]:
    air = reference_air(PROFILES, advertise_interval=0.05)
    device = DeviceService(Path(os.environ["FACECOACH_CONFIG_DIR"]), air=air)
    return FacecoachApp(make_companion(clock, device=device)), air


def test_pair_from_the_devices_screen_then_the_session_selects_the_program(
    clock: FakeClock,
) -> None:
    app, air = simulated_app(clock)
    ref_a = air.device("5A:1D:00:00:00:02")

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            # Home fills its cards in after its first frame: under load, later than one pause.
            await until(pilot, lambda: app.home.controls_ready)
            assert "No device paired" in text_of(app, "#device-card")
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, DevicesScreen)
            table = app.screen.query_one("#nearby", DataTable)
            await until(pilot, lambda: table.row_count == DEVICES)
            await pair_row(pilot, table, REF_A)
            await until(
                pilot,
                lambda: (
                    app.companion.device.link is not None and app.companion.device.link.is_connected
                ),
            )
            paired = text_of(app, "#paired")
            assert "FC-RefA 0002" in paired
            assert "connected" in paired
            assert "● Lift" in text_of(app, "#programs")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            # Shown again once Home is back on the terminal (after its next frame).
            await until(pilot, lambda: "connected" in text_of(app, "#device-card"))
            assert "connected, battery 80%, Lift" in text_of(app, "#device-card")

            ref_a.set_battery(64)  # the device reports by itself? Reference A only on request
            screen = await start_session(app, pilot)
            assert isinstance(screen, SessionScreen)
            await until(pilot, lambda: "Lift" in text_of(app, "#device-status"))
            assert ref_a.firmware.program_code == 1
            assert "FC-RefA 0002" in text_of(app, "#device-status")
            assert "64%" in text_of(app, "#device-status")  # read before the start

    asyncio.run(main())
    assert air.device("5A:1D:00:00:00:02").client is None  # disconnected on quit


def test_a_device_on_its_charger_blocks_the_session_start(clock: FakeClock) -> None:
    app, air = simulated_app(clock)
    ref_b = air.device("5A:1D:00:00:00:03")
    messages: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            app.notify = lambda message, **kw: messages.append(str(message))  # type: ignore[method-assign]
            await pilot.press("d")
            table = app.screen.query_one("#nearby", DataTable)
            await until(pilot, lambda: table.row_count == DEVICES)
            await pair_row(pilot, table, REF_B)
            await until(
                pilot,
                lambda: (
                    app.companion.device.link is not None and app.companion.device.link.is_connected
                ),
            )
            await pilot.press("escape")
            ref_b.plug_in()
            await pilot.press("s")
            await until(pilot, lambda: any("never be used while charging" in m for m in messages))
            assert isinstance(app.screen, HomeScreen)
            assert "charging" in text_of(app, "#device-card")

    asyncio.run(main())


def test_the_devices_screen_counts_what_it_finds_rescans_and_asks_before_forgetting(
    clock: FakeClock,
) -> None:
    app, _air = simulated_app(clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("d")
            await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
            table = app.screen.query_one("#nearby", DataTable)
            await until(pilot, lambda: table.row_count == DEVICES)
            await until(
                pilot, lambda: text_of(app, "#scan-state") == f"Scanning… found {DEVICES} devices."
            )
            # The address is a column that fits at 80 columns.
            assert "5A:1D:00:00:00:0" in str(table.get_row_at(0)[1])
            await pilot.press("r")
            await pilot.pause()
            await until(pilot, lambda: table.row_count == DEVICES)  # found again after the rescan

            await pair_row(pilot, table, REF_A)
            await until(pilot, lambda: app.companion.device.is_connected)
            await until(pilot, lambda: not app.screen.query_one("#disconnect", Button).disabled)
            connect = app.screen.query_one("#connect", Button)
            await until(pilot, lambda: str(connect.label) == "Connected")
            assert connect.disabled
            await until(pilot, lambda: "Skin contact: " in text_of(app, "#programs"))
            await pilot.press("x")  # disconnect
            await until(pilot, lambda: not app.companion.device.is_connected)
            await until(pilot, lambda: str(connect.label) == "Connect")

            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("escape")  # keep it
            await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
            assert app.companion.device.paired is not None
            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.click("#yes")
            await until(pilot, lambda: app.companion.device.paired is None)

    asyncio.run(main())


def test_program_and_intensity_can_be_changed_by_hand_never_above_the_limit(
    clock: FakeClock,
) -> None:
    app, air = simulated_app(clock)
    ref_a = air.device("5A:1D:00:00:00:02")
    limit = next(p for p in PROFILES if p.id == "reference-a").limits.max_intensity

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("d")
            await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
            table = app.screen.query_one("#nearby", DataTable)
            await until(pilot, lambda: table.row_count == DEVICES)
            await pair_row(pilot, table, REF_A)
            await until(pilot, lambda: app.companion.device.is_connected)
            await until(pilot, lambda: "m changes the program" in text_of(app, "#programs"))
            before = ref_a.firmware.program_code
            await pilot.press("m")
            await until(pilot, lambda: ref_a.firmware.program_code != before)
            for _ in range(limit + 3):
                await pilot.press("plus")
                await pilot.pause()
            await until(pilot, lambda: ref_a.firmware.intensity == limit)
            assert f"Intensity {limit} (limit {limit})" in text_of(app, "#programs")
            await pilot.press("minus")
            await until(pilot, lambda: ref_a.firmware.intensity == limit - 1)

    asyncio.run(main())


def test_device_keys_with_nothing_paired_say_what_to_do(clock: FakeClock) -> None:
    app, _air = simulated_app(clock)
    shown = record_notifications(app)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("d")
            await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
            for key in ("c", "x", "f"):
                await pilot.press(key)
            hint = "No device is paired yet: choose one under Nearby and press p."

            def said() -> int:
                return shown.count(hint)

            # Each key's answer may come a loop turn later on a loaded machine.
            await until(pilot, lambda: said() == 3)

    asyncio.run(main())


def test_at_80_columns_nearby_shows_each_device_s_signal(clock: FakeClock) -> None:
    """U25: the Signal column is on screen at 80x24 (it was pushed out of sight by a long name
    and long profile ids), and a name too long for its column ends in an ellipsis."""
    app, _ = simulated_app(clock)
    shot = ""

    async def main() -> None:
        nonlocal shot
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("d")
            await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
            table = app.screen.query_one("#nearby", DataTable)
            await until(pilot, lambda: table.row_count == DEVICES)
            await pilot.pause()
            shot = app.export_screenshot().replace("&#160;", " ")
        app.companion.close()

    asyncio.run(main())
    assert "Signal" in shot
    assert shot.count("dBm") >= DEVICES - 1  # every row on screen (the last may sit under the fold)
    assert "Bluetooth device (b…" in shot
