"""Desktop notifications with desktop-notifier: D-Bus on Linux, the notification centres of
macOS and Windows.

desktop-notifier never raises when a notification fails; it logs a warning with a traceback,
which would land on the terminal in the middle of the app. Its log is caught here instead and
turned into one sentence.
"""

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from desktop_notifier import DesktopNotifier

from facecoach.system.platforms import OperatingSystem, operating_system

SEND_TIMEOUT = 5.0
APP_NAME = "facecoach"


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        reason = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            reason = str(record.exc_info[1]) or type(record.exc_info[1]).__name__
        self.reasons.append(reason)


@contextmanager
def _caught_log() -> Iterator[_Failures]:
    logger = logging.getLogger("desktop_notifier")
    failures = _Failures()
    propagate = logger.propagate
    logger.addHandler(failures)
    logger.propagate = False
    try:
        yield failures
    finally:
        logger.removeHandler(failures)
        logger.propagate = propagate


def _escaped(text: str) -> str:
    """Text for a freedesktop notification body, which servers read as a little markup: a
    routine's name with '&' or '<' in it must not break it or become a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _in_words(reason: str) -> str:
    """desktop-notifier's and dbus-fast's errors, as a user reads them."""
    lowered = reason.lower()
    if "dbus_session_bus_address" in lowered or "address" in lowered or "errno" in lowered:
        return f"the D-Bus session bus could not be reached ({reason})"
    if "org.freedesktop.notifications" in lowered or "serviceunknown" in lowered:
        return "no notification server is running on the session bus"
    return f"the desktop notification failed ({reason})"


async def notify_desktop(title: str, message: str, timeout: float = SEND_TIMEOUT) -> str | None:
    """Sends one notification; returns why it failed, or None when the server took it."""
    if operating_system() is OperatingSystem.LINUX:
        message = _escaped(message)

    with _caught_log() as failures:
        notifier = DesktopNotifier(app_name=APP_NAME, app_icon=None)
        dispatched: list[bool] = []
        try:
            await asyncio.wait_for(
                notifier.send(title, message, on_dispatched=lambda: dispatched.append(True)),
                timeout,
            )
        except TimeoutError:
            return f"the notification server did not answer within {timeout:g} s"
        finally:
            await _disconnect(notifier)
    if dispatched:
        return None
    if not failures.reasons:
        return "the notification server refused the notification"
    return _in_words(failures.reasons[-1])


async def _disconnect(notifier: object) -> None:
    # desktop-notifier keeps its D-Bus connection for replies we never ask for; it is closed
    # here, or every notification would leave one open.
    bus = getattr(getattr(notifier, "_backend", None), "bus", None)
    if bus is not None and getattr(bus, "connected", False):
        bus.disconnect()
        await bus.wait_for_disconnect()
