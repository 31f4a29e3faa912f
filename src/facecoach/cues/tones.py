"""The cue tones, made here as sound data: nothing to download, nothing to ship.

Each cue has its own short figure of notes, so the ear can tell a glide from a side switch from
the next zone without looking: one note for a glide, two equal notes for the last glide of a
side, rising figures for moving on, a falling one for pause. Every note fades in and out over a
few milliseconds; a tone that starts or stops mid-wave clicks.
"""

from __future__ import annotations

import io
import math
import wave
from array import array
from dataclasses import dataclass

from facecoach.config.cue_settings import ToneSet
from facecoach.cues.model import CueKind

SAMPLE_RATE = 22_050
# Raise when the synthesis changes (the envelope, the waves): cached tone files are remade.
TONES_VERSION = 1
_ATTACK_SECONDS = 0.005
_RELEASE_SECONDS = 0.012
# Full volume stays below clipping, with headroom for a player's own gain.
_PEAK = 0.7 * 32_767


@dataclass(frozen=True, slots=True)
class Note:
    hertz: float
    seconds: float
    gap: float = 0.04  # silence after the note


_C5, _E5, _G5, _A5, _B5, _C6, _FS5 = 523.25, 659.25, 783.99, 880.0, 987.77, 1046.5, 739.99

# Every cue but the spoken count, which is words only.
FIGURES: dict[CueKind, tuple[Note, ...]] = {
    CueKind.GLIDE_START: (Note(_A5, 0.12),),
    CueKind.LAST_GLIDE: (Note(_A5, 0.09), Note(_A5, 0.09)),
    CueKind.SIDE_SWITCH: (Note(_E5, 0.1), Note(_A5, 0.12)),
    CueKind.NEXT_ZONE: (Note(_C5, 0.09), Note(_E5, 0.09), Note(_G5, 0.14)),
    CueKind.SESSION_START: (Note(_E5, 0.1), Note(_G5, 0.14)),
    CueKind.PAUSED: (Note(_G5, 0.1), Note(_C5, 0.16)),
    CueKind.RESUMED: (Note(_C5, 0.1), Note(_G5, 0.14)),
    CueKind.SESSION_END: (Note(_C5, 0.1), Note(_E5, 0.1), Note(_G5, 0.1), Note(_C6, 0.3)),
    CueKind.NEEDS_YOU: (Note(_B5, 0.1), Note(_FS5, 0.1), Note(_B5, 0.1), Note(_FS5, 0.1)),
}


def figure_seconds(kind: CueKind) -> float:
    """How long a cue's tone lasts, its gaps included (0 for a cue without a tone)."""
    return sum(note.seconds + note.gap for note in FIGURES.get(kind, ()))


def tone_samples(kind: CueKind, tone_set: ToneSet, volume: int) -> array[int]:
    """16-bit mono samples of a cue's tone at `volume` (0-100)."""
    peak = _PEAK * max(0, min(100, volume)) / 100
    samples = array("h")
    for note in FIGURES[kind]:
        samples.extend(_note(note, tone_set, peak))
        samples.extend([0] * round(note.gap * SAMPLE_RATE))
    return samples


def tone_wav(kind: CueKind, tone_set: ToneSet, volume: int) -> bytes:
    """A cue's tone as a WAV file (any player reads it)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(tone_samples(kind, tone_set, volume).tobytes())
    return buffer.getvalue()


def _note(note: Note, tone_set: ToneSet, peak: float) -> list[int]:
    count = round(note.seconds * SAMPLE_RATE)
    attack = max(1, round(_ATTACK_SECONDS * SAMPLE_RATE))
    release = max(1, round(_RELEASE_SECONDS * SAMPLE_RATE))
    step = 2 * math.pi * note.hertz / SAMPLE_RATE
    out = []
    for i in range(count):
        envelope = min(1.0, i / attack, (count - i) / release)
        if tone_set is ToneSet.CHIME:
            # A struck bell: loud at once, dying away, with a quiet octave above.
            envelope *= math.exp(-4.0 * i / count)
            wave_value = math.sin(step * i) + 0.25 * math.sin(2 * step * i)
            wave_value /= 1.25
        else:
            # A beep: the fundamental with a little third harmonic, brighter than a sine.
            wave_value = (math.sin(step * i) + 0.2 * math.sin(3 * step * i)) / 1.2
        out.append(round(peak * envelope * wave_value))
    return out
