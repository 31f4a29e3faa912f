"""Tones through the platform's own player (`facecoach.system.sound`: PipeWire, PulseAudio or
ALSA on Linux, afplay on macOS, the .NET SoundPlayer on Windows; or a player command the user
names).

A player is a separate process given a WAV file, so nothing here links an audio library, and
a tone is "accepted" the moment its player has started. Tones are made once and kept as files in
the cache folder (named by tone set, volume and a digest of how they are made), so starting one
costs a process start and nothing else; making all nine takes over 100 ms of pure Python, which
the first cue of a session must not wait for.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from facecoach.companion.cue_channels.machine import ChannelName, Facility, Machine
from facecoach.config.cue_settings import ToneSet
from facecoach.cues import tones
from facecoach.cues.model import Cue, CueKind
from facecoach.cues.tones import FIGURES, tone_wav
from facecoach.system.sound import Player, PlayerProcess, find_player

__all__ = ["Player", "SoundChannel", "find_player", "sound_facility"]


def sound_facility(machine: Machine, custom: str | None = None) -> Facility:
    found = find_player(machine, custom)
    if isinstance(found, Player):
        return Facility(ChannelName.SOUND, True, f"plays through {found.name}")
    return Facility(ChannelName.SOUND, False, found)


class SoundChannel:
    """Plays each cue's tone."""

    name = ChannelName.SOUND
    blocking = True

    def __init__(
        self, player: Player, tone_set: ToneSet, volume: int, folder: Path | None = None
    ) -> None:
        self._process = PlayerProcess(player)
        # The cache folder keeps the tones between sessions; without one, a private folder.
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        if folder is None:
            self._temporary = tempfile.TemporaryDirectory()
            folder = Path(self._temporary.name)
        self._folder = folder
        self._tone_set = tone_set
        self._volume = volume
        self._files: dict[CueKind, Path] = {}

    def prepare(self) -> None:
        """Makes every tone not made yet (the dispatcher calls it after the first cue)."""
        for kind in FIGURES:
            self._file(kind)

    def deliver(self, cue: Cue) -> str | None:
        if cue.kind not in FIGURES:
            return None  # a spoken count: words only
        return self._process.play(self._file(cue.kind))

    def close(self) -> str | None:
        failure = self._process.close()
        if self._temporary is not None:
            self._temporary.cleanup()
        return failure

    def _file(self, kind: CueKind) -> Path:
        path = self._files.get(kind)
        if path is None:
            path = self._folder / f"{self._tone_set}-{self._volume}-{kind}-{_TONES_DIGEST}.wav"
            if not path.is_file():
                try:
                    _write_tone(path, kind, self._tone_set, self._volume)
                except OSError:  # a cache folder that cannot be written: a private one
                    if self._temporary is not None:
                        raise
                    self._temporary = tempfile.TemporaryDirectory()
                    self._folder = Path(self._temporary.name)
                    return self._file(kind)
            self._files[kind] = path
        return path


def _tones_digest() -> str:
    """Changes whenever the figures or the sound of the tones change: old files are not used.
    Made from the tones' own description (not their source, which an install may not ship)."""
    recipe = repr((tones.TONES_VERSION, tones.SAMPLE_RATE, sorted(tones.FIGURES.items())))
    return hashlib.sha256(recipe.encode()).hexdigest()[:10]


_TONES_DIGEST = _tones_digest()


def _write_tone(path: Path, kind: CueKind, tone_set: ToneSet, volume: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: a player never reads half a file, nor does a second app.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(tone_wav(kind, tone_set, volume))
    os.replace(temporary, path)
