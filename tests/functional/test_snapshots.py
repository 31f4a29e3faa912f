"""Every screen at 80x24 and 60x20 (the session mid-glide also at 120x40; history and the
light theme at 80x24 only), on a fake clock and fixed data, compared with the accepted SVG.
Only where a picture is the point: what a Pilot test asserts in words is not pictured twice.

After a deliberate change to a screen, review the new pictures with
`pytest tests/test_snapshots.py --snapshot-update` and commit them with the change.
"""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from facecoach.adherence.session_log import ZonePlan
from facecoach.companion.core import Companion
from facecoach.safety.waiting import InjectionKind
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.session import SessionScreen
from tests.support.tui_support import make_companion, text_of, until
from tests.support.tui_support import start_session as support_start_session

SnapCompare = Callable[..., bool]
Size = tuple[int, int]

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((60, 20), id="60x20")]
# The wide layout's large face is a picture worth guarding once, mid-glide; paused, it holds
# the same layout (the pause sign's shape is asserted in words by test_tui.py).
SESSION_SIZES = [*SIZES, pytest.param((120, 40), id="120x40")]


@pytest.fixture
def companion(clock: FakeClock) -> Companion:
    """A user a few weeks into the program: sessions on most days, one skipped week-end."""
    companion = make_companion(clock)
    assert companion.log_service.store is not None
    for days_ago in range(40):
        if days_ago % 7 in (2, 3) or days_ago == 0:
            continue
        companion.log_service.store.log_manual_session(
            routine_id="quick",
            routine_name="Quick test",
            started=clock.now() - timedelta(days=days_ago, hours=1),
            utc_offset_minutes=0,
            seconds=300 + 60 * (days_ago % 4) * 4,
            zones=[ZonePlan(0, "forehead", 4), ZonePlan(1, "neck", 4)],
        )
    return companion


async def start_session(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, FacecoachApp)
    await support_start_session(app, pilot)


def advance(clock: FakeClock, pilot: Pilot[None], seconds: float) -> None:
    clock.advance(seconds)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    screen.tick()


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare: SnapCompare, companion: Companion, size: Size) -> None:
    assert snap_compare(FacecoachApp(companion), terminal_size=size)


# The light theme's colours: one size (home's layout at 60x20 is test_home's).
@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24")])
def test_home_light_theme(snap_compare: SnapCompare, companion: Companion, size: Size) -> None:
    assert snap_compare(FacecoachApp(companion), terminal_size=size, press=["t"])


@pytest.mark.parametrize("size", SIZES)
def test_first_run_safety_screening(
    snap_compare: SnapCompare, clock: FakeClock, size: Size
) -> None:
    assert snap_compare(FacecoachApp(make_companion(clock, screened=False)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_pre_session_checks(snap_compare: SnapCompare, companion: Companion, size: Size) -> None:
    assert snap_compare(FacecoachApp(companion), terminal_size=size, press=["s"])


@pytest.mark.parametrize("size", SIZES)
def test_waiting_period_override(
    snap_compare: SnapCompare, companion: Companion, size: Size
) -> None:
    companion.safety_service.add_injection(
        InjectionKind.FILLER, companion.program_service.today() - timedelta(days=3)
    )
    assert snap_compare(FacecoachApp(companion), terminal_size=size, press=["s"])


@pytest.mark.parametrize("size", SESSION_SIZES)
def test_session_mid_glide(
    snap_compare: SnapCompare, companion: Companion, clock: FakeClock, size: Size
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await start_session(pilot)
        advance(clock, pilot, 17.5)  # forehead, right side, glide 1, 3.5 s left
        await pilot.pause()

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_session_paused(
    snap_compare: SnapCompare, companion: Companion, clock: FakeClock, size: Size
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await start_session(pilot)
        advance(clock, pilot, 30)  # neck, left side
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


# The summary has no layout of its own for a large terminal (no -wide or -roomy rules).
@pytest.mark.parametrize("size", SIZES)
def test_session_summary(
    snap_compare: SnapCompare, companion: Companion, clock: FakeClock, size: Size
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await start_session(pilot)
        advance(clock, pilot, 12)
        await pilot.press("z")
        advance(clock, pilot, 60)
        await pilot.pause()

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


# History at 60x20 is checked by a Pilot test instead (test_tui.py): its SVG differs from run
# to run in style definitions that draw nothing (the same text and colours on screen).
@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24")])
def test_history(snap_compare: SnapCompare, companion: Companion, size: Size) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("h")
        # The numbers come from a worker thread once the screen is up.
        app = pilot.app
        assert isinstance(app, FacecoachApp)
        await until(pilot, lambda: "Streak" in text_of(app, "#history-numbers"))
        # ...and the selected session's line above the table, drawn when the row is.
        await until(pilot, lambda: "zones:" in text_of(app, "#recent-detail"))
        app.screen.query_one("#recent").focus()  # as on_mount left it, whatever came since
        await pilot.wait_for_scheduled_animations()  # the page scrolled to the table
        await pilot.pause()

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare: SnapCompare, companion: Companion, size: Size) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("o")
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_safety_with_answers(snap_compare: SnapCompare, companion: Companion, size: Size) -> None:
    companion.safety_service.record_screening({"metal_implants": True})
    companion.safety_service.add_injection(
        InjectionKind.BOTOX, companion.program_service.today() - timedelta(days=30)
    )
    assert snap_compare(FacecoachApp(companion), terminal_size=size, press=["y"])


@pytest.mark.parametrize("size", SIZES)
def test_routine_editor(snap_compare: SnapCompare, clock: FakeClock, size: Size) -> None:
    from facecoach.routines.loader import RoutineLibrary

    companion = make_companion(clock, library=RoutineLibrary.load(None))

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, FacecoachApp)
        await until(pilot, lambda: bool(app.screen.query("#routine-select")))
        await until(pilot, lambda: getattr(app.screen, "controls_ready", False))
        from textual.widgets import Select

        app.screen.query_one("#routine-select", Select).value = "spot-forehead"
        await pilot.press("e")
        await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_what_is_known(snap_compare: SnapCompare, companion: Companion, size: Size) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("y")
        await until(pilot, lambda: bool(pilot.app.screen.query("#evidence")))
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_how_it_felt(
    snap_compare: SnapCompare, companion: Companion, clock: FakeClock, size: Size
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await start_session(pilot)
        advance(clock, pilot, 120)
        await until(pilot, lambda: bool(pilot.app.screen.query("#felt")))
        await pilot.press("f")
        await until(pilot, lambda: bool(pilot.app.screen.query("#felt-note")))
        await pilot.pause()
        pilot.app.screen.query_one("#felt-note", Input).cursor_blink = False

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_photos_half_blocks(
    snap_compare: SnapCompare, companion: Companion, tmp_path: Path, size: Size
) -> None:
    from facecoach.tui.screens.photos import PhotosScreen
    from facecoach.tui.widgets.photo_view import PhotoView
    from tests.functional.test_photos import add_photos

    add_photos(companion, tmp_path)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("h")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(pilot.app.screen, PhotosScreen))
        views = list(pilot.app.screen.query(PhotoView))
        await until(pilot, lambda: all("▀" in str(v.render()) for v in views))
        await pilot.pause()

    assert snap_compare(FacecoachApp(companion), terminal_size=size, run_before=run_before)
