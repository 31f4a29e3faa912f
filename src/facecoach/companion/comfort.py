"""How a session felt, and the tolerance ramp, for every front end: record a feeling, read
the advice (stop, or a suggestion), accept or decline a suggestion (which changes the
settings: repeats per zone, and the device intensity limit when one is set)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from facecoach.errors import FacecoachError
from facecoach.safety.comfort import (
    FULL_LEVEL,
    Comfort,
    Decision,
    Feeling,
    FeltSession,
    SideEffect,
    Suggestion,
    current_level,
    eased_count,
    stop_effects,
    suggestion,
)
from facecoach.safety.comfort_records import MAX_FEELING_NOTE_CHARS, ComfortRecords
from facecoach.wording import comfort as words

if TYPE_CHECKING:
    from facecoach.adherence.session_log import SessionLog
    from facecoach.companion.core import Companion


@dataclass(frozen=True, slots=True)
class ComfortAdvice:
    """What to say after a feeling is recorded, or before the next session."""

    stop: tuple[SideEffect, ...]
    suggestion: Suggestion | None
    suggestion_words: str

    def lines(self) -> list[str]:
        found = [words.stop_text(self.stop)] if self.stop else []
        if self.suggestion is not None:
            found.append(self.suggestion_words)
        return found


def comfort_records(companion: "Companion") -> ComfortRecords:
    return ComfortRecords(companion.log_service.require_store().database)


def record_feeling(companion: "Companion", session_id: int, feeling: Feeling) -> ComfortAdvice:
    """Keeps how session `session_id` felt; returns what to tell the user now."""
    if len(feeling.note) > MAX_FEELING_NOTE_CHARS:
        raise FacecoachError(f"the note can be at most {MAX_FEELING_NOTE_CHARS} characters")
    comfort_records(companion).record_feeling(session_id, feeling, companion.clock.now())
    return advice(companion)


def advice(companion: "Companion") -> ComfortAdvice:
    records = comfort_records(companion)
    felt = records.felt_sessions(limit=10)
    decisions = records.decisions()
    suggested = suggestion(felt, decisions)
    text = ""
    if suggested is not None:
        repeats, intensity = _changes(companion, suggested, decisions)
        text = words.suggestion_text(suggested, repeats, intensity)
    return ComfortAdvice(stop_effects(felt), suggested, text)


def latest_stop_effects(store: "SessionLog | None") -> tuple[SideEffect, ...]:
    """The stop-level side effects of the last session felt (for the pre-session gate); none
    without a log (the caller passes the existing log: reading never creates one)."""
    if store is None:
        return ()
    return stop_effects(ComfortRecords(store.database).felt_sessions(limit=1))


def level(companion: "Companion") -> float:
    return current_level(comfort_records(companion).decisions())


def recent_feelings(companion: "Companion", limit: int) -> list[FeltSession]:
    return comfort_records(companion).felt_sessions(limit=limit)


def _bases(
    companion: "Companion", decisions: Sequence[Decision]
) -> tuple[int | None, int, int | None]:
    """(the repeats setting, the repeats a full level means, the intensity a full level
    means): from the first step down while the ramp lasts, else from the settings now."""
    settings = companion.program_service.settings
    if current_level(decisions) < FULL_LEVEL:
        for decision in decisions:
            if decision.accepted and decision.repeats_base is not None:
                return decision.repeats_setting, decision.repeats_base, decision.intensity_base
    base = settings.repeats
    if base is None:
        suggested = companion.suggested_routine_id()
        routine = companion.program_service.routine_choice(suggested).routine if suggested else None
        base = routine.repeats if routine is not None else 3
    return settings.repeats, base, settings.device_intensity


def _changes(
    companion: "Companion", suggested: Suggestion, decisions: Sequence[Decision]
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    _, repeats_base, intensity_base = _bases(companion, decisions)
    repeats = (
        eased_count(repeats_base, suggested.level_from),
        eased_count(repeats_base, suggested.level_to),
    )
    intensity = (
        (
            eased_count(intensity_base, suggested.level_from),
            eased_count(intensity_base, suggested.level_to),
        )
        if intensity_base is not None
        else None
    )
    return (repeats if repeats[0] != repeats[1] else None), intensity


def decide(companion: "Companion", suggested: Suggestion, accepted: bool) -> str:
    """Records the user's answer to a suggestion; an accepted one changes the settings
    (back to the user's own at the full level). Returns what to say."""
    records = comfort_records(companion)
    decisions = records.decisions()
    repeats_setting, repeats_base, intensity_base = _bases(companion, decisions)
    reason = words.suggestion_text(suggested, *_changes(companion, suggested, decisions))
    if accepted:
        if suggested.level_to >= FULL_LEVEL:
            changes: dict[str, object] = {
                "repeats": repeats_setting,
                "device_intensity": intensity_base,
            }
        else:
            changes = {"repeats": eased_count(repeats_base, suggested.level_to)}
            if intensity_base is not None:
                changes["device_intensity"] = eased_count(intensity_base, suggested.level_to)
        companion.program_service.update_settings(**changes)
    records.record_decision(
        Decision(
            companion.clock.now(),
            suggested.change,
            suggested.level_from,
            suggested.level_to,
            accepted,
            repeats_setting,
            repeats_base,
            intensity_base,
        ),
        reason,
    )
    return words.decided_text(accepted)


FELT_SUMMARY_SESSIONS = 10


@dataclass(frozen=True, slots=True)
class FeltSummary:
    """How the last sessions that were noted felt, for `stats` and its JSON."""

    noted: int
    comforts: dict[Comfort, int]
    effects: dict[SideEffect, int]
    level: float

    def lines(self) -> list[str]:
        return words.felt_summary(self.comforts, self.effects, self.noted, self.level)

    def to_json(self) -> dict[str, object]:
        return {
            "noted": self.noted,
            "comfort": {c.value: n for c, n in self.comforts.items()},
            "side_effects": {e.value: n for e, n in self.effects.items()},
            "level": self.level,
        }


def felt_summary(companion: "Companion") -> FeltSummary:
    """Of the last sessions noted; empty without a log (reading never creates one)."""
    store = companion.log_service.existing_store()
    if store is None:
        return FeltSummary(0, {}, {}, FULL_LEVEL)
    records = ComfortRecords(store.database)
    felt = records.felt_sessions(limit=FELT_SUMMARY_SESSIONS)
    comforts = {c: sum(f.feeling.comfort is c for f in felt) for c in Comfort}
    effects = {e: n for e in SideEffect if (n := sum(e in f.feeling.effects for f in felt))}
    return FeltSummary(len(felt), comforts, effects, current_level(records.decisions()))


def feeling_for(companion: "Companion", session_id: int) -> Feeling | None:
    """How one session felt, if it was noted (History's line for the selected session)."""
    store = companion.log_service.existing_store()
    if store is None:
        return None
    return ComfortRecords(store.database).feelings([session_id]).get(session_id)
