"""How facecoach asks how a session felt and says what it suggests; said once, for every
front end. Suggestions, not diagnoses: no medical claim."""

from collections.abc import Sequence

from facecoach.safety.comfort import Change, Comfort, Feeling, SideEffect, Suggestion

COMFORT_LABELS: dict[Comfort, str] = {
    Comfort.COMFORTABLE: "comfortable",
    Comfort.MILD: "a little uncomfortable",
    Comfort.UNCOMFORTABLE: "uncomfortable",
}

EFFECT_LABELS: dict[SideEffect, str] = {
    SideEffect.TINGLING: "tingling",
    SideEffect.STINGING: "stinging",
    SideEffect.LASTING_REDNESS: "redness that lasts",
    SideEffect.HEADACHE: "headache",
    SideEffect.TIREDNESS: "tiredness",
    SideEffect.METALLIC_TASTE: "a metallic taste",
    SideEffect.TWITCHING: "twitching",
    SideEffect.BURNING: "burning",
    SideEffect.SPREADING_RASH: "a rash that spreads",
    SideEffect.NEAR_EYES: "anything near the eyes (pain, twitching, blurred sight)",
}

FELT_QUESTION = "How did it feel?"
EFFECTS_QUESTION = "Any of these? (numbers, e.g. 1,4; Enter for none)"


def effect_label(effect: SideEffect) -> str:
    return EFFECT_LABELS[effect]


def feeling_text(feeling: Feeling) -> str:
    """'a little uncomfortable · tingling, headache'."""
    parts = [COMFORT_LABELS[feeling.comfort]]
    if feeling.effects:
        parts.append(", ".join(effect_label(e) for e in feeling.effects))
    return " · ".join(parts)


def stop_text(effects: Sequence[SideEffect]) -> str:
    """What a stop-level side effect says, after a session and before the next one."""
    named = ", ".join(effect_label(e) for e in effects)
    return (
        f"You noted {named}. Stop using the device and ask a doctor before the next "
        "session; device makers list this as a reason to stop."
    )


STOP_GATE_TITLE = "Last time you noted a reason to stop"


def _level(level: float) -> str:
    return f"{round(level * 100)}%"


def suggestion_text(
    suggestion: Suggestion,
    repeats: tuple[int, int] | None,
    intensity: tuple[int, int] | None,
) -> str:
    """The suggestion in words, with its reason and what would change: `repeats` and
    `intensity` as (now, then), or None when there is nothing to change."""
    changes: list[str] = []
    if repeats is not None:
        changes.append(f"{repeats[1]} repeats per zone instead of {repeats[0]}")
    if intensity is not None:
        changes.append(f"a device intensity limit of {intensity[1]} instead of {intensity[0]}")
    elif suggestion.change is Change.EASE:
        changes.append("with a device, turn its intensity down a step or two")
    what = "; ".join(changes) or "no change to your settings at this step"
    if suggestion.change is Change.EASE:
        if suggestion.effects:
            named = " and ".join(effect_label(e) for e in suggestion.effects)
        else:
            named = "uncomfortable sessions"
        return (
            f"Going easier for a while may help: {named} in {suggestion.sessions} of your "
            f"last {suggestion.window} sessions. Suggested: {what} "
            f"({_level(suggestion.level_to)} of your usual). facecoach suggests stepping back "
            "up after comfortable sessions."
        )
    return (
        f"Your last {suggestion.sessions} sessions were comfortable: step back up to "
        f"{_level(suggestion.level_to)} of your usual? Suggested: {what}."
    )


def decided_text(accepted: bool) -> str:
    return (
        "Done: your settings now say so."
        if accepted
        else "Kept as it was; noted that you declined."
    )


def felt_summary(
    comforts: dict[Comfort, int], effects: dict[SideEffect, int], noted: int, level: float
) -> list[str]:
    """`stats`' lines about how the last sessions felt; none when none was noted."""
    if not noted:
        return []
    how = ", ".join(f"{COMFORT_LABELS[c]} {n}" for c, n in comforts.items() if n)
    lines = [f"How it felt (last {noted} noted): {how}"]
    if effects:
        lines.append(
            "Side effects: " + ", ".join(f"{effect_label(e)} {n}" for e, n in effects.items())
        )
    if level < 1:
        lines.append(f"Going easier: {_level(level)} of your usual, stepping back up")
    return lines
