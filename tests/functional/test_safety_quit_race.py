"""A quit (q typed ahead, or Ctrl-C / a closed terminal, which end the app as `exit` does) or
an escape typed ahead, at any point while the Safety screen builds what comes after its
first frame (the Save button, the injections and the evidence, the footer), ends cleanly.

The points are every Compose and Mount Textual dispatches from the screen's first frame
until its controls are in place; the quit or the escape comes as each is dispatched (as
tests/functional/test_home_quit_race.py does for home)."""

import asyncio
from collections.abc import Callable

import pytest
from textual import events
from textual.message import Message
from textual.widgets import Footer

from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.safety import SafetyScreen
from tests.support.app_runs import earlier_objects_left_alone, looking_until
from tests.support.tui_support import make_companion

QUITS: dict[str, Callable[[FacecoachApp], None]] = {
    "ctrl-c": lambda app: app.exit(),  # the signal handler's way out
    "escape": lambda app: app.simulate_key("escape"),  # Safety closes (to home)
}


def built(app: FacecoachApp) -> bool:
    screen = app.screen
    # The footer is mounted on the screen itself: its children, not a walk of every widget
    # at each of the hundreds of messages a run dispatches.
    return isinstance(screen, SafetyScreen) and any(
        isinstance(child, Footer) for child in screen.children
    )


def run_safety(
    clock: FakeClock, start: str, quit_at: int | None, quit: Callable[[FacecoachApp], None]
) -> int:
    """Runs the Safety screen until it is built, on a first run or opened from home
    (quitting at the `quit_at`-th point); the points seen."""
    app = FacecoachApp(make_companion(clock, screened=start == "from home"))
    counting = False
    points = 0

    def first_frame() -> None:
        nonlocal counting
        counting = start == "first run"

    def hook(message: Message) -> None:
        nonlocal points
        if counting and isinstance(message, events.Compose | events.Mount) and not built(app):
            if points == quit_at:
                quit(app)
            points += 1

    app.after_first_frame(first_frame)

    async def main() -> None:
        nonlocal counting
        async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
            if start == "from home":
                await looking_until(lambda: app.home.controls_ready)
                counting = True
                await pilot.press("y")
            if quit_at is None:
                await looking_until(lambda: built(app))
                return
            if quit is QUITS["escape"]:  # Safety makes way for home (a first run's pushes it)
                await looking_until(lambda: closed(app))
                await looking_until(lambda: app.home.controls_ready)
                app.exit()
            await looking_until(lambda: not app.is_running)

    asyncio.run(main())  # run_test raises what the app raised
    if quit_at is not None:
        assert app.return_code == 0
    return points


def closed(app: FacecoachApp) -> bool:
    return not isinstance(app.screen, SafetyScreen)


@pytest.mark.parametrize("start", ["first run", "from home"])
def test_a_quit_or_an_escape_at_each_point_of_the_safety_screens_mount_ends_cleanly(
    clock: FakeClock, start: str
) -> None:
    with earlier_objects_left_alone():
        run_every_point(clock, start)


def run_every_point(clock: FakeClock, start: str) -> None:
    points = run_safety(clock, start, None, QUITS["ctrl-c"])
    assert points > 4  # the Save button, the injections' table, the buttons, the footer
    ways = list(QUITS.values())
    # Each point is a whole app run (about half a second). From home the points are many
    # (Safety's own compose and home's, about 80) and a fault spans a run of them: every third
    # point, the two ways in turn, still meets each fault found so far (the NoMatches of
    # '#save-skeleton' and '#q-...', at a dozen points each). A first run's build is shorter:
    # there each way comes at each point.
    if start == "first run":  # 20 points or so: each way at each
        for quit_at in range(points):
            for way in ways:
                run_safety(clock, start, quit_at, way)
        return
    for turn, quit_at in enumerate(range(0, points, 3)):
        run_safety(clock, start, quit_at, ways[turn % len(ways)])
