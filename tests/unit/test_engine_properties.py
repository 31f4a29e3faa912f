"""Invariants of the session engine over random routines and random user behaviour."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facecoach.routines.model import Routine, Side, Zone
from facecoach.session.clock import FakeClock
from facecoach.session.engine import EventKind, Session, SessionEvent, SessionStatus, StepOutcome
from facecoach.session.timeline import plan_timeline

seconds = st.floats(min_value=0.25, max_value=10, allow_nan=False).map(lambda x: round(x, 2))
optional_seconds = st.one_of(st.just(0.0), seconds)
# Built once, not inside `routines` on every draw: a strategy built anew is validated anew,
# which cost more than drawing from it (the examples drawn are the same).
counts = st.integers(1, 4)
zones_ = st.sampled_from(list(Zone))
sides_of = {
    neck: st.lists(
        st.sampled_from([Side.LEFT, Side.RIGHT] if neck else list(Side)),
        min_size=1,
        max_size=2,
        unique=True,
    )
    for neck in (True, False)
}
preps = st.one_of(st.none(), seconds.map(lambda s: {"text": "gel", "seconds": s}))


@st.composite
def routines(draw: st.DrawFn) -> Routine:
    zones: list[dict[str, Any]] = []
    for _ in range(draw(counts)):
        zone = draw(zones_)
        zones.append(
            {
                "zone": zone,
                "sides": draw(sides_of[zone is Zone.NECK]),
                "repeats": draw(counts),
                "glide_seconds": draw(seconds),
                "hold_seconds": draw(optional_seconds),
            }
        )
    prep = draw(preps)
    return Routine.model_validate(
        {
            "id": "prop",
            "name": "Property",
            "zones": zones,
            "prep": prep,
            "transition_seconds": draw(optional_seconds),
            "side_switch_seconds": draw(optional_seconds),
        }
    )


actions = st.lists(
    st.tuples(
        st.sampled_from(["poll", "pause", "resume", "skip_step", "skip_zone"]),
        st.floats(min_value=0, max_value=20, allow_nan=False),
    ),
    max_size=25,
)


def finish(session: Session, clock: FakeClock) -> list[SessionEvent]:
    events = session.resume()
    clock.advance(session.timeline.total_seconds + 1)
    return events + session.poll()


@given(routines())
def test_step_durations_add_up_to_the_plan(routine: Routine) -> None:
    timeline = plan_timeline(routine)
    assert sum(s.duration for s in timeline) == pytest.approx(timeline.total_seconds)
    assert all(s.duration > 0 for s in timeline)
    assert [s.index for s in timeline] == list(range(len(timeline)))


@settings(max_examples=300)
@given(routines(), actions)
def test_every_step_is_completed_or_reported_skipped_exactly_once(
    routine: Routine, script: list[tuple[str, float]]
) -> None:
    clock = FakeClock()
    session = Session(plan_timeline(routine), clock)
    events = session.start()
    for action, dt in script:
        clock.advance(dt)
        events += getattr(session, action)()
    events += finish(session, clock)

    assert session.status is SessionStatus.COMPLETED
    reported: dict[int, StepOutcome] = {}
    for event in events:
        if event.kind in (EventKind.STEP_COMPLETED, EventKind.STEP_SKIPPED):
            assert event.step is not None
            assert event.step.index not in reported, "a step was reported twice"
            reported[event.step.index] = StepOutcome(event.kind.value.removeprefix("step_"))
    assert reported == session.outcomes
    assert set(reported) == set(range(len(session.timeline)))
    assert [e.kind for e in events].count(EventKind.COMPLETED) == 1
    snapshot = session.snapshot()
    assert snapshot.position == pytest.approx(session.timeline.total_seconds)
    assert snapshot.active_seconds + snapshot.skipped_seconds == pytest.approx(snapshot.position)


@settings(max_examples=300)
@given(routines(), actions, st.floats(min_value=0, max_value=3600), st.floats(0, 1))
def test_pausing_at_any_moment_never_changes_the_remaining_work(
    routine: Routine, script: list[tuple[str, float]], pause_for: float, when: float
) -> None:
    clock = FakeClock()
    session = Session(plan_timeline(routine), clock)
    session.start()
    for action, dt in script:
        clock.advance(dt)
        getattr(session, action)()
    session.resume()
    clock.advance(when * session.timeline.total_seconds)
    session.poll()
    if session.status.is_over:
        return
    before = session.snapshot()
    session.pause()
    clock.advance(pause_for)
    session.poll()
    during = session.snapshot()
    session.resume()
    after = session.snapshot()
    for snap in (during, after):
        assert snap.remaining == pytest.approx(before.remaining)
        assert snap.step == before.step
        assert snap.step_remaining == pytest.approx(before.step_remaining)


@settings(max_examples=200)
@given(routines(), st.lists(st.floats(min_value=0, max_value=1), max_size=10))
def test_glides_end_on_schedule_however_late_the_poll(
    routine: Routine, lateness: list[float]
) -> None:
    """Each step ends at its planned position; a late poll only delays noticing it."""
    clock = FakeClock()
    session = Session(plan_timeline(routine), clock)
    session.start()
    late = iter(lateness)
    while not session.status.is_over:
        wait = session.seconds_to_next_boundary()
        assert wait is not None
        clock.advance(wait + next(late, 0.0))
        for event in session.poll():
            if event.kind is EventKind.STEP_STARTED:
                assert event.step is not None
                # The step's time runs from its planned start, not from when we noticed.
                assert session.snapshot().position >= event.step.start
            if event.kind is EventKind.STEP_COMPLETED:
                assert event.step is not None
                assert event.position >= event.step.end - 1e-9
    # No cumulative drift: the session ends at most one wake-up's lateness after the plan.
    elapsed = session.snapshot().offset
    assert elapsed >= session.timeline.total_seconds - 1e-9
    assert elapsed <= session.timeline.total_seconds + max(lateness, default=0.0) + 1e-9
