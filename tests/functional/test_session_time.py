"""Home's "This week" card and `stats` say what the log's time is: session time, the clock in
sessions with pauses and skipped steps left out, so prep and the moves between zones are in it.
It is not time on the skin, so it is never called treatment: two sessions stopped during prep,
with no glide done, showed "10 s of treatment" on Home (the walk's W6)."""

import asyncio

import pytest

from facecoach.adherence.session_log import SessionSource
from facecoach.cli.main import EXIT_OK, main
from facecoach.cli.time_source import TimeSource, time_from
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from facecoach.session.timeline import StepKind
from facecoach.tui.app import FacecoachApp
from facecoach.tui.widgets.reserved import Card
from tests.support.front_ends import begin_with_callbacks
from tests.support.tui_support import make_app, make_companion, until

PREP_SECONDS_DONE = 5.0


async def two_sessions_stopped_during_prep(clock: FakeClock) -> None:
    companion = make_companion(clock, library=RoutineLibrary.load(None))
    routine = companion.program_service.library.get("express").routine
    assert routine.prep is not None
    assert routine.prep.seconds > PREP_SECONDS_DONE
    for _ in range(2):
        live = begin_with_callbacks(companion, routine, [], source=SessionSource.TUI)
        live.start()
        clock.advance(PREP_SECONDS_DONE)
        live.poll()
        step = live.snapshot().step
        assert step is not None
        assert step.kind is StepKind.PREP  # no glide done
        live.stop()
        await live.finish()
        clock.advance(60)


def test_stats_calls_the_week_s_time_session_time_not_treatment(
    clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(two_sessions_stopped_during_prep(clock))
    with time_from(TimeSource(clock=lambda: clock)):
        assert main(["stats"]) == EXIT_OK
    out = capsys.readouterr().out
    week = next(line for line in out.splitlines() if line.startswith("This week:"))
    assert week.endswith(", 10 s of session time"), week
    every_time = next(line for line in out.splitlines() if line.startswith("All time:"))
    assert every_time.endswith(", 10 s of session time"), every_time
    assert "treatment" not in out


def test_home_s_week_card_calls_prep_session_time_not_treatment(clock: FakeClock) -> None:
    asyncio.run(two_sessions_stopped_during_prep(clock))
    app: FacecoachApp = make_app(clock)

    def week_card() -> str:
        return str(app.screen.query_one("#week-card", Card).render())

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "10 s of" in week_card())
            assert "10 s of session time" in week_card()
            assert "treatment" not in week_card()

    asyncio.run(scenario())
