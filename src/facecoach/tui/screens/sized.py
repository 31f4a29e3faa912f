"""A screen that knows the terminal's size classes before it is first styled, and is styled once."""

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
    """A screen styled once before it is first shown, for the terminal's size.

    Textual sets a screen's size classes (-narrow, -short, ...) on its first Resize, after it
    has styled the whole screen without them, and then styles it all again. It also styles the
    whole screen again when it is first shown, although every widget was styled as it was
    mounted, with all its siblings in place. On home those two passes were about a fifth of the
    first frame; on the first run's Safety screen, more.

    Here the size classes are set before the screen's widgets are built (so each is styled for
    the size as it is mounted, and the Resize changes nothing), and the first showing does not
    style again. Later showings are left to Textual, which decides from the screen that was
    above (a theme change restyles every screen when it happens). A test compares every
    widget's style on the first frame with a full restyle.
    """

    _shown_before = False

    @on(events.Compose)
    def _set_size_classes(self) -> None:
        # Before Textual's own Compose handler (a subclass's handlers come first): the widgets
        # it builds are styled as they are mounted, so the classes must be in place.
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
        self.update_classes(
            {name: name in chosen for _, name in horizontal + vertical}, update=False
        )
        # The screen itself was styled when it was registered, without them.
        app.stylesheet.apply(self)

    @on(events.ScreenResume)
    def _keep_first_styles(self, event: events.ScreenResume) -> None:
        # A decorated handler: Textual runs it when it reaches this class in the MRO, after a
        # subclass's own `on_screen_resume` and before Screen's handler, which reads the flag.
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False
