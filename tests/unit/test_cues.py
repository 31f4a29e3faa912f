"""Cues: which cue each moment of a session gives, with which tone and which words, and when;
and the channels' dispatcher, which must never make the session wait."""

import io
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from facecoach.companion.cue_channels.dispatch import CueDispatcher
from facecoach.companion.cue_channels.machine import ChannelName
from facecoach.config.cue_settings import ToneSet
from facecoach.cues.model import Cue, CueKind
from facecoach.cues.speech_length import fitting_phrase, spoken_seconds
from facecoach.cues.tones import FIGURES, SAMPLE_RATE, figure_seconds, tone_samples, tone_wav
from facecoach.routines.loader import RoutineLibrary
from facecoach.routines.model import Routine
from facecoach.session.clock import FakeClock
from facecoach.session.engine import Session
from facecoach.session.timeline import plan_timeline
from tests.support.routines import make_routine


@dataclass
class RecordingChannel:
    """A channel that keeps what it was given, with the session offset it arrived at."""

    clock: FakeClock
    name: ChannelName = ChannelName.HOOK
    blocking: bool = False
    cues: list[tuple[float, Cue]] = field(default_factory=list)
    closed: bool = False

    def deliver(self, cue: Cue) -> str | None:
        self.cues.append((self.clock.monotonic() - 1000.0, cue))
        return None

    def close(self) -> str | None:
        self.closed = True
        return None


def run_routine(routine: Routine, clock: FakeClock, dispatcher: CueDispatcher) -> Session:
    """Runs a whole session on the fake clock, each boundary noticed 2 ms late."""
    session = Session(plan_timeline(routine), clock)
    for event in session.start():
        dispatcher.handle(event, session)
    while not session.status.is_over:
        delay = session.seconds_to_next_boundary()
        assert delay is not None
        clock.advance(delay + 0.002)
        for event in session.poll():
            dispatcher.handle(event, session)
    return session


TWO_ZONES = make_routine(
    prep={"text": "Apply conductive gel.", "seconds": 10},
    zones=[{"zone": "cheeks"}, {"zone": "chin", "sides": ["center"]}],
    repeats=2,
    hold_seconds=1,
    transition_seconds=4,
    side_switch_seconds=2,
)


def test_a_session_gives_its_cues_at_the_planned_moments(clock: FakeClock) -> None:
    channel = RecordingChannel(clock)
    run_routine(TWO_ZONES, clock, CueDispatcher([channel], clock))
    heard = [
        (round(t, 3), cue.kind, fitting_phrase(cue.phrases, cue.budget)) for t, cue in channel.cues
    ]
    assert heard == [
        (0.0, CueKind.SESSION_START, "Get ready: apply gel. Then: Cheeks, left side, two glides."),
        (10.002, CueKind.NEXT_ZONE, "Cheeks, left side, two glides"),
        (14.002, CueKind.GLIDE_START, "One"),
        (20.002, CueKind.LAST_GLIDE, "Last glide"),
        (26.002, CueKind.SIDE_SWITCH, "Right side"),
        (28.002, CueKind.GLIDE_START, "One"),
        (34.002, CueKind.LAST_GLIDE, "Last glide"),
        (40.002, CueKind.NEXT_ZONE, "Chin, two glides"),
        (44.002, CueKind.GLIDE_START, "One"),
        (50.002, CueKind.LAST_GLIDE, "Last glide"),
        (56.002, CueKind.SESSION_END, "Session done"),
    ]
    end = channel.cues[-1][1]
    assert end.notifies
    assert end.message == "Test routine: 6 of 6 glides done."


def test_each_cue_knows_the_time_until_the_next(clock: FakeClock) -> None:
    channel = RecordingChannel(clock)
    run_routine(TWO_ZONES, clock, CueDispatcher([channel], clock))
    budgets = [cue.budget for _, cue in channel.cues]
    # prep 10, move 4, glide+hold 6, 6, switch 2, 6, 6, move 4, 6, last glide to the end 6
    assert budgets == [10, 4, 6, 6, 2, 6, 6, 4, 6, 6, None]


def test_without_prep_or_transition_the_first_glide_names_its_zone(clock: FakeClock) -> None:
    routine = make_routine(zones=[{"zone": "neck"}], repeats=2, transition_seconds=0)
    channel = RecordingChannel(clock)
    run_routine(routine, clock, CueDispatcher([channel], clock))
    first = channel.cues[0][1]
    assert first.kind is CueKind.GLIDE_START
    assert first.phrases[0] == "Neck, left side, two glides"


def test_a_side_change_without_a_switch_step_is_still_said(clock: FakeClock) -> None:
    routine = make_routine(zones=[{"zone": "cheeks"}], repeats=1, side_switch_seconds=0)
    channel = RecordingChannel(clock)
    run_routine(routine, clock, CueDispatcher([channel], clock))
    said = [(cue.kind, cue.phrases[0]) for _, cue in channel.cues]
    assert said[1] == (CueKind.LAST_GLIDE, "Right side")


def test_pause_resume_and_stop_each_give_a_cue(clock: FakeClock) -> None:
    channel = RecordingChannel(clock)
    dispatcher = CueDispatcher([channel], clock)
    session = Session(plan_timeline(TWO_ZONES), clock)
    for action in (session.start, session.pause, session.resume, session.abort):
        clock.advance(1)
        for event in action():
            dispatcher.handle(event, session)
    kinds = [cue.kind for _, cue in channel.cues]
    assert kinds == [CueKind.SESSION_START, CueKind.PAUSED, CueKind.RESUMED, CueKind.SESSION_END]
    assert channel.cues[-1][1].title == "Session stopped"
    assert not channel.closed  # not on the event loop: a hook's close may wait
    dispatcher.close()
    assert channel.closed


def test_a_skipped_zone_gives_one_cue_for_where_the_session_lands(clock: FakeClock) -> None:
    channel = RecordingChannel(clock)
    dispatcher = CueDispatcher([channel], clock)
    session = Session(plan_timeline(TWO_ZONES), clock)
    for event in session.start():
        dispatcher.handle(event, session)
    channel.cues.clear()
    for event in session.skip_zone():  # the prep
        dispatcher.handle(event, session)
    assert [cue.kind for _, cue in channel.cues] == [CueKind.NEXT_ZONE]


# --- spoken phrases ---------------------------------------------------------------------------


def test_a_phrase_that_would_overrun_is_shortened_then_dropped() -> None:
    phrases = ("Jawline, right side, three glides", "Jawline, right side", "Jawline")
    assert fitting_phrase(phrases, 10) == phrases[0]
    assert fitting_phrase(phrases, spoken_seconds(phrases[1]) + 0.01) == phrases[1]
    assert fitting_phrase(phrases, spoken_seconds(phrases[2])) == phrases[2]
    assert fitting_phrase(phrases, 0.5) is None
    assert fitting_phrase(phrases, None) == phrases[0]


def test_a_faster_voice_fits_more() -> None:
    phrase = "Cheeks, left side, three glides"
    assert spoken_seconds(phrase, 250) < spoken_seconds(phrase) < spoken_seconds(phrase, 120)


def test_every_builtin_routine_has_a_phrase_for_each_zone_that_fits(
    builtin_library: RoutineLibrary,
) -> None:
    for loaded in builtin_library.routines.values():
        clock = FakeClock()
        channel = RecordingChannel(clock)
        run_routine(loaded.routine, clock, CueDispatcher([channel], clock))
        for _, cue in channel.cues:
            if cue.kind in (CueKind.NEXT_ZONE, CueKind.SESSION_START, CueKind.SIDE_SWITCH):
                said = fitting_phrase(cue.phrases, cue.budget)
                # The full announcement fits, zone, side and number of glides.
                assert said == cue.phrases[0], (loaded.routine.id, cue)


# --- tones ------------------------------------------------------------------------------------


def test_every_cue_has_its_own_tone() -> None:
    figures = {tuple((n.hertz, n.seconds) for n in FIGURES[kind]) for kind in FIGURES}
    assert len(figures) == len(FIGURES) == len(CueKind) - 1  # the spoken count has none


@pytest.mark.parametrize("tone_set", list(ToneSet))
def test_a_tone_is_a_wav_file_of_its_figure_length(tone_set: ToneSet) -> None:
    data = tone_wav(CueKind.SESSION_END, tone_set, 70)
    with wave.open(io.BytesIO(data)) as read:
        assert read.getframerate() == SAMPLE_RATE
        assert read.getnchannels() == 1
        seconds = read.getnframes() / SAMPLE_RATE
    assert seconds == pytest.approx(figure_seconds(CueKind.SESSION_END), abs=0.002)


def test_volume_scales_the_tone_and_never_clips() -> None:
    loud = tone_samples(CueKind.GLIDE_START, ToneSet.BEEP, 100)
    soft = tone_samples(CueKind.GLIDE_START, ToneSet.BEEP, 25)
    assert max(map(abs, loud)) < 32_767
    assert max(map(abs, soft)) == pytest.approx(max(map(abs, loud)) / 4, rel=0.02)
    assert set(tone_samples(CueKind.GLIDE_START, ToneSet.BEEP, 0)) == {0}


def test_notes_fade_in_and_out_so_they_do_not_click() -> None:
    samples = tone_samples(CueKind.GLIDE_START, ToneSet.BEEP, 100)
    peak = max(map(abs, samples))
    assert abs(samples[0]) < peak * 0.05
    sound = [s for s in samples if s]
    assert abs(sound[-1]) < peak * 0.05


def test_the_chime_and_the_beep_sound_different() -> None:
    assert tone_wav(CueKind.GLIDE_START, ToneSet.CHIME, 70) != tone_wav(
        CueKind.GLIDE_START, ToneSet.BEEP, 70
    )


# --- the dispatcher ---------------------------------------------------------------------------


@dataclass
class StuckChannel:
    """A blocking channel that does not return until released, like a hung audio server."""

    name: ChannelName = ChannelName.SOUND
    blocking: bool = True
    release: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)
    delivered: list[Cue] = field(default_factory=list)

    def deliver(self, cue: Cue) -> str | None:
        self.started.set()
        self.release.wait(10)
        self.delivered.append(cue)
        return None

    def close(self) -> str | None:
        return None


def test_a_stuck_channel_holds_up_neither_the_session_nor_the_other_channels(
    clock: FakeClock,
) -> None:
    stuck = StuckChannel()
    recording = RecordingChannel(clock)
    dispatcher = CueDispatcher([stuck, recording], clock)
    session = run_routine(TWO_ZONES, clock, dispatcher)  # returns although sound never answers
    assert session.status.is_over
    assert len(recording.cues) == 11
    assert stuck.started.wait(10)
    stuck.release.set()
    dispatcher.close(timeout=10)
    assert len(stuck.delivered) == 11  # nothing lost, only late


@dataclass
class FailingChannel:
    name: ChannelName = ChannelName.VOICE
    blocking: bool = False
    calls: int = 0

    def deliver(self, cue: Cue) -> str | None:
        self.calls += 1
        if self.calls == 3:
            raise RuntimeError("engine crashed")
        return "espeak-ng failed (exit status 1)"

    def close(self) -> str | None:
        return None


def test_a_failing_channel_is_reported_once_and_the_session_goes_on(clock: FakeClock) -> None:
    problems: list[str] = []
    failing = FailingChannel()
    dispatcher = CueDispatcher([failing], clock, problems.append)
    session = run_routine(TWO_ZONES, clock, dispatcher)
    assert session.status.is_over
    assert failing.calls == 11
    assert problems == ["Voice: espeak-ng failed (exit status 1). The session goes on without it."]


def test_lateness_is_measured_from_the_planned_boundary(clock: FakeClock) -> None:
    channel = RecordingChannel(clock)
    dispatcher = CueDispatcher([channel], clock)
    run_routine(TWO_ZONES, clock, dispatcher)
    glides = [d for d in dispatcher.deliveries if d.cue.kind is CueKind.GLIDE_START]
    # Noticed 2 ms after the boundary by the loop; the channel took no time on a fake clock.
    assert [round(d.lateness, 6) for d in glides] == [0.002] * 3


def test_needs_you_calls_the_user_back_until_the_session_ends(clock: FakeClock) -> None:
    channel = RecordingChannel(clock)
    dispatcher = CueDispatcher([channel], clock)
    session = Session(plan_timeline(TWO_ZONES), clock)
    for event in session.start():
        dispatcher.handle(event, session)
    dispatcher.needs_you("Trinity dropped out; reconnecting.")
    cue = channel.cues[-1][1]
    assert cue.kind is CueKind.NEEDS_YOU
    assert cue.notifies
    assert cue.message == "Trinity dropped out; reconnecting."
    for event in session.abort():
        dispatcher.handle(event, session)
    dispatcher.needs_you("too late")
    assert channel.cues[-1][1].kind is CueKind.SESSION_END


@dataclass
class PreparingChannel:
    """Records the order of its first cue and its preparation."""

    name: ChannelName = ChannelName.SOUND
    blocking: bool = True
    order: list[str] = field(default_factory=list)

    def prepare(self) -> None:
        self.order.append("prepare")

    def deliver(self, cue: Cue) -> str | None:
        self.order.append(cue.kind.value)
        return None

    def close(self) -> str | None:
        return None


def test_the_first_cue_does_not_wait_for_the_channel_to_prepare(clock: FakeClock) -> None:
    channel = PreparingChannel()
    dispatcher = CueDispatcher([channel], clock)
    run_routine(TWO_ZONES, clock, dispatcher)
    dispatcher.close(timeout=10)
    assert channel.order[:3] == ["session_start", "prepare", "next_zone"]


# --- the spoken count of a glide's last seconds -------------------------------------------------


@dataclass
class FakeTimer:
    """Holds the dispatcher's timers; the test fires them as the fake clock passes them."""

    clock: FakeClock
    pending: list[tuple[float, "FakeTimer.Handle"]] = field(default_factory=list)

    @dataclass
    class Handle:
        callback: Callable[[], None]
        cancelled: bool = False

        def cancel(self) -> None:
            self.cancelled = True

    def call_later(self, delay: float, callback: Callable[[], None]) -> "FakeTimer.Handle":
        handle = FakeTimer.Handle(callback)
        self.pending.append((self.clock.monotonic() + delay, handle))
        return handle

    def advance_to(self, when: float) -> None:
        """Moves the clock to `when`, firing each timer due on the way, at its moment."""
        while True:
            due = sorted(
                ((at, h) for at, h in self.pending if at <= when and not h.cancelled),
                key=lambda item: item[0],
            )
            if not due:
                break
            at, handle = due[0]
            self.pending.remove((at, handle))
            self.clock.advance(max(0.0, at - self.clock.monotonic()))
            handle.callback()
        self.clock.advance(max(0.0, when - self.clock.monotonic()))


@dataclass
class CountingChannel(RecordingChannel):
    counts: bool = True


def test_the_last_seconds_of_each_glide_are_counted_to_the_voice_only(clock: FakeClock) -> None:
    routine = make_routine(zones=[{"zone": "chin", "sides": ["center"]}], repeats=2)
    voice = CountingChannel(clock, name=ChannelName.VOICE)
    other = RecordingChannel(clock)
    timer = FakeTimer(clock)
    dispatcher = CueDispatcher([voice, other], clock, count_seconds=3, timer=timer)
    session = Session(plan_timeline(routine), clock)
    for event in session.start():
        dispatcher.handle(event, session)
    while not session.status.is_over:
        delay = session.seconds_to_next_boundary()
        assert delay is not None
        timer.advance_to(clock.monotonic() + delay)
        for event in session.poll():
            dispatcher.handle(event, session)
    said = [(round(t, 3), c.phrases[0]) for t, c in voice.cues if c.kind is CueKind.COUNT]
    # Two 5 s glides: "three, two, one" at 2, 3 and 4 s into each.
    assert said == [(2, "Three"), (3, "Two"), (4, "One"), (7, "Three"), (8, "Two"), (9, "One")]
    assert not any(c.kind is CueKind.COUNT for _, c in other.cues)


def test_a_pause_holds_the_count_and_resume_picks_it_up(clock: FakeClock) -> None:
    routine = make_routine(zones=[{"zone": "chin", "sides": ["center"]}], repeats=1)
    voice = CountingChannel(clock, name=ChannelName.VOICE)
    timer = FakeTimer(clock)
    dispatcher = CueDispatcher([voice], clock, count_seconds=3, timer=timer)
    session = Session(plan_timeline(routine), clock)
    for event in session.start():
        dispatcher.handle(event, session)
    timer.advance_to(clock.monotonic() + 2.5)  # "three" said at 2 s
    for event in session.pause():
        dispatcher.handle(event, session)
    timer.advance_to(clock.monotonic() + 60)  # nothing is counted while paused
    for event in session.resume():
        dispatcher.handle(event, session)
    timer.advance_to(clock.monotonic() + 2.5)
    counted = [c.phrases[0] for _, c in voice.cues if c.kind is CueKind.COUNT]
    assert counted == ["Three", "Two", "One"]
    # "Two" came 0.5 s after the resume (3 s into the glide), not at its old time.
    times = [round(t, 3) for t, c in voice.cues if c.kind is CueKind.COUNT]
    assert times == [2.0, 63.0, 64.0]


def test_a_short_glide_keeps_room_for_its_own_words() -> None:
    from facecoach.cues.model import counts_for

    step = plan_timeline(
        make_routine(zones=[{"zone": "chin", "sides": ["center"]}], glide_seconds=3)
    ).steps[0]
    assert [c.cue.phrases[0] for c in counts_for(step, 3)] == ["One"]
