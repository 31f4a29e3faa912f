"""The domain packages must stay free of UI and Bluetooth imports (DESIGN.md)."""

import json
import subprocess
import sys

import pytest

DOMAIN_MODULES = [
    "facecoach.routines",
    "facecoach.session",
    "facecoach.coach",
    "facecoach.wording",
    "facecoach.adherence.store",
    "facecoach.adherence.stats",
    "facecoach.adherence.recorder",
    "facecoach.adherence.transfer",
    "facecoach.settings",
    "facecoach.safety.screening",
    "facecoach.safety.waiting",
    "facecoach.safety.checks",
    "facecoach.safety.records",
    "facecoach.routines.rotation",
    "facecoach.session.driver",
    "facecoach.companion",
    # the pure half of the devices package: profiles, codec, matching, the simulated device
    "facecoach.devices.profile",
    "facecoach.devices.codec",
    "facecoach.devices.matching",
    "facecoach.devices.registry",
    "facecoach.devices.firmware",
    "facecoach.devices.simulated_device",
    "facecoach.devices.session_programs",
]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_imports_neither_textual_nor_bluetooth(module: str) -> None:
    code = (
        f"import sys, json, {module}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'bleak', 'bumble', 'rich'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_coach_help_does_not_load_the_tui() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from facecoach.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['coach', '--help'])\n"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_in_process_simulator_does_not_need_bumble() -> None:
    """Bumble is an optional extra: `--simulate` and the app work without it."""
    code = (
        "import sys, facecoach.devices.hub, facecoach.devices.simulator, facecoach.cli\n"
        "print('bumble' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
