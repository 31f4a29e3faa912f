"""Raw output to the app's own terminal: the one place facecoach reaches Textual's driver.

Why this module exists: the terminal cue channel writes the bell and, where the terminal shows
them, notification sequences (OSC 99, 777, 9). They must go through the writer Textual draws
with: a second writer on the same terminal would tear its escape sequences and ours apart.
Textual has a public call for the bell (`App.bell`), none for other raw output; its writer is
the private `App._driver`. Textual is pinned exactly (pyproject.toml), and this fails safe: if
that name is gone or writing through it fails, notifications are dropped for the rest of the
run (the bell still rings, through the public call), and nothing else changes.
"""

from collections.abc import Callable
from typing import Any

from textual.app import App

from facecoach.companion.cue_channels.terminal import BELL


class TerminalWriter:
    """Writes text to `app`'s terminal; call it on the app's own thread."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self.turned_off: str | None = None  # why raw output stopped, once it has

    def __call__(self, text: str) -> None:
        if text == BELL:
            self._app.bell()  # public, and silent in a headless app
            return
        if self.turned_off is not None:
            return
        try:
            write: Callable[[str], object] | None = getattr(self._app._driver, "write", None)
            if write is None or self._app.is_headless:  # not running, or no terminal
                return
            write(text)
        except Exception as exc:  # a Textual whose driver moved: notifications stop, nothing else
            self.turned_off = f"{type(exc).__name__}: {exc}"
