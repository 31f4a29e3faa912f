"""Work a screen leaves until the app's first frame is on the terminal, and when it stops."""

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from textual.app import App
from textual.dom import DOMNode


@runtime_checkable
class FirstFrameHost(Protocol):
    """An app that says when its first frame is on the terminal (facecoach's)."""

    def after_first_frame(self, callback: Callable[[], object]) -> None: ...


def after_first_frame(app: App[Any], callback: Callable[[], object]) -> None:
    """Runs `callback` once facecoach's first frame is written (now, if it is): what needs the
    settings, the routines or the log's numbers fills in after the screen's frame."""
    if isinstance(app, FirstFrameHost):
        app.after_first_frame(callback)
    else:
        callback()


def going_away(app: App[Any], *nodes: DOMNode) -> bool:
    """Whether what a screen builds after its first frame must stop: the app is quitting, or
    the screen (or the widget built into) is no longer shown. A key typed ahead or a closed
    terminal ends the app at any await, and mounting into what is going away fails."""
    return not app.is_running or any(not node.is_attached for node in nodes)
