"""Spoken cues against the time they must fit in, for every built-in routine.

Each routine's session is walked on a fake clock, as the dispatcher sees it, and every cue with
words is given the phrase the voice channel would choose (`VoiceChannel.phrase_for`: with tones
on, the voice waits for the cue's tone, so the phrase must fit in the cue's budget minus the
tone's length). That phrase is then rendered by espeak-ng at the given rate, and its real length
(the WAV's, silence included) is set against the budget:

    slack = budget - tone - real length      (below zero: the voice runs into the next cue)

The baseline is the estimate the choice was made with (`spoken_seconds`): it must never be
shorter than the real rendering (real - estimate <= 0), or a phrase chosen as fitting could
overrun. Rates other than the default show the shortening at work.

    python bench/spoken_cues.py                    # the default rate, then 120 and 300
    python bench/spoken_cues.py --rates 175
"""

import argparse
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from facecoach.companion.cue_channels.machine import Machine
from facecoach.companion.cue_channels.voice import (
    PLAYBACK_MARGIN,
    SpeechEngine,
    find_engine,
    render_speech,
    wav_seconds,
)
from facecoach.config.cue_settings import DEFAULT_RATE
from facecoach.cues.model import Cue, cues_for
from facecoach.cues.speech_length import fitting_phrase, spoken_seconds
from facecoach.cues.tones import figure_seconds
from facecoach.routines.loader import RoutineLibrary
from facecoach.routines.model import Routine
from facecoach.session.clock import FakeClock
from facecoach.session.engine import Session
from facecoach.session.timeline import plan_timeline


def session_cues(routine: Routine) -> Iterator[Cue]:
    """Every cue of a whole session of `routine`, in order (a fake clock, no pause)."""
    clock = FakeClock()
    session = Session(plan_timeline(routine), clock)
    for event in session.start():
        yield from cues_for(event, session)
    while not session.status.is_over:
        delay = session.seconds_to_next_boundary()
        assert delay is not None
        clock.advance(delay)
        for event in session.poll():
            yield from cues_for(event, session)


@dataclass
class Said:
    cue: Cue
    phrase: str | None  # None: even the shortest would overrun, the tone alone marks it
    lead: float  # the tone before the voice
    real: float | None
    estimate: float | None

    @property
    def shortened(self) -> bool:
        return self.phrase != self.cue.phrases[0]

    @property
    def slack(self) -> float | None:
        if self.cue.budget is None or self.real is None:
            return None
        return self.cue.budget - self.lead - self.real


class Renderer:
    """espeak-ng's real length of each phrase, rendered once per rate."""

    def __init__(self, engine: SpeechEngine) -> None:
        self.engine = engine
        self._lengths: dict[tuple[str, int], float] = {}

    def seconds(self, phrase: str, rate: int) -> float:
        key = (phrase, rate)
        if key not in self._lengths:
            self._lengths[key] = wav_seconds(render_speech(self.engine, phrase, rate, None))
        return self._lengths[key]


def said(cue: Cue, rate: int, renderer: Renderer, *, measured: bool, tones: bool = True) -> Said:
    """The phrase the voice channel chooses: by its real rendered length (espeak-ng, which
    renders), or by the estimate (engines that speak by themselves: say, spd-say, SAPI)."""
    lead = figure_seconds(cue.kind) if tones else 0.0
    budget = None if cue.budget is None else cue.budget - lead
    if measured:
        phrase = next(
            (
                p
                for p in cue.phrases
                if budget is None or renderer.seconds(p, rate) + PLAYBACK_MARGIN <= budget
            ),
            None,
        )
    else:
        phrase = fitting_phrase(cue.phrases, budget, rate)
    if phrase is None:
        return Said(cue, None, lead, None, None)
    return Said(cue, phrase, lead, renderer.seconds(phrase, rate), spoken_seconds(phrase, rate))


def main(rates: list[int]) -> None:
    engine = find_engine(Machine())
    if engine is None or not engine.renders:
        sys.exit("espeak-ng is needed: its rendering is what is measured")
    renderer = Renderer(engine)
    library = RoutineLibrary.load(None)
    routines = [loaded.routine for loaded in library.routines.values() if loaded.is_builtin]
    cues = {r.id: [cue for cue in session_cues(r) if cue.phrases] for r in routines}
    print(f"engine {engine.name} ({engine.path}); tones on (the voice waits for the tone)\n")
    for measured in (True, False):
        how = "measured on the rendering" if measured else "by the estimate"
        print(f"\nPhrases chosen {how}:\n")
        table(routines, cues, rates, renderer, measured=measured)
    print()
    offered = sorted({p for found in cues.values() for cue in found for p in cue.phrases})
    for rate in rates:
        # Every phrase any cue offers, chosen or not: the estimate's worst case at this rate.
        gaps = [renderer.seconds(p, rate) - spoken_seconds(p, rate) for p in offered]
        print(
            f"rate {rate}: all {len(offered)} phrases offered, real - estimate: "
            f"worst {max(gaps):+.2f} s, median {statistics.median(gaps):+.2f} s"
        )


def table(
    routines: list[Routine],
    cues: dict[str, list[Cue]],
    rates: list[int],
    renderer: Renderer,
    *,
    measured: bool,
) -> None:
    print(
        "| rate (wpm) | routine | cues with words | spoken | shortened | tone only "
        "| smallest slack (cue, phrase) | overran | worst real - estimate |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for rate in rates:
        for routine in routines:
            results = [said(cue, rate, renderer, measured=measured) for cue in cues[routine.id]]
            spoken = [r for r in results if r.phrase is not None]
            timed = [r for r in spoken if r.slack is not None]
            tightest = min(timed, key=lambda r: r.slack or 0.0)
            overran = sum(1 for r in timed if (r.slack or 0.0) < 0)
            under = max((r.real or 0.0) - (r.estimate or 0.0) for r in spoken)
            label = f"{rate} (default)" if rate == DEFAULT_RATE else str(rate)
            print(
                f"| {label} | {routine.id} | {len(results)} | {len(spoken)} "
                f"| {sum(r.shortened for r in spoken)} | {len(results) - len(spoken)} "
                f"| {tightest.slack:.2f} s ({tightest.cue.kind.value}, {tightest.phrase!r}) "
                f"| {f'**{overran}**' if overran else 'none'} | {under:+.2f} s |"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[DEFAULT_RATE, 120, 300])
    main(parser.parse_args().rates)
