"""A screen opened by a key typed before the app's first frame is written fills in, as one
opened later does: the first frame is the one of the screen in front."""

from facecoach.session.clock import FakeClock
from facecoach.tui.screens.safety import SafetyScreen
from tests.support.app_runs import looking_until
from tests.support.tui_support import make_app
from tests.support.virtual_time import run_virtual


def test_the_safety_screen_opened_before_the_first_frame_gets_its_controls(
    clock: FakeClock,
) -> None:
    # On a real loop the key lands before home's next refresh now and then (the evidence
    # test failed so in 2 of ~30 loaded suites); on a virtual-time loop every time: the
    # refresh waits on a timer, which fires only once nothing else is left to run.
    app = make_app(clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            assert not app.first_frame_shown
            await pilot.press("y")
            await looking_until(lambda: isinstance(app.screen, SafetyScreen))
            safety = app.screen
            assert isinstance(safety, SafetyScreen)
            # The Save button, the evidence, the footer; before the fix none came, and
            # escape (which waits for them) did nothing.
            await looking_until(lambda: safety.controls_ready)
            assert safety.query("#save")
            assert safety.query("#evidence")
            await pilot.press("escape")
            await looking_until(lambda: app.screen is app.home and app.home.controls_ready)

    run_virtual(main())
