"""Every number a user writes in a file that counts time, or a device's level, carries its unit
on the model's field, so a problem with it says the unit: a new `*_seconds` field without one
would be said as a bare number again."""

from typing import get_args, get_origin

import pytest
from pydantic import BaseModel

from facecoach.adherence.transfer import ExportFile
from facecoach.companion.calendar_export import CalendarChoices
from facecoach.config.settings import Settings
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.routines.model import Routine
from facecoach.units import Unit, amount_text
from facecoach.validation_problems import unit_at

# What a field's name says it counts, and the unit it must carry.
NAMED_UNITS = {
    "seconds": Unit.SECONDS,
    "timeout": Unit.SECONDS,
    "_ms": Unit.MILLISECONDS,
    "minutes": Unit.MINUTES,
    "days": Unit.DAYS,
    "weeks": Unit.WEEKS,
    "intensity": Unit.LEVEL,
}


Loc = tuple[int | str, ...]


def _numbers(kind: object, loc: Loc = ()) -> list[Loc]:
    """Where every int or float in `kind` (a model, or a type inside one) is, as pydantic
    locates an error: a list's item by its index, a table's by its key."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return [
            found
            for name, info in kind.model_fields.items()
            for found in _numbers(info.annotation, (*loc, name))
        ]
    if kind in (int, float):
        return [loc]
    origin, args = get_origin(kind), [arg for arg in get_args(kind) if arg is not type(None)]
    if origin in (list, tuple, set, frozenset):
        return [found for arg in args if arg is not Ellipsis for found in _numbers(arg, (*loc, 0))]
    if origin is dict:
        return _numbers(args[1], (*loc, "key"))
    return [found for arg in args for found in _numbers(arg, loc)]


@pytest.mark.parametrize("model", [Routine, Settings, DeviceProfile, ExportFile, CalendarChoices])
def test_every_number_that_counts_time_or_a_level_carries_its_unit(
    model: type[BaseModel],
) -> None:
    for path in _numbers(model):
        name = path[-1]
        expected = next(
            (unit for end, unit in NAMED_UNITS.items() if str(name).endswith(end)), None
        )
        if expected is not None:
            assert unit_at(model, path) is expected, path


def test_a_unit_is_said_as_the_editor_says_it() -> None:
    assert amount_text(60.0, Unit.SECONDS) == "60 seconds"
    assert amount_text(1, Unit.DAYS) == "1 day"
    assert amount_text(100, Unit.PERCENT) == "100%"
    assert amount_text(255, Unit.LEVEL) == "level 255"
    assert amount_text(0.5, None) == "0.5"
