"""The countdown, in block digits as large as the space it is given: read from arm's length.

Each glyph is a 3x5 grid of pixels. A pixel is drawn 2 columns wide and 1 row tall (terminal
cells are about twice as tall as wide, so it looks square), times the largest whole scale that
fits the widget. Below five rows the countdown falls back to plain bold text, so it never
disappears. A paused countdown is preceded by the pause sign in the same size, shaded: the
state reads from the shape and texture, not from a colour (monochrome terminals, colour-blind
users, `NO_COLOR`).
"""

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

PAUSE_SIGN = "‖"

# '#' is a lit pixel. Three columns, five rows.
_FONT: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    PAUSE_SIGN: ("#.#", "#.#", "#.#", "#.#", "#.#"),
}
GLYPH_ROWS = 5
GLYPH_PIXELS = 3
PIXEL = "█"
# The pause sign's pixels are shaded, not solid: its bars in the digits' ink and spacing read
# at a glance as part of the number ('‖8' as '118'); a texture tells them apart without colour.
PAUSE_PIXEL = "▒"


def glyph_width(scale: int) -> int:
    return GLYPH_PIXELS * 2 * scale


def gap_width(scale: int) -> int:
    return 2 * scale


def text_width(text: str, scale: int) -> int:
    return len(text) * glyph_width(scale) + max(0, len(text) - 1) * gap_width(scale)


def largest_scale(text: str, width: int, height: int, *, most: int = 8) -> int:
    """The largest scale at which `text` fits, or 0 when even the smallest does not."""
    best = 0
    for scale in range(1, most + 1):
        if text_width(text, scale) <= width and GLYPH_ROWS * scale <= height:
            best = scale
    return best


def block_lines(text: str, scale: int) -> list[str]:
    """`text` drawn in block pixels at `scale`: GLYPH_ROWS * scale lines of equal width."""
    lines = []
    gap = " " * gap_width(scale)
    for row in range(GLYPH_ROWS):
        parts = []
        for char in text:
            pattern = _FONT.get(char, _FONT["8"])[row]
            lit = PAUSE_PIXEL if char == PAUSE_SIGN else PIXEL
            parts.append("".join((lit if p == "#" else " ") * 2 * scale for p in pattern))
        lines.extend([gap.join(parts)] * scale)
    return lines


class BigCountdown(Widget):
    """Whole seconds left in the step; `paused` adds the pause sign."""

    DEFAULT_CSS = """
    BigCountdown { height: 1fr; min-height: 1; width: 1fr; }
    """

    seconds: reactive[int] = reactive(0, layout=False)
    paused: reactive[bool] = reactive(False)

    def render(self) -> Text:
        text = str(self.seconds)
        shown = f"{PAUSE_SIGN}{text}" if self.paused else text
        size = self.content_size
        scale = largest_scale(shown, size.width, size.height)
        if scale == 0:
            plain = f"{'Paused ' if self.paused else ''}{text} s"
            return Text(plain, style="bold")
        lines = block_lines(shown, scale)
        top = max(0, (size.height - len(lines)) // 2)
        return Text("\n" * top + "\n".join(lines))
