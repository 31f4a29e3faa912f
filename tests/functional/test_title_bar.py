"""The title bar looks and acts as Textual's Header does, in one widget instead of four."""

import asyncio
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.widget import Widget
from textual.widgets import Header, Static

from facecoach.tui.widgets.title_bar import ICON_TOOLTIP, TitleBar


def top_line(app: App[Any]) -> list[tuple[object, ...]]:
    """The top line as it looks: each cell's character, colours and attributes (a space's
    foreground colour is not seen)."""
    strip = app.screen._compositor.render_strips()[0]
    cells: list[tuple[object, ...]] = []
    for segment in strip:
        style = segment.style
        assert style is not None
        for char in segment.text:
            seen = (style.bold, style.dim, style.italic, style.underline, style.reverse)
            colour = style.color if char.strip() else None
            cells.append((char, style.bgcolor, colour, *(bool(flag) for flag in seen)))
    return cells


class BarApp(App[None]):
    def __init__(self, bar: type[Widget], title: str, sub_title: str) -> None:
        super().__init__()
        self.bar, self.start_title, self.start_sub_title = bar, title, sub_title

    def compose(self) -> ComposeResult:
        yield self.bar()
        yield Static("body")

    def on_mount(self) -> None:
        self.screen.title, self.screen.sub_title = self.start_title, self.start_sub_title


def drawn(bar: type[Widget], width: int, title: str, sub_title: str, hover: bool) -> list[Any]:
    """The top lines: as first shown, with the title changed, and with the mouse on the icon."""
    lines: list[Any] = []

    async def main() -> None:
        app = BarApp(bar, title, sub_title)
        async with app.run_test(size=(width, 10)) as pilot:
            await pilot.pause()
            lines.append(top_line(app))
            app.screen.title = "Changed"
            await pilot.pause()
            lines.append(top_line(app))
            if hover:
                await pilot.hover("HeaderIcon" if bar is Header else TitleBar, offset=(2, 0))
                await pilot.pause()
                lines.append(top_line(app))

    asyncio.run(main())
    return lines


@pytest.mark.parametrize("width", [60, 61, 80, 100])
@pytest.mark.parametrize(
    ("title", "sub_title"),
    [("facecoach", ""), ("Safety", ""), ("Edit routine (my own.toml)", "quick-3"), ("A" * 70, "")],
)
def test_the_title_bar_draws_what_textuals_header_draws(
    width: int, title: str, sub_title: str
) -> None:
    hover = width == 80
    assert drawn(TitleBar, width, title, sub_title, hover) == drawn(
        Header, width, title, sub_title, hover
    )


def test_the_icon_opens_the_command_palette_and_says_so() -> None:
    async def main() -> None:
        app = BarApp(TitleBar, "facecoach", "")
        async with app.run_test(size=(80, 10)) as pilot:
            bar = app.query_one(TitleBar)
            await pilot.hover(TitleBar, offset=(40, 0))  # the title: nothing to say
            assert bar.tooltip is None
            await pilot.click(TitleBar, offset=(40, 0))
            await pilot.pause()
            assert not isinstance(app.screen, CommandPalette)
            await pilot.hover(TitleBar, offset=(2, 0))
            assert bar.tooltip == ICON_TOOLTIP
            await pilot.click(TitleBar, offset=(2, 0))
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)

    asyncio.run(main())
