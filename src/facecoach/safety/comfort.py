"""How a session felt, and when to go easier: the tolerance ramp. Pure: no I/O.

After a session the user may say how comfortable it was and which side effects they noticed,
from a closed list. When side effects repeat, facecoach suggests going easier (fewer repeats
and, with a device, a lower intensity limit), then steps back up over comfortable sessions.
The rule is Oralift's, the one published anchor for a home facial device's ramp: halve, then
step back up. A side effect device makers list as a reason to stop (burning, a rash that
spreads, anything near the eyes) is not eased: it says stop and ask a doctor, and gates the
next session start. No diagnosis, no medical claim: suggestions are words the user decides on.
"""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Comfort(StrEnum):
    COMFORTABLE = "comfortable"
    MILD = "mild"  # a little uncomfortable
    UNCOMFORTABLE = "uncomfortable"


class SideEffect(StrEnum):
    """The closed list a user picks from; the last three mean stop."""

    TINGLING = "tingling"
    STINGING = "stinging"
    LASTING_REDNESS = "lasting_redness"
    HEADACHE = "headache"
    TIREDNESS = "tiredness"
    METALLIC_TASTE = "metallic_taste"
    TWITCHING = "twitching"
    BURNING = "burning"
    SPREADING_RASH = "spreading_rash"
    NEAR_EYES = "near_eyes"

    @property
    def stops(self) -> bool:
        """A reason to stop and ask a doctor, not to go easier."""
        return self in _STOP


_STOP = frozenset({SideEffect.BURNING, SideEffect.SPREADING_RASH, SideEffect.NEAR_EYES})


@dataclass(frozen=True, slots=True)
class Feeling:
    """What the user said about one session."""

    comfort: Comfort
    effects: tuple[SideEffect, ...] = ()
    note: str = ""

    @property
    def stop_effects(self) -> tuple[SideEffect, ...]:
        return tuple(effect for effect in self.effects if effect.stops)

    @property
    def easy(self) -> bool:
        """Comfortable, with no side effect."""
        return self.comfort is Comfort.COMFORTABLE and not self.effects


@dataclass(frozen=True, slots=True)
class FeltSession:
    session_id: int
    started: datetime
    recorded: datetime
    feeling: Feeling


class Change(StrEnum):
    EASE = "ease"
    STEP_UP = "step_up"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A change of level, and why; the user accepts or declines it."""

    change: Change
    level_from: float
    level_to: float
    effects: tuple[SideEffect, ...] = ()
    """The side effects that repeated (to go easier)."""
    uncomfortable: bool = False
    """Sessions were uncomfortable (to go easier)."""
    sessions: int = 0
    """In how many of the sessions looked at, or how many comfortable ones in a row."""
    window: int = 0
    """How many sessions were looked at."""


@dataclass(frozen=True, slots=True)
class Decision:
    at: datetime
    change: Change
    level_from: float
    level_to: float
    accepted: bool
    repeats_setting: int | None
    """The repeats setting before the first step down (None: each routine's own)."""
    repeats_base: int | None
    """The repeats a full level means."""
    intensity_base: int | None
    """The device intensity setting a full level means (None: not set)."""


FULL_LEVEL = 1.0
LOWEST_LEVEL = 0.25
STEP = 0.25
WINDOW = 3  # the sessions looked at
REPEATED = 2  # a side effect in this many of them is "repeated"
COMFORTABLE_TO_STEP_UP = 2  # comfortable sessions in a row before a step back up


def current_level(decisions_newest_first: Sequence[Decision]) -> float:
    """The level in force: the last accepted change's, or full."""
    for decision in decisions_newest_first:
        if decision.accepted:
            return decision.level_to
    return FULL_LEVEL


def stop_effects(felt_newest_first: Sequence[FeltSession]) -> tuple[SideEffect, ...]:
    """The stop-level side effects of the session felt last (none once a later one had none)."""
    return felt_newest_first[0].feeling.stop_effects if felt_newest_first else ()


def suggestion(
    felt_newest_first: Sequence[FeltSession], decisions_newest_first: Sequence[Decision]
) -> Suggestion | None:
    """What to suggest now, from the sessions felt since the last decision (a declined
    suggestion is not made again for the same sessions)."""
    since = decisions_newest_first[0].at if decisions_newest_first else None
    recent = [f.feeling for f in felt_newest_first if since is None or f.recorded > since]
    level = current_level(decisions_newest_first)
    window = recent[:WINDOW]
    if any(feeling.stop_effects for feeling in window[:1]):
        return None  # not a matter of going easier: stop and ask a doctor
    counts = Counter(effect for feeling in window for effect in set(feeling.effects))
    repeated = [effect for effect, count in counts.items() if count >= REPEATED]
    uncomfortable = sum(f.comfort is Comfort.UNCOMFORTABLE for f in window)
    if (repeated or uncomfortable >= REPEATED) and level > LOWEST_LEVEL:
        hit = sum(
            1
            for f in window
            if set(f.effects) & set(repeated)
            or (not repeated and f.comfort is Comfort.UNCOMFORTABLE)
        )
        return Suggestion(
            Change.EASE,
            level,
            max(LOWEST_LEVEL, level / 2),
            effects=tuple(sorted(repeated, key=list(SideEffect).index)),
            uncomfortable=not repeated,
            sessions=hit,
            window=len(window),
        )
    steady = recent[:COMFORTABLE_TO_STEP_UP]
    if (
        level < FULL_LEVEL
        and len(steady) == COMFORTABLE_TO_STEP_UP
        and all(feeling.easy for feeling in steady)
    ):
        return Suggestion(
            Change.STEP_UP, level, min(FULL_LEVEL, level + STEP), sessions=len(steady)
        )
    return None


def eased_count(base: int, level: float) -> int:
    """A count (repeats, intensity) at a level, rounded down (halving 3 repeats gives 1, then
    2, then 3 again): at least 1."""
    return max(1, math.floor(base * level + 1e-9))
