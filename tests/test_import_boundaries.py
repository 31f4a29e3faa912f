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
]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_imports_neither_textual_nor_bleak(module: str) -> None:
    code = (
        f"import sys, json, {module}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'bleak', 'rich'))))"
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
