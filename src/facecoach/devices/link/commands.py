"""CommandChannel: commands to a connected device, one at a time, each with the wait for its
answer.

The answer's waiter is registered before the write, because a device may answer before the write
call returns. Only idempotent commands are sent again after a timeout. Frames go on the air one at
a time: the keep-alive goes out while a command waits for its answer, but never between the
chunks of another frame.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bleak import BleakClient
from bleak.exc import BleakError

from facecoach.devices.errors import CommandError, CommandTimeout
from facecoach.devices.link.events import LinkAnnouncer
from facecoach.devices.link.fragments import NotificationReassembler
from facecoach.devices.protocol.acks import Confirmation, confirmation_of, refusal
from facecoach.devices.protocol.codec import DecodedNotification, FrameCodec
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.trace import TraceEventKind

log = logging.getLogger(__name__)


@dataclass
class _Waiter:
    accepts: Confirmation
    future: "asyncio.Future[DecodedNotification]"


class CommandChannel:
    """Frames, writes and confirms the commands of `profile`."""

    def __init__(
        self,
        profile: DeviceProfile,
        codec: FrameCodec | None,
        name: str,
        address: str,
        *,
        connection: Callable[[], BleakClient | None],
        fragments: NotificationReassembler | None,
        announcer: LinkAnnouncer,
        on_charger: Callable[[], bool],
    ) -> None:
        """`connection` gives the client while the link is connected, else None;
        `on_charger` says whether the device last reported that it is charging."""
        self._profile = profile
        self._name = name
        self._address = address
        self._codec = codec
        self._connection = connection
        self._fragments = fragments
        self._announcer = announcer
        self._on_charger = on_charger
        self._sequence = 0
        self._waiters: list[_Waiter] = []
        # One command at a time, held while its answer is awaited.
        self._command_lock = asyncio.Lock()
        # One frame on the air at a time.
        self._write_lock = asyncio.Lock()

    async def send(self, name: str, args: dict[str, int]) -> DecodedNotification | None:
        """Sends one command and waits for the device's confirmation, when it gives one."""
        if self._codec is None:
            raise CommandError(f"{self._name} takes no commands.")
        command = self._profile.commands.get(name)
        if command is None:
            raise CommandError(f"{self._name} has no {name} command.")
        rule = command.ack
        attempts = 1 + (rule.retries if command.idempotent else 0)
        cut_short = False
        async with self._command_lock:
            for attempt in range(1, attempts + 1):
                client = self._connection()
                if client is None:
                    raise CommandError(f"{self._name} is not connected.")
                sequence = self._next_sequence()
                frame = self._codec.encode_command(name, args, sequence)
                waiter = self._waiter_for(name, args, sequence)
                try:
                    await self.write(client, frame)
                    if waiter is None:
                        return None
                    return await asyncio.wait_for(asyncio.shield(waiter.future), rule.timeout)
                except TimeoutError:
                    if self._fragments is not None and self._fragments.drop_unended():
                        cut_short = True
                    log.info(
                        "%s: no answer to %s (attempt %d of %d)",
                        self._address,
                        name,
                        attempt,
                        attempts,
                    )
                except BleakError as exc:
                    raise CommandError(f"{self._name}: sending {name} failed ({exc}).") from exc
                finally:
                    if waiter is not None:
                        self._waiters.remove(waiter)
                        waiter.future.cancel()
        if command.idempotent:
            raise CommandTimeout(
                f"{self._name} did not confirm {name} (tried {attempts} times, "
                f"{rule.timeout:g} s each)."
            )
        hint = " It reports that it is on its charger." if self._on_charger() else ""
        if cut_short:
            hint += " Its answer began but never ended (a message in pieces, cut short)."
        raise CommandTimeout(
            f"{self._name} did not confirm {name} within {rule.timeout:g} s. It was not sent "
            f"again, because repeating it is not safe: check the device.{hint}"
        )

    def frame(self, name: str, args: dict[str, int]) -> bytes:
        """The frame of one command, with the next sequence number."""
        if self._codec is None:
            raise CommandError(f"{self._name} takes no commands.")
        return self._codec.encode_command(name, args, self._next_sequence())

    async def write(self, client: BleakClient, frame: bytes) -> None:
        """Writes one frame, in chunks the device takes, with no other frame in between."""
        endpoint = self._profile.gatt.command
        assert endpoint is not None
        char = client.services.get_characteristic(endpoint.uuid)
        if char is None:
            raise CommandError(f"{self._name} has no command characteristic {endpoint.uuid}.")
        with_response = endpoint.write.value == "with_response"
        size = min(self._profile.gatt.max_write, char.max_write_without_response_size)
        async with self._write_lock:
            self._announcer.record(TraceEventKind.WRITE, frame)
            for start in range(0, len(frame), size):
                await client.write_gatt_char(
                    char, frame[start : start + size], response=with_response
                )

    def answer(self, notification: DecodedNotification) -> None:
        """Gives a message from the device to the command waiting for it, if any."""
        for waiter in list(self._waiters):
            if waiter.future.done() or not waiter.accepts(notification):
                continue
            reason = refusal(self._profile, notification)
            if reason is not None:
                waiter.future.set_exception(CommandError(f"{self._name} refused: {reason}."))
            else:
                waiter.future.set_result(notification)

    def fail_waiters(self, error: Exception) -> None:
        """The connection ended: the commands waiting for an answer get `error` instead."""
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.set_exception(error)

    def _waiter_for(self, name: str, args: dict[str, int], sequence: int) -> _Waiter | None:
        accepts = confirmation_of(self._profile, name, args, sequence)
        if accepts is None:
            return None
        waiter = _Waiter(accepts, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        return waiter

    def _next_sequence(self) -> int:
        framing = self._profile.framing
        width = framing.sequence_size if framing is not None else 1
        self._sequence = (self._sequence + 1) % (1 << 8 * width)
        return self._sequence
