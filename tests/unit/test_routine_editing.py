"""The routine editor's domain: drafts checked as the loader checks files, TOML that reads back."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facecoach.problems import problem_line
from facecoach.routines.editing import RoutineDraft, check, free_id, routine_toml
from facecoach.routines.loader import RoutineLibrary, parse_routine
from facecoach.routines.model import Routine
from facecoach.routines.zones import Side, Zone

BUILTINS = RoutineLibrary.load(None).routines


def _said(draft: RoutineDraft) -> list[str]:
    """What the editor shows of the draft's problems, a line each."""
    result = check(draft)
    assert isinstance(result, list)
    return [problem_line(problem) for problem in result]


@pytest.mark.parametrize("routine_id", sorted(BUILTINS))
def test_every_builtin_survives_the_editor_and_its_file(routine_id: str) -> None:
    routine = BUILTINS[routine_id].routine
    edited = check(RoutineDraft.of(routine))
    assert edited == routine  # a draft of a routine, unchanged, is that routine
    text = routine_toml(routine, made_on=date(2026, 11, 29), based_on=routine.name)
    assert text.startswith("# A facecoach routine")
    assert parse_routine(text, "written") == routine


def test_problems_say_which_zone_and_what_in_words() -> None:
    draft = RoutineDraft.of(BUILTINS["express"].routine)
    draft.zones[1].glide_seconds = "90"
    draft.zones[2].repeats = "two"
    assert _said(draft) == [
        "Zone 2: Glide length must be at most 60 seconds.",
        "Zone 3: Repeats per zone must be a whole number.",
    ]


def test_a_one_zone_routine_with_a_bad_glide_is_not_also_said_to_have_no_zone() -> None:
    # pydantic counts the zones that validated: the one bad zone also makes the list "too short".
    draft = RoutineDraft(id="mine", name="Mine")
    draft.add_zone(None, Zone.FOREHEAD)
    draft.zones[0].glide_seconds = "500"
    assert _said(draft) == ["Zone 1: Glide length must be at most 60 seconds."]


def test_the_neck_at_the_centre_is_refused_as_the_loader_refuses_it() -> None:
    draft = RoutineDraft.of(BUILTINS["express"].routine)
    index = draft.add_zone(None, Zone.NECK)
    draft.zones[index].sides = (Side.CENTER,)
    problems = _said(draft)
    assert problems[0].startswith(f"Zone {index + 1}: The neck is treated at the sides only")
    assert "never the centre" in problems[0]
    assert "sides = [" not in problems[0]  # the editor's words, not a file's syntax (U22)


def test_adding_moving_and_removing_zones_changes_the_total_as_it_goes() -> None:
    draft = RoutineDraft.of(BUILTINS["express"].routine)
    before = check(draft)
    assert isinstance(before, Routine)
    index = draft.add_zone(0, Zone.CHIN)
    assert index == 1
    assert draft.zones[1].sides == (Side.CENTER,)
    after = check(draft)
    assert isinstance(after, Routine)
    assert after.total_seconds() > before.total_seconds()
    assert draft.move_zone(1, -5) == 0  # clamped at the top
    assert draft.zones[0].zone is Zone.CHIN
    draft.remove_zone(0)
    assert check(draft) == before
    draft.zones.clear()
    assert _said(draft) == ["The routine must have at least 1 zone."]


@given(st.text(max_size=60), st.sets(st.sampled_from(["express", "my-express", "routine"])))
def test_a_new_id_is_always_valid_and_free(name: str, taken: set[str]) -> None:
    routine_id = free_id(name, taken)
    assert routine_id not in taken
    draft = RoutineDraft.of(BUILTINS["express"].routine)
    draft.id = routine_id
    assert isinstance(check(draft), Routine)
