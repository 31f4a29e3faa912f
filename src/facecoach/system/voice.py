"""The platform's offline speech engines and their command lines: espeak-ng (renders a WAV for
a player), speech-dispatcher's spd-say, `say` on macOS, SAPI through PowerShell on Windows. The
phrase always goes on standard input, never as an argument."""

from dataclasses import dataclass

from facecoach.system.machine import Machine
from facecoach.system.platforms import OperatingSystem


class SpeechError(Exception):
    """An engine that would not speak, in the user's words."""


@dataclass(frozen=True, slots=True)
class SpeechEngine:
    """A text-to-speech program. `renders` engines write a WAV to standard output for a player;
    the others play the phrase themselves."""

    name: str
    path: str
    renders: bool

    def cancel_command(self) -> list[str] | None:
        """What stops speech the engine's server has queued (speech-dispatcher's), if any."""
        return [self.path, "-C"] if self.name == "spd-say" else None

    def command(self, rate: int, voice: str | None) -> list[str]:
        match self.name:
            case "espeak-ng" | "espeak":
                chosen = ["-v", voice] if voice else []
                return [self.path, "--stdout", "-s", str(rate), *chosen, "--stdin"]
            case "spd-say":
                # speech-dispatcher's rate runs from -100 to 100 around its default of 175.
                relative = max(-100, min(100, round((rate - 175) / 175 * 100)))
                chosen = ["-l", voice] if voice else []
                return [self.path, "-w", "-r", str(relative), *chosen, "-e"]
            case "say":
                chosen = ["-v", voice] if voice else []
                return [self.path, "-r", str(rate), *chosen, "-f", "-"]
        # SAPI, through PowerShell: the phrase arrives on standard input.
        script = (
            "Add-Type -AssemblyName System.Speech; "
            "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
            f"$s.Rate = {max(-10, min(10, round((rate - 175) / 25)))}; "
            "$s.Speak([Console]::In.ReadToEnd())"
        )
        return [self.path, "-NoProfile", "-Command", script]


def find_engine(machine: Machine) -> SpeechEngine | None:
    if machine.system is OperatingSystem.MACOS:
        path = machine.which("say")
        return SpeechEngine("say", path, renders=False) if path else None
    if machine.system is OperatingSystem.WINDOWS:
        path = machine.which("powershell")
        return SpeechEngine("SAPI", path, renders=False) if path else None
    for name, renders in (("espeak-ng", True), ("spd-say", False), ("espeak", True)):
        path = machine.which(name)
        if path:
            return SpeechEngine(name, path, renders)
    return None
