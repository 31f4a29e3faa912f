"""The footer every screen shows: drawn as Textual's, rebuilt only when its keys change."""

import asyncio
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer

from facecoach.tui.widgets.steady_footer import SteadyFooter


class KeysApp(App[None]):
    """Two buttons and four keys, one of which (`r`) is offered only while `ready`."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("s", "start", "Start"),
        Binding("h", "history", "History"),
        Binding("r", "resume", "Resume"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, footer: Footer) -> None:
        super().__init__()
        self.footer = footer
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Button("One", id="one")
        yield Button("Two", id="two")
        yield self.footer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.ready if action == "resume" else True


async def _frames(footer: Footer) -> tuple[list[str], list[int]]:
    """The screen as the focus moves and a key comes and goes, and how many times the keys
    were rebuilt by each step."""
    app = KeysApp(footer)
    shots: list[str] = []
    rebuilt: list[int] = []
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()

        async def step() -> None:
            keys = list(footer.children)
            await pilot.pause()
            shots.append(app.export_screenshot())
            rebuilt.append(int(keys != list(footer.children)))

        shots.append(app.export_screenshot())
        app.screen.query_one("#two").focus()
        await step()
        app.screen.query_one("#one").focus()
        await step()
        app.ready = True
        app.refresh_bindings()
        await step()
    return shots, rebuilt


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "spaced"])
def test_the_footer_looks_as_textuals_and_is_rebuilt_only_when_its_keys_change(
    compact: bool,
) -> None:
    steady, steady_rebuilt = asyncio.run(_frames(SteadyFooter(compact=compact)))
    textuals, _ = asyncio.run(_frames(Footer(compact=compact)))
    assert steady == textuals  # every frame, cell for cell and colour for colour
    assert "Resume" not in steady[0]
    assert "Resume" in steady[-1]
    # A focus change leaves the keys as they are; a key offered anew rebuilds them.
    assert steady_rebuilt == [0, 0, 1]
