"""The cue channels with their real parts: players and speech engines as real processes,
espeak-ng rendering speech (its length measured), a desktop notification over a real D-Bus
session bus to a mock notification server (tests/support/dbus_mocks.py), hooks as real
commands. What this machine cannot do (no sound card here) is given to the channels as a
machine description."""

import io
import json
import shutil
import sys
import wave
from pathlib import Path

import pytest

from facecoach.companion.cue_channels import hook as hook_module
from facecoach.companion.cue_channels.desktop import desktop_facility, notify_desktop
from facecoach.companion.cue_channels.dispatch import CueDispatcher
from facecoach.companion.cue_channels.hook import HookChannel
from facecoach.companion.cue_channels.machine import ChannelName
from facecoach.companion.cue_channels.setup import (
    ChannelState,
    CueChoices,
    build_channels,
    channel_statuses,
)
from facecoach.companion.cue_channels.sound import Player, SoundChannel, find_player
from facecoach.companion.cue_channels.terminal import (
    OscProtocol,
    TerminalChannel,
    notification_sequence,
    osc_protocol,
    through_tmux,
)
from facecoach.companion.cue_channels.voice import (
    PLAYBACK_MARGIN,
    SpeechEngine,
    VoiceChannel,
    find_engine,
    render_speech,
    wav_seconds,
)
from facecoach.config.cue_settings import DEFAULT_RATE, ChannelMode, ToneSet
from facecoach.cues.model import Cue, CueKind, needs_you
from facecoach.cues.speech_length import fitting_phrase, spoken_seconds
from facecoach.cues.tones import FIGURES, SAMPLE_RATE, figure_seconds, tone_wav
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from facecoach.session.engine import Session
from facecoach.session.timeline import plan_timeline
from tests.support.dbus_mocks import Notified, needs_dbus_daemon, private_bus
from tests.support.machines import bare_machine, machine, pulse_machine
from tests.support.routines import make_routine

QUICK = make_routine(zones=[{"zone": "chin", "sides": ["center"]}], repeats=3, glide_seconds=1)

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None, reason="espeak-ng is not installed (the espeak-ng package)"
)


def copying_player(destination: Path) -> Player:
    """A real player process that 'plays' by copying the WAV file it is given."""
    return Player("copier", ("sh", "-c", 'cp "$1" "$0"', str(destination)))


def cue(kind: CueKind, phrases: tuple[str, ...] = (), budget: float | None = None) -> Cue:
    return Cue(kind, 0.0, phrases, budget)


# --- finding a player ---------------------------------------------------------------------------


def test_pipewire_comes_first_then_pulseaudio_then_a_sound_card() -> None:
    pipewire = machine(
        env={"XDG_RUNTIME_DIR": "/run/user/1000"},
        programs={"pw-play": "/usr/bin/pw-play", "paplay": "/usr/bin/paplay"},
        files={"/run/user/1000/pipewire-0": "", "/run/user/1000/pulse/native": ""},
    )
    assert find_player(pipewire) == Player("pw-play", ("/usr/bin/pw-play",))
    assert find_player(pulse_machine()) == Player("paplay", ("/usr/bin/paplay",))
    alsa = machine(
        programs={"aplay": "/usr/bin/aplay"},
        files={"/proc/asound/cards": " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"},
    )
    assert find_player(alsa) == Player("aplay", ("/usr/bin/aplay", "-q"))


def test_no_player_says_why_in_words() -> None:
    assert find_player(bare_machine()) == (
        "no sound server (PipeWire, PulseAudio) is running and no sound card was found"
    )
    no_cards = machine(files={"/proc/asound/cards": "--- no soundcards ---\n"})
    assert "no sound card" in str(find_player(no_cards))
    pulse_without_paplay = machine(env={"PULSE_SERVER": "tcp:localhost"}, programs={}, files={})
    assert find_player(pulse_without_paplay) == (
        "PulseAudio is running, but neither pw-play nor paplay is installed "
        "(Debian: pipewire-bin or pulseaudio-utils)"
    )
    assert find_player(bare_machine(), "mpv --really-quiet") == (
        "the sound command 'mpv --really-quiet' was not found"
    )


def test_macos_and_windows_use_their_own_players() -> None:
    mac = machine(platform="darwin", programs={"afplay": "/usr/bin/afplay"})
    assert find_player(mac) == Player("afplay", ("/usr/bin/afplay",))
    windows = machine(platform="win32", programs={"powershell": "C:/pwsh.exe"})
    player = find_player(windows)
    assert isinstance(player, Player)
    assert player.command(Path("t.wav"))[-1] == "t.wav"


# --- sound --------------------------------------------------------------------------------------


def test_the_sound_channel_hands_the_cue_tone_to_a_real_player(tmp_path: Path) -> None:
    played = tmp_path / "played.wav"
    channel = SoundChannel(copying_player(played), ToneSet.BEEP, 40)
    channel.prepare()
    assert channel.deliver(cue(CueKind.SIDE_SWITCH)) is None
    assert channel.close() is None  # waits for the player
    assert played.read_bytes() == tone_wav(CueKind.SIDE_SWITCH, ToneSet.BEEP, 40)


def test_tones_are_kept_in_the_cache_and_made_once(tmp_path: Path) -> None:
    tones = tmp_path / "tones"
    first = SoundChannel(copying_player(tmp_path / "a.wav"), ToneSet.CHIME, 70, tones)
    first.deliver(cue(CueKind.GLIDE_START))
    first.close()
    (made,) = tones.iterdir()  # only the tone that was needed, before the others
    assert made.name.startswith("chime-70-glide_start-")
    first.prepare()
    assert len(list(tones.iterdir())) == len(FIGURES)
    stamps = {path: path.stat().st_mtime_ns for path in tones.iterdir()}
    second = SoundChannel(copying_player(tmp_path / "b.wav"), ToneSet.CHIME, 70, tones)
    second.prepare()
    second.close()
    assert {path: path.stat().st_mtime_ns for path in tones.iterdir()} == stamps


def test_a_cache_that_cannot_be_written_still_plays(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the tones folder would be")
    played = tmp_path / "played.wav"
    channel = SoundChannel(copying_player(played), ToneSet.BEEP, 70, blocked / "tones")
    assert channel.deliver(cue(CueKind.GLIDE_START)) is None
    channel.close()
    assert played.read_bytes() == tone_wav(CueKind.GLIDE_START, ToneSet.BEEP, 70)


def test_a_player_that_fails_says_why(tmp_path: Path) -> None:
    broken = Player("paplay", ("sh", "-c", 'echo "Connection refused" >&2; exit 1'))
    channel = SoundChannel(broken, ToneSet.CHIME, 70)
    channel.deliver(cue(CueKind.GLIDE_START))
    assert channel.close() == "paplay failed (exit status 1: Connection refused)"


def test_a_player_that_cannot_start_says_so() -> None:
    channel = SoundChannel(Player("gone", ("/nonexistent/player",)), ToneSet.CHIME, 70)
    assert channel.deliver(cue(CueKind.GLIDE_START)) == (
        "gone could not start (No such file or directory)"
    )
    channel.close()


# --- voice --------------------------------------------------------------------------------------


def test_the_speech_engine_is_found_per_platform() -> None:
    assert find_engine(bare_machine()) is None
    linux = find_engine(machine(programs={"spd-say": "/usr/bin/spd-say"}))
    assert linux is not None
    assert (linux.name, linux.renders) == ("spd-say", False)
    mac = find_engine(machine(platform="darwin", programs={"say": "/usr/bin/say"}))
    assert mac is not None
    assert mac.command(200, None) == ["/usr/bin/say", "-r", "200", "-f", "-"]


def test_a_phrase_reaches_the_engine_on_its_input_never_as_an_argument() -> None:
    engine = SpeechEngine("espeak-ng", "/usr/bin/espeak-ng", renders=True)
    command = engine.command(175, "en-gb")
    assert command == ["/usr/bin/espeak-ng", "--stdout", "-s", "175", "-v", "en-gb", "--stdin"]


@needs_espeak
def test_espeak_ng_renders_a_phrase_no_longer_than_the_estimate() -> None:
    assert ESPEAK is not None
    engine = SpeechEngine("espeak-ng", ESPEAK, renders=True)
    for rate in (120, DEFAULT_RATE, 300):
        data = render_speech(engine, "Cheeks, left side, three glides", rate, None)
        with wave.open(io.BytesIO(data)) as read:  # the header now tells the true length
            seconds = read.getnframes() / read.getframerate()
        assert seconds == pytest.approx(wav_seconds(data))
        assert 0.8 < seconds <= spoken_seconds("Cheeks, left side, three glides", rate)


@needs_espeak
def test_no_spoken_cue_of_a_builtin_routine_runs_into_the_next(
    builtin_library: RoutineLibrary,
) -> None:
    """Rendered for real at the default rate, after the cue's tone: every phrase ends in time."""
    assert ESPEAK is not None
    engine = SpeechEngine("espeak-ng", ESPEAK, renders=True)
    lengths: dict[str, float] = {}
    checked = 0
    for loaded in builtin_library.routines.values():
        clock = FakeClock()
        session = Session(plan_timeline(loaded.routine), clock)
        cues = []
        events = session.start()
        while True:
            from facecoach.cues.model import cues_for

            for event in events:
                cues += cues_for(event, session)
            if session.status.is_over:
                break
            delay = session.seconds_to_next_boundary()
            assert delay is not None
            clock.advance(delay)
            events = session.poll()
        for each in cues:
            lead = figure_seconds(each.kind)
            budget = None if each.budget is None else each.budget - lead
            phrase = fitting_phrase(each.phrases, budget)
            if phrase is None or budget is None:
                continue
            if phrase not in lengths:
                lengths[phrase] = wav_seconds(render_speech(engine, phrase, DEFAULT_RATE, None))
            assert lengths[phrase] <= budget, (loaded.routine.id, each.kind, phrase)
            checked += 1
    assert checked > 100


@needs_espeak
def test_the_voice_waits_for_the_tone_then_speaks(tmp_path: Path) -> None:
    assert ESPEAK is not None
    played = tmp_path / "spoken.wav"
    engine = SpeechEngine("espeak-ng", ESPEAK, renders=True)
    voice = VoiceChannel(
        engine, copying_player(played), rate=DEFAULT_RATE, voice=None, after_tones=True
    )
    phrases = ("Neck, right side, three glides", "Neck, right side", "Neck")
    assert voice.deliver(cue(CueKind.NEXT_ZONE, phrases, budget=10)) is None
    assert voice.close() is None
    data = played.read_bytes()
    lead = round(figure_seconds(CueKind.NEXT_ZONE) * SAMPLE_RATE)
    samples = data[44 : 44 + 2 * lead]
    assert samples == bytes(len(samples))  # silence while the tone plays
    alone = render_speech(engine, phrases[0], DEFAULT_RATE, None)
    assert wav_seconds(data) == pytest.approx(wav_seconds(alone) + lead / SAMPLE_RATE)


@needs_espeak
def test_a_short_gap_gets_the_short_phrase(tmp_path: Path) -> None:
    assert ESPEAK is not None
    engine = SpeechEngine("espeak-ng", ESPEAK, renders=True)
    voice = VoiceChannel(
        engine, copying_player(tmp_path / "x.wav"), rate=175, voice=None, after_tones=False
    )
    phrases = ("Jawline, right side, three glides", "Jawline, right side", "Jawline")
    assert voice.phrase_for(cue(CueKind.NEXT_ZONE, phrases, budget=2.0)) == "Jawline, right side"
    assert voice.phrase_for(cue(CueKind.NEXT_ZONE, phrases, budget=0.3)) is None
    voice.close()


@needs_espeak
def test_a_rendering_engine_fits_phrases_by_their_real_length(tmp_path: Path) -> None:
    """The estimate errs long; espeak-ng's audio is measured, so a phrase that really fits is
    said in full even where the estimate would have cut it."""
    assert ESPEAK is not None
    engine = SpeechEngine("espeak-ng", ESPEAK, renders=True)
    phrases = ("Cheeks, left side, three glides", "Cheeks, left side", "Cheeks")
    real = wav_seconds(render_speech(engine, phrases[0], DEFAULT_RATE, None))
    budget = real + PLAYBACK_MARGIN + 0.05
    assert spoken_seconds(phrases[0]) > budget  # the estimate alone would shorten it
    played = tmp_path / "said.wav"
    voice = VoiceChannel(
        engine, copying_player(played), rate=DEFAULT_RATE, voice=None, after_tones=False
    )
    assert voice.deliver(cue(CueKind.NEXT_ZONE, phrases, budget=budget)) is None
    voice.close()
    assert wav_seconds(played.read_bytes()) == pytest.approx(real)


def test_an_engine_that_fails_says_why() -> None:
    engine = SpeechEngine("espeak-ng", "/nonexistent/espeak-ng", renders=True)
    voice = VoiceChannel(engine, Player("cat", ("cat",)), rate=175, voice=None, after_tones=False)
    assert voice.deliver(cue(CueKind.GLIDE_START, ("Two",))) == (
        "espeak-ng could not start (No such file or directory)"
    )
    voice.close()


@pytest.mark.skipif(shutil.which("true") is None, reason="no `true` program to stand in")
def test_an_engine_that_exits_0_without_speech_is_not_said_to_have_failed() -> None:
    engine = SpeechEngine("espeak-ng", str(shutil.which("true")), renders=True)
    voice = VoiceChannel(engine, Player("cat", ("cat",)), rate=175, voice=None, after_tones=False)
    assert voice.deliver(cue(CueKind.GLIDE_START, ("Two",))) == (
        "espeak-ng gave no speech to play (no WAV audio)"
    )
    voice.close()


# --- desktop notifications over a real D-Bus session bus -----------------------------------------


@needs_dbus_daemon
def test_a_desktop_notification_reaches_the_notification_server(
    notification_daemon: list[Notified],
) -> None:
    import asyncio

    assert asyncio.run(notify_desktop("Session done", "Express: 24 of 24 glides done.")) is None
    assert notification_daemon == [
        Notified("facecoach", "Session done", "Express: 24 of 24 glides done.")
    ]


@needs_dbus_daemon
def test_a_bus_without_a_notification_server_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    with private_bus() as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        problem = asyncio.run(notify_desktop("Session done", "x"))
    assert problem == "no notification server is running on the session bus"


@needs_dbus_daemon
def test_a_bus_that_is_not_there_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    problem = asyncio.run(notify_desktop("Session done", "x"))
    assert problem is not None
    assert problem.startswith("the D-Bus session bus could not be reached (")


def test_notification_text_is_not_read_as_markup() -> None:
    from facecoach.system.notifications import _escaped

    assert _escaped("Lift & tone <b>5</b>") == "Lift &amp; tone &lt;b&gt;5&lt;/b&gt;"


def test_no_session_bus_is_said_before_anything_is_tried() -> None:
    facility = desktop_facility(bare_machine())
    assert not facility.available
    assert facility.how.startswith("there is no D-Bus session bus")


# --- the terminal -------------------------------------------------------------------------------


def test_each_terminal_gets_its_own_notification_sequence() -> None:
    assert osc_protocol(machine(env={"TERM": "xterm-kitty"})) is OscProtocol.KITTY
    assert osc_protocol(machine(env={"TERM": "foot"})) is OscProtocol.NOTIFY
    assert osc_protocol(machine(env={"TERM_PROGRAM": "iTerm.app"})) is OscProtocol.GROWL
    assert osc_protocol(machine(env={"TERM": "xterm-256color"})) is None
    assert notification_sequence(OscProtocol.NOTIFY, "Done", "All glides") == (
        "\x1b]777;notify;Done;All glides\x1b\\"
    )
    assert notification_sequence(OscProtocol.GROWL, "Done", "x") == "\x1b]9;Done: x\a"


def test_text_from_a_file_cannot_end_the_sequence_early() -> None:
    hostile = "Evil\x1b]0;pwned\a; name"
    sequence = notification_sequence(OscProtocol.NOTIFY, "Session done", hostile)
    assert sequence == "\x1b]777;notify;Session done;Evil]0,pwned, name\x1b\\"


def test_inside_tmux_the_sequence_is_passed_through() -> None:
    assert through_tmux("\x1b]9;hi\a") == "\x1bPtmux;\x1b\x1b]9;hi\a\x1b\\"


def test_the_bell_rings_at_glides_and_the_notification_comes_at_the_end() -> None:
    written: list[str] = []
    terminal = TerminalChannel(written.append, bell=True, protocol=OscProtocol.GROWL)
    terminal.deliver(cue(CueKind.GLIDE_START))
    terminal.deliver(cue(CueKind.SIDE_SWITCH))
    terminal.deliver(needs_you(3.0, "Trinity dropped out"))
    assert written == ["\a", "\x1b]9;facecoach: your session needs you: Trinity dropped out\a"]


# --- hooks --------------------------------------------------------------------------------------


def recorder_command(path: Path) -> str:
    script = f"import sys; open({str(path)!r}, 'a').write(sys.stdin.read())"
    return f"{sys.executable} -c {json.dumps(script)}"


def test_a_hook_reads_each_cue_as_json(tmp_path: Path) -> None:
    out = tmp_path / "cues.jsonl"
    problems: list[str] = []
    hook = HookChannel(recorder_command(out), "express", problems.append)
    assert hook.deliver(cue(CueKind.LAST_GLIDE, ("Last glide",))) is None
    hook.close()
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["cue"] == "last_glide"
    assert record["routine"] == "express"
    assert record["phrase"] == "Last glide"
    assert problems == []


def test_a_failing_hook_is_told_once_and_the_session_goes_on(clock: FakeClock) -> None:
    problems: list[str] = []
    failing = f"{sys.executable} -c \"import sys; sys.exit('no lights found')\""
    built = build_channels(
        CueChoices(on_cue=failing), bare_machine(), routine_id="express", terminal_write=None
    )
    dispatcher = CueDispatcher(built.channels, clock, problems.append)
    session = Session(plan_timeline(QUICK), clock)
    for event in session.start():
        dispatcher.handle(event, session)
    while not session.status.is_over:
        clock.advance(session.seconds_to_next_boundary() or 0.0)
        for event in session.poll():
            dispatcher.handle(event, session)
    dispatcher.close(timeout=30)
    assert len(dispatcher.deliveries) > 3
    assert problems == [
        f"Command at each cue: {sys.executable} failed (exit status 1: no lights found). "
        "The session goes on without it."
    ]


def test_the_end_of_a_session_does_not_wait_for_a_slow_hook(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The end is handled on the event loop; a hook still running must not hold it."""
    monkeypatch.setattr(hook_module, "HOOK_TIMEOUT", 0.5)
    hook = HookChannel("sleep 30", "express")
    dispatcher = CueDispatcher([hook], clock)
    session = Session(plan_timeline(QUICK), clock)
    for action in (session.start, session.abort):
        for event in action():
            dispatcher.handle(event, session)
    assert hook._running  # handle() came back while the commands still run
    dispatcher.close(timeout=30)  # off the loop, as the core does it
    assert not hook._running


def test_a_hook_that_hangs_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hook_module, "HOOK_TIMEOUT", 0.3)
    problems: list[str] = []
    hook = HookChannel("sleep 30", "express", problems.append)
    assert hook.deliver(cue(CueKind.GLIDE_START)) is None  # returns at once
    hook.close()
    assert problems == ["sleep took more than 0.3 s and was stopped"]


# --- which channels a session gets ---------------------------------------------------------------


def test_auto_uses_what_works_and_on_says_what_does_not() -> None:
    choices = CueChoices(sound=ChannelMode.ON, voice=ChannelMode.AUTO)
    statuses = {s.channel: s for s in channel_statuses(choices, bare_machine())}
    assert statuses[ChannelName.SOUND].state is ChannelState.UNAVAILABLE
    assert statuses[ChannelName.VOICE].state is ChannelState.UNAVAILABLE
    built = build_channels(choices, bare_machine(), routine_id="x", terminal_write=None)
    assert built.channels == []
    assert built.notices == [
        "Sound is on, but no sound server (PipeWire, PulseAudio) is running and no sound card "
        "was found."
    ]


def test_on_a_desktop_with_sound_the_session_gets_sound_and_notifications() -> None:
    desktop = machine(
        env={"XDG_RUNTIME_DIR": "/run/user/1000", "TERM": "foot"},
        programs={"paplay": "/usr/bin/paplay", "espeak-ng": "/usr/bin/espeak-ng"},
        files={"/run/user/1000/pulse/native": "", "/run/user/1000/bus": ""},
    )
    choices = CueChoices(voice=ChannelMode.ON)
    built = build_channels(choices, desktop, routine_id="x", terminal_write=lambda text: None)
    assert [c.name for c in built.channels] == [
        ChannelName.SOUND,
        ChannelName.VOICE,
        ChannelName.DESKTOP,
        ChannelName.TERMINAL,
    ]
    assert built.active_names(bell=True) == ["sound", "voice", "desktop", "terminal", "bell"]
    for channel in built.channels:
        channel.close()
