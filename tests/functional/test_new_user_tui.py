"""The app as a new user met it in the second walk (issue 29): Pilot on a fake clock."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from facecoach.config.settings import load_settings
from facecoach.safety.waiting import InjectionKind
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import PreSessionChecks
from facecoach.tui.screens.session import SessionScreen
from facecoach.tui.screens.settings import SettingsScreen
from facecoach.tui.widgets.reserved import Card
from facecoach.tui.widgets.toggles import TickBox
from tests.support.tui_support import make_app, make_companion, until

Scenario = Callable[[FacecoachApp, Pilot[None]], Awaitable[None]]


def run(app: FacecoachApp, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())


def card_text(app: FacecoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Card).render()).replace("\n", " ")


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs.parent / "data"


def test_home_does_not_urge_a_session_during_the_waiting_period(clock: FakeClock) -> None:
    """U2: Botox three days ago: the Today card says the waiting period, as `status` does."""
    companion = make_companion(clock)
    companion.add_injection(InjectionKind.BOTOX, clock.now().date() - timedelta(days=3))

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: "waiting period" in card_text(app, "#today-card"))
        today = card_text(app, "#today-card")
        assert "due" not in today
        last_day = clock.now().date() + timedelta(days=6)
        assert f"until {last_day:%a %d %b}" in today

    run(FacecoachApp(companion), scenario)


def test_settings_refuses_an_intro_goal_longer_than_the_intro(
    clock: FakeClock, isolated_dirs: Path
) -> None:
    """U3: a 9 typed into the first field makes the intro goal 5/79: refused, saying why."""
    notices: list[str] = []

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("9", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # not saved: still there to correct
        assert any(
            "5/79 counts over 79 days, longer than the 60-day intro phase" in notice
            and "perhaps 5/7 was meant" in notice
            for notice in notices
        ), notices

    run(make_app(clock), scenario)
    assert str(load_settings(isolated_dirs).program().phases[0].goal) == "5/7"


def test_enter_enter_enter_ticks_both_checks_and_starts(clock: FakeClock) -> None:
    """U11: each Enter ticks a box and moves on; the third starts the session."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        await pilot.press("enter")
        assert [box.value for box in app.screen.query(TickBox)] == [True, False]
        await pilot.press("enter")
        assert [box.value for box in app.screen.query(TickBox)] == [True, True]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))

    run(make_app(clock), scenario)


def test_two_quick_enters_tick_both_checks(clock: FakeClock) -> None:
    """U11: two Enters typed before the app draws again both count."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
        checks = app.screen
        for _ in range(2):  # queued together, no pause between them
            app.post_message(events.Key("enter", "\r"))
        await until(pilot, lambda: all(box.value for box in checks.query(TickBox)))
        assert app.screen is checks  # ticked, not started: the third Enter starts

    run(make_app(clock), scenario)
