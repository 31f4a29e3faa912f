"""Editing a routine without writing TOML: a draft, checked by the loader's own validation,
and written back as a commented TOML file that the loader reads to the same routine.

The draft holds what the user typed (text in number fields included), so a half-typed value is
a problem to show, not an exception; `check` turns it into a `Routine` or a list of problems in
the user's words ("Zone 2: Glide length must be at most 60 seconds.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import tomli_w
from pydantic import ValidationError

from facecoach.problems import Problem, problem_sentence
from facecoach.routines.limits import RESERVED_IDS
from facecoach.routines.model import PrepStep, Routine, ZoneEntry
from facecoach.routines.zones import Side, Zone
from facecoach.validation_problems import SETTING_WORDS, FieldWords, field_problems, real_problems

# The routine's own fields, as the editor labels them (the zone fields share these words).
ROUTINE_WORDS: Mapping[str, FieldWords] = {
    **SETTING_WORDS,
    "id": FieldWords("The file name (id)"),
    "name": FieldWords("The name"),
    "description": FieldWords("The description"),
    "hold_seconds": FieldWords("Hold"),
    "transition_seconds": FieldWords("The time to move to the next zone"),
    "side_switch_seconds": FieldWords("The time to switch sides"),
    "zones": FieldWords("The routine"),
    "zone": FieldWords("The zone"),
    "sides": FieldWords("The sides"),
    "path": FieldWords("The path"),
    "program": FieldWords("The device program"),
    "phase": FieldWords("The phase"),
    "text": FieldWords("The prep text"),
    "seconds": FieldWords("The prep time"),
}

# The side orders a zone can be treated in, as the editor offers them.
SIDE_CHOICES: tuple[tuple[Side, ...], ...] = (
    (Side.LEFT, Side.RIGHT),
    (Side.RIGHT, Side.LEFT),
    (Side.LEFT,),
    (Side.RIGHT,),
    (Side.CENTER,),
)


def sides_text(sides: Iterable[Side]) -> str:
    """'left, right' or 'centre'."""
    return ", ".join(side.label for side in sides)


def sides_brief(sides: Iterable[Side]) -> str:
    """'both' for left and right, else as `sides_text`: the zone list's column is narrow, so
    all eight columns fit at 60 columns."""
    sides = tuple(sides)
    if sorted(sides) == sorted((Side.LEFT, Side.RIGHT)):
        return "both"
    return sides_text(sides)


@dataclass(slots=True)
class ZoneDraft:
    """One zone entry as typed: '' in a number field means the routine's own value."""

    zone: Zone
    sides: tuple[Side, ...] = (Side.LEFT, Side.RIGHT)
    repeats: str = ""
    glide_seconds: str = ""
    hold_seconds: str = ""
    path: str = ""
    program: str = ""
    phase: str = ""

    @classmethod
    def of(cls, entry: ZoneEntry) -> ZoneDraft:
        return cls(
            zone=entry.zone,
            sides=entry.sides,
            repeats=_text(entry.repeats),
            glide_seconds=_text(entry.glide_seconds),
            hold_seconds=_text(entry.hold_seconds),
            path=entry.path or "",
            program=entry.program or "",
            phase=entry.phase or "",
        )

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"zone": self.zone.value, "sides": [s.value for s in self.sides]}
        for name in ("repeats", "glide_seconds", "hold_seconds", "path", "program", "phase"):
            value = getattr(self, name).strip()
            if value:
                data[name] = value
        return data


@dataclass(slots=True)
class RoutineDraft:
    id: str
    name: str
    description: str = ""
    glide_seconds: str = "5"
    repeats: str = "3"
    hold_seconds: str = "0"
    transition_seconds: str = "4"
    side_switch_seconds: str = "2"
    prep: PrepStep | None = None
    zones: list[ZoneDraft] = field(default_factory=list)

    @classmethod
    def of(cls, routine: Routine) -> RoutineDraft:
        return cls(
            id=routine.id,
            name=routine.name,
            description=routine.description,
            glide_seconds=_text(routine.glide_seconds),
            repeats=_text(routine.repeats),
            hold_seconds=_text(routine.hold_seconds),
            transition_seconds=_text(routine.transition_seconds),
            side_switch_seconds=_text(routine.side_switch_seconds),
            prep=routine.prep,
            zones=[ZoneDraft.of(entry) for entry in routine.zones],
        )

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id.strip(), "name": self.name.strip()}
        if self.description.strip():
            data["description"] = self.description.strip()
        for name in (
            "glide_seconds",
            "repeats",
            "hold_seconds",
            "transition_seconds",
            "side_switch_seconds",
        ):
            value = getattr(self, name).strip()
            if value:
                data[name] = value
        if self.prep is not None:
            data["prep"] = self.prep.model_dump()
        data["zones"] = [zone.data() for zone in self.zones]
        return data

    # --- changes, each keeping the list's order otherwise ----------------------------------

    def add_zone(self, after: int | None, zone: Zone = Zone.CHEEKS) -> int:
        """A new zone after `after` (at the end when None); returns its index."""
        index = len(self.zones) if after is None else after + 1
        sides = (Side.CENTER,) if zone in CENTRE_ONLY else (Side.LEFT, Side.RIGHT)
        self.zones.insert(index, ZoneDraft(zone=zone, sides=sides))
        return index

    def remove_zone(self, index: int) -> None:
        del self.zones[index]

    def move_zone(self, index: int, by: int) -> int:
        """Moves a zone up (by < 0) or down; returns where it is now."""
        target = max(0, min(len(self.zones) - 1, index + by))
        self.zones.insert(target, self.zones.pop(index))
        return target

    def replace_zone(self, index: int, zone: ZoneDraft) -> None:
        self.zones[index] = replace(zone)


# Zones on the midline: treated at the centre (the neck never is: see ZoneEntry).
CENTRE_ONLY = frozenset({Zone.CHIN})


def check(draft: RoutineDraft) -> Routine | list[Problem]:
    """The routine the draft makes, validated as the loader does, or what is wrong with it."""
    try:
        return Routine.model_validate(draft.data())
    except ValidationError as exc:
        return draft_problems(exc.errors(include_url=False))


def draft_problems(errors: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """At a zone ('Zone 2') or about the whole routine, a sentence each ('Glide length must be
    at most 60 seconds.'): `problem_line` says 'Zone 2: Glide length must be...'."""
    said: list[Problem] = []
    # Filtered as a whole, as a file's are: a routine whose one zone failed is not also 'empty'.
    for error in real_problems(list(errors)):
        loc = error["loc"]
        where = ""
        if len(loc) >= 2 and loc[0] == "zones" and isinstance(loc[1], int):
            where = f"Zone {loc[1] + 1}"
            if len(loc) == 2:  # the zone's own rule: after "Zone 4", not "The routine"
                error = {**error, "loc": ()}
        for problem in field_problems([error], Routine, ROUTINE_WORDS):
            said.append(Problem(where, problem_sentence(problem)))
    return list(dict.fromkeys(said))


def free_id(name: str, taken: Iterable[str]) -> str:
    """An id for a new routine from its name ('My express' -> 'my-express'), not yet used."""
    used = set(taken) | RESERVED_IDS
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:36] or "routine"
    if not base[0].isalnum():
        base = f"r{base}"
    candidate, number = base, 2
    while candidate in used:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def routine_toml(routine: Routine, *, made_on: date, based_on: str | None = None) -> str:
    """The routine as a commented TOML file; `parse_routine` reads it back to `routine`."""

    def line(key: str, value: object) -> str:
        return tomli_w.dumps({key: value}).rstrip("\n")

    origin = f' from "{based_on}"' if based_on else ""
    lines = [
        f"# A facecoach routine, made with the routine editor on {made_on.isoformat()}{origin}.",
        "# Check it with `facecoach routines validate FILE`; `facecoach routines show ID` shows",
        "# it step by step. Seconds may have decimals; a zone's own values win over the",
        "# routine's.",
        line("id", routine.id),
        line("name", routine.name),
    ]
    if routine.description:
        lines.append(line("description", routine.description))
    lines += [
        "",
        "# For every zone that does not set its own: one glide, glides per side, and a hold",
        "# (keeping the device still) after each glide.",
        line("glide_seconds", routine.glide_seconds),
        line("repeats", routine.repeats),
        line("hold_seconds", routine.hold_seconds),
        "# Pauses to move the device: to the next zone, and to the other side of a zone.",
        line("transition_seconds", routine.transition_seconds),
        line("side_switch_seconds", routine.side_switch_seconds),
    ]
    if routine.prep is not None:
        lines += [
            "",
            "# Before the first glide: a timed step such as applying conductive gel.",
            "[prep]",
            line("text", routine.prep.text),
            line("seconds", routine.prep.seconds),
        ]
    count = len(routine.zones)
    for number, entry in enumerate(routine.zones, 1):
        lines += ["", f"# Zone {number} of {count}: {entry.zone.label}", "[[zones]]"]
        lines.append(line("zone", entry.zone.value))
        lines.append(line("sides", [side.value for side in entry.sides]))
        for name in ("repeats", "glide_seconds", "hold_seconds", "path", "program", "phase"):
            value = getattr(entry, name)
            if value is not None:
                lines.append(line(name, value))
    return "\n".join(lines) + "\n"


def _text(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
