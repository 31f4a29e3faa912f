"""How `facecoach doctor` names a cue channel's state: what the user chose, and what came of it."""

from facecoach.config.cue_settings import ChannelMode


def channel_state_words(state: str, mode: ChannelMode) -> str:
    """'used (auto)', 'not available (on)', 'off'."""
    if mode is ChannelMode.OFF:
        return "off"
    chosen = "auto" if mode is ChannelMode.AUTO else "on"
    return f"used ({chosen})" if state == "active" else f"not available ({chosen})"
