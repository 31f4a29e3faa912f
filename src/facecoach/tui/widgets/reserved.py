"""Widgets that keep the room of what they will say, so filling them in later moves nothing.

Home's first frame shows its cards before their numbers: their texts are empty then, and would
grow when filled in, pushing the cards and the start row down (and, in a short terminal,
bringing in a scrollbar that narrows and rewraps everything). Measured at the widget's real
width, the texts it typically says (an empty log, a returning user) give it the height it will
have, at every terminal size, with no stats computed. The room stays after filling in: a
shorter text leaves blank lines at the bottom, never a jump.
"""

from collections.abc import Sequence

from textual.containers import Vertical
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


class Card(Vertical):
    """A bordered box (class `card`) at least as tall as each of `reserve` would be inside it."""

    def __init__(self, title: str, *, reserve: Sequence[str], id: str) -> None:
        super().__init__(id=id, classes="card")
        self.border_title = title
        self._reserve = _texts(reserve)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        own = super().get_content_height(container, viewport, width)
        return max(own, _kept(self._reserve, self.styles, width))


class ReservedText(Static):
    """A `Static`, empty at first, at least as tall as each of `reserve` would be."""

    def __init__(self, *, reserve: Sequence[str], id: str, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self._reserve = _texts(reserve)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        own = super().get_content_height(container, viewport, width)
        return max(own, _kept(self._reserve, self.styles, width))
