"""Work a screen leaves until the app's first frame is on the terminal, and when it stops."""

from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from textual.app import App


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


class Controls(Enum):
    """Where the controls a screen builds after the first frame are (home's routine list,
    Start button and footer; Safety's Save button, injections and footer)."""

    RESERVED = "reserved"  # blank room of their size
    MOUNTING = "mounting"
    READY = "ready"


@runtime_checkable
class BuildsAfterFirstFrame(Protocol):
    """A screen that builds controls after the first frame, and says when they are in place
    with a message of its own: while they mount, the app ends (and the screen closes) only
    once they are, as a screen torn down as it mounts fails."""

    controls: Controls
