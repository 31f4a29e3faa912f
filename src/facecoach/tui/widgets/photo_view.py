"""A photo in a box whose size the layout sets: nothing moves when the photo arrives (a
placeholder holds its place until then, and the photo is fitted inside the box).

Drawn with the terminal's own graphics where it has them (the kitty graphics protocol, sixel:
through textual-image), else with half blocks (each character two pixels, 24-bit colour).
The one adapter of textual-image: it asks the terminal what it can draw by writing to it and
reading its answer, which works only before Textual starts (Textual reads the keyboard from
then on), so `prepare_terminal_graphics` runs before the app does, and only for someone who
has photos, in a terminal known to draw images. Anything that fails there leaves the half
blocks; headless (tests, snapshots), the half blocks always."""

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget

from facecoach.photos.halfblock import half_block_cells

if TYPE_CHECKING:
    from PIL.Image import Image

# The textual-image widget class for this terminal's graphics; None: half blocks.
_terminal_graphics: type[Widget] | None = None

# Terminals known to draw images (kitty's protocol or sixel), by what they set in the
# environment. Only these are asked: the question costs 0.1-0.3 s at start where the terminal
# does not answer it (measured in a pty), which no one without such a terminal should pay.
GRAPHICS_TERMINAL_VARIABLES = ("KITTY_WINDOW_ID", "WEZTERM_PANE", "KONSOLE_VERSION")
GRAPHICS_TERMINAL_PROGRAMS = frozenset({"iTerm.app", "WezTerm", "ghostty", "mlterm"})
GRAPHICS_TERMS = frozenset({"xterm-kitty", "xterm-ghostty", "foot", "foot-extra", "mlterm"})
# "1" asks any terminal (one not listed above that draws images); "0" never asks.
ASK_TERMINAL_VARIABLE = "FACECOACH_TERMINAL_GRAPHICS"


def may_draw_images(environment: Mapping[str, str]) -> bool:
    """Whether the terminal is worth asking: one known to draw images, or the user says so."""
    choice = environment.get(ASK_TERMINAL_VARIABLE)
    if choice in ("0", "1"):
        return choice == "1"
    return (
        any(name in environment for name in GRAPHICS_TERMINAL_VARIABLES)
        or environment.get("TERM_PROGRAM") in GRAPHICS_TERMINAL_PROGRAMS
        or environment.get("LC_TERMINAL") == "iTerm2"
        or environment.get("TERM") in GRAPHICS_TERMS
    )


def prepare_terminal_graphics(photos: Path) -> str:
    """Asks the terminal (before the app starts) whether it draws images itself, when there
    are photos in `photos` to draw; returns what will be used ("kitty", "sixel", "half
    blocks")."""
    global _terminal_graphics
    _terminal_graphics = None
    if not (
        sys.__stdout__ and sys.__stdout__.isatty() and sys.__stdin__ and sys.__stdin__.isatty()
    ):
        return "half blocks"
    if not may_draw_images(os.environ):
        return "half blocks"
    try:
        if not any(photos.glob("*.jpg")):
            return "half blocks"  # no photos: no question to the terminal, no wait at start
        # Importing asks the terminal (a few escape sequences, 0.1 s at most each), and the
        # package is an optional extra: imported here, when there are photos to draw.
        from textual_image import renderable  # noqa: PLC0415
        from textual_image.widget import SixelImage, TGPImage  # noqa: PLC0415
    except Exception:  # a missing extra, a terminal that answers nonsense: half blocks
        return "half blocks"
    if renderable.Image is renderable.TGPImage:
        _terminal_graphics = TGPImage
        return "kitty"
    if renderable.Image is renderable.SixelImage:
        _terminal_graphics = SixelImage
        return "sixel"
    return "half blocks"


def use_terminal_graphics(widget_class: type[Widget] | None) -> None:
    """Sets the graphics widget directly (tests of the graphics path; None: half blocks)."""
    global _terminal_graphics
    _terminal_graphics = widget_class


class PhotoView(Widget):
    DEFAULT_CSS = """
    PhotoView { width: 1fr; height: 1fr; content-align: center middle; align: center middle; }
    PhotoView > .terminal-graphics { width: auto; height: auto; max-width: 100%; max-height: 100%; }
    """

    def __init__(self, placeholder: str = "Loading…", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._image: Image | None = None
        self._placeholder = placeholder
        self._drawn: tuple[int, int, Text] | None = None
        self._graphics = _terminal_graphics

    def compose(self) -> ComposeResult:
        if self._graphics is not None:
            graphics = self._graphics(classes="terminal-graphics")
            graphics.display = False
            yield graphics

    def show(self, image: "Image | None", placeholder: str = "") -> None:
        self._image = image
        self._placeholder = placeholder
        self._drawn = None
        if self._graphics is not None:
            graphics = self.query_one(".terminal-graphics")
            graphics.display = image is not None
            graphics.image = image  # type: ignore[attr-defined]  # textual-image's Image
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        if self._image is None or width < 1 or height < 1:
            return Text(self._placeholder, justify="center")
        if self._graphics is not None:
            return Text()  # the terminal draws it, in the child
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
