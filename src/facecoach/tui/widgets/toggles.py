"""A checkbox and a radio button whose state reads without colour.

Textual draws the same mark (`▐X▌`, `▐●▌`) ticked or not and tells the two apart by colour
alone, which fails on monochrome terminals, with `NO_COLOR` and for colour-blind users. Here an
unticked box is empty.

Enter on a box only ever ticks it: a user who presses Enter "to go on" must never untick an
answer they gave. Space toggles. Enter on a ticked box goes on to the screen's own Enter.
"""

from textual.actions import SkipAction
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.style import Style
from textual.widgets import Checkbox, RadioButton

# Below this many columns for the label, a box's label wraps under the box as Textual does.
MIN_LABEL_WIDTH = 12


def drawn_box(toggle: Checkbox | RadioButton, inner: str) -> Content:
    """The box as Textual draws it (its ends in the button's colour on the background
    behind it), with `inner` inside: from the toggle's public styles and class variables."""
    button_style = toggle.get_visual_style("toggle--button")
    side_style = Style(foreground=button_style.background, background=toggle.background_colors[1])
    return Content.assemble(
        (toggle.BUTTON_LEFT, side_style),
        (inner, button_style),
        (toggle.BUTTON_RIGHT, side_style),
    )


def beside(box: Content, label: Content, label_style: Style) -> Content:
    """The box, then its label with a space on either side (Textual's one line)."""
    return Content.assemble(box, label.pad(1, 1).stylize_before(label_style))


class TickBox(Checkbox):
    BINDINGS = [
        Binding("space", "toggle_button", "Tick/untick", show=False),
        Binding("enter", "tick", "Tick", show=False),
    ]

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual's toggles are always one line; a question cut to "…" cannot be answered.
        return len(self._lines(width))

    def _lines(self, width: int) -> list[Content]:
        """The box, then the label wrapped beside it: a line of the label that began under
        the box would read as a question of its own."""
        box = drawn_box(self, "✓" if self.value else " ")
        style = self.get_visual_style("toggle--label")
        indent = box.cell_length
        room = width - indent - 2  # the label's own space on either side
        if room < MIN_LABEL_WIDTH:  # too narrow to indent: as Textual draws it
            return beside(box, self.label, style).wrap(max(1, width)) or [Content()]
        lines = [line.pad(1, 1).stylize_before(style) for line in self.label.wrap(room)]
        under_box = Content(" " * indent)
        return [
            Content.assemble(box if n == 0 else under_box, line) for n, line in enumerate(lines)
        ]

    def action_tick(self) -> None:
        if self.value:
            raise SkipAction()  # already ticked: Enter is the screen's (Start, Save)
        self.value = True


class Choice(RadioButton):
    def render(self) -> Content:
        box = drawn_box(self, "●" if self.value else " ")
        return beside(box, self.label, self.get_visual_style("toggle--label"))
