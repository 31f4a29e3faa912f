"""A drawing of a face with the zone being treated highlighted, seen as in a mirror."""

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from facecoach.routines.zones import Side, Zone

# Letters mark zone areas; every other character is drawn as is. Mirror view: the user's left
# side is on the left of the screen, as when they look at themselves in a mirror.
_ART = (
    "      .-'''''''''-.      ",
    "    .'  fffffffff  '.    ",
    "   /   fffffffffff   \\   ",
    "  |    bbbb   bbbb    |  ",
    "  |    (o)     (o)    |  ",
    "  |    uuu  |  uuu    |  ",
    "  |  cccc   |   cccc  |  ",
    "  |  cccc  '-'  cccc  |  ",
    "   \\  jjj  lll  jjj  /   ",
    "    \\  jjj hhh jjj  /    ",
    "     '-.__ hhh __.-'     ",
    "        nn|   |nn        ",
    "        nn|   |nn        ",
)
# The large face, for a roomy terminal: drawn as its left half and middle column, and mirrored,
# so that its two sides are the same and the middle column is the face's centre line.
_LARGE_HALVES = (
    ("         .-" + "'" * 7, "'"),
    ("      .-'   ffffff", "f"),
    ("    .'    ffffffff", "f"),
    ("   /     fffffffff", "f"),
    ("  |               ", " "),
    ("  |    bbbbbbb    ", " "),
    ("  |    (  o  )    ", " "),
    ("  |     uuuuuu    ", "|"),
    (" (|               ", "|"),
    ("  |   cccccc      ", "|"),
    ("  |   cccccc     /", " "),
    ("  |   cccccc    '-", "-"),
    ("   \\   jjjj    lll", "l"),
    ("    \\   jjjj   lll", "l"),
    ("     \\   jjjj  hhh", "h"),
    ("      '-.__    hhh", "h"),
    ("           '--.hhh", "h"),
    ("          nnnn|   ", " "),
    ("          nnnn|   ", " "),
)
_MIRRORED = str.maketrans({"/": "\\", "\\": "/", "(": ")", ")": "("})
_LARGE_ART = tuple(
    left + middle + left[::-1].translate(_MIRRORED) for left, middle in _LARGE_HALVES
)
_ZONES = {
    "f": Zone.FOREHEAD,
    "b": Zone.BROWS,
    "u": Zone.UNDER_EYE,
    "c": Zone.CHEEKS,
    "l": Zone.LIPS,
    "h": Zone.CHIN,
    "j": Zone.JAWLINE,
    "n": Zone.NECK,
}
ART_WIDTH = len(_ART[0])
ART_HEIGHT = len(_ART) + 1  # and the caption
LARGE_WIDTH = len(_LARGE_ART[0])
LARGE_HEIGHT = len(_LARGE_ART) + 1


def _side_of(column: int, centre: int) -> Side:
    if column < centre:
        return Side.LEFT
    if column > centre:
        return Side.RIGHT
    return Side.CENTER


class FaceDiagram(Widget):
    """Zone areas are dots; the current zone (and side) is drawn as upward arrows. Given room
    for it (the screen's CSS sets the size), the face is drawn larger."""

    DEFAULT_CSS = """
    FaceDiagram { width: 25; height: 14; }
    FaceDiagram .face--outline { color: $text-muted; }
    FaceDiagram .face--area { color: $panel-lighten-2; }
    FaceDiagram .face--active { color: $accent; text-style: bold; }
    FaceDiagram .face--caption { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"face--outline", "face--area", "face--active", "face--caption"}

    zone: reactive[Zone | None] = reactive(None)
    side: reactive[Side | None] = reactive(None)

    def render(self) -> Text:
        outline = self.get_component_rich_style("face--outline")
        area = self.get_component_rich_style("face--area")
        active = self.get_component_rich_style("face--active")
        large = self.size.width >= LARGE_WIDTH and self.size.height >= LARGE_HEIGHT
        art = _LARGE_ART if large else _ART
        width = len(art[0])
        text = Text()
        for row in art:
            for column, char in enumerate(row):
                zone = _ZONES.get(char)
                if zone is None:
                    text.append(char, outline)
                elif self._is_active(zone, _side_of(column, width // 2)):
                    text.append("▲", active)  # glides go upward
                else:
                    text.append("·", area)
            text.append("\n")
        caption = "mirror view" if self.zone is None else self.zone.label.lower()
        text.append(caption.center(width), self.get_component_rich_style("face--caption"))
        return text

    def _is_active(self, zone: Zone, side: Side) -> bool:
        if zone is not self.zone:
            return False
        return self.side in (None, Side.CENTER) or side in (Side.CENTER, self.side)
