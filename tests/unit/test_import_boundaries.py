"""The layers of DESIGN.md hold at run time: pure packages load neither UI nor Bluetooth.

import-linter checks the same layers statically (`lint-imports`, in the test command); this test
imports every module for real, in a fresh interpreter, because a lazy import inside a function
body is invisible to a static check until it runs, and `sys.modules` is the final word.
The packages are walked, not listed by hand, so a new module is covered the day it is added.
"""

import json
import pkgutil
import subprocess
import sys
from importlib import import_module

import pytest

PURE_PACKAGES = [
    "facecoach.routines",
    "facecoach.session",
    "facecoach.adherence",
    "facecoach.safety",
    "facecoach.photos",
    "facecoach.storage",
    "facecoach.wording",
    "facecoach.config",
    "facecoach.devices.protocol",
    "facecoach.cues",
    # The core loads the Bluetooth layer only when a device is used, never at import.
    "facecoach.companion",
]
UI_AND_RADIO = ("textual", "rich", "bleak", "bumble", "dbus_fast")


def modules_of(package: str) -> list[str]:
    root = import_module(package)
    found = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        found.append(info.name)
    return sorted(found)


def loaded_after_importing(modules: list[str], roots: tuple[str, ...]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {roots!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return list(json.loads(result.stdout))


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_import_neither_the_ui_nor_the_radio(package: str) -> None:
    modules = modules_of(package)
    assert len(modules) > 1 or package == modules[0]
    assert loaded_after_importing(modules, UI_AND_RADIO) == []


def test_the_walk_finds_every_module_of_a_package() -> None:
    """Guards the test above: a walk that found nothing would pass anything."""
    assert "facecoach.devices.protocol.codec" in modules_of("facecoach.devices.protocol")
    assert "facecoach.companion.core" in modules_of("facecoach.companion")


def test_coach_help_does_not_load_the_tui() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from facecoach.cli.main import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['coach', '--help'])\n"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_app_and_the_in_process_simulator_do_not_need_bumble() -> None:
    """Bumble is an optional extra: `--simulate` and the app work without it."""
    modules = [
        *modules_of("facecoach.tui"),
        *modules_of("facecoach.cli"),
        "facecoach.devices.link",
        "facecoach.devices.scanning",
        "facecoach.devices.simulator.inprocess",
    ]
    assert loaded_after_importing(modules, ("bumble",)) == []


def test_the_apps_first_frame_loads_neither_pydantic_nor_bluetooth() -> None:
    """Everything the first frame needs is imported before it; validating settings and
    routines (pydantic) and the radio (bleak) come after it, so they must not be here."""
    loaded = loaded_after_importing(
        ["facecoach.cli.main", "facecoach.tui.app", "facecoach.tui.screens.safety"],
        ("pydantic", "pydantic_core", "bleak", "dbus_fast"),
    )
    assert loaded == []
