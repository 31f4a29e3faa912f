"""Running `facecoach` as a user does: a subprocess with its own environment."""

import os
import subprocess
import sys

QUICK = """
id = "quick"
name = "Quick"
glide_seconds = 0.2
repeats = 2
transition_seconds = 0.1
side_switch_seconds = 0.1
[[zones]]
zone = "cheeks"
[[zones]]
zone = "neck"
"""


def facecoach(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facecoach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
