"""Reconnection: after an unexpected disconnect, the link tries again on a widening backoff
until the device is back or the tries run out.

One at a time: a drop while it is under way (during a new connection's set-up or the
reselection of the program) is one more failed try, not a second reconnection that would
announce "reconnected" while the first still tries.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bleak.exc import BleakError

from facecoach.devices.errors import ControllerGone, DeviceError
from facecoach.devices.link.events import LinkAnnouncer, LinkEventKind
from facecoach.devices.link.owned_task import OwnedTask

log = logging.getLogger(__name__)


class Reconnection:
    """Tries `reopen` after each of `delays`, and tells the link's listeners how it ended;
    `on_lost` marks the link lost before they hear that it gave up."""

    def __init__(
        self,
        name: str,
        address: str,
        delays: Sequence[float],
        announcer: LinkAnnouncer,
        *,
        reopen: Callable[[], Awaitable[None]],
        on_lost: Callable[[], None],
    ) -> None:
        self._name = name
        self._address = address
        self._delays = delays
        self._reopen = reopen
        self._announcer = announcer
        self._on_lost = on_lost
        self._task = OwnedTask()

    def start(self) -> None:
        """Starts reconnecting, unless a reconnection is under way already."""
        if not self._task.running:
            self._task.start(self._run())

    async def stop(self) -> None:
        """Stops reconnecting and waits until it has."""
        await self._task.stop()

    async def _run(self) -> None:
        for attempt, delay in enumerate(self._delays, start=1):
            await asyncio.sleep(delay)
            try:
                await self._reopen()
            except ControllerGone as exc:
                # Nothing will come back through a controller that is gone: said at once.
                self._give_up(f"Lost {self._name}: {exc}")
                return
            except (DeviceError, BleakError, OSError, EOFError) as exc:
                # The radio's own errors too (the opener says them as DeviceErrors, but a
                # reconnection that died of one would stay "reconnecting" for good).
                log.info("reconnect attempt %d to %s failed: %s", attempt, self._address, exc)
                continue
            self._announcer.emit(
                LinkEventKind.RECONNECTED,
                f"Reconnected to {self._name} after {attempt} attempt(s).",
            )
            return
        self._give_up(
            f"Could not reconnect to {self._name}; connect again "
            "from the Devices screen when it is back in range."
        )

    def _give_up(self, text: str) -> None:
        self._on_lost()
        self._announcer.emit(LinkEventKind.GAVE_UP, text)
