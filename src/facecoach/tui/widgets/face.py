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
_CENTRE = len(_ART[0]) // 2
ART_WIDTH = len(_ART[0])
ART_HEIGHT = len(_ART) + 1  # and the caption


def _side_of(column: int) -> Side:
    if column < _CENTRE:
        return Side.LEFT
    if column > _CENTRE:
        return Side.RIGHT
    return Side.CENTER


class FaceDiagram(Widget):
    """Zone areas are dots; the current zone (and side) is drawn as upward arrows."""

    DEFAULT_CSS = """
    FaceDiagram { width: 25; height: 14; }
    """
    COMPONENT_CLASSES = {"face--outline", "face--area", "face--active", "face--caption"}

    zone: reactive[Zone | None] = reactive(None)
    side: reactive[Side | None] = reactive(None)

    def render(self) -> Text:
        outline = self.get_component_rich_style("face--outline")
        area = self.get_component_rich_style("face--area")
        active = self.get_component_rich_style("face--active")
        text = Text()
        for row in _ART:
            for column, char in enumerate(row):
                zone = _ZONES.get(char)
                if zone is None:
                    text.append(char, outline)
                elif self._is_active(zone, column):
                    text.append("▲", active)  # glides go upward
                else:
                    text.append("·", area)
            text.append("\n")
        caption = "mirror view" if self.zone is None else self.zone.label.lower()
        text.append(caption.center(ART_WIDTH), self.get_component_rich_style("face--caption"))
        return text

    def _is_active(self, zone: Zone, column: int) -> bool:
        if zone is not self.zone:
            return False
        side = _side_of(column)
        return self.side in (None, Side.CENTER) or side in (Side.CENTER, self.side)
