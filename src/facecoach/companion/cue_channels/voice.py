"""Spoken cues with the platform's offline speech (`facecoach.system.voice`): espeak-ng (its
audio played by the same player as the tones), speech-dispatcher's spd-say, `say` on macOS,
SAPI on Windows.

No speech library: each engine is a program with a stable command line, and a process that can
be stopped is exactly what "never overlap the next cue" needs: a new phrase stops the old one.
The phrase is the fullest that fits before the next cue: measured on the rendered audio where
the engine renders (espeak-ng), estimated (`facecoach.cues.speech_length`) where it speaks
itself.
Phrases go to the engine on standard input, never as arguments: a zone path comes from a file.
"""

import struct
import subprocess
import tempfile
import time
from contextlib import suppress
from pathlib import Path

from facecoach.companion.cue_channels.machine import ChannelName, Facility, Machine
from facecoach.cues.model import Cue
from facecoach.cues.speech_length import fitting_phrase
from facecoach.cues.tones import SAMPLE_RATE, figure_seconds
from facecoach.system.sound import Player, PlayerProcess, find_player
from facecoach.system.voice import SpeechEngine, SpeechError, find_engine

__all__ = [
    "PLAYBACK_MARGIN",
    "SpeechEngine",
    "SpeechError",
    "VoiceChannel",
    "find_engine",
    "render_speech",
    "voice_facility",
    "wav_seconds",
]

RENDER_TIMEOUT = 5.0
# A player's start and its audio buffer: rendered speech must end this much before the next cue.
PLAYBACK_MARGIN = 0.15
_WAV_HEADER = 44


def voice_facility(machine: Machine, sound_command: str | None = None) -> Facility:
    engine = find_engine(machine)
    if engine is None:
        return Facility(
            ChannelName.VOICE,
            False,
            "no speech engine was found (Debian: espeak-ng or speech-dispatcher)",
        )
    if not engine.renders:
        return Facility(ChannelName.VOICE, True, f"speaks with {engine.name}")
    player = find_player(machine, sound_command)
    if isinstance(player, str):
        return Facility(
            ChannelName.VOICE, False, f"{engine.name} has nothing to play its speech: {player}"
        )
    return Facility(ChannelName.VOICE, True, f"speaks with {engine.name} through {player.name}")


def render_speech(engine: SpeechEngine, phrase: str, rate: int, voice: str | None) -> bytes:
    """The phrase as a WAV file's bytes (engines that render)."""
    try:
        done = subprocess.run(
            engine.command(rate, voice),
            input=phrase.encode(),
            capture_output=True,
            timeout=RENDER_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise SpeechError(f"{engine.name} took more than {RENDER_TIMEOUT:g} s") from None
    except OSError as exc:
        raise SpeechError(f"{engine.name} could not start ({exc.strerror or exc})") from None
    if done.returncode != 0 or len(done.stdout) <= _WAV_HEADER:
        first = done.stderr.decode(errors="replace").strip().splitlines()
        detail = f": {first[0]}" if first else ""
        if done.returncode == 0:  # it says it succeeded, but gave nothing to play
            raise SpeechError(f"{engine.name} gave no speech to play (no WAV audio{detail})")
        raise SpeechError(f"{engine.name} failed (exit status {done.returncode}{detail})")
    return _with_true_length(done.stdout)


def _format(data: bytes) -> tuple[int, int]:
    """(frames per second, bytes per frame) from a WAV header; espeak-ng's usual 22050 Hz
    16-bit mono where the header cannot be read (an mbrola voice renders at 16000 Hz)."""
    if data[:4] != b"RIFF" or len(data) < _WAV_HEADER:
        return SAMPLE_RATE, 2
    channels, rate = struct.unpack("<HI", data[22:28])
    bits = struct.unpack("<H", data[34:36])[0]
    return (rate or SAMPLE_RATE), max(1, channels * bits // 8)


def wav_seconds(data: bytes) -> float:
    """The length of rendered speech, from its header's rate and sample size."""
    rate, frame = _format(data)
    return max(0, len(data) - _WAV_HEADER) / frame / rate


def _with_true_length(data: bytes) -> bytes:
    # Writing to a pipe, espeak-ng cannot go back to fill in the sizes; some players refuse
    # a header that claims 2 GB. The header is rewritten from the data's real length.
    if data[:4] != b"RIFF" or data[36:40] != b"data":
        return data
    size = len(data) - _WAV_HEADER
    return b"RIFF" + struct.pack("<I", 36 + size) + data[8:40] + struct.pack("<I", size) + data[44:]


def _with_lead(data: bytes, seconds: float) -> bytes:
    """Silence first, so the voice starts after the tone of the same cue."""
    if seconds <= 0 or data[36:40] != b"data":
        return data
    rate, frame = _format(data)
    silence = bytes(frame * round(seconds * rate))
    size = len(data) - _WAV_HEADER + len(silence)
    header = b"RIFF" + struct.pack("<I", 36 + size) + data[8:40] + struct.pack("<I", size)
    return header + silence + data[44:]


class VoiceChannel:
    """Says each cue's phrase, the fullest that fits before the next cue."""

    name = ChannelName.VOICE
    blocking = True
    counts = True  # says the count of a glide's last seconds, when asked for

    def __init__(
        self,
        engine: SpeechEngine,
        player: Player | None,
        *,
        rate: int,
        voice: str | None,
        after_tones: bool,
    ) -> None:
        self.engine = engine
        self._rate = rate
        self._voice = voice
        self._after_tones = after_tones  # wait for the cue's tone before speaking
        self._player = PlayerProcess(player) if player is not None and engine.renders else None
        self._speaking: subprocess.Popen[bytes] | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="facecoach-voice-")
        self._rendered: dict[tuple[str, float], tuple[Path, float]] = {}

    def phrase_for(self, cue: Cue) -> str | None:
        """The phrase an engine that speaks by itself says: the fullest whose estimated length
        fits (rendering engines measure instead, in `deliver`)."""
        lead = figure_seconds(cue.kind) if self._after_tones else 0.0
        budget = None if cue.budget is None else cue.budget - lead
        return fitting_phrase(cue.phrases, budget, self._rate)

    def deliver(self, cue: Cue) -> str | None:
        try:
            if self._player is not None:
                path = self._fitting_rendering(cue)
                return None if path is None else self._player.play(path)
            phrase = self.phrase_for(cue)
            lead = figure_seconds(cue.kind) if self._after_tones else 0.0
            return None if phrase is None else self._speak(phrase, lead)
        except SpeechError as exc:
            return str(exc)

    def _fitting_rendering(self, cue: Cue) -> Path | None:
        """The fullest phrase whose real audio (after the tone) ends before the next cue."""
        lead = figure_seconds(cue.kind) if self._after_tones else 0.0
        for phrase in cue.phrases:
            path, seconds = self._rendering(phrase, lead)
            if cue.budget is None or seconds + PLAYBACK_MARGIN <= cue.budget:
                return path
        return None

    def close(self) -> str | None:
        failure = self._player.close() if self._player is not None else None
        self._stop_speaking()
        self._folder.cleanup()
        return failure

    def _rendering(self, phrase: str, lead: float) -> tuple[Path, float]:
        """The phrase's audio file (silence for the tone first) and its length in seconds."""
        key = (phrase, lead)
        found = self._rendered.get(key)
        if found is None:
            data = _with_lead(render_speech(self.engine, phrase, self._rate, self._voice), lead)
            path = Path(self._folder.name) / f"{len(self._rendered)}.wav"
            path.write_bytes(data)
            found = self._rendered[key] = (path, wav_seconds(data))
        return found

    def _speak(self, phrase: str, lead: float) -> str | None:
        self._stop_speaking()
        cancel = self.engine.cancel_command()
        if cancel is not None:
            # Stopping the client does not stop what the server has queued: cancel it.
            with suppress(OSError, subprocess.TimeoutExpired):
                subprocess.run(cancel, timeout=2, capture_output=True)
        if lead > 0:
            # These engines play at once: wait out the cue's tone first (this is the voice's
            # own thread; the phrase was chosen to fit in what is left).
            time.sleep(lead)
        try:
            self._speaking = subprocess.Popen(
                self.engine.command(self._rate, self._voice),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            assert self._speaking.stdin is not None
            self._speaking.stdin.write(phrase.encode())
            self._speaking.stdin.close()
        except OSError as exc:
            return f"{self.engine.name} could not start ({exc.strerror or exc})"
        return None

    def _stop_speaking(self) -> None:
        speaking, self._speaking = self._speaking, None
        if speaking is not None and speaking.poll() is None:
            speaking.terminate()
            try:
                speaking.wait(timeout=2)
            except subprocess.TimeoutExpired:
                speaking.kill()
                speaking.wait()
