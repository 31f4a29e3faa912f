"""Planning: a routine becomes a timeline of steps with absolute start offsets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from facecoach.routines.zones import Side, Zone

if TYPE_CHECKING:  # the engine runs without loading the routine model's validators
    from facecoach.routines.model import Routine, ZoneEntry


class StepKind(StrEnum):
    """What the user does during a step."""

    PREP = "prep"
    TRANSITION = "transition"  # move the device to the next zone
    SIDE_SWITCH = "side_switch"  # move the device to the other side of the same zone
    GLIDE = "glide"
    HOLD = "hold"  # keep the device still at the end of a glide


@dataclass(frozen=True, slots=True)
class Step:
    """One timed step of a session. Offsets are seconds of active (unpaused) session time."""

    index: int
    kind: StepKind
    start: float
    duration: float
    zone_index: int | None = None  # index into routine.zones; None for the prep step
    zone: Zone | None = None
    side: Side | None = None
    glide: int = 0  # 1-based glide number within (zone entry, side); 0 when not a glide/hold
    glides: int = 0  # glides per side in this zone entry
    text: str = ""
    program: str | None = None
    phase: str | None = None

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class SessionTimeline:
    """The planned steps of a routine, back to back from offset 0."""

    routine: Routine
    steps: tuple[Step, ...]

    @property
    def total_seconds(self) -> float:
        return self.steps[-1].end if self.steps else 0.0

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def step_at(self, position: float) -> Step | None:
        """The step in progress at `position` seconds, or None once the timeline is over."""
        # Linear search is fine: routines have at most a few hundred steps and the engine keeps
        # its own cursor; this is for callers that need random access.
        for step in self.steps:
            if position < step.end:
                return step
        return None

    def zone_steps(self, zone_index: int) -> Sequence[Step]:
        return [s for s in self.steps if s.zone_index == zone_index]

    def zone_glides(self, zone_index: int) -> Sequence[Step]:
        """The glide steps of one zone entry, all sides."""
        return [s for s in self.zone_steps(zone_index) if s.kind is StepKind.GLIDE]


def plan_timeline(routine: Routine) -> SessionTimeline:
    """Lay out the routine's steps back to back. Zero-length steps are left out."""
    builder = _TimelineBuilder()
    if routine.prep is not None:
        builder.add(StepKind.PREP, routine.prep.seconds, text=routine.prep.text)
    for zone_index, entry in enumerate(routine.zones):
        first_step_of_session = not builder.steps
        if not first_step_of_session:
            builder.add(
                StepKind.TRANSITION,
                routine.transition_seconds,
                zone_index=zone_index,
                entry=entry,
                side=entry.sides[0],
                text=f"Move to {entry.title}, {entry.sides[0].place}",
            )
        _plan_zone(builder, routine, zone_index, entry)
    return SessionTimeline(routine=routine, steps=tuple(builder.steps))


def _plan_zone(
    builder: _TimelineBuilder, routine: Routine, zone_index: int, entry: ZoneEntry
) -> None:
    glides = routine.repeats_for(entry)
    glide_seconds = routine.glide_seconds_for(entry)
    hold_seconds = routine.hold_seconds_for(entry)
    for side_number, side in enumerate(entry.sides):
        if side_number > 0:
            builder.add(
                StepKind.SIDE_SWITCH,
                routine.side_switch_seconds,
                zone_index=zone_index,
                entry=entry,
                side=side,
                text=f"Switch to {side.place}",
            )
        for glide in range(1, glides + 1):
            builder.add(
                StepKind.GLIDE,
                glide_seconds,
                zone_index=zone_index,
                entry=entry,
                side=side,
                glide=glide,
                glides=glides,
            )
            builder.add(
                StepKind.HOLD,
                hold_seconds,
                zone_index=zone_index,
                entry=entry,
                side=side,
                glide=glide,
                glides=glides,
                text="Hold",
            )


class _TimelineBuilder:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._offset = 0.0

    def add(
        self,
        kind: StepKind,
        duration: float,
        *,
        zone_index: int | None = None,
        entry: ZoneEntry | None = None,
        side: Side | None = None,
        glide: int = 0,
        glides: int = 0,
        text: str = "",
    ) -> None:
        if duration <= 0:
            return
        self.steps.append(
            Step(
                index=len(self.steps),
                kind=kind,
                start=self._offset,
                duration=duration,
                zone_index=zone_index,
                zone=entry.zone if entry else None,
                side=side,
                glide=glide,
                glides=glides,
                text=text,
                program=entry.program if entry else None,
                phase=entry.phase if entry else None,
            )
        )
        # Offsets are sums of the plan's own durations, so float rounding is the same for every
        # consumer that reads them; nobody re-adds durations on their own.
        self._offset += duration
