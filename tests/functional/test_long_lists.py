"""Long lines and long lists as a user reads them at 60x20 and 80x24 (walk defects W8, W10).

A wrapped line of a list hangs under its text, so the marks and numbers down the left edge stay
a column; a list cut short by its room says how much more there is.
"""

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable

from facecoach.companion.devices import DeviceService
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import reference_air
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.devices import DevicesScreen
from facecoach.tui.screens.dialogs import ConfirmDialog, PreSessionChecks
from facecoach.tui.screens.session import SessionScreen
from facecoach.tui.screens.summary import SummaryScreen
from facecoach.tui.widgets.routine_overview import RoutineOverview
from tests.support.tui_support import make_companion, until

REF_A = "5A:1D:00:00:00:02"
Scenario = Callable[[FacecoachApp, Pilot[None]], Awaitable[None]]


def run(app: FacecoachApp, scenario: Scenario, size: tuple[int, int]) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())


def rows(widget: Widget) -> list[str]:
    """The widget's lines as drawn on the terminal, trailing blanks dropped."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def continuation(drawn: list[str], start: str) -> tuple[str, str]:
    """The drawn row that begins with `start` (after its indent) and the row under it."""
    index = next(i for i, row in enumerate(drawn) if row.lstrip().startswith(start))
    return drawn[index], drawn[index + 1]


async def drag_and_copy(
    pilot: Pilot[None], widget: Widget, start: tuple[int, int], end: tuple[int, int]
) -> str:
    """What the user gets from dragging the mouse over `widget` from `start` to `end` (its
    columns and rows, both ends taken in) and pressing Ctrl+C."""
    await pilot.mouse_down(widget, start)
    await pilot.hover(widget, end)
    await pilot.mouse_up(widget, end)
    await pilot.press("ctrl+c")
    await pilot.pause()
    return pilot.app.clipboard


def indent(row: str) -> int:
    return len(row) - len(row.lstrip())


def choose(app: FacecoachApp, routine_id: str) -> bool:
    """Chooses the routine on Home once its list is filled in (after the first frame)."""
    if not app.home.controls_ready:
        return False
    app.home.query_one("#routine-select").value = routine_id  # type: ignore[attr-defined]
    return True


async def start_full_face(app: FacecoachApp, pilot: Pilot[None]) -> SessionScreen:
    await until(pilot, lambda: choose(app, "full-face-15"))
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, PreSessionChecks))
    await pilot.press("enter", "enter", "enter")
    await until(pilot, lambda: isinstance(app.screen, SessionScreen))
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    return screen


def test_a_programs_purpose_wraps_under_its_name_at_60_columns(clock: FakeClock) -> None:
    """W8: at 60x20 the paired device's programs wrap their purpose under the program's name,
    not back at the panel's edge under the ● / ○ marks."""
    air = reference_air(load_registry().profiles, advertise_interval=0.05)
    device = DeviceService(Path(os.environ["FACECOACH_CONFIG_DIR"]), air=air)
    app = FacecoachApp(make_companion(clock, device=device))

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await until(pilot, lambda: app.home.controls_ready)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
        table = app.screen.query_one("#nearby", DataTable)

        def addresses() -> list[object]:
            return [table.get_row_at(i)[1] for i in range(table.row_count)]

        await until(pilot, lambda: REF_A in addresses())
        moves = addresses().index(REF_A) - table.cursor_row
        await pilot.press(*(["down"] * moves if moves > 0 else ["up"] * -moves), "p")
        programs = app.screen.query_one("#programs")
        await until(pilot, lambda: any("● Lift:" in row for row in rows(programs)))
        await pilot.pause()
        first, second = continuation(rows(programs), "● Lift:")
        assert indent(second) == first.index("Lift"), (first, second)
        assert second.strip() == "routines.", (first, second)  # the purpose goes on there
        # Lines that are not list items wrap as before, and are not indented.
        assert rows(programs)[0].startswith("Battery")
        # The mouse still copies the program, as one line (finding 5 of review 31).
        drawn = rows(programs)
        top = drawn.index(first)
        copied = await drag_and_copy(
            pilot, programs, (first.index("Lift"), top), (len(second) - 1, top + 1)
        )
        assert copied == f"{first.strip()[2:]} {second.strip()}", copied

    run(app, scenario, (60, 20))


def test_a_long_zone_line_of_the_summary_wraps_under_its_zone_at_80x24(
    clock: FakeClock, builtin_library: RoutineLibrary
) -> None:
    """W8: Full face stopped at once: each zone's line (`1. Forehead (from above the inner
    brow …): 0 of 6` / `glides`) goes on under the zone's name, so the marks and numbers stay
    a column."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await start_full_face(app, pilot)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#yes")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.pause()
        drawn = rows(app.screen.query_one("#summary-zones"))
        first, second = continuation(drawn, "1. Forehead")
        assert indent(second) == first.index("Forehead"), (first, second)
        assert second.strip() == "glides", (first, second)
        # Every drawn row is a zone's first line (its number) or hangs under that zone's name.
        name_column = 0
        zones = 0
        for row in filter(None, drawn):
            number, _, rest = row.lstrip("○ ").partition(". ")
            if number.isdigit():
                zones += 1
                name_column = len(row) - len(rest)
            else:
                assert indent(row) == name_column, (row, drawn)
        assert zones == 15

    run(FacecoachApp(make_companion(clock, library=builtin_library)), scenario, (80, 24))


def test_a_wrapped_zone_line_of_the_summary_copies_as_one_line(
    clock: FakeClock, builtin_library: RoutineLibrary
) -> None:
    """Review 31, finding 5: the mouse selects the summary's zone lines, and Ctrl+C copies a
    wrapped one as it reads, `1. Forehead (…): 0 of 6 glides`, without the break and the
    indent the wrap put in."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        await start_full_face(app, pilot)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#yes")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.pause()
        zones = app.screen.query_one("#summary-zones")
        drawn = rows(zones)
        first, second = continuation(drawn, "1. Forehead")
        top = drawn.index(first)
        copied = await drag_and_copy(
            pilot, zones, (first.index("1."), top), (len(second) - 1, top + 1)
        )
        assert copied == f"{first[first.index('1.') :]} {second.strip()}", copied
        assert copied.startswith("1. Forehead ("), copied
        assert copied.endswith(": 0 of 6 glides"), copied

    run(FacecoachApp(make_companion(clock, library=builtin_library)), scenario, (80, 24))


def test_full_face_zone_list_says_how_many_zones_are_out_of_sight_at_80x24(
    clock: FakeClock, builtin_library: RoutineLibrary
) -> None:
    """W10: Full face has 15 zones and the session screen's list has room for 7 at 80x24: the
    last row says how many more follow, so the list does not read as the whole routine; once
    the session is further on, the first row says how many came before."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_full_face(app, pilot)
        overview = screen.query_one(RoutineOverview)
        await pilot.pause()
        drawn = [row.strip() for row in rows(overview) if row.strip()]
        zones = [row for row in drawn if row[0].isdigit()]
        assert zones[0] == "1 Forehead"
        assert drawn[-1] == f"↓ {15 - len(zones)} more", drawn
        await pilot.press(*["z"] * 3)  # prep, then two zones skipped: zone 3 now
        await until(pilot, lambda: any("▸  3" in row for row in rows(overview)))
        drawn = [row.strip() for row in rows(overview) if row.strip()]
        # Review 31, finding 6: zone 1 itself takes the first row, not "↑ 1 more".
        assert drawn[0].lstrip("○ ").startswith("1 "), drawn
        await pilot.press(*["z"] * 5)  # five zones more skipped: zone 8 now
        await until(pilot, lambda: any("▸  8" in row for row in rows(overview)))
        drawn = [row.strip() for row in rows(overview) if row.strip()]
        above = int(drawn[0].split()[1])
        below = int(drawn[-1].split()[1])
        assert drawn[0].startswith("↑ "), drawn
        assert drawn[-1].startswith("↓ "), drawn
        assert above + (len(drawn) - 2) + below == 15, drawn

    run(FacecoachApp(make_companion(clock, library=builtin_library)), scenario, (80, 24))


def test_the_paused_line_of_a_long_session_keeps_its_time_left_at_60x20(
    clock: FakeClock, builtin_library: RoutineLibrary
) -> None:
    """finalwalk F9: paused by space at 60x20, Full face's line read 'PAUSED  space resumes ·
    15 min 16 s le…'. The time left is what the user reads; the hint, which the footer gives
    too, makes way for it, and comes back once the terminal is wide enough."""

    async def scenario(app: FacecoachApp, pilot: Pilot[None]) -> None:
        screen = await start_full_face(app, pilot)
        line = screen.query_one("#session-status")
        await pilot.press("space")
        await until(pilot, lambda: "PAUSED" in rows(line)[0])
        drawn = rows(line)[0]
        assert drawn.endswith(" s left"), drawn
        assert "…" not in drawn, drawn
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "space resumes · " in rows(line)[0])
        assert rows(line)[0].endswith(" s left"), rows(line)

    run(FacecoachApp(make_companion(clock, library=builtin_library)), scenario, (60, 20))
