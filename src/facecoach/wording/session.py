"""How steps, durations and session outcomes are said to the user, in every front end."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING

from facecoach.session.engine import SessionSnapshot, SessionStatus, ZoneCompletion
from facecoach.session.pauses import PauseReason
from facecoach.session.timeline import Step, StepKind
from facecoach.wording.adherence import plural

if TYPE_CHECKING:
    from facecoach.routines.model import Routine, ZoneEntry


def nearest_second(seconds: float) -> int:
    """Durations are shown to the nearest second, halves up (the session screen times its
    redraws by this too)."""
    return math.floor(seconds + 0.5)


def format_duration(seconds: float) -> str:
    """'45 s', '5 min 12 s', '15 min', '1 h 2 min'. Rounds to the nearest second."""
    total = max(0, nearest_second(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


# A session's time as the log keeps it (`active_seconds`, the CSV's column): the clock from its
# start to its end with pauses and skipped steps left out, so prep, holds and the moves between
# zones are in it. It is not the time the device glides on the skin, so it is never called
# treatment: two sessions stopped during prep are 10 s of session time, not of treatment.
def session_time_text(seconds: float) -> str:
    """'53 s of session time'."""
    return f"{format_duration(seconds)} of session time"


NO_SESSION_TIME_THIS_WEEK = "No session time yet this week"


def week_session_time_text(seconds: float) -> str:
    """This week's session time, for Home's "This week" card."""
    return session_time_text(seconds) if seconds >= 0.5 else NO_SESSION_TIME_THIS_WEEK


def format_seconds(seconds: float) -> str:
    """A step length: '5 s', '2.5 s'."""
    return f"{seconds:g} s"


def zone_heading(entry: ZoneEntry, number: int, count: int) -> str:
    phase = f" ({entry.phase} phase)" if entry.phase else ""
    where = f", {entry.path}" if entry.path else ""
    return f"Zone {number} of {count}{phase}: {entry.zone.label}{where}."


def step_cue(step: Step) -> str:
    """The line said when a step starts, e.g. 'Forehead, left side: glide 2 of 3, 5 s'."""
    return _step_words(step, format_seconds(step.duration))


# The plain coach's pause on a terminal, where the shell's job control is how to go on.
PAUSED_AT_A_TERMINAL = "Paused. Type fg to go on."


def resumed_text(step: Step | None, step_left: float) -> str:
    """Where a resumed session is, in the words of its step's cue with the time left in place
    of the step's length: 'Resumed: Cheeks, left side: glide 2 of 3, 3 s left.'"""
    if step is None:
        return "Resumed."
    words = _step_words(step, f"{format_duration(step_left)} left")
    return f"Resumed: {words}" if words.endswith((".", "…")) else f"Resumed: {words}."


def _step_words(step: Step, length: str) -> str:
    match step.kind:
        case StepKind.PREP:
            return f"Prep, {length}: {step.text}"
        case StepKind.TRANSITION:
            assert step.zone is not None
            assert step.side is not None
            return f"Move to {step.zone.label.lower()}, {step.side.place}, {length}"
        case StepKind.SIDE_SWITCH:
            assert step.side is not None
            return f"Switch to {step.side.place}, {length}"
        case StepKind.GLIDE:
            return f"{step_place(step)}: glide {step.glide} of {step.glides}, {length}"
        case StepKind.HOLD:
            return f"Hold, {length}"


def step_place(step: Step) -> str:
    """'Jawline, right side' (or 'Chin, centre')."""
    if step.zone is None:
        return "Prep"
    if step.side is None:
        return step.zone.label
    return f"{step.zone.label}, {step.side.place}"


def session_intro(routine: Routine, total_seconds: float) -> str:
    zones = len(routine.zones)
    return (
        f'Starting "{routine.name}": {zones} zone{"s" if zones != 1 else ""}, '
        f"{format_duration(total_seconds)}."
    )


def glides_text(zones: list[ZoneCompletion]) -> str:
    """'12 of 30 glides done, 6 skipped': what the user did, never skipped time as progress."""
    planned = sum(z.glides_planned for z in zones)
    done = sum(z.glides_done for z in zones)
    skipped = sum(z.glides_skipped for z in zones)
    return f"{done} of {glide_count(planned)} done" + (f", {skipped} skipped" if skipped else "")


def glide_count(count: int) -> str:
    """'1 glide', '4 glides'."""
    return f"{count} glide{'' if count == 1 else 's'}"


def session_outcome(snapshot: SessionSnapshot, zones: list[ZoneCompletion]) -> str:
    """The closing line: how long, and how far the session got, in glides done."""
    active = format_duration(snapshot.active_seconds)
    skipped_glides = any(z.glides_skipped for z in zones)
    if snapshot.status is SessionStatus.COMPLETED:
        if skipped_glides:
            return f"Session complete: {active}, {glides_text(zones)}."
        skipped = (
            f" ({format_duration(snapshot.skipped_seconds)} skipped)"
            if snapshot.skipped_seconds >= 0.5
            else ""
        )
        return f"Session complete: {active}{skipped}."
    done = sum(1 for z in zones if z.is_complete)
    where = f" at {step_place(snapshot.step)}" if snapshot.step is not None else ""
    if snapshot.step is not None and snapshot.step.kind is StepKind.GLIDE:
        where += f", glide {snapshot.step.glide} of {snapshot.step.glides}"
    return (
        f"Session stopped{where} after {active}: {done} of {len(zones)} zones done, "
        f"{glides_text(zones)}."
    )


NOT_COUNTED = "Too few of its glides were done for this session to count toward your goal."


def zones_out_of_sight(above: int, below: int) -> str:
    """Under a zone list taller than its room: how many lines are out of sight, and the keys
    that bring them in ('' when all are in sight)."""
    if above and below:
        return f"↑ {plural(above, 'line')} above, ↓ {below} below (arrow keys scroll)"
    if below:
        return f"↓ {plural(below, 'more line')} below (arrow keys scroll)"
    if above:
        return f"↑ {plural(above, 'more line')} above (arrow keys scroll)"
    return ""


def zones_out_of_view(count: int, *, above: bool) -> str:
    """At an end of the session's zone list cut short by its room: how many zones are out of
    view that way ("↓ 8 more"), as the arrows of `zones_out_of_sight` say it."""
    return f"{'↑' if above else '↓'} {count} more"


def on_the_timer_alone(reason: str) -> str:
    """Why the device is not with this session, and that the session runs without it: said
    once, as the reason may say it already."""
    return reason if "timer alone" in reason else f"{reason} The session runs on the timer alone."


class ZoneMark(StrEnum):
    """How far a zone entry got, as a glyph that reads without colour."""

    DONE = "✓"
    PART = "½"
    SKIPPED = "○"
    NOW = "▸"
    AHEAD = " "


def zone_mark(zone: ZoneCompletion, *, current: bool = False) -> ZoneMark:
    if current:
        return ZoneMark.NOW
    if zone.is_complete:
        return ZoneMark.DONE
    if zone.glides_done:
        return ZoneMark.PART
    if zone.glides_skipped:
        return ZoneMark.SKIPPED
    return ZoneMark.AHEAD


def zone_title(routine: Routine, zone_index: int) -> str:
    """'2. Forehead, treat phase': numbered, so a routine that treats a zone twice reads as
    two entries; where two entries would read the same, each adds its path ('from above the
    outer brow up to the hairline')."""
    entry = routine.zones[zone_index]
    phase = f", {entry.phase} phase" if entry.phase else ""
    twins = sum(1 for e in routine.zones if (e.zone, e.phase) == (entry.zone, entry.phase))
    path = f" ({entry.path})" if twins > 1 and entry.path else ""
    return f"{zone_index + 1}. {entry.zone.label}{phase}{path}"


def zone_summary_line(routine: Routine, zone: ZoneCompletion) -> str:
    """'✓ 1. Forehead, treat phase: 10 of 10 glides' (and how many were skipped)."""
    skipped = f", {zone.glides_skipped} skipped" if zone.glides_skipped else ""
    return (
        f"{zone_mark(zone)} {zone_title(routine, zone.zone_index)}: "
        f"{zone.glides_done} of {glide_count(zone.glides_planned)}{skipped}"
    )


def zone_position(step: Step, zone_count: int) -> str:
    """Where a session is, for the session screen: 'Zone 2 of 4 · Cheeks, left side · treat'."""
    if step.zone_index is None:
        return step_place(step)
    phase = f" · {step.phase} phase" if step.phase else ""
    return f"Zone {step.zone_index + 1} of {zone_count} · {step_place(step)}{phase}"


def unasked_pause_words(reason: PauseReason) -> str | None:
    """Why a session paused, said where the user did not ask for it; None for a pause the
    user asked for, which needs no reason."""
    match reason:
        case PauseReason.ASKED:
            return None
        case PauseReason.COVERED:
            return "was covered"
        case PauseReason.TOO_SMALL:
            return "was too small"


def paused_banner(reason: PauseReason | None, left: str, room: int | None = None) -> str:
    """The paused session's status line after its PAUSED mark: the time left, after what
    resumes it, or after why it paused when the user did not ask (the footer says that space
    resumes). In `room` columns the hint gives way to the time left, which must not be cut
    (a session of 10 minutes or more at 60x20)."""
    why = unasked_pause_words(reason) if reason is not None else None
    if why is not None:
        return f"{why} · {left}"
    hinted = f"space resumes · {left}"
    return hinted if room is None or len(hinted) <= room else left
