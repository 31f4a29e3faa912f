"""Building the TUI on test files and a fake clock, and driving it without sleeping."""

import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from facecoach.companion.core import Companion
from facecoach.companion.devices import DeviceService
from facecoach.routines.loader import LoadedRoutine, RoutineLibrary
from facecoach.routines.model import Routine
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import PreSessionChecks
from facecoach.tui.screens.session import SessionScreen
from tests.support.machines import bare_machine

# 3 s prep, then forehead left/right (2 glides of 5 s each side), then neck left/right.
QUICK = Routine.model_validate(
    {
        "id": "quick",
        "name": "Quick test",
        "glide_seconds": 5,
        "repeats": 2,
        "transition_seconds": 2,
        "side_switch_seconds": 1,
        "prep": {"seconds": 3, "text": "Apply gel."},
        "zones": [{"zone": "forehead", "path": "brows to hairline"}, {"zone": "neck"}],
    }
)


def quick_library() -> RoutineLibrary:
    return RoutineLibrary(routines={"quick": LoadedRoutine(QUICK, "test")})


def make_companion(
    clock: FakeClock,
    *,
    library: RoutineLibrary | None = None,
    screened: bool = True,
    device: DeviceService | None = None,
) -> Companion:
    companion = Companion(
        clock,
        Path(os.environ["FACECOACH_CONFIG_DIR"]),
        Path(os.environ["FACECOACH_DATA_DIR"]) / "facecoach.db",
        library=library or quick_library(),
        device=device,
        machine=bare_machine(),
    )
    if screened:
        companion.safety_service.record_screening({})
    return companion


def make_app(clock: FakeClock, **kwargs: object) -> FacecoachApp:
    return FacecoachApp(make_companion(clock, **kwargs))  # type: ignore[arg-type]


def text_of(app: FacecoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def start_session(app: FacecoachApp, pilot: Pilot[None]) -> SessionScreen:
    await pilot.press("s")
    return await confirm_checks(app, pilot)


async def confirm_checks(app: FacecoachApp, pilot: Pilot[None]) -> SessionScreen:
    """Ticks the pre-session checks and starts; the session screen comes next."""
    # The home screen's routine list is built just after the first frame; `s` waits for it.
    await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
    await pilot.click("#check-gel")
    await pilot.click("#check-off_charger")
    await pilot.click("#go")
    await pilot.pause()
    assert isinstance(app.screen, SessionScreen)
    return app.screen


UNTIL_SECONDS = 15.0


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Lets the app's workers run until `condition` holds (the simulated radio is async).

    The limit is wall time, generous: a loaded CI machine loading the Bluetooth stack in a
    worker can take seconds; a condition that never holds still fails."""
    deadline = time.monotonic() + UNTIL_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.01)
    if condition():
        return
    raise AssertionError("the app never got there")


async def settled_screenshot(app: App[Any], pilot: Pilot[None]) -> str:
    """The screen once it has stopped changing: two screenshots in a row, each after the app
    has handled what was queued, are the same. One pause is not enough under load: Textual's
    idle wait reads a starved process as idle, and what a frame set off (the footer's keys
    after a focus change) can still be on its way."""
    await pilot.pause()
    shot = app.export_screenshot()
    deadline = time.monotonic() + UNTIL_SECONDS
    while time.monotonic() < deadline:
        await pilot.pause()
        again = app.export_screenshot()
        if again == shot:
            return shot
        shot = again
    raise AssertionError("the screen never stopped changing")


def log_one_session(
    companion: Companion, routine_id: str, routine_name: str, *, days_ago: int = 0
) -> None:
    """A minute's session done now (or `days_ago`), as `facecoach log` would record it."""
    companion.log_service.require_store().log_manual_session(
        routine_id=routine_id,
        routine_name=routine_name,
        started=companion.clock.now() - timedelta(days=days_ago),
        utc_offset_minutes=0,
        seconds=60,
        zones=[],
    )


def record_notifications(app: App[None]) -> list[str]:
    """Every notification the app shows from now on, in order. Textual's own list drops a
    notification once its timeout has passed, which on a loaded machine can come before a
    test has looked."""
    shown: list[str] = []
    notify = app.notify

    def recorded(message: str, **options: Any) -> None:
        shown.append(str(message))
        notify(message, **options)

    app.notify = recorded  # type: ignore[method-assign]
    return shown
