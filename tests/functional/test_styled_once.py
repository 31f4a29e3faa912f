"""Each screen is styled once, as its widgets are mounted, and not again when first shown
(`SizedScreen`): every widget must already look as a full restyle would make it look."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.css.styles import RulesMap
from textual.dom import DOMNode
from textual.screen import Screen

from facecoach.companion.devices import DeviceService
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.devices import DevicesScreen
from facecoach.tui.screens.history import HistoryScreen
from facecoach.tui.screens.routine_editor import RoutineEditorScreen
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.session import SessionScreen
from facecoach.tui.screens.settings import SettingsScreen
from tests.support.app_runs import earlier_objects_left_alone, looking_until
from tests.support.tui_support import confirm_checks, make_companion

SIZES = [(80, 24), (60, 20), (120, 36)]
Styles = dict[str, tuple[RulesMap, dict[str, RulesMap]]]


def styles_of(screen: Screen[Any]) -> Styles:
    """Every node's computed rules, and its component classes' (a card's muted lines)."""
    found: Styles = {}
    for node in screen.walk_children(with_self=True):
        assert isinstance(node, DOMNode)
        components = {
            name: node.get_component_styles(name).get_rules()
            for name in sorted(node.COMPONENT_CLASSES)
        }
        found[f"{node!r} {id(node)}"] = (node.styles.get_rules(), components)
    return found


def restyle_changes(app: FacecoachApp) -> list[str]:
    """The nodes a full restyle of the current screen would change, now, synchronously."""
    screen = app.screen
    before = styles_of(screen)
    app.stylesheet.update_nodes(screen.walk_children(with_self=True), animate=False)
    after = styles_of(screen)
    assert before.keys() == after.keys()
    return [node for node in before if before[node] != after[node]]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("start", ["home", "first run"])
def test_the_first_frame_is_styled_as_a_full_restyle_would_style_it(
    clock: FakeClock, start: str, size: tuple[int, int]
) -> None:
    app = FacecoachApp(make_companion(clock, screened=start == "home"))
    changes: list[list[str]] = []
    app.after_first_frame(lambda: changes.append(restyle_changes(app)))

    async def main() -> None:
        async with app.run_test(size=size):
            await looking_until(lambda: bool(changes))
            expected = SafetyScreen if start == "first run" else type(app.home)
            assert isinstance(app.screen, expected)

    with earlier_objects_left_alone():
        asyncio.run(main())
    assert changes == [[]]


SCREENS: dict[str, tuple[str, type[Screen[Any]]]] = {
    "history": ("h", HistoryScreen),
    "settings": ("o", SettingsScreen),
    "routine editor": ("e", RoutineEditorScreen),
    "devices": ("d", DevicesScreen),
    "safety": ("y", SafetyScreen),
    "session": ("s", SessionScreen),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_a_screen_opened_from_home_is_styled_as_a_full_restyle_would_style_it(
    clock: FakeClock, isolated_dirs: Path, name: str, size: tuple[int, int]
) -> None:
    key, screen_type = SCREENS[name]
    device = DeviceService(isolated_dirs, simulate=True) if name == "devices" else None
    app = FacecoachApp(make_companion(clock, device=device))

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await looking_until(lambda: app.home.controls_ready)
            await pilot.press(key)
            if name == "session":
                await confirm_checks(app, pilot)
            await looking_until(lambda: isinstance(app.screen, screen_type))
            await pilot.pause()
            assert restyle_changes(app) == []

    with earlier_objects_left_alone():
        asyncio.run(main())
