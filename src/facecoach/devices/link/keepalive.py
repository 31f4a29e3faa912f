"""KeepAliveBeat: the frames a device must hear on a fixed beat while it is connected, or it
stops stimulating by itself (the profile's `[keepalive]`).

Stopping lets a frame that is on the air finish first. Cut off halfway, its write goes on
without the link: the radio's procedure outlives the disconnect and writes to a connection that
is gone (Bumble then warns "no connection for handle"), or the device gets half a frame.
"""

import asyncio
import logging
from collections.abc import Callable

from bleak import BleakClient
from bleak.exc import BleakError

from facecoach.devices.errors import CommandError
from facecoach.devices.link.commands import CommandChannel
from facecoach.devices.link.events import LinkAnnouncer, LinkEventKind
from facecoach.devices.link.owned_task import OwnedTask
from facecoach.devices.protocol.profile import DeviceProfile, KeepAlive
from facecoach.devices.protocol.scheduled import scheduled_args

log = logging.getLogger(__name__)

# How long a stop waits for a keep-alive frame on the air; a write that hangs longer is cut.
IN_FLIGHT_GRACE = 2.0


class KeepAliveBeat:
    """Sends the profile's keep-alive on a fixed beat, through `commands`, while `connection`
    gives a client."""

    def __init__(
        self,
        profile: DeviceProfile,
        name: str,
        address: str,
        commands: CommandChannel,
        announcer: LinkAnnouncer,
        *,
        connection: Callable[[], BleakClient | None],
        wall_clock: Callable[[], float],
    ) -> None:
        self.sent = 0
        self._profile = profile
        self._name = name
        self._address = address
        self._commands = commands
        self._connection = connection
        self._wall_clock = wall_clock
        self._announcer = announcer
        self._task = OwnedTask()
        self._stopping = False
        self._in_flight = False

    async def start(self, spec: KeepAlive) -> None:
        """Starts the beat, unless it is already going on this connection."""
        if self._task.running and not self._stopping:
            return
        await self._task.stop()  # the beat of a connection that dropped
        self._stopping = False
        self._task.start(self._beat(spec))

    def halt(self) -> None:
        """The connection is gone: the beat ends at once. For a callback, which cannot wait;
        the beat stays owned until the next `start()` or `stop()`."""
        self._stopping = True
        self._task.cancel()

    async def stop(self) -> None:
        """Ends the beat and waits until it has: after the frame on the air, if one is."""
        self._stopping = True
        await self._task.stop(grace=IN_FLIGHT_GRACE if self._in_flight else 0.0)

    async def _beat(self, spec: KeepAlive) -> None:
        loop = asyncio.get_running_loop()
        interval = spec.interval_ms / 1000
        due = loop.time()
        count = 0
        while not self._stopping:
            client = self._connection()
            if client is None:
                return
            args = scheduled_args(spec, self._profile, unix_time=self._wall_clock(), counter=count)
            try:
                frame = self._commands.frame(spec.command, args)
            except CommandError as exc:
                # The profile's validation rules this out; should it happen anyway, the user
                # hears that the device is about to stop, rather than nothing.
                log.error("%s: cannot frame the keep-alive: %s", self._address, exc)
                self._announcer.emit(
                    LinkEventKind.KEEPALIVE_LOST,
                    f"Could not send {self._name} its keep-alive ({exc}); it will stop "
                    "stimulating by itself.",
                )
                return
            self._in_flight = True
            try:
                await self._commands.write(client, frame)
            except (BleakError, OSError, EOFError, CommandError) as exc:
                # A lost link is the disconnect callback's to handle; the next frame is due
                # on time anyway, in case it was only this write.
                log.info("%s: keep-alive not sent: %s", self._address, exc)
            else:
                count += 1
                self.sent += 1
            finally:
                self._in_flight = False
            if self._stopping:
                return  # a stop waited for this frame
            # On a fixed grid, so late wake-ups do not add up. After a stall longer than the
            # interval, one frame at once (the device's deadline is running) and the grid
            # starts again from there, rather than a burst of the missed ones.
            due += interval
            now = loop.time()
            due = max(due, now)
            await asyncio.sleep(due - now)
