"""Widgets that keep the room of what they will say, so filling them in later moves nothing.

Home's first frame shows its cards before their numbers: their texts are empty then, and would
grow when filled in, pushing the cards and the start row down (and, in a short terminal,
bringing in a scrollbar that narrows and rewraps everything). Measured at the widget's real
width, the texts it typically says (an empty log, a returning user) give it the height it will
have, at every terminal size, with no stats computed. The room stays after filling in: a
shorter text leaves blank lines at the bottom, never a jump.
"""

from collections.abc import Sequence
from enum import Enum

from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.css.styles import RenderStyles, RulesMap
from textual.geometry import Size
from textual.widgets import Static


def _texts(reserve: Sequence[str]) -> list[Content]:
    return [Content(text) for text in reserve]  # plain text: never markup


def _kept(texts: list[Content], styles: RenderStyles, width: int) -> int:
    """The most lines any of `texts` takes at `width` (each caches its height per width)."""
    if not width:
        return 0
    wrapping = RulesMap(
        text_wrap=styles.text_wrap, text_overflow=styles.text_overflow, line_pad=styles.line_pad
    )
    return max((text.get_height(wrapping, width) for text in texts), default=0)


class ReservedText(Static):
    """A `Static`, empty at first, at least as tall as each of `reserve` would be."""

    def __init__(self, *, reserve: Sequence[str], id: str, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self._reserve = _texts(reserve)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        own = super().get_content_height(container, viewport, width)
        return max(own, _kept(self._reserve, self.styles, width))


class Tone(Enum):
    """How a line of a card is drawn."""

    PLAIN = "plain"
    BOLD = "bold"
    MUTED = "muted"  # the theme's muted text colour (component class `card--muted`)


class Card(ReservedText):
    """A bordered box with a title (class `card`), at least as tall as each of `reserve`.

    One widget draws all its lines (`show`), in their tones: home's first frame had cards of
    two or three widgets each, and every widget costs style matching and layout before the
    first frame (about 20 ms of it for home's four cards, measured). The muted colour is the
    theme's, looked up at each render, so a theme change recolours the lines.
    """

    COMPONENT_CLASSES = {"card--muted"}

    def __init__(self, title: str, *, reserve: Sequence[str], id: str) -> None:
        super().__init__(reserve=reserve, id=id, classes="card")
        self.border_title = title
        self._lines: tuple[tuple[str | Text, Tone], ...] = ()

    def show(self, *lines: tuple[str | Text, Tone]) -> None:
        """Shows `lines`, one under the other (each wraps); text is never markup."""
        if lines == self._lines:
            return  # as shown (Home shows its cards again each time it comes back)
        self._lines = lines
        self.refresh(layout=True)

    def render(self) -> Text:
        text = Text()
        for index, (line, tone) in enumerate(self._lines):
            if index:
                text.append("\n")
            start = len(text)
            if isinstance(line, Text):
                text.append_text(line)
            else:
                text.append(line)
            # Under the line's own styles (a bold number in a plain line stays bold).
            text.stylize_before(self._tone_style(tone), start, len(text))
        return text

    def _tone_style(self, tone: Tone) -> Style | str:
        if tone is Tone.MUTED:
            return self.get_component_rich_style("card--muted")
        return "bold" if tone is Tone.BOLD else ""
