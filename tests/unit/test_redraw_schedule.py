"""The session screen wakes exactly when something it shows changes, never by polling."""

from hypothesis import given, settings
from hypothesis import strategies as st

from facecoach.session.clock import FakeClock
from facecoach.session.engine import Session
from facecoach.session.timeline import plan_timeline
from facecoach.tui.screens.session import (
    FLASH_SECONDS,
    countdown_seconds,
    seconds_to_next_change,
)
from facecoach.wording.session import nearest_second
from tests.support.routines import make_routine


def shown(session: Session) -> tuple[object, ...]:
    """What the screen draws from a snapshot, in whole units."""
    snap = session.snapshot()
    step = snap.step
    flashing = step is not None and step.kind == "glide" and snap.step_elapsed < FLASH_SECONDS
    return (
        None if step is None else step.index,
        countdown_seconds(snap.step_remaining),
        nearest_second(snap.remaining),
        flashing,
    )


def test_the_countdown_digit_is_due_at_the_whole_second() -> None:
    clock = FakeClock()
    session = Session(plan_timeline(make_routine(glide_seconds=5)), clock)
    session.start()
    clock.advance(1.8)  # the first glide: 3.2 s left, 4 shown until 3.0 (time left: 66.2)
    session.poll()
    delay = seconds_to_next_change(session.snapshot(), session)
    assert delay is not None
    assert abs(delay - 0.2) < 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=7.0), min_size=1, max_size=12))
def test_nothing_shown_changes_before_the_wake_up_and_something_does_at_it(
    waits: list[float],
) -> None:
    clock = FakeClock()
    session = Session(plan_timeline(make_routine(glide_seconds=5, hold_seconds=0.5)), clock)
    session.start()
    for wait in waits:
        clock.advance(wait)
        session.poll()
        if session.status.is_over:
            return
        delay = seconds_to_next_change(session.snapshot(), session)
        assert delay is not None
        assert 0 <= delay <= 1.0
        before = shown(session)
        if delay > 2e-3:
            clock.advance(delay - 1e-3)
            session.poll()
            assert shown(session) == before  # not a moment too early...
            clock.advance(1e-3 + 1e-9)  # (the timer wakes at or just after it)
        else:
            clock.advance(delay + 1e-9)
        session.poll()
        assert shown(session) != before or delay == 1.0  # ...and never late


def test_no_wake_up_while_paused() -> None:
    clock = FakeClock()
    session = Session(plan_timeline(make_routine()), clock)
    session.start()
    session.pause()
    assert seconds_to_next_change(session.snapshot(), session) is None
