"""What this machine has for cues: read once, injectable, so each channel's choice (and
`facecoach doctor`'s account of it) can be tested for any platform from any platform."""

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from facecoach.system.platforms import OperatingSystem, operating_system


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


@dataclass(frozen=True)
class Machine:
    """The platform, the environment, the programs on PATH and a few files."""

    platform: str = sys.platform
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    which: Callable[[str], str | None] = shutil.which
    exists: Callable[[Path], bool] = Path.exists
    read_text: Callable[[Path], str | None] = _read_text

    @property
    def runtime_dir(self) -> Path | None:
        value = self.env.get("XDG_RUNTIME_DIR")
        return Path(value) if value else None

    def has_socket(self, *parts: str) -> bool:
        runtime = self.runtime_dir
        return runtime is not None and self.exists(runtime.joinpath(*parts))

    @property
    def system(self) -> OperatingSystem:
        return operating_system(self.platform)
