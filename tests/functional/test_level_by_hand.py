"""Outside a session, a FOREO device's level is never set by hand: it runs the pulsation motor
at once, and nothing would stop it when the command or the screen is gone. A session sets it
and stops it at every end; by hand it is refused in words and the device stays at 0."""

import asyncio
import os
from pathlib import Path

from textual.widgets import DataTable

from facecoach.cli.output import EXIT_ERROR, EXIT_OK
from facecoach.companion.devices import DeviceService
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import reference_air
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.devices import DevicesScreen
from tests.support.cli import facecoach
from tests.support.tui_support import make_companion, record_notifications, until

PROFILES = load_registry().profiles
REFUSED = (
    "FOREO BEAR's level runs it at once, so facecoach sets it only in a session, which stops "
    "it at every end: set device_intensity in settings.toml and start a session"
)


def test_devices_send_refuses_a_foreo_level_and_still_sends_its_stop(isolated_dirs: Path) -> None:
    scan = facecoach("devices", "scan", "--seconds", "1", "--simulate")
    bear = next(line for line in scan.stdout.splitlines() if "FOREO BEAR" in line).split()[0]
    assert facecoach("devices", "pair", bear, "--simulate").returncode == EXIT_OK

    sent = facecoach("devices", "send", "set_intensity", "level=3", "--simulate")
    assert sent.returncode == EXIT_ERROR
    assert REFUSED in sent.stdout + sent.stderr
    assert "Sent" not in sent.stdout
    stop = facecoach("devices", "send", "stop", "--simulate")
    assert (stop.returncode, stop.stdout) == (
        EXIT_OK,
        "Sent stop to BEAR; it sends no answer to it.\n",
    )


def test_the_devices_screen_keys_never_run_a_foreo_motor(clock: FakeClock) -> None:
    air = reference_air(PROFILES, advertise_interval=0.05)
    bear = next(d for d in air.devices.values() if d.name == "BEAR")
    service = DeviceService(Path(os.environ["FACECOACH_CONFIG_DIR"]), air=air)
    app = FacecoachApp(make_companion(clock, device=service))

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            shown = record_notifications(app)
            await pilot.press("d")
            await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
            table = app.screen.query_one("#nearby", DataTable)
            await until(pilot, lambda: table.row_count == len(PROFILES))
            row = next(i for i in range(table.row_count) if table.get_row_at(i)[1] == bear.address)
            table.move_cursor(row=row)
            await pilot.press("p")
            await until(pilot, lambda: app.companion.device.is_connected)
            await pilot.press("plus", "plus", "minus")
            await until(pilot, lambda: shown.count(REFUSED) == 3)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, DevicesScreen))

    asyncio.run(main())
    levels = [c.args for c in bear.firmware.received if c.name == CommandName.SET_INTENSITY]
    assert levels == []
