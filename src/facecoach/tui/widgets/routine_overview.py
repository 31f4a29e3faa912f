"""The routine's zones during a session: done, skipped, the current one, what comes next.

The marks are glyphs (✓ done, ½ partly done, ○ skipped, ▸ now), so the list reads without
colour. When the list is longer than the space, it shows the window around the current zone.
"""

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


def visible_window(count: int, current: int | None, height: int) -> range:
    """Which of `count` lines to show in `height` rows, keeping `current` in view with one
    line of what came before it."""
    if count <= height or height <= 0:
        return range(min(count, max(height, 0)))
    focus = 0 if current is None else current
    start = max(0, min(focus - 1, count - height))
    return range(start, start + height)


class RoutineOverview(Widget):
    DEFAULT_CSS = """
    RoutineOverview { height: 1fr; min-height: 1; }
    """

    lines: reactive[tuple[str, ...]] = reactive(())
    current: reactive[int | None] = reactive(None)

    def render(self) -> Text:
        window = visible_window(len(self.lines), self.current, self.content_size.height)
        text = Text()
        for number, index in enumerate(window):
            if number:
                text.append("\n")
            style = "bold reverse" if index == self.current else ""
            text.append(self.lines[index], style=style)
        return text
