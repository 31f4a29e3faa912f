"""A calendar heatmap of the last year: weeks as columns, weekdays as rows, months on top."""

from collections.abc import Mapping
from datetime import date, timedelta

from rich.text import Text
from textual.widget import Widget

from facecoach.adherence.stats import HEATMAP_WEEKS, DayActivity

_WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
_LABEL_WIDTH = 4
_LEVEL_CLASSES = tuple(f"heatmap--level-{n}" for n in range(5))
# Each level its own density of block, so the map reads without colour (NO_COLOR, monochrome).
LEVEL_GLYPHS = ("·", "░", "▒", "▓", "█")


def activity_level(activity: DayActivity | None) -> int:
    """0 for no session; 1-4 by minutes of session time (a session is 5-20 minutes)."""
    if activity is None or activity.sessions == 0:
        return 0
    minutes = activity.minutes
    if minutes < 5:
        return 1
    if minutes < 10:
        return 2
    if minutes < 20:
        return 3
    return 4


class CalendarHeatmap(Widget):
    """Draws itself from a day → activity mapping; widens its cells when there is room."""

    DEFAULT_CSS = """
    CalendarHeatmap { height: 9; width: 1fr; }
    CalendarHeatmap .heatmap--label { color: $text-muted; }
    CalendarHeatmap .heatmap--level-0 { color: $panel-lighten-2; }
    CalendarHeatmap .heatmap--level-1 { color: $success-darken-3; }
    CalendarHeatmap .heatmap--level-2 { color: $success-darken-1; }
    CalendarHeatmap .heatmap--level-3 { color: $success-lighten-1; }
    CalendarHeatmap .heatmap--level-4 { color: $success-lighten-3; }
    CalendarHeatmap .heatmap--skip { color: $warning-darken-1; }
    """
    COMPONENT_CLASSES = {
        *_LEVEL_CLASSES,
        "heatmap--label",
        "heatmap--skip",
    }

    def __init__(
        self,
        activity: Mapping[date, DayActivity] | None = None,
        today: date | None = None,
        skip_days: frozenset[date] = frozenset(),
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.activity: Mapping[date, DayActivity] = activity or {}
        self.today = today or date.today()
        self.skip_days = skip_days

    def update(
        self, activity: Mapping[date, DayActivity], today: date, skip_days: frozenset[date]
    ) -> None:
        self.activity, self.today, self.skip_days = activity, today, skip_days
        self.refresh()

    def _layout(self) -> tuple[int, int]:
        """(weeks shown, characters per week) for the current width."""
        room = max(1, self.size.width - _LABEL_WIDTH)
        if room >= HEATMAP_WEEKS * 2:
            return HEATMAP_WEEKS, 2
        return min(HEATMAP_WEEKS, room), 1

    def render(self) -> Text:
        weeks, cell = self._layout()
        label = self.get_component_rich_style("heatmap--label")
        levels = [self.get_component_rich_style(name) for name in _LEVEL_CLASSES]
        skip = self.get_component_rich_style("heatmap--skip")
        first_monday = self.today - timedelta(days=self.today.weekday(), weeks=weeks - 1)
        text = Text()
        text.append(self._month_row(first_monday, weeks, cell), label)
        text.append("\n")
        for weekday in range(7):
            text.append(_WEEKDAY_LABELS[weekday].ljust(_LABEL_WIDTH), label)
            for week in range(weeks):
                day = first_monday + timedelta(weeks=week, days=weekday)
                if day > self.today:
                    text.append(" " * cell)
                    continue
                level = activity_level(self.activity.get(day))
                if level == 0 and day in self.skip_days:
                    text.append("-".ljust(cell), skip)
                else:
                    text.append(LEVEL_GLYPHS[level].ljust(cell), levels[level])
            text.append("\n")
        text.append(" " * _LABEL_WIDTH + "less ", label)
        for level in range(5):
            text.append(LEVEL_GLYPHS[level] + " ", levels[level])
        text.append("more   - skip day", label)
        return text

    def _month_row(self, first_monday: date, weeks: int, cell: int) -> str:
        # Each month is named above its first Monday; the first column names the month it
        # shows only if that label ends before the next month's begins.
        labels: list[tuple[int, str]] = []
        for week in range(weeks):
            monday = first_monday + timedelta(weeks=week)
            if week == 0 or monday.month != (monday - timedelta(weeks=1)).month:
                labels.append((_LABEL_WIDTH + week * cell, f"{monday:%b}"))
        if len(labels) > 1 and labels[1][0] - labels[0][0] < 4:
            labels.pop(0)  # a partial month at the left edge gives way to the next one
        row = [" "] * (_LABEL_WIDTH + weeks * cell)
        for start, name in labels:
            if start + len(name) <= len(row) and all(c == " " for c in row[start - 1 : start + 3]):
                row[start : start + len(name)] = name
        return "".join(row)
