"""Lines of a list that wrap under their text: a program's purpose under its name, a zone's
count under the zone (walk defect W8: they wrapped back to column 1, under the marks).

Its own module, not `tui.text`: that one is loaded before the first frame, and the zone marks
come with the session's wording, which the first frame does without.
"""

import re
from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from facecoach.wording.session import ZoneMark
from facecoach.wording.text import plain

# What a list line starts with: its indent, a mark (a zone's, or a program's "●" chosen and
# "○" not) and a number ("3.").
_MARKS = "".join(mark.value for mark in ZoneMark).strip() + "●○"
_LEAD = re.compile(rf"\s*(?:[{re.escape(_MARKS)}]\s+)?(?:\d+\.\s+)?")
# Below this many columns for the text, hanging it would leave a ribbon of a few letters.
_MIN_HANGING_ROOM = 12


class HangingLines(Visual):
    """Lines of a list whose wrapped rest hangs under its text, not back at column 1:

        ● Lift: The everyday program for
          full-face glide routines.

    The lines are literal text (as `shown`); `str()` gives them as they were, unwrapped."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = tuple(plain(line) for line in lines)
        self._laid_out: tuple[int, Content] | None = None

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _at_width(self, width: int) -> Content:
        if self._laid_out is not None and self._laid_out[0] == width:
            return self._laid_out[1]
        rows: list[Content] = []
        for line in self.lines:
            match = _LEAD.match(line)
            lead = match.group() if match else ""
            room = width - cell_len(lead)
            if not lead or room < _MIN_HANGING_ROOM:
                rows.extend(Content(line).wrap(max(width, 1)))
                continue
            first, *rest = Content(line[len(lead) :]).wrap(room)
            rows.append(Content(lead) + first)
            rows.extend(Content(" " * cell_len(lead)) + row for row in rest)
        laid_out = Content("\n").join(rows)
        self._laid_out = (width, laid_out)
        return laid_out

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._at_width(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((cell_len(line) for line in self.lines), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at_width(width).get_height(rules, width)
