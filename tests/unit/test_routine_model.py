import pytest
from pydantic import ValidationError

from facecoach.routines.model import Routine, Side, Zone
from tests.support.routines import make_routine


def test_defaults_follow_field_advice_five_second_glides_three_repeats() -> None:
    routine = Routine.model_validate(
        {"id": "plain", "name": "Plain", "zones": [{"zone": "cheeks"}]}
    )
    entry = routine.zones[0]
    assert routine.glide_seconds_for(entry) == 5
    assert routine.repeats_for(entry) == 3
    assert entry.sides == (Side.LEFT, Side.RIGHT)


def test_zone_entry_overrides_routine_defaults() -> None:
    routine = make_routine(zones=[{"zone": "cheeks", "glide_seconds": 7, "repeats": 2}])
    entry = routine.zones[0]
    assert (routine.glide_seconds_for(entry), routine.repeats_for(entry)) == (7, 2)


def test_neck_centre_is_rejected_with_a_reason() -> None:
    with pytest.raises(ValidationError, match="never the centre"):
        make_routine(zones=[{"zone": "neck", "sides": ["left", "center"]}])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"glide_seconds": 0}, "glide_seconds"),
        ({"glide_seconds": -5}, "glide_seconds"),
        ({"glide_seconds": 36000}, "glide_seconds"),
        ({"repeats": 0}, "repeats"),
        ({"repeats": 500}, "repeats"),
        ({"zones": [{"zone": "nose"}]}, "zones.0.zone"),
        ({"zones": []}, "zones"),
        ({"zones": [{"zone": "cheeks", "sides": []}]}, "zones.0"),
        ({"zones": [{"zone": "cheeks", "sides": ["left", "left"]}]}, "zones.0"),
        ({"id": "Has Spaces"}, "id"),
        ({"glides": 3}, "glides"),
    ],
)
def test_bad_values_are_rejected_naming_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_routine(**overrides)
    locations = {".".join(str(p) for p in e["loc"]) for e in caught.value.errors()}
    assert field in locations


def test_a_routine_longer_than_an_hour_is_rejected() -> None:
    zones = [{"zone": "cheeks", "repeats": 20, "glide_seconds": 60}] * 3
    with pytest.raises(ValidationError, match="at most 60 minutes"):
        make_routine(zones=zones)


def test_with_overrides_changes_every_zone_and_revalidates() -> None:
    routine = make_routine(zones=[{"zone": "cheeks", "glide_seconds": 8}, {"zone": "chin"}])
    changed = routine.with_overrides(glide_seconds=3, repeats=2)
    assert [changed.glide_seconds_for(z) for z in changed.zones] == [3, 3]
    assert [changed.repeats_for(z) for z in changed.zones] == [2, 2]
    with pytest.raises(ValidationError):
        routine.with_overrides(glide_seconds=0)


def test_zone_labels_are_human_readable() -> None:
    assert Zone.UNDER_EYE.label == "Under-eye"
