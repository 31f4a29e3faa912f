"""The routine editor as a user meets it: copy a built-in, change it, see it checked, save it."""

import asyncio
import os
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from facecoach.config.paths import user_routines_dir
from facecoach.routines.loader import RoutineLibrary, load_routine_file
from facecoach.routines.model import Routine
from facecoach.routines.zones import Zone
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.home import HomeScreen
from facecoach.tui.screens.routine_editor import RoutineEditorScreen, ZoneDialog
from tests.support.tui_support import make_companion, text_of, until


def config_dir() -> Path:
    return Path(os.environ["FACECOACH_CONFIG_DIR"])


def builtins_app(clock: FakeClock) -> FacecoachApp:
    return FacecoachApp(make_companion(clock, library=RoutineLibrary.load(None)))


def builtin(routine_id: str) -> Routine:
    return RoutineLibrary.load(None).routines[routine_id].routine


async def open_editor(
    app: FacecoachApp, pilot: Pilot[None], routine_id: str
) -> RoutineEditorScreen:
    await until(pilot, lambda: bool(app.screen.query("#routine-select")))
    home = app.screen
    assert isinstance(home, HomeScreen)
    await until(pilot, lambda: home.controls_ready)
    home.query_one("#routine-select", Select).value = routine_id
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))
    editor = app.screen
    assert isinstance(editor, RoutineEditorScreen)
    return editor


async def edit_selected_zone(pilot: Pilot[None], **values: str) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ZoneDialog))
    for field, value in values.items():
        app.screen.query_one(f"#{field}", Input).value = value
    await pilot.press("ctrl+s")  # Done
    await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))


def test_a_builtin_is_copied_changed_checked_as_you_go_and_saved_as_a_file(
    clock: FakeClock,
) -> None:
    app = builtins_app(clock)
    express = builtin("express")

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            editor = await open_editor(app, pilot, "express")
            assert editor.query_one("#name", Input).value == f"My {express.name}"
            assert text_of(app, "#editor-check").startswith(f"✓ {len(express.zones)} zones")

            editor.query_one("#zones", DataTable).focus()
            await pilot.press("a")  # a zone after the first, then its dialog
            await edit_selected_zone(pilot, repeats="90")
            assert text_of(app, "#editor-check") == (
                "✗ Zone 2: Repeats per zone must be at most 20."
            )
            await pilot.press("ctrl+s")  # refused while the routine has a problem
            await pilot.pause()
            assert isinstance(app.screen, RoutineEditorScreen)
            assert not user_routines_dir(config_dir()).exists()

            await pilot.press("enter")  # the same zone again
            await edit_selected_zone(pilot, repeats="2")
            check = text_of(app, "#editor-check")
            assert check.startswith(f"✓ {len(express.zones) + 1} zones")
            await pilot.press("]")  # moved down one
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            await until(
                pilot,
                lambda: app.screen.query_one("#routine-select", Select).value != "express",
            )

    asyncio.run(main())
    [saved] = user_routines_dir(config_dir()).glob("*.toml")
    routine = load_routine_file(saved)  # the loader reads what the editor wrote
    assert routine.name == f"My {express.name}"
    assert routine.zones[2].zone is Zone.CHEEKS
    assert routine.zones[2].repeats == 2
    assert [z.zone for z in routine.zones[:2]] == [express.zones[0].zone, express.zones[1].zone]
    assert saved.read_text().startswith("# A facecoach routine, made with the routine editor")


def test_leaving_the_editor_with_changes_asks_first(clock: FakeClock) -> None:
    app = builtins_app(clock)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_editor(app, pilot, "express")
            app.screen.query_one("#glide", Input).value = "6"
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("escape")  # keep editing
            await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))
            assert app.screen.query_one("#glide", Input).value == "6"

    asyncio.run(main())


def test_the_zone_keys_work_as_the_editor_opens_and_cancel_takes_an_added_zone_back(
    clock: FakeClock,
) -> None:
    """The footer and the help line name a, x, g: they act at once (the name field would take
    them as letters), and Cancel on the zone `a` just added leaves the routine as it was."""
    app = builtins_app(clock)
    express = builtin("express")

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            editor = await open_editor(app, pilot, "express")
            table = editor.query_one("#zones", DataTable)
            table.move_cursor(row=1)
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ZoneDialog))
            await pilot.press("escape")  # Cancel
            await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))
            await pilot.pause()
            assert editor.query_one("#name", Input).value == f"My {express.name}"
            assert [zone.zone for zone in editor.draft.zones] == [
                zone.zone for zone in express.zones
            ]
            assert table.row_count == len(express.zones)
            assert table.cursor_row == 1  # the zone it was added after
            assert text_of(app, "#editor-check").startswith(f"✓ {len(express.zones)} zones")

            await pilot.press("a")  # and Done keeps it
            await edit_selected_zone(pilot)
            assert table.row_count == len(express.zones) + 1

    asyncio.run(main())


def test_a_repeated_a_adds_one_zone_and_one_dialog_asks_about_it(clock: FakeClock) -> None:
    """`a` typed twice before the dialog is up (a held key, typing ahead): one zone, which
    Cancel takes back out."""
    app = builtins_app(clock)
    express = builtin("express")

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            editor = await open_editor(app, pilot, "express")
            editor.action_add_zone()
            editor.action_add_zone()
            await until(pilot, lambda: isinstance(app.screen, ZoneDialog))
            assert len(editor.draft.zones) == len(express.zones) + 1
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, RoutineEditorScreen))
            assert len(editor.draft.zones) == len(express.zones)

    asyncio.run(main())
