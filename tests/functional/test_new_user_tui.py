"""The app as a new user met it in the second walk (issue 29): Pilot on a fake clock."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from facecoach.safety.waiting import InjectionKind
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.widgets.reserved import Card
from tests.support.tui_support import make_companion, until

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
