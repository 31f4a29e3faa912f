"""The cue channels' names, and what a channel can do on this machine (`Facility`). The
machine itself (`Machine`: platform, environment, programs) is `facecoach.system.machine`."""

from dataclasses import dataclass
from enum import StrEnum

from facecoach.system.machine import Machine as Machine  # the channels are given one


class ChannelName(StrEnum):
    SOUND = "sound"
    VOICE = "voice"
    DESKTOP = "desktop"
    TERMINAL = "terminal"
    HOOK = "hook"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ChannelName.SOUND: "Sound",
    ChannelName.VOICE: "Voice",
    ChannelName.DESKTOP: "Desktop notifications",
    ChannelName.TERMINAL: "Terminal notifications",
    ChannelName.HOOK: "Command at each cue",
}


@dataclass(frozen=True, slots=True)
class Facility:
    """Whether a channel can work here: `how` names what it uses, or says why it cannot."""

    channel: ChannelName
    available: bool
    how: str
