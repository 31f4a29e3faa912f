"""How long a phrase takes to say, estimated before it is said, so a long one can be shortened
instead of running into the next glide.

The estimate is fitted to espeak-ng's English voice (the length of the rendered audio, silence
included, for the cue phrases at 80 to 400 words per minute) and rounded up, its margin growing
as the voice slows (slow speech varies more). Engines that render (espeak-ng) are measured on
their real audio instead; this is for those that speak by themselves (say, spd-say, SAPI).
`bench/spoken_cues.py` checks it against real renderings.
"""

from collections.abc import Sequence

from facecoach.config.cue_settings import DEFAULT_RATE, MAX_RATE, MIN_RATE

_SECONDS_PER_CHARACTER_AT_DEFAULT = 0.072
_START_AT_DEFAULT = 0.35  # the voice's lead-in and the phrase's last syllable
_MARGIN = 0.25  # a player's start-up, and an engine slower than espeak-ng


def spoken_seconds(phrase: str, rate: int = DEFAULT_RATE) -> float:
    """An upper estimate of the seconds `phrase` takes at `rate` words per minute."""
    scale = DEFAULT_RATE / max(MIN_RATE, min(MAX_RATE, rate))
    per_character = _SECONDS_PER_CHARACTER_AT_DEFAULT * float(max(1.0, scale) ** 0.15)
    return (_START_AT_DEFAULT + per_character * len(phrase) + _MARGIN) * scale


def fitting_phrase(
    phrases: Sequence[str], budget: float | None, rate: int = DEFAULT_RATE
) -> str | None:
    """The fullest phrase that ends within `budget` seconds; None when even the shortest
    would overrun (then the tone alone marks the moment)."""
    for phrase in phrases:
        if budget is None or spoken_seconds(phrase, rate) <= budget:
            return phrase
    return None
