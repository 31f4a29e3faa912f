"""The platform's own WAV player, and one player process at a time: PipeWire's pw-play,
PulseAudio's paplay or ALSA's aplay on Linux, afplay on macOS, the .NET SoundPlayer (through
PowerShell) on Windows; or a player command the user names."""

import shlex
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from facecoach.system.machine import Machine
from facecoach.system.platforms import OperatingSystem


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
    if machine.system is OperatingSystem.MACOS:
        return _on_path(machine, "afplay") or "afplay was not found"
    if machine.system is OperatingSystem.WINDOWS:
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
    try:
        with wave.open(str(path), "rb") as audio:
            return audio.getnframes() / audio.getframerate()
    except (OSError, EOFError, wave.Error):
        return 0.0


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
