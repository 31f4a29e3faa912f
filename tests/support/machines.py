"""Machines for the cue channels: what a test says the machine has, whatever this one has."""

import os
from collections.abc import Mapping
from pathlib import Path

from facecoach.companion.cue_channels.machine import Machine


def machine(
    *,
    platform: str = "linux",
    env: Mapping[str, str] | None = None,
    programs: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> Machine:
    """A machine with just these environment variables, programs on PATH (name to path) and
    files (path to text; a socket is a file with any text)."""
    found = dict(programs or {})
    texts = dict(files or {})

    def which(name: str) -> str | None:
        # A path is found where it really is, as shutil.which does: a test's own commands run.
        if os.path.isabs(name):
            return name if os.access(name, os.X_OK) else None
        return found.get(name)

    return Machine(
        platform=platform,
        env=dict(env or {}),
        which=which,
        exists=lambda path: str(path) in texts,
        read_text=lambda path: texts.get(str(path)),
    )


def bare_machine() -> Machine:
    """No sound, no speech, no desktop, a terminal that shows no notifications."""
    return machine()


def pulse_machine(player: str = "/usr/bin/paplay", **programs: str) -> Machine:
    """A desktop with PulseAudio running and paplay installed (and any other programs)."""
    return machine(
        env={"XDG_RUNTIME_DIR": "/run/user/1000"},
        programs={"paplay": player, **programs},
        files={str(Path("/run/user/1000/pulse/native")): ""},
    )
