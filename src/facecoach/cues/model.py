"""Which cue a session event gives, with what words, and how long they may take.

A cue is decided from the engine's events only, so every front end gives the same cues at the
same boundaries. Its `budget` is the plan time until the next cue: a spoken phrase must end
within it, or it would run into the next glide.
"""

from dataclasses import dataclass
from enum import StrEnum

from facecoach.session.engine import EventKind, Session, SessionEvent
from facecoach.session.timeline import SessionTimeline, Step, StepKind
from facecoach.wording import cues as words


class CueKind(StrEnum):
    """The moments a user hears about without looking."""

    SESSION_START = "session_start"
    NEXT_ZONE = "next_zone"  # move the device to the next zone
    SIDE_SWITCH = "side_switch"  # move it to the other side of the same zone
    GLIDE_START = "glide_start"
    LAST_GLIDE = "last_glide"  # the last glide of a side
    PAUSED = "paused"
    RESUMED = "resumed"
    SESSION_END = "session_end"
    NEEDS_YOU = "needs_you"  # the device dropped, the charger was plugged in
    COUNT = "count"  # a spoken count of a glide's last seconds ("three", "two", "one")


# Cues worth a desktop or terminal notification: the user may be away from the terminal.
NOTIFYING = frozenset({CueKind.SESSION_END, CueKind.NEEDS_YOU})

# Steps that start with a cue; holds do not (the glide's cue already said "move").
_CUED_STEPS = frozenset({StepKind.PREP, StepKind.TRANSITION, StepKind.SIDE_SWITCH, StepKind.GLIDE})


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue. `phrases` go from the fullest to the shortest; a voice says the first that fits
    in `budget` seconds (None: no limit). `title`/`message` are for notifications."""

    kind: CueKind
    offset: float
    phrases: tuple[str, ...] = ()
    budget: float | None = None
    title: str = ""
    message: str = ""
    step: Step | None = None

    @property
    def notifies(self) -> bool:
        return self.kind in NOTIFYING


def cues_for(event: SessionEvent, session: Session) -> list[Cue]:
    """The cues an engine event gives (most events give none)."""
    timeline = session.timeline
    match event.kind:
        case EventKind.STEP_STARTED if event.step is not None:
            step = event.step
            if step.kind not in _CUED_STEPS:
                return []
            return [_step_cue(step, timeline, event.offset)]
        case EventKind.PAUSED:
            return [Cue(CueKind.PAUSED, event.offset, (words.PAUSED,), step=event.step)]
        case EventKind.RESUMED:
            return [Cue(CueKind.RESUMED, event.offset, (words.RESUMED,), step=event.step)]
        case EventKind.COMPLETED | EventKind.ABORTED:
            zones = session.zone_completion()
            done = sum(z.glides_done for z in zones)
            planned = sum(z.glides_planned for z in zones)
            completed = event.kind is EventKind.COMPLETED
            spoken = words.session_end(completed=completed)
            return [
                Cue(
                    CueKind.SESSION_END,
                    event.offset,
                    (spoken,),
                    title=spoken,
                    message=words.session_end_message(timeline.routine.name, done, planned),
                )
            ]
    return []


# A count leaves the glide's own words this long first ("Two", "Last glide").
COUNT_AFTER_SECONDS = 1.5


@dataclass(frozen=True, slots=True)
class PlannedCount:
    """A count to say `at` plan seconds into the session (the step's own timeline)."""

    at: float
    cue: Cue


def counts_for(step: Step | None, seconds: int) -> list[PlannedCount]:
    """The last `seconds` of a glide counted down, one word a second, ending as the glide
    ends; counts that would crowd the glide's own words are left out."""
    if step is None or step.kind is not StepKind.GLIDE or seconds <= 0:
        return []
    planned = []
    for left in range(seconds, 0, -1):
        at = step.end - left
        if at - step.start < COUNT_AFTER_SECONDS:
            continue
        phrase = words.number_word(left).capitalize()
        planned.append(PlannedCount(at, Cue(CueKind.COUNT, at, (phrase,), budget=1.0, step=step)))
    return planned


def needs_you(offset: float, message: str) -> Cue:
    """A cue that calls the user back (the device dropped, the charger was plugged in)."""
    return Cue(
        CueKind.NEEDS_YOU,
        offset,
        (words.NEEDS_YOU,),
        title=words.NEEDS_YOU_TITLE,
        message=message,
    )


def _step_cue(step: Step, timeline: SessionTimeline, offset: float) -> Cue:
    budget = _seconds_to_next_cue(step, timeline)
    match step.kind:
        case StepKind.PREP:
            first = _next_glide(step, timeline)
            return Cue(
                CueKind.SESSION_START,
                offset,
                words.prep_phrases(first),
                budget=budget,
                step=step,
            )
        case StepKind.TRANSITION:
            glide = _next_glide(step, timeline)
            phrases = words.zone_phrases(glide) if glide is not None else ()
            return Cue(CueKind.NEXT_ZONE, offset, phrases, budget=budget, step=step)
        case StepKind.SIDE_SWITCH:
            return Cue(
                CueKind.SIDE_SWITCH, offset, words.side_phrases(step), budget=budget, step=step
            )
    # A glide. The first glide of a zone that nobody announced (no prep, no transition before
    # it) names the zone; later glides say their number.
    kind = CueKind.LAST_GLIDE if step.glide == step.glides else CueKind.GLIDE_START
    match _unannounced(step, timeline):
        case _Unannounced.ZONE:
            phrases = words.zone_phrases(step)
        case _Unannounced.SIDE:
            phrases = words.side_phrases(step)
        case None:
            phrases = words.glide_phrases(step)
    return Cue(kind, offset, phrases, budget=budget, step=step)


class _Unannounced(StrEnum):
    ZONE = "zone"
    SIDE = "side"


def _unannounced(step: Step, timeline: SessionTimeline) -> _Unannounced | None:
    """What a first glide must say because no step before it did: its zone (no prep or
    transition before it) or its side (a side switch of no length)."""
    if step.glide != 1:
        return None
    if step.index == 0:
        return _Unannounced.ZONE
    before = timeline.steps[step.index - 1]
    if before.zone_index != step.zone_index or before.kind is StepKind.PREP:
        return _Unannounced.ZONE
    if before.kind is not StepKind.SIDE_SWITCH and before.side != step.side:
        return _Unannounced.SIDE
    return None


def _seconds_to_next_cue(step: Step, timeline: SessionTimeline) -> float | None:
    for later in timeline.steps[step.index + 1 :]:
        if later.kind in _CUED_STEPS:
            return later.start - step.start
    # The last glide: the session's end follows it.
    return timeline.total_seconds - step.start


def _next_glide(step: Step, timeline: SessionTimeline) -> Step | None:
    """The first glide after `step`: it knows its zone, side and number of glides."""
    for later in timeline.steps[step.index + 1 :]:
        if later.kind is StepKind.GLIDE:
            return later
    return None


def sample_cue(kind: str) -> Cue:
    """A cue to try a channel with, from the settings' test buttons."""
    cue_kind = CueKind(kind)
    if cue_kind in NOTIFYING:
        return Cue(
            cue_kind, 0.0, (words.TEST_PHRASE,), title=words.TEST_TITLE, message=words.TEST_MESSAGE
        )
    return Cue(cue_kind, 0.0, words.TEST_ZONE_PHRASES)
