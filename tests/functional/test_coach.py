"""The plain-text coach, driven by a fake clock: the exact lines a user hears."""

import asyncio
import io
import json

import pytest

from facecoach.cli.coach_output import JsonRenderer, TextRenderer
from facecoach.cli.realtime import CoachRunner
from facecoach.companion.cue_channels.dispatch import CueChannel, CueDispatcher
from facecoach.companion.cue_channels.terminal import BELL, TerminalChannel
from facecoach.companion.live_session import LiveSession
from facecoach.session.clock import FakeClock
from facecoach.session.engine import Session, SessionStatus
from facecoach.session.timeline import plan_timeline
from tests.support.routines import make_routine


class FakeWaiter:
    """Waits by advancing the fake clock, a little late each time, like a real scheduler."""

    def __init__(self, clock: FakeClock, lateness: float = 0.003) -> None:
        self.clock = clock
        self.lateness = lateness
        self.stop_at: float | None = None
        self.runner: CoachRunner | None = None

    async def wait(self, seconds: float) -> None:
        elapsed = self.clock.monotonic() - 1000.0
        if self.stop_at is not None and elapsed + seconds >= self.stop_at and self.runner:
            # Ctrl-C arrives during this wait and cuts it short.
            self.clock.advance(max(0.0, self.stop_at - elapsed))
            self.runner.request_stop()
            return
        self.clock.advance(seconds + self.lateness)

    def wake(self) -> None:
        pass


def run(
    renderer: TextRenderer | JsonRenderer,
    clock: FakeClock,
    stop_at: float | None = None,
    channels: list[CueChannel] | None = None,
) -> Session:
    routine = make_routine(
        prep={"text": "Apply conductive gel.", "seconds": 10},
        zones=[{"zone": "jawline", "path": "chin to ear"}, {"zone": "chin", "sides": ["center"]}],
        hold_seconds=1,
    )
    session = Session(plan_timeline(routine), clock)
    waiter = FakeWaiter(clock)
    cues = CueDispatcher(channels, clock) if channels else None
    runner = CoachRunner(LiveSession(session, [renderer], cues=cues), waiter)
    waiter.runner = runner
    waiter.stop_at = stop_at
    return asyncio.run(runner.run()).session


def test_text_coach_says_every_cue_in_order(clock: FakeClock) -> None:
    out = io.StringIO()
    session = run(TextRenderer(out), clock)
    lines = out.getvalue().splitlines()
    assert session.status is SessionStatus.COMPLETED
    assert lines[:7] == [
        'Starting "Test routine": 2 zones, 1 min 14 s.',
        "Prep, 10 s: Apply conductive gel.",
        "Zone 1 of 2: Jawline, chin to ear.",
        "Move to jawline, left side, 4 s",
        "Jawline, left side: glide 1 of 3, 5 s",
        "Hold, 1 s",
        "Jawline, left side: glide 2 of 3, 5 s",
    ]
    assert "Switch to right side, 2 s" in lines
    assert "Chin, centre: glide 3 of 3, 5 s" in lines
    assert lines[-1] == "Session complete: 1 min 14 s."


def test_bell_rings_at_each_glide_change_only(clock: FakeClock) -> None:
    out = io.StringIO()
    bell = TerminalChannel(out.write, bell=True, protocol=None)
    run(TextRenderer(out), clock, channels=[bell])
    lines = out.getvalue().splitlines()
    belled = [line for line in lines if line.startswith(BELL)]
    assert len(belled) == 9  # 3 glides x 2 sides on the jawline, 3 on the chin
    assert all("glide" in line for line in belled)


def test_json_events_carry_their_offset_from_the_start(clock: FakeClock) -> None:
    out = io.StringIO()
    bells = io.StringIO()
    run(JsonRenderer(out), clock, channels=[TerminalChannel(bells.write, bell=True, protocol=None)])
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0]["event"] == "started"
    assert records[0]["routine"] == "test"
    starts = [r for r in records if r["event"] == "step_started"]
    assert starts[0]["t"] == 0
    for record in starts[1:]:
        # Each cue comes one wake-up's lateness after its planned start, however many came
        # before it: no drift.
        assert record["t"] - record["step"]["start"] == pytest.approx(0.003, abs=1e-6)
    assert records[-1]["event"] == "completed"
    assert records[-1]["zones_complete"] == 2
    assert bells.getvalue() == BELL * 9


def test_stop_request_ends_cleanly_and_says_how_far_it_got(clock: FakeClock) -> None:
    out = io.StringIO()
    # prep 10, move 4, jawline 2 x 3 x (5 + 1) + switch 2, move 4, chin glide 1 + hold, 1 s in
    session = run(TextRenderer(out), clock, stop_at=10 + 4 + 38 + 4 + 6 + 1)
    assert session.status is SessionStatus.ABORTED
    assert out.getvalue().splitlines()[-1] == (
        "Session stopped at Chin, centre, glide 2 of 3 after 1 min 3 s: "
        "1 of 2 zones done, 7 of 9 glides done."
    )
