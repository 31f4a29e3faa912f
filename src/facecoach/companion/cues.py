"""Cues: what this machine has for sound, speech and notifications, the user's cue choices,
a sample through one channel, and the channels a session sends its cues through. One job of
the core, built on first use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facecoach.companion.cue_channels.machine import ChannelName, Machine
    from facecoach.companion.cue_channels.setup import ChannelStatus, CueChoices
    from facecoach.companion.program import ProgramService


class CueService:
    def __init__(
        self, program: ProgramService, tones_folder: Path, machine: Machine | None = None
    ) -> None:
        self.program = program
        self.tones_folder = tones_folder  # where the cue tones are kept between sessions
        self._machine = machine

    @property
    def machine(self) -> Machine:
        """What this machine has for sound, speech and notifications (read once)."""
        if self._machine is None:
            from facecoach.companion.cue_channels.machine import Machine

            self._machine = Machine()
        return self._machine

    def choices(self, **overrides: object) -> CueChoices:
        """The settings' cue choices, with the command line's flags over them (None: unset)."""
        from facecoach.companion.cue_channels.setup import CueChoices

        return CueChoices.from_settings(self.program.settings).overridden(**overrides)

    def channels(self, choices: CueChoices | None = None) -> list[ChannelStatus]:
        """Every cue channel: used or not, and with what or why not."""
        from facecoach.companion.cue_channels.setup import channel_statuses

        return channel_statuses(choices or self.choices(), self.machine)

    def try_channel(
        self,
        channel: ChannelName,
        choices: CueChoices,
        terminal_write: Callable[[str], None] | None = None,
    ) -> str:
        """A sample cue through one channel, as `choices` set it; a sentence saying how it
        went. Blocks until the cue is out (a tone played, a command finished)."""
        from facecoach.companion.cue_channels.setup import try_channel

        return try_channel(
            channel,
            choices,
            self.machine,
            terminal_write=terminal_write,
            tones_folder=self.tones_folder,
        )
