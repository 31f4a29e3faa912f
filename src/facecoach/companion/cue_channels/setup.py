"""From the user's choices (settings, then command-line flags) and what this machine has, to
the channels of one session, and to the account `facecoach doctor` and the app give of them.

Off is off. On means the user wants it: when it cannot work, they are told why, once, at the
start. Auto means "wherever it works": a channel this machine cannot run is left out quietly
(doctor still says why).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.companion.cue_channels.desktop import DesktopChannel, desktop_facility
from facecoach.companion.cue_channels.dispatch import CueChannel
from facecoach.companion.cue_channels.hook import HookChannel, hook_facility
from facecoach.companion.cue_channels.machine import ChannelName, Facility, Machine
from facecoach.companion.cue_channels.sound import Player, SoundChannel, find_player, sound_facility
from facecoach.companion.cue_channels.terminal import (
    TerminalChannel,
    osc_protocol,
    terminal_facility,
)
from facecoach.companion.cue_channels.voice import VoiceChannel, find_engine, voice_facility
from facecoach.config.cue_settings import DEFAULT_RATE, ChannelMode, ToneSet
from facecoach.cues.model import CueKind, sample_cue

if TYPE_CHECKING:
    from facecoach.companion.cue_channels.dispatch import CueChannel
    from facecoach.config.settings import Settings


@dataclass(frozen=True, slots=True)
class CueChoices:
    """What the user asked for."""

    sound: ChannelMode = ChannelMode.AUTO
    volume: int = 70
    tone_set: ToneSet = ToneSet.CHIME
    sound_command: str | None = None
    voice: ChannelMode = ChannelMode.OFF
    voice_rate: int = DEFAULT_RATE
    voice_name: str | None = None
    voice_count: int = 0
    desktop: ChannelMode = ChannelMode.AUTO
    terminal: ChannelMode = ChannelMode.AUTO
    bell: bool = True
    on_cue: str | None = None

    @classmethod
    def from_settings(cls, settings: "Settings") -> "CueChoices":
        return cls(
            sound=settings.sound,
            volume=settings.sound_volume,
            tone_set=settings.tone_set,
            sound_command=settings.sound_command,
            voice=settings.voice,
            voice_rate=settings.voice_rate,
            voice_name=settings.voice_name,
            voice_count=settings.voice_count,
            desktop=settings.desktop_notifications,
            terminal=settings.terminal_notifications,
            bell=settings.bell,
            on_cue=settings.on_cue,
        )

    def mode(self, channel: ChannelName) -> ChannelMode:
        match channel:
            case ChannelName.SOUND:
                return self.sound
            case ChannelName.VOICE:
                return self.voice
            case ChannelName.DESKTOP:
                return self.desktop
            case ChannelName.TERMINAL:
                return self.terminal
        return ChannelMode.ON if self.on_cue else ChannelMode.OFF

    def overridden(self, **changes: object) -> "CueChoices":
        """With the command line's flags; None leaves a choice as it is."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]


class ChannelState(StrEnum):
    ACTIVE = "active"
    OFF = "off"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    channel: ChannelName
    mode: ChannelMode
    state: ChannelState
    how: str  # what it uses, or why it cannot work


def facilities(choices: CueChoices, machine: Machine) -> dict[ChannelName, Facility]:
    return {
        ChannelName.SOUND: sound_facility(machine, choices.sound_command),
        ChannelName.VOICE: voice_facility(machine, choices.sound_command),
        ChannelName.DESKTOP: desktop_facility(machine),
        ChannelName.TERMINAL: terminal_facility(machine),
        ChannelName.HOOK: hook_facility(machine, choices.on_cue),
    }


def channel_statuses(choices: CueChoices, machine: Machine) -> list[ChannelStatus]:
    """Every channel: whether it will be used, and what with or why not."""
    result = []
    for name, facility in facilities(choices, machine).items():
        mode = choices.mode(name)
        if mode is ChannelMode.OFF:
            state = ChannelState.OFF
        elif facility.available:
            state = ChannelState.ACTIVE
        else:
            state = ChannelState.UNAVAILABLE
        result.append(ChannelStatus(name, mode, state, facility.how))
    return result


@dataclass
class SessionChannels:
    channels: list["CueChannel"]
    statuses: list[ChannelStatus]
    notices: list[str]  # channels the user turned on that cannot work here

    def channel(self, name: ChannelName) -> "CueChannel | None":
        return next((c for c in self.channels if c.name is name), None)

    def active_names(self, *, bell: bool) -> list[str]:
        """'sound', 'voice', 'bell', ...: what the session screen lists."""
        names = [
            s.channel.value
            for s in self.statuses
            if s.state is ChannelState.ACTIVE and s.channel is not ChannelName.TERMINAL
        ]
        terminal = next(s for s in self.statuses if s.channel is ChannelName.TERMINAL)
        if terminal.state is ChannelState.ACTIVE and self.channel(ChannelName.TERMINAL):
            names.append("terminal")
        if bell:
            names.append("bell")
        return names


def build_channels(
    choices: CueChoices,
    machine: Machine,
    *,
    routine_id: str,
    terminal_write: Callable[[str], None] | None,
    tones_folder: Path | None = None,
) -> SessionChannels:
    """The channels for one session. A terminal channel needs the front end's writer."""
    statuses = channel_statuses(choices, machine)
    channels: list[CueChannel] = []
    notices: list[str] = []
    for status in statuses:
        if status.state is ChannelState.UNAVAILABLE and status.mode is ChannelMode.ON:
            notices.append(f"{status.channel.label} is on, but {status.how}.")
        channel = None
        if status.state is ChannelState.ACTIVE:
            channel = _channel(status.channel, choices, machine, routine_id, tones_folder)
        if status.channel is ChannelName.TERMINAL and terminal_write is not None:
            # The bell rings whatever the notification setting: it is the terminal's own.
            channel = _terminal(choices, machine, terminal_write, status.state)
        if channel is not None:
            channels.append(channel)
    return SessionChannels(channels, statuses, notices)


def _channel(
    name: ChannelName,
    choices: CueChoices,
    machine: Machine,
    routine_id: str,
    tones_folder: Path | None,
) -> "CueChannel | None":
    match name:
        case ChannelName.SOUND:
            player = find_player(machine, choices.sound_command)
            assert isinstance(player, Player)
            return SoundChannel(player, choices.tone_set, choices.volume, tones_folder)
        case ChannelName.VOICE:
            engine = find_engine(machine)
            assert engine is not None
            found = find_player(machine, choices.sound_command)
            speech_player = found if isinstance(found, Player) else None
            tones = choices.sound is not ChannelMode.OFF and speech_player is not None
            return VoiceChannel(
                engine,
                speech_player,
                rate=choices.voice_rate,
                voice=choices.voice_name,
                after_tones=tones,
            )
        case ChannelName.DESKTOP:
            return DesktopChannel()
        case ChannelName.HOOK:
            assert choices.on_cue is not None
            return HookChannel(choices.on_cue, routine_id)
    return None


def _terminal(
    choices: CueChoices,
    machine: Machine,
    write: Callable[[str], None],
    state: ChannelState,
) -> "CueChannel | None":
    # Made even when it has nothing to do yet: the app's `b` turns the bell on mid-session.
    protocol = osc_protocol(machine) if state is ChannelState.ACTIVE else None
    return TerminalChannel(
        write, bell=choices.bell, protocol=protocol, in_tmux=bool(machine.env.get("TMUX"))
    )


def try_channel(
    name: ChannelName,
    choices: CueChoices,
    machine: Machine,
    *,
    terminal_write: Callable[[str], None] | None = None,
    tones_folder: Path | None = None,
) -> str:
    """Sends one sample cue through a channel, as the settings now stand (even one set to
    off), waits until it is out, and says what happened in a sentence. Blocks: call it from
    a worker thread in an app."""
    forced = _forced_on(choices, name)
    problems: list[str] = []
    built = build_channels(
        forced,
        machine,
        routine_id="test",
        terminal_write=terminal_write if name is ChannelName.TERMINAL else None,
        tones_folder=tones_folder,
    )
    status = next(s for s in built.statuses if s.channel is name)
    channel = built.channel(name)
    for other in built.channels:
        if other is not channel:
            other.close()
    if channel is None or status.state is not ChannelState.ACTIVE:
        return f"{name.label} cannot work here: {status.how}."
    if hasattr(channel, "on_problem"):
        channel.on_problem = problems.append
    problem = channel.deliver(sample_cue(_SAMPLE_KIND[name]))
    closing = channel.close()
    trouble = problem or closing or (problems[0] if problems else None)
    if trouble:
        return f"{name.label} failed: {trouble}."
    return f"{name.label}: test sent ({status.how})."


_SAMPLE_KIND = {
    ChannelName.SOUND: CueKind.NEXT_ZONE,
    ChannelName.VOICE: CueKind.NEXT_ZONE,
    ChannelName.DESKTOP: CueKind.NEEDS_YOU,
    ChannelName.TERMINAL: CueKind.NEEDS_YOU,
    ChannelName.HOOK: CueKind.GLIDE_START,
}


def _forced_on(choices: CueChoices, name: ChannelName) -> CueChoices:
    match name:
        case ChannelName.SOUND:
            return replace(choices, sound=ChannelMode.ON)
        case ChannelName.VOICE:
            return replace(choices, voice=ChannelMode.ON, sound=ChannelMode.OFF)
        case ChannelName.DESKTOP:
            return replace(choices, desktop=ChannelMode.ON)
        case ChannelName.TERMINAL:
            return replace(choices, terminal=ChannelMode.ON, bell=True)
    return choices
