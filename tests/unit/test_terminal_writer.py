"""The app's raw terminal output: the bell through Textual's public call, notification
sequences through its writer, and nothing worse than a dropped notification when that moved."""

import asyncio
from typing import Any

from textual.app import App

from facecoach.tui.terminal import TerminalWriter


class RingingApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.rung = 0

    def bell(self) -> None:
        self.rung += 1


class RecordingDriver:
    is_headless = False

    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, text: str) -> None:
        self.written.append(text)


def test_the_bell_rings_through_textuals_public_call() -> None:
    app = RingingApp()

    async def main() -> None:
        async with app.run_test():
            TerminalWriter(app)("\a")

    asyncio.run(main())
    assert app.rung == 1


def test_a_notification_goes_through_the_apps_own_writer() -> None:
    app = RingingApp()
    driver = RecordingDriver()
    app._driver = driver  # type: ignore[assignment]
    TerminalWriter(app)("\x1b]9;facecoach: done\a")
    assert driver.written == ["\x1b]9;facecoach: done\a"]


def test_a_textual_whose_writer_moved_drops_notifications_and_still_rings() -> None:
    app = RingingApp()

    class Broken(RecordingDriver):
        def write(self, text: str) -> Any:
            raise TypeError("write() takes 1 positional argument")

    app._driver = Broken()  # type: ignore[assignment]
    writer = TerminalWriter(app)
    writer("\x1b]9;facecoach: done\a")  # no exception reaches the session
    assert writer.turned_off is not None
    writer("\a")
    del app._driver  # a Textual without the name at all
    fresh = TerminalWriter(app)
    fresh("\x1b]9;facecoach: again\a")
    assert fresh.turned_off is not None
    assert app.rung == 1
