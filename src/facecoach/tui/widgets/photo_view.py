"""A photo drawn with half blocks in a box whose size the layout sets: nothing moves when the
photo arrives (a placeholder holds its place until then)."""

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from facecoach.photos.halfblock import half_block_cells

if TYPE_CHECKING:
    from PIL.Image import Image


class PhotoView(Widget):
    DEFAULT_CSS = """
    PhotoView { width: 1fr; height: 1fr; content-align: center middle; }
    """

    def __init__(self, placeholder: str = "Loading…", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._image: Image | None = None
        self._placeholder = placeholder
        self._drawn: tuple[int, int, Text] | None = None

    def show(self, image: "Image | None", placeholder: str = "") -> None:
        self._image = image
        self._placeholder = placeholder
        self._drawn = None
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        if self._image is None or width < 1 or height < 1:
            return Text(self._placeholder, justify="center")
        if self._drawn is not None and self._drawn[:2] == (width, height):
            return self._drawn[2]
        text = Text(justify="center")
        rows = half_block_cells(self._image, width, height)
        for number, row in enumerate(rows):
            for top, bottom in row:
                text.append("▀", Style(color=_hex(top), bgcolor=_hex(bottom)))
            if number < len(rows) - 1:
                text.append("\n")
        self._drawn = (width, height, text)
        return text


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
