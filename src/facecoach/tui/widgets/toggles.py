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
from textual.widgets import Checkbox, RadioButton


class TickBox(Checkbox):
    BINDINGS = [
        Binding("space", "toggle_button", "Tick/untick", show=False),
        Binding("enter", "tick", "Tick", show=False),
    ]

    @property
    def _button(self) -> Content:
        # Textual draws BUTTON_INNER whatever the value; set per draw, it shows the state.
        self.BUTTON_INNER = "✓" if self.value else " "
        return super()._button

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual's toggles are always one line; a question cut to "…" cannot be answered.
        return max(1, len(self.render().wrap(width)))

    def action_tick(self) -> None:
        if self.value:
            raise SkipAction()  # already ticked: Enter is the screen's (Start, Save)
        self.value = True


class Choice(RadioButton):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super()._button
