import pytest

from facecoach.routines.loader import RoutineLibrary
from facecoach.routines.zones import Side, Zone
from facecoach.session.timeline import StepKind, plan_timeline
from tests.support.routines import make_routine


def test_steps_are_back_to_back_with_absolute_offsets() -> None:
    timeline = plan_timeline(make_routine())
    offset = 0.0
    for step in timeline:
        assert step.start == pytest.approx(offset)
        offset += step.duration
    assert timeline.total_seconds == pytest.approx(offset)


def test_layout_of_a_two_zone_routine() -> None:
    timeline = plan_timeline(make_routine())
    kinds = [s.kind for s in timeline]
    glide, switch, move = StepKind.GLIDE, StepKind.SIDE_SWITCH, StepKind.TRANSITION
    per_zone = [glide] * 3 + [switch] + [glide] * 3
    assert kinds == [*per_zone, move, *per_zone]
    # 2 zones x 2 sides x 3 glides x 5 s + 2 side switches x 2 s + 1 transition x 4 s
    assert timeline.total_seconds == 60 + 4 + 4
    first_right = timeline.steps[4]
    assert (first_right.zone, first_right.side, first_right.glide, first_right.glides) == (
        Zone.FOREHEAD,
        Side.RIGHT,
        1,
        3,
    )


def test_holds_follow_each_glide_and_zero_length_steps_are_left_out() -> None:
    routine = make_routine(
        hold_seconds=2,
        transition_seconds=0,
        side_switch_seconds=0,
        prep={"text": "Apply gel", "seconds": 10},
    )
    kinds = [s.kind for s in plan_timeline(routine)]
    assert kinds[0] is StepKind.PREP
    assert StepKind.TRANSITION not in kinds
    assert StepKind.SIDE_SWITCH not in kinds
    assert kinds[1:3] == [StepKind.GLIDE, StepKind.HOLD]
    assert kinds.count(StepKind.HOLD) == kinds.count(StepKind.GLIDE) == 12


def test_zone_program_and_phase_are_carried_to_each_step() -> None:
    routine = make_routine(zones=[{"zone": "cheeks", "program": "lift", "phase": "treat"}])
    assert {(s.program, s.phase) for s in plan_timeline(routine)} == {("lift", "treat")}


def test_step_at_finds_the_step_in_progress() -> None:
    timeline = plan_timeline(make_routine())
    assert timeline.step_at(0).index == 0  # type: ignore[union-attr]
    assert timeline.step_at(5.0).index == 1  # type: ignore[union-attr]
    assert timeline.step_at(timeline.total_seconds) is None


def test_a_routines_own_total_is_the_length_of_its_timeline(
    builtin_library: RoutineLibrary,
) -> None:
    routines = [loaded.routine for loaded in builtin_library.routines.values()]
    routines.append(make_routine(hold_seconds=1.5, prep={"seconds": 7, "text": "Gel."}))
    routines.append(make_routine(zones=[{"zone": "chin", "sides": ["center"], "repeats": 4}]))
    for routine in routines:
        assert routine.total_seconds() == pytest.approx(plan_timeline(routine).total_seconds)
