"""A screen that knows the terminal's size classes before it is first styled."""

from typing import Generic, TypeVar

from textual import events, on
from textual.screen import Screen

ResultT = TypeVar("ResultT")


def size_class(dimension: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class of the largest breakpoint `dimension` reaches, as Textual chooses it."""
    for breakpoint, name in sorted(breakpoints, reverse=True):
        if dimension >= breakpoint:
            return name
    return None


class SizedScreen(Screen[ResultT], Generic[ResultT]):
    """Textual sets a screen's size classes (-narrow, -short, ...) on its first Resize, after
    it has styled the whole screen once without them, and then styles it all again: on home
    that second pass was about a tenth of the first frame. Set at mount, before the screen is
    first shown, the Resize finds them in place and changes nothing."""

    @on(events.Mount)
    def _set_size_classes(self) -> None:
        app = self.app
        horizontal = (
            app.HORIZONTAL_BREAKPOINTS
            if self.HORIZONTAL_BREAKPOINTS is None
            else self.HORIZONTAL_BREAKPOINTS
        ) or []
        vertical = (
            app.VERTICAL_BREAKPOINTS
            if self.VERTICAL_BREAKPOINTS is None
            else self.VERTICAL_BREAKPOINTS
        ) or []
        width, height = app.size
        chosen = {size_class(width, horizontal), size_class(height, vertical)}
        # Styled when the screen is shown (it is not yet), so no restyle here.
        self.update_classes(
            {name: name in chosen for _, name in horizontal + vertical}, update=False
        )
