"""Shown instead of clipped controls when the terminal is smaller than the app can use.

It covers whatever screen is in front, so a running session pauses (as under any other screen)
and resumes with a key once the terminal is large enough again.
"""

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from facecoach.session.pauses import PAUSE_GRACE_SECONDS
from facecoach.wording.devices import stopped_after_grace_text

# Every screen is laid out and tested (snapshots, a tmux walk) down to this size.
MIN_WIDTH = 60
MIN_HEIGHT = 20


def fits(width: int, height: int) -> bool:
    return width >= MIN_WIDTH and height >= MIN_HEIGHT


class TooSmallScreen(Screen[None]):
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen Static { width: auto; max-width: 100%; text-align: center; }
    """

    def __init__(self, device: str | None = None) -> None:
        super().__init__()
        # The device the core says this pause stops after its grace (None: none to say).
        self._device = device

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(id="too-small")

    def on_mount(self) -> None:
        self.show_size(*self.app.size)

    def on_resize(self, event: Resize) -> None:
        self.show_size(event.size.width, event.size.height)

    def on_screen_resume(self) -> None:
        # Back in front after a screen that was pushed over it closed: maybe no longer needed.
        if fits(*self.app.size):
            self.dismiss()

    def show_size(self, width: int, height: int) -> None:
        device = ""
        if self._device is not None:
            device = f", and {stopped_after_grace_text(self._device, PAUSE_GRACE_SECONDS)}"
        self.query_one("#too-small", Static).update(
            f"Make the terminal larger: facecoach needs {MIN_WIDTH}x{MIN_HEIGHT}, "
            f"this one is {width}x{height}.\nA running session is paused until then{device}. "
            "ctrl+q quits."
        )
