"""The bar at the top of every screen: the command palette's icon and the screen's title."""

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

# As Textual's Header lays them out: the icon (" ⭘", 8 cells) at the left, the clock's room
# (10, no clock shown) at the right, and the title centred between them, cut with "…".
ICON = " ⭘"
ICON_WIDTH = 8
CLOCK_WIDTH = 10
ICON_TOOLTIP = "Open the command palette"


class TitleBar(Widget):
    """Textual's Header, cell for cell, drawn by one widget instead of four (the bar, its
    icon, title and clock room): on home's first frame the four cost about a tenth of it.

    The icon lights up under the mouse and a click on it opens the command palette, as on
    Textual's. A click elsewhere does nothing (Textual's grows to three lines)."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    TitleBar > .title-bar--icon-hover {
        background: $foreground 10%;
    }
    """
    COMPONENT_CLASSES = {"title-bar--icon-hover"}

    icon_hover = reactive(False)

    def on_mount(self) -> None:
        # The title is the screen's, else the app's; either may change while shown.
        for owner in (self.app, self.screen):
            for name in ("title", "sub_title"):
                self.watch(owner, name, self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()

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
        if self.icon_hover:
            icon = icon.stylize(self.get_visual_style("title-bar--icon-hover"))
        return Content.assemble(icon, title.pad(left, room - title.cell_length - left))

    def _over_icon(self, x: int) -> bool:
        return x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.icon_hover = self._over_icon(event.x)
        self.tooltip = ICON_TOOLTIP if self.icon_hover else None

    def on_leave(self) -> None:
        self.icon_hover = False
        self.tooltip = None

    async def on_click(self, event: events.Click) -> None:
        if self._over_icon(event.x):
            event.stop()
            await self.run_action("app.command_palette")
