"""The wheel that `pipx install .` and `uv tool install .` build and install: it holds the code,
the built-in routines and the device profiles, names the `facecoach` command, and runs from
where it is installed, with no checkout beside it."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel built from this checkout, and a folder it is installed into."""
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode != 0:
        pytest.fail(f"the wheel did not build: {built.stderr[-2000:]}")
    (wheel,) = out.glob("facecoach-*.whl")
    target = tmp_path_factory.mktemp("installed")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)  # what an installer puts in site-packages
    return wheel, target


def run_installed(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Only the installed copy on the path, started away from the checkout.
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run(
        [sys.executable, "-m", "facecoach", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=target,
        timeout=120,
    )


def test_the_wheel_holds_the_profiles_the_routines_and_the_command(
    installed: tuple[Path, Path],
) -> None:
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "facecoach = facecoach.cli.main:main" in archive.read(entry_points).decode()
    assert "facecoach/device_profiles/reference-a.toml" in names
    assert "facecoach/routines/builtin/express.toml" in names
    assert "facecoach/tui/app.tcss" in names


def test_the_installed_wheel_runs_with_its_own_profiles(installed: tuple[Path, Path]) -> None:
    _, target = installed
    found = subprocess.run(
        [sys.executable, "-c", "import facecoach; print(facecoach.__file__)"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(target)},
        cwd=target,
        timeout=60,
    )
    assert Path(found.stdout.strip()).is_relative_to(target)
    version = run_installed(target, "--version")
    assert version.returncode == 0, version.stderr
    profiles = run_installed(target, "profiles", "list")
    assert profiles.returncode == 0, profiles.stderr
    assert "reference-a" in profiles.stdout
    routines = run_installed(target, "routines")
    assert routines.returncode == 0, routines.stderr
    assert "express" in routines.stdout
