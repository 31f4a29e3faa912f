"""The routine model: what a user follows, validated from TOML by pydantic.

A routine is an ordered list of zone entries. Each entry treats one facial zone on one or more
sides with a number of upward glides. Durations default to the field's common advice (5 s glides,
3 repeats) and stay within bounds that keep a typo from planning a 10-hour glide.
"""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from facecoach.routines.limits import (
    DEFAULT_GLIDE_SECONDS,
    DEFAULT_REPEATS,
    MAX_GLIDE_SECONDS,
    MAX_HOLD_SECONDS,
    MAX_PREP_SECONDS,
    MAX_REPEATS,
    MAX_SESSION_SECONDS,
    MAX_TRANSITION_SECONDS,
    RESERVED_IDS,
)
from facecoach.routines.zones import Side, Zone
from facecoach.units import Unit

__all__ = ["PrepStep", "Routine", "Side", "Zone", "ZoneEntry"]


Seconds = Annotated[float, Field(gt=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PrepStep(_Strict):
    """A timed preparation before the first glide, such as applying conductive gel."""

    text: str = Field(min_length=1, max_length=200)
    seconds: Annotated[float, Unit.SECONDS] = Field(default=20.0, gt=0, le=MAX_PREP_SECONDS)


class ZoneEntry(_Strict):
    """One zone treated on one or more sides; unset durations fall back to the routine's."""

    zone: Zone
    sides: tuple[Side, ...] = (Side.LEFT, Side.RIGHT)
    path: str | None = Field(
        default=None,
        max_length=120,
        description="Where the glide runs, e.g. 'from the corner of the mouth up to the ear'.",
    )
    glide_seconds: Annotated[float | None, Unit.SECONDS] = Field(
        default=None, gt=0, le=MAX_GLIDE_SECONDS
    )
    repeats: int | None = Field(default=None, ge=1, le=MAX_REPEATS)
    hold_seconds: Annotated[float | None, Unit.SECONDS] = Field(
        default=None, ge=0, le=MAX_HOLD_SECONDS
    )
    program: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Device program to select for this zone (used by the Bluetooth layer).",
    )
    phase: str | None = Field(
        default=None, min_length=1, max_length=40, description="Label such as 'treat' or 'calm'."
    )

    @model_validator(mode="after")
    def _check_sides(self) -> Self:
        if not self.sides:
            raise ValueError("sides must name at least one side")
        if len(set(self.sides)) != len(self.sides):
            raise ValueError("sides must not repeat a side")
        if self.zone is Zone.NECK and Side.CENTER in self.sides:
            raise ValueError(
                "the neck is treated at the sides only, never the centre (over the thyroid "
                "and windpipe): choose left and right"
            )
        return self

    @property
    def title(self) -> str:
        """'Cheeks' or 'Cheeks (from the mouth up to the ear)'."""
        return f"{self.zone.label} ({self.path})" if self.path else self.zone.label


class Routine(_Strict):
    """A guided routine: defaults, an optional prep step and the ordered zones."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    name: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=500)
    glide_seconds: Annotated[float, Unit.SECONDS] = Field(
        default=DEFAULT_GLIDE_SECONDS, gt=0, le=MAX_GLIDE_SECONDS
    )
    repeats: int = Field(default=DEFAULT_REPEATS, ge=1, le=MAX_REPEATS)
    hold_seconds: Annotated[float, Unit.SECONDS] = Field(default=0.0, ge=0, le=MAX_HOLD_SECONDS)
    transition_seconds: Annotated[float, Unit.SECONDS] = Field(
        default=4.0,
        ge=0,
        le=MAX_TRANSITION_SECONDS,
        description="Pause to move the device to the next zone.",
    )
    side_switch_seconds: Annotated[float, Unit.SECONDS] = Field(
        default=2.0,
        ge=0,
        le=MAX_TRANSITION_SECONDS,
        description="Pause to move the device to the other side of the same zone.",
    )
    prep: PrepStep | None = None
    zones: tuple[ZoneEntry, ...] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _check_id_is_not_a_log_action(self) -> Self:
        # `facecoach log edit ID` and its siblings read these words as actions, not routines.
        if self.id in RESERVED_IDS:
            raise ValueError(f"id {self.id!r} is reserved by `facecoach log`; choose another")
        return self

    @model_validator(mode="after")
    def _check_total(self) -> Self:
        total = self.total_seconds()
        if total > MAX_SESSION_SECONDS:
            raise ValueError(
                f"the routine would take {total / 60:.0f} minutes; at most "
                f"{MAX_SESSION_SECONDS / 60:.0f} minutes are allowed (sessions usually take 5-20)"
            )
        return self

    def glide_seconds_for(self, entry: ZoneEntry) -> float:
        return entry.glide_seconds if entry.glide_seconds is not None else self.glide_seconds

    def repeats_for(self, entry: ZoneEntry) -> int:
        return entry.repeats if entry.repeats is not None else self.repeats

    def hold_seconds_for(self, entry: ZoneEntry) -> float:
        return entry.hold_seconds if entry.hold_seconds is not None else self.hold_seconds

    def total_seconds(self) -> float:
        """Planned length of a session with no pauses or skips.

        The same sum as the session timeline's steps (a test holds the two together), worked
        out here because the timeline is built from this model, not the other way round.
        """
        prep = self.prep.seconds if self.prep is not None else 0.0
        # A transition leads into every zone but the first step of the session.
        total = prep + self.transition_seconds * (len(self.zones) - (0 if prep > 0 else 1))
        for entry in self.zones:
            per_side = self.repeats_for(entry) * (
                self.glide_seconds_for(entry) + self.hold_seconds_for(entry)
            )
            total += per_side * len(entry.sides)
            total += self.side_switch_seconds * (len(entry.sides) - 1)
        return total

    def with_overrides(
        self, *, glide_seconds: float | None = None, repeats: int | None = None
    ) -> "Routine":
        """The same routine with every glide length or repeat count replaced (user preference)."""
        data = self.model_dump()
        for entry in data["zones"]:
            if glide_seconds is not None:
                entry["glide_seconds"] = glide_seconds
            if repeats is not None:
                entry["repeats"] = repeats
        if glide_seconds is not None:
            data["glide_seconds"] = glide_seconds
        if repeats is not None:
            data["repeats"] = repeats
        return Routine.model_validate(data)
