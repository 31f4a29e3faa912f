"""The routine's zones during a session: done, skipped, the current one, what comes next.

The marks are glyphs (✓ done, ½ partly done, ○ skipped, ▸ now), so the list reads without
colour. When the list is longer than the space, it shows the window around the current zone,
with a line above and below saying how many zones are out of sight ("↓ 8 more"): a list that
just stops at its last row reads as the whole routine (W10).
"""

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from facecoach.wording.session import zones_out_of_view

# The fewest rows in which the window says what is out of sight and still shows the current
# zone; fewer rows show only zones.
_ROWS_FOR_MARKERS = 3


@dataclass(frozen=True)
class OverviewWindow:
    """Which lines of the list are shown, and how many are out of sight above and below."""

    shown: range
    above: int = 0
    below: int = 0


def visible_window(count: int, current: int | None, height: int) -> OverviewWindow:
    """Which of `count` lines to show in `height` rows, keeping `current` in view with one
    line of what came before it; a row at either end that has lines beyond it says how many
    (two or more: one line beyond is shown in that row)."""
    if count <= height or height <= 0:
        return OverviewWindow(range(min(count, max(height, 0))))
    focus = 0 if current is None else current
    if height < _ROWS_FOR_MARKERS:
        before = 1 if height > 1 else 0
        start = max(0, min(focus - before, count - height))
        return OverviewWindow(range(start, start + height))
    start = max(0, focus - 1)
    if start == 0:  # the top of the list: only the last row says more follow
        room = height - 1
        return OverviewWindow(range(room), below=count - room)
    room = height - 1
    if start + room >= count:  # the end of the list: only the first row says some came before
        start = count - room
        return OverviewWindow(range(start, count), above=start)
    room = height - 2
    if room < 2:  # no room for the line before the current one
        start = focus
    return _without_a_marker_for_one(
        OverviewWindow(range(start, start + room), above=start, below=count - start - room)
    )


def _without_a_marker_for_one(window: OverviewWindow) -> OverviewWindow:
    """A row that says "1 more" takes the row that zone would: show the zone instead."""
    shown, above, below = window.shown, window.above, window.below
    if above == 1:
        shown, above = range(0, shown.stop), 0
    if below == 1:
        shown, below = range(shown.start, shown.stop + 1), 0
    return OverviewWindow(shown, above=above, below=below)


class RoutineOverview(Widget):
    DEFAULT_CSS = """
    RoutineOverview { height: 1fr; min-height: 1; }
    """

    lines: reactive[tuple[str, ...]] = reactive(())
    current: reactive[int | None] = reactive(None)

    def render(self) -> Text:
        window = visible_window(len(self.lines), self.current, self.content_size.height)
        rows: list[Text] = []
        if window.above:
            rows.append(Text(f"  {zones_out_of_view(window.above, above=True)}", style="dim"))
        for index in window.shown:
            style = "bold reverse" if index == self.current else ""
            rows.append(Text(self.lines[index], style=style))
        if window.below:
            rows.append(Text(f"  {zones_out_of_view(window.below, above=False)}", style="dim"))
        return Text("\n").join(rows)
