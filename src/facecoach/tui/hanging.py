"""Lines of a list that wrap under their text: a program's purpose under its name, a zone's
count under the zone (walk defect W8: they wrapped back to column 1, under the marks).

The mouse selects and copies them as they were written, one line a line, not as wrapped
(`HangingStatic`).

Its own module, not `tui.text`: that one is loaded before the first frame, and the zone marks
come with the session's wording, which the first frame does without.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Offset
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Static

from facecoach.wording.session import ZoneMark
from facecoach.wording.text import plain

# What a list line starts with: its indent, a mark (a zone's, or a program's "●" chosen and
# "○" not) and a number ("3.").
_MARKS = "".join(mark.value for mark in ZoneMark).strip() + "●○"
_LEAD = re.compile(rf"\s*(?:[{re.escape(_MARKS)}]\s+)?(?:\d+\.\s+)?")
# Below this many columns for the text, hanging it would leave a ribbon of a few letters.
_MIN_HANGING_ROOM = 12


@dataclass(frozen=True)
class _RowPlace:
    """Where a drawn row's text comes from: line `line`, characters `start` to `end`, drawn
    after `indent` columns of hanging indent."""

    line: int
    start: int
    end: int
    indent: int


class HangingLines(Visual):
    """Lines of a list whose wrapped rest hangs under its text, not back at column 1:

        ● Lift: The everyday program for
          full-face glide routines.

    The lines are literal text (as `shown`); `str()` gives them as they were, unwrapped."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = tuple(plain(line) for line in lines)
        self._laid_out: tuple[int, Content, tuple[_RowPlace, ...]] | None = None

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _at_width(self, width: int) -> tuple[Content, tuple[_RowPlace, ...]]:
        if self._laid_out is not None and self._laid_out[0] == width:
            return self._laid_out[1], self._laid_out[2]
        rows: list[Content] = []
        places: list[_RowPlace] = []
        for number, line in enumerate(self.lines):
            match = _LEAD.match(line)
            lead = match.group() if match else ""
            room = width - cell_len(lead)
            if not lead or room < _MIN_HANGING_ROOM:
                pieces = Content(line).wrap(max(width, 1))
                rows.extend(pieces)
                places.extend(_places(number, line, 0, [piece.plain for piece in pieces], 0))
                continue
            first, *rest = Content(line[len(lead) :]).wrap(room)
            rows.append(Content(lead) + first)
            rows.extend(Content(" " * cell_len(lead)) + row for row in rest)
            texts = [first.plain, *(row.plain for row in rest)]
            row_places = _places(number, line, len(lead), texts, cell_len(lead))
            # The first row starts with the lead itself, not after an indent.
            places.append(_RowPlace(number, 0, row_places[0].end, 0))
            places.extend(row_places[1:])
        laid_out = Content("\n").join(rows)
        self._laid_out = (width, laid_out, tuple(places))
        return laid_out, tuple(places)

    def selected_text(self, selection: Selection, width: int) -> str:
        """The text under a selection made on the lines as drawn `width` columns wide, as it
        was written: a wrapped line comes out whole, without the breaks and indents."""
        _, places = self._at_width(width)

        def written(offset: Offset | None) -> Offset | None:
            if offset is None or not places:
                return offset
            if offset.y >= len(places):
                last = places[-1]
                return Offset(last.end, last.line)
            place = places[max(offset.y, 0)]
            column = min(place.start + max(offset.x - place.indent, 0), place.end)
            return Offset(column, place.line)

        return Selection(written(selection.start), written(selection.end)).extract(str(self))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._at_width(width)[0].render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((cell_len(line) for line in self.lines), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at_width(width)[0].get_height(rules, width)


def _places(
    number: int, line: str, after: int, texts: Sequence[str], indent: int
) -> list[_RowPlace]:
    """Where each wrapped row's text lies in `line` (the rows wrap the part from `after` on):
    each row ends where the next begins, so the blanks at a break belong to the row before."""
    starts: list[int] = []
    cursor = after
    for text in texts:
        start = line.find(text, cursor) if text else cursor
        start = cursor if start < 0 else start
        starts.append(start)
        cursor = start + len(text)
    ends = [*starts[1:], len(line)]
    return [
        _RowPlace(number, start, end, indent if row else 0)
        for row, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


class HangingStatic(Static):
    """A Static for `HangingLines` (or plain text) whose text the mouse can select and copy:
    Textual copies only from Text and Content, so the hanging lines say their text here."""

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        visual = self.visual
        if isinstance(visual, HangingLines):
            return visual.selected_text(selection, self.content_size.width), "\n"
        return super().get_selection(selection)
