"""Real captures made and published by other people, read where the project keeps them
(`../shared/captures` beside the checkout); a test that needs one is skipped, with the reason,
where they are absent. They are never copied into the repository."""

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_profiles"


def captures_dir() -> Path | None:
    """FACECOACH_CAPTURES, else the first `shared/captures` beside the checkout or above it."""
    given = os.environ.get("FACECOACH_CAPTURES")
    if given:
        return Path(given) if Path(given).is_dir() else None
    root = Path(__file__).resolve().parents[2]
    for parent in root.parents:
        folder = parent / "shared" / "captures"
        if folder.is_dir():
            return folder
    return None


def real_capture(name: str) -> Path:
    """The published capture `name`; skips the test when it is not there."""
    folder = captures_dir()
    if folder is None:
        pytest.skip("the real captures (../shared/captures or FACECOACH_CAPTURES) are absent")
    path = folder / name
    if not path.is_file():
        pytest.skip(f"the real capture {name} is absent from {folder}")
    return path
