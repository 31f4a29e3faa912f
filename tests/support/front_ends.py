"""A live session's front end made of callbacks, for tests that listen to one trouble or two."""

from collections.abc import Callable, Sequence

from facecoach.adherence.session_log import SessionSource
from facecoach.companion.core import Companion
from facecoach.companion.cue_channels.setup import CueChoices
from facecoach.companion.device_messages import DeviceMessage
from facecoach.companion.live_session import LiveSession
from facecoach.routines.model import Routine
from facecoach.session.driver import EventSink
from facecoach.storage.database import StoreError


class CallbackFrontEnd:
    """A SessionFrontEnd made of callbacks (each optional)."""

    def __init__(
        self,
        sinks: Sequence[EventSink],
        *,
        on_log_error: Callable[[StoreError], None] | None = None,
        on_device_message: Callable[[DeviceMessage], None] | None = None,
        on_device_problem: Callable[[str], None] | None = None,
        terminal_write: Callable[[str], None] | None = None,
        on_cue_problem: Callable[[str], None] | None = None,
    ) -> None:
        self._sinks = sinks
        self._on_log_error = on_log_error
        self._on_device_message = on_device_message
        self._on_device_problem = on_device_problem
        self._terminal_write = terminal_write
        self._on_cue_problem = on_cue_problem

    def sinks(self) -> Sequence[EventSink]:
        return self._sinks

    def log_failed(self, error: StoreError) -> None:
        if self._on_log_error is not None:
            self._on_log_error(error)

    def device_message(self, message: DeviceMessage) -> None:
        if self._on_device_message is not None:
            self._on_device_message(message)

    def device_problem(self, text: str) -> None:
        if self._on_device_problem is not None:
            self._on_device_problem(text)

    def cue_problem(self, text: str) -> None:
        if self._on_cue_problem is not None:
            self._on_cue_problem(text)

    def terminal_writer(self) -> Callable[[str], None] | None:
        return self._terminal_write


def begin_with_callbacks(
    companion: Companion,
    routine: Routine,
    sinks: Sequence[EventSink],
    *,
    source: SessionSource,
    log: bool = True,
    cues: CueChoices | None = None,
    on_log_error: Callable[[StoreError], None] | None = None,
    on_device_message: Callable[[DeviceMessage], None] | None = None,
    on_device_problem: Callable[[str], None] | None = None,
    terminal_write: Callable[[str], None] | None = None,
    on_cue_problem: Callable[[str], None] | None = None,
) -> LiveSession:
    """`session_service.begin` with a front end made of these callbacks."""
    front_end = CallbackFrontEnd(
        sinks,
        on_log_error=on_log_error,
        on_device_message=on_device_message,
        on_device_problem=on_device_problem,
        terminal_write=terminal_write,
        on_cue_problem=on_cue_problem,
    )
    return companion.session_service.begin(routine, front_end, source=source, log=log, cues=cues)
