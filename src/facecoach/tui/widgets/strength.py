"""Habit strength week by week, on a fixed scale: one column a week, 0% empty, 100% full.

Unlike a sparkline, which scales to the data it is given, the scale here never moves: 0% is
drawn as nothing and 100% as a full block, and weeks before the first session stay empty
instead of nine weeks being stretched over a whole year.
"""

import math

from rich.text import Text
from textual.widget import Widget

LEVELS = " ▁▂▃▄▅▆▇█"


def strength_bars(values: list[float], weeks: int) -> str:
    """The last `weeks` weekly values as bars; weeks without data on the left are blank."""
    shown = values[-weeks:]
    bars = "".join(LEVELS[min(8, math.ceil(max(0.0, v) * 8 - 1e-9))] for v in shown)
    return bars.rjust(weeks)


class StrengthChart(Widget):
    DEFAULT_CSS = """
    StrengthChart { height: 1; }
    """

    def __init__(self, weeks: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.weeks = weeks
        self.values: list[float] = []

    def update(self, values: list[float]) -> None:
        self.values = values
        self.refresh()

    def render(self) -> Text:
        # As many weeks as fit, the most recent on the right.
        weeks = max(1, min(self.weeks, self.size.width or self.weeks))
        return Text(strength_bars(self.values, weeks), style="green")
