"""Textual's header, drawn by one widget for a screen's first frame."""

from typing import Any

from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

# Textual's Header: its icon (" ⭘", 8 cells) docked left, its clock's room (10) docked right,
# and the title centred between them, cut with "…" when it does not fit.
ICON = " ⭘"
ICON_WIDTH = 8
CLOCK_WIDTH = 10


class HeaderStandIn(Widget):
    """The cells of Textual's Header, in one widget instead of four (the bar, its icon, title
    and clock room): on home's first frame the four cost about a tenth of it. The screen puts
    the real header in its place just after that frame (`put_header_in`), so the icon then
    opens the command palette, as it does on every other screen."""

    DEFAULT_CSS = """
    HeaderStandIn {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = app.format_title(
            app.title if screen.title is None else screen.title,
            app.sub_title if screen.sub_title is None else screen.sub_title,
        )
        room = max(0, self.size.width - ICON_WIDTH - CLOCK_WIDTH)
        if title.cell_length > room:
            title = title.truncate(room, ellipsis=True)
        left = (room - title.cell_length) // 2
        icon = Content(ICON).truncate(ICON_WIDTH, pad=True)
        return Content.assemble(icon, title.pad(left, room - title.cell_length - left))


async def put_header_in(screen: Screen[Any]) -> None:
    """Textual's Header in place of the stand-in; one repaint, so nothing moves meanwhile."""
    from textual.widgets import Header  # loaded then, after the first frame

    stand_ins = screen.query(HeaderStandIn)
    if not stand_ins:
        return
    with screen.app.batch_update():
        await stand_ins.remove()
        await screen.mount(Header(), before=0)
