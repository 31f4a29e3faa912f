"""The session state machine, driven by a fake clock."""

import pytest

from facecoach.session.clock import FakeClock
from facecoach.session.engine import EventKind, Session, SessionStatus, StepOutcome
from facecoach.session.timeline import StepKind, plan_timeline
from tests.support.routines import make_routine


def new_session(clock: FakeClock, **overrides: object) -> Session:
    return Session(plan_timeline(make_routine(**overrides)), clock)


def kinds(events: list) -> list[EventKind]:  # type: ignore[type-arg]
    return [e.kind for e in events]


def test_start_announces_zone_and_first_glide(clock: FakeClock) -> None:
    session = new_session(clock)
    events = session.start()
    assert kinds(events) == [EventKind.STARTED, EventKind.ZONE_CHANGED, EventKind.STEP_STARTED]
    assert events[-1].step is not None
    assert events[-1].step.kind is StepKind.GLIDE
    assert session.status is SessionStatus.RUNNING


def test_a_glide_ends_exactly_when_its_time_is_up(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(4.999)
    assert session.poll() == []
    assert session.snapshot().step_remaining == pytest.approx(0.001)
    clock.advance(0.001)
    events = session.poll()
    assert kinds(events) == [EventKind.STEP_COMPLETED, EventKind.STEP_STARTED]
    assert events[1].step.glide == 2  # type: ignore[union-attr]


def test_a_late_poll_catches_up_without_stretching_the_schedule(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(12.5)  # the event loop stalled through two boundaries
    events = session.poll()
    assert kinds(events).count(EventKind.STEP_COMPLETED) == 2
    snapshot = session.snapshot()
    assert snapshot.step.glide == 3  # type: ignore[union-attr]
    assert snapshot.step_remaining == pytest.approx(2.5)  # glide 3 still ends at 15 s
    assert session.seconds_to_next_boundary() == pytest.approx(2.5)


def test_pause_across_a_glide_boundary_keeps_the_glide_length(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(3)
    assert kinds(session.pause()) == [EventKind.PAUSED]
    clock.advance(60)  # paused well past where the glide would have ended
    assert session.poll() == []
    assert session.snapshot().step_remaining == pytest.approx(2)
    assert kinds(session.resume()) == [EventKind.RESUMED]
    clock.advance(1.999)
    assert session.poll() == []
    clock.advance(0.001)
    assert EventKind.STEP_COMPLETED in kinds(session.poll())
    snapshot = session.snapshot()
    assert snapshot.offset == pytest.approx(65)
    assert snapshot.active_seconds == pytest.approx(5)


def test_skip_step_moves_to_the_next_step_and_reports_it(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(1)
    events = session.skip_step()
    assert kinds(events) == [EventKind.STEP_SKIPPED, EventKind.STEP_STARTED]
    assert session.outcomes == {0: StepOutcome.SKIPPED}
    # The next glide gets its full length.
    assert session.snapshot().step_remaining == pytest.approx(5)
    assert session.snapshot().skipped_seconds == pytest.approx(4)


def test_skip_zone_skips_every_remaining_step_of_the_zone(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(6)  # into glide 2 of the left side
    events = session.skip_zone()
    skipped = [e.step.index for e in events if e.kind is EventKind.STEP_SKIPPED]  # type: ignore[union-attr]
    assert skipped == [1, 2, 3, 4, 5, 6]
    assert EventKind.ZONE_CHANGED in kinds(events)
    step = session.current_step
    assert step is not None
    assert step.kind is StepKind.TRANSITION
    assert step.zone_index == 1


def test_skip_while_paused_stays_paused(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    session.pause()
    session.skip_step()
    clock.advance(30)
    assert session.poll() == []
    assert session.status is SessionStatus.PAUSED
    assert session.snapshot().step_remaining == pytest.approx(5)


def test_abort_keeps_completed_steps_and_reports_the_step_in_flight(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(7)
    events = session.abort()
    assert kinds(events) == [EventKind.STEP_COMPLETED, EventKind.STEP_STARTED, EventKind.ABORTED]
    assert events[-1].step.index == 1  # type: ignore[union-attr]
    assert session.outcomes == {0: StepOutcome.COMPLETED}
    assert session.status is SessionStatus.ABORTED
    clock.advance(100)
    assert session.snapshot().offset == pytest.approx(7)
    assert session.poll() == []
    assert session.skip_step() == []
    assert session.resume() == []


def test_running_to_the_end_completes_every_step(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(session.timeline.total_seconds)
    events = session.poll()
    assert events[-1].kind is EventKind.COMPLETED
    assert session.status is SessionStatus.COMPLETED
    assert set(session.outcomes.values()) == {StepOutcome.COMPLETED}
    assert len(session.outcomes) == len(session.timeline)
    assert all(z.is_complete for z in session.zone_completion())


def test_zone_completion_counts_glides_done_and_skipped(clock: FakeClock) -> None:
    session = new_session(clock)
    session.start()
    clock.advance(10)
    session.skip_zone()
    clock.advance(100)
    session.poll()
    first, second = session.zone_completion()
    assert (first.glides_planned, first.glides_done, first.glides_skipped) == (6, 2, 4)
    assert second.is_complete


def test_intents_before_start_do_nothing(clock: FakeClock) -> None:
    session = new_session(clock)
    assert session.pause() == []
    assert session.skip_zone() == []
    assert session.abort() == []
    assert session.seconds_to_next_boundary() is None
    assert session.status is SessionStatus.READY


def test_event_offsets_are_clock_seconds_since_start(clock: FakeClock) -> None:
    session = new_session(clock)
    clock.advance(50)  # time before start does not count
    session.start()
    clock.advance(5.25)
    events = session.poll()
    assert [e.offset for e in events] == pytest.approx([5.25, 5.25])
    assert [e.position for e in events] == pytest.approx([5.25, 5.25])
