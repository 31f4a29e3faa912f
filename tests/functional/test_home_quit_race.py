"""A quit (q typed ahead, or Ctrl-C / a closed terminal, which end the app as `exit` does)
at any point while home mounts its controls after the first frame ends the app cleanly.

The points are every Compose and Mount Textual dispatches from the first frame until the
Start button has the focus; the quit comes as each is dispatched. Textual's Select raised
NoMatches (SelectOverlay) when its screen was torn down as it mounted."""

import asyncio
from collections.abc import Callable

from textual import events
from textual.message import Message

from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from tests.support.app_runs import earlier_objects_left_alone, looking_until
from tests.support.tui_support import make_companion

QUITS: dict[str, Callable[[FacecoachApp], None]] = {
    "ctrl-c": lambda app: app.exit(),  # the signal handler's way out
    "q": lambda app: app.simulate_key("q"),
}


def run_home(clock: FakeClock, quit_at: int | None, quit: Callable[[FacecoachApp], None]) -> int:
    """Runs home to its Start button (quitting at the `quit_at`-th point); the points seen."""
    app = FacecoachApp(make_companion(clock))
    shown = False
    points = 0

    def first_frame() -> None:
        nonlocal shown
        shown = True

    def hook(message: Message) -> None:
        nonlocal points
        if shown and isinstance(message, events.Compose | events.Mount):
            if points == quit_at:
                quit(app)
            points += 1

    app.after_first_frame(first_frame)

    async def main() -> None:
        async with app.run_test(size=(80, 24), message_hook=hook):
            if quit_at is None:
                await looking_until(lambda: app.focused is not None and app.focused.id == "start")
            else:
                await looking_until(lambda: not app.is_running)

    asyncio.run(main())  # run_test raises what the app raised
    if quit_at is not None:
        assert app.return_code == 0
    return points


def test_a_quit_at_each_point_of_homes_mount_ends_cleanly(clock: FakeClock) -> None:
    with earlier_objects_left_alone():
        run_every_point(clock)


def run_every_point(clock: FakeClock) -> None:
    points = run_home(clock, None, QUITS["q"])
    assert points > 4  # the routine list, its parts, the button, the footer
    ways = list(QUITS.values())
    for quit_at in range(points):  # both ways in turn: each run costs half a second
        run_home(clock, quit_at, ways[quit_at % len(ways)])
