"""Small routines for tests."""

from facecoach.routines.model import Routine


def make_routine(**overrides: object) -> Routine:
    """A small routine for tests: two zones, no prep, 1 s glides unless overridden."""
    data: dict[str, object] = {
        "id": "test",
        "name": "Test routine",
        "glide_seconds": 5,
        "repeats": 3,
        "transition_seconds": 4,
        "side_switch_seconds": 2,
        "zones": [{"zone": "forehead"}, {"zone": "neck"}],
    }
    data.update(overrides)
    return Routine.model_validate(data)
