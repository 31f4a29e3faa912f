"""The words of the cue settings: closed sets that the settings file, the command line and the
channels share."""

from enum import StrEnum

# Speech rates in words per minute; 175 is espeak-ng's and speech-dispatcher's default.
DEFAULT_RATE = 175
MIN_RATE = 80
MAX_RATE = 400


class ChannelMode(StrEnum):
    """Whether a cue channel is used: never, always (saying so when it cannot be), or wherever
    this machine has what it needs."""

    OFF = "off"
    ON = "on"
    AUTO = "auto"


class ToneSet(StrEnum):
    """How the tones sound: a soft chime, or a short beep like the devices' own."""

    CHIME = "chime"
    BEEP = "beep"
