"""Tones through the platform's own player: PipeWire, PulseAudio or ALSA on Linux, afplay on
macOS, the .NET SoundPlayer on Windows; or a player command the user names.

A player is a separate process given a WAV file, so nothing here links an audio library, and
a tone is "accepted" the moment its player has started. Tones are made once and kept as files in
the cache folder (named by tone set, volume and a digest of how they are made), so starting one
costs a process start and nothing else; making all nine takes over 100 ms of pure Python, which
the first cue of a session must not wait for.
"""

import hashlib
import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from facecoach.companion.cue_channels.machine import ChannelName, Facility, Machine
from facecoach.config.cue_settings import ToneSet
from facecoach.cues.model import Cue, CueKind


@dataclass(frozen=True, slots=True)
class Player:
    """A command that plays the WAV file whose path is added at its end."""

    name: str
    argv: tuple[str, ...]

    def command(self, path: Path) -> list[str]:
        return [*self.argv, str(path)]


def find_player(machine: Machine, custom: str | None = None) -> Player | str:
    """The player to use here, or why there is none (in the user's words)."""
    if custom:
        try:
            argv = shlex.split(custom)
        except ValueError:  # an unbalanced quote, written by hand in settings.toml
            return f"the sound command {custom!r} cannot be read (a quote is not closed)"
        if not argv or machine.which(argv[0]) is None:
            return f"the sound command {custom!r} was not found"
        return Player(Path(argv[0]).name, tuple(argv))
    if machine.platform == "darwin":
        return _on_path(machine, "afplay") or "afplay was not found"
    if machine.platform == "win32":
        powershell = _on_path(machine, "powershell")
        if powershell is None:
            return "PowerShell was not found"
        script = "(New-Object Media.SoundPlayer $args[0]).PlaySync()"
        return Player("SoundPlayer", (*powershell.argv, "-NoProfile", "-Command", script))
    return _linux_player(machine)


def _on_path(machine: Machine, program: str) -> Player | None:
    path = machine.which(program)
    return Player(program, (path,)) if path else None


def _linux_player(machine: Machine) -> Player | str:
    servers = []
    if machine.has_socket("pipewire-0"):
        servers.append("PipeWire")
        player = _on_path(machine, "pw-play")
        if player is not None:
            return player
    if machine.env.get("PULSE_SERVER") or machine.has_socket("pulse", "native"):
        servers.append("PulseAudio")
        player = _on_path(machine, "paplay")
        if player is not None:
            return player
    if servers:
        return (
            f"{' and '.join(servers)} is running, but neither pw-play nor paplay is installed "
            "(Debian: pipewire-bin or pulseaudio-utils)"
        )
    cards = machine.read_text(Path("/proc/asound/cards")) or ""
    if cards.strip() and "no soundcards" not in cards:
        player = _on_path(machine, "aplay")
        if player is not None:
            return Player("aplay", (*player.argv, "-q"))
        return "there is a sound card, but aplay is not installed (Debian: alsa-utils)"
    return "no sound server (PipeWire, PulseAudio) is running and no sound card was found"


def wav_file_seconds(path: Path) -> float:
    """The length of a WAV file from its header; 0 when it cannot be read."""
    import wave

    try:
        with wave.open(str(path), "rb") as audio:
            return audio.getnframes() / audio.getframerate()
    except (OSError, EOFError, wave.Error):
        return 0.0


def sound_facility(machine: Machine, custom: str | None = None) -> Facility:
    found = find_player(machine, custom)
    if isinstance(found, Player):
        return Facility(ChannelName.SOUND, True, f"plays through {found.name}")
    return Facility(ChannelName.SOUND, False, found)


class PlayerProcess:
    """One player at a time: a new sound stops the one still playing, and a player that failed
    says why (its exit status and first line of errors) when asked."""

    def __init__(self, player: Player) -> None:
        self.player = player
        self._running: subprocess.Popen[bytes] | None = None
        self._length = 0.0  # seconds of audio the running player was given

    def play(self, path: Path) -> str | None:
        """Starts playing; returns the failure of the previous play, if it failed."""
        failure = self._reap(stop=True)
        self._length = wav_file_seconds(path)
        try:
            self._running = subprocess.Popen(
                self.player.command(path),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            return f"{self.player.name} could not start ({exc.strerror or exc})"
        return failure

    def close(self) -> str | None:
        return self._reap(stop=False)

    def _reap(self, *, stop: bool) -> str | None:
        running, self._running = self._running, None
        if running is None:
            return None
        if running.poll() is None:
            if stop:
                running.terminate()
            try:
                # At the end, the last sound plays out (the session's end, a test phrase).
                running.wait(timeout=2 if stop else self._length + 2)
            except subprocess.TimeoutExpired:
                running.kill()
                running.wait()
            if stop:
                return None  # stopped by us: not a failure
        _, errors = running.communicate()
        if running.returncode in (0, None) or running.returncode < 0:
            return None
        first = next((line for line in errors.decode(errors="replace").splitlines() if line), "")
        detail = f": {first.strip()}" if first else ""
        return f"{self.player.name} failed (exit status {running.returncode}{detail})"


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
        from facecoach.cues.tones import FIGURES

        for kind in FIGURES:
            self._file(kind)

    def deliver(self, cue: Cue) -> str | None:
        from facecoach.cues.tones import FIGURES

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
    from facecoach.cues import tones

    recipe = repr((tones.TONES_VERSION, tones.SAMPLE_RATE, sorted(tones.FIGURES.items())))
    return hashlib.sha256(recipe.encode()).hexdigest()[:10]


_TONES_DIGEST = _tones_digest()


def _write_tone(path: Path, kind: CueKind, tone_set: ToneSet, volume: int) -> None:
    from facecoach.cues.tones import tone_wav

    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: a player never reads half a file, nor does a second app.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(tone_wav(kind, tone_set, volume))
    os.replace(temporary, path)
