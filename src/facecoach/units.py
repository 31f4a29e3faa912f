"""What a number in a user's file counts, marked on the model's field and said once.

A field says its unit in its type, `Annotated[float, Unit.SECONDS]`, beside its limits, so a
problem with the number is said with it ('must be at most 60 seconds'), in a file's problems
as on the Settings screen and in the routine editor. pydantic keeps the mark in the field's
metadata and otherwise ignores it.

It lives at the top of the package, beside `validation_problems` which says it: the models
that carry it (routines, config, devices, adherence) sit below `wording` in the layers.
"""

from enum import StrEnum


class Unit(StrEnum):
    """A number's unit, in the words the editor and the Settings screen use."""

    SECONDS = "seconds"
    MILLISECONDS = "milliseconds"
    MINUTES = "minutes"
    DAYS = "days"
    WEEKS = "weeks"
    PERCENT = "percent"
    LEVEL = "level"  # a device's intensity level
    WORDS_PER_MINUTE = "words per minute"
    BYTES = "bytes"
    HOUR = "hour"  # an hour of the day, 0-23


# How an amount is said, for one and for any other number: '1 second', '60 seconds', '70%',
# 'level 255' (a level is a step on the device, said as the device line says it).
_UNIT_FORMS: dict[Unit, tuple[str, str]] = {
    Unit.SECONDS: ("{} second", "{} seconds"),
    Unit.MILLISECONDS: ("{} millisecond", "{} milliseconds"),
    Unit.MINUTES: ("{} minute", "{} minutes"),
    Unit.DAYS: ("{} day", "{} days"),
    Unit.WEEKS: ("{} week", "{} weeks"),
    Unit.PERCENT: ("{}%", "{}%"),
    Unit.LEVEL: ("level {}", "level {}"),
    Unit.WORDS_PER_MINUTE: ("{} word per minute", "{} words per minute"),
    Unit.BYTES: ("{} byte", "{} bytes"),
    Unit.HOUR: ("{}:00", "{}:00"),
}


def number_text(value: object) -> str:
    """'60', '0.5', '1e+06': a float without a trailing '.0'."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def amount_text(value: object, unit: Unit | None) -> str:
    """'60 seconds', '1 day', '70%', 'level 255'; the bare number without a unit."""
    if unit is None:
        return number_text(value)
    one, many = _UNIT_FORMS[unit]
    return (one if value == 1 else many).format(number_text(value))
