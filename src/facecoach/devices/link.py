"""DeviceLink: one connection to one device, through bleak's public classes.

Commands go one at a time. The acknowledgement waiter is registered before the write, because a
device may answer before the write call returns. Only idempotent commands are retried after a
timeout. After an unexpected disconnect the link reconnects with backoff and reselects the
program, but it never restarts stimulation: that is always the user's decision.

Every connection (the first and each reconnection) is set up as the profile says before it
counts as connected: its `[[on_connect]]` writes, then its keep-alive, sent on a fixed beat by a
task of its own for as long as the connection lasts. A connection whose set-up fails is not
kept. Writes share one lock, so a keep-alive never lands between another frame's chunks.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bleak import BleakClient, BleakScanner
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import BaseBleakScanner
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from facecoach.devices.connect_advice import connection_advice, connection_error
from facecoach.devices.errors import (
    BluetoothUnavailable,
    CommandError,
    CommandTimeout,
    ConnectionFailed,
    ConnectProblem,
    ControllerFailed,
    ControllerGone,
    DeviceError,
    FrameError,
    IncompleteFrame,
)
from facecoach.devices.protocol.acks import (
    Confirmation,
    confirmation_of,
    refusal,
    reports_keepalive_lost,
    updated_status,
)
from facecoach.devices.protocol.assigned_numbers import DEVICE_INFO_FIELDS
from facecoach.devices.protocol.codec import DecodedNotification, FrameCodec
from facecoach.devices.protocol.profile import (
    CommandName,
    DeviceProfile,
    DeviceProgram,
    KeepAlive,
    NotificationKind,
)
from facecoach.devices.protocol.scheduled import scheduled_args
from facecoach.devices.protocol.status import DeviceStatus, LinkState
from facecoach.devices.protocol.trace import TraceEventKind, TraceWriter
from facecoach.devices.scanning import RADIO_UNAVAILABLE

log = logging.getLogger(__name__)

RECONNECT_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
FIND_TIMEOUT = 8.0
# The longest message the link joins from pieces; a longer run of pieces is dropped.
MAX_MESSAGE = 4096


class LinkEventKind(StrEnum):
    CONNECTED = "connected"
    DROPPED = "dropped"
    RECONNECTED = "reconnected"
    GAVE_UP = "gave_up"
    STATUS = "status"
    BAD_FRAME = "bad_frame"
    # The device stopped stimulating by itself: its keep-alive did not come in time.
    KEEPALIVE_LOST = "keepalive_lost"


@dataclass(frozen=True, slots=True)
class LinkEvent:
    kind: LinkEventKind
    text: str


@dataclass
class _Waiter:
    accepts: Confirmation
    future: "asyncio.Future[DecodedNotification]"


@dataclass
class LinkOptions:
    scanner_backend: type[BaseBleakScanner] | None = None
    client_backend: type[BaseBleakClient] | None = None
    reconnect_delays: Sequence[float] = RECONNECT_DELAYS
    find_timeout: float = FIND_TIMEOUT
    connect_attempts: int = 3
    # The Bumble transport the backends go through (--transport): its failures are the
    # controller's, not the system's Bluetooth's.
    transport: str | None = None
    # The wall clock a profile's `unix_time` is read from.
    wall_clock: Callable[[], float] = time.time


class DeviceLink:
    """A connection to one device described by `profile`."""

    def __init__(
        self,
        profile: DeviceProfile,
        address: str,
        *,
        name: str | None = None,
        options: LinkOptions | None = None,
        on_event: Callable[[LinkEvent], None] | None = None,
    ) -> None:
        self.profile = profile
        self.address = address
        self.name = name or profile.name
        self.options = options or LinkOptions()
        self.state = LinkState.DISCONNECTED
        self.status = DeviceStatus()
        self.selected_program: DeviceProgram | None = None
        self.bad_frames = 0
        # Set to record every frame and connection event (`facecoach devices record`).
        self.trace: TraceWriter | None = None
        self._codec = FrameCodec(profile) if profile.framing is not None else None
        self._client: BleakClient | None = None
        self._listeners: list[Callable[[LinkEvent], None]] = [on_event] if on_event else []
        self._waiters: list[_Waiter] = []
        # One command at a time, held while its answer is awaited.
        self._lock = asyncio.Lock()
        # One frame on the air at a time: the keep-alive goes out while a command waits for
        # its answer, but never between the chunks of another frame.
        self._write_lock = asyncio.Lock()
        self._sequence = 0
        # The start of a message that came in pieces, and when its first piece came.
        self._fragment = bytearray()
        self._fragment_since = 0.0
        self._cut_short = False
        self._closing = False
        self._reconnect_task: asyncio.Task[None] | None = None
        self._keepalive_task: asyncio.Task[None] | None = None
        self.keepalives_sent = 0
        self._told_keepalive_lost = False

    def subscribe(self, listener: Callable[[LinkEvent], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    @property
    def is_connected(self) -> bool:
        return self.state is LinkState.CONNECTED and self._client is not None

    # -- connecting -------------------------------------------------------------------------

    async def connect(self, *, pair: bool = False) -> None:
        """Finds the device, connects with retries, checks its endpoints and subscribes."""
        self._closing = False
        self.state = LinkState.CONNECTING
        try:
            await self._open(pair=pair)
        except BaseException:
            self.state = LinkState.DISCONNECTED
            raise
        self.state = LinkState.CONNECTED
        try:
            await self._set_up()
        except BaseException as exc:
            # Never left half set up (no keep-alive, no soft limit), whatever stopped it: a
            # failed write, or the caller giving up (a cancelled worker, Ctrl-C).
            await self.disconnect()
            if isinstance(exc, DeviceError):
                raise ConnectionFailed(
                    f"{self.name} connected but did not take its set-up ({exc}); it was "
                    "disconnected. Try again, or check its profile's [[on_connect]]."
                ) from exc
            raise
        self._emit(LinkEventKind.CONNECTED, f"Connected to {self.name}.")

    async def _set_up(self) -> None:
        """What the profile says goes on every connection: its writes (the clock, a soft
        limit), then the keep-alive for as long as the link lasts."""
        self._fragment.clear()  # a piece of a message from an earlier connection
        for write in self.profile.on_connect:
            now = self.options.wall_clock()
            args = scheduled_args(write, self.profile, unix_time=now, counter=0)
            await self._send(write.command, args)
        keepalive = self.profile.keepalive
        if keepalive is not None and self._keepalive_task is None:
            self._keepalive_task = asyncio.get_running_loop().create_task(
                self._keep_alive(keepalive)
            )

    async def _let_go(self) -> None:
        """Closes the connection without ending the link (a set-up that failed on
        reconnecting); its disconnection is not a drop."""
        self._stop_keepalive()
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(BleakError, asyncio.TimeoutError, OSError):
                await client.disconnect()

    def _stop_keepalive(self) -> None:
        task, self._keepalive_task = self._keepalive_task, None
        if task is not None:
            task.cancel()

    async def _keep_alive(self, spec: KeepAlive) -> None:
        assert self._codec is not None
        loop = asyncio.get_running_loop()
        interval = spec.interval_ms / 1000
        due = loop.time()
        count = 0
        while True:
            client = self._client
            if client is None or self.state is not LinkState.CONNECTED:
                break
            now = self.options.wall_clock()
            args = scheduled_args(spec, self.profile, unix_time=now, counter=count)
            try:
                frame = self._codec.encode_command(spec.command, args, self._next_sequence())
            except CommandError as exc:
                # The profile's validation rules this out; should it happen anyway, the user
                # hears that the device is about to stop, rather than nothing.
                log.error("%s: cannot frame the keep-alive: %s", self.address, exc)
                self._emit(
                    LinkEventKind.KEEPALIVE_LOST,
                    f"Could not send {self.name} its keep-alive ({exc}); it will stop "
                    "stimulating by itself.",
                )
                break
            try:
                await self._write(client, frame)
            except (BleakError, OSError, EOFError, CommandError) as exc:
                # A lost link is the disconnect callback's to handle; the next frame is due
                # on time anyway, in case it was only this write.
                log.info("%s: keep-alive not sent: %s", self.address, exc)
            else:
                count += 1
                self.keepalives_sent += 1
            # On a fixed grid, so late wake-ups do not add up. After a stall longer than the
            # interval, one frame at once (the device's deadline is running) and the grid
            # starts again from there, rather than a burst of the missed ones.
            due += interval
            now = loop.time()
            due = max(due, now)
            await asyncio.sleep(due - now)
        if self._keepalive_task is asyncio.current_task():
            self._keepalive_task = None

    def _next_sequence(self) -> int:
        framing = self.profile.framing
        width = framing.sequence_size if framing is not None else 1
        self._sequence = (self._sequence + 1) % (1 << 8 * width)
        return self._sequence

    async def _open(self, *, pair: bool) -> None:
        device = await self._find()
        try:
            client = await establish_connection(
                BleakClient,
                device,
                self.name,
                disconnected_callback=self._on_disconnected,
                max_attempts=self.options.connect_attempts,
                use_services_cache=False,
                pair=pair or self.profile.gatt.bond,
                backend=self.options.client_backend,
            )
        except (TimeoutError, BleakError) as exc:
            # The kind of failure is kept (ConnectionFailed.kind), with advice that fits it.
            raise connection_error(
                exc, name=self.name, address=self.address, attempts=self.options.connect_attempts
            ) from exc
        except (OSError, EOFError) as exc:
            transport = self.options.transport
            if transport is not None:
                raise ControllerFailed(transport, f"connect to {self.name}", exc) from exc
            raise connection_error(
                exc, name=self.name, address=self.address, attempts=self.options.connect_attempts
            ) from exc
        try:
            self._check_endpoints(client)
            if self.profile.gatt.notify is not None:
                await client.start_notify(self.profile.gatt.notify.uuid, self._on_notification)
        except BaseException:
            with contextlib.suppress(BleakError, asyncio.TimeoutError, OSError):
                await client.disconnect()
            raise
        self._client = client
        # Recorded here, before the writes the profile makes on connecting.
        self._record(TraceEventKind.CONNECTED)

    async def _find(self) -> BLEDevice:
        try:
            extra: BleakScanner.ExtraArgs = {}
            if self.options.scanner_backend is not None:
                extra["backend"] = self.options.scanner_backend
            device = await BleakScanner.find_device_by_address(
                self.address, timeout=self.options.find_timeout, **extra
            )
        except RADIO_UNAVAILABLE as exc:
            if self.options.transport is not None:
                raise ControllerFailed(self.options.transport, f"find {self.name}", exc) from exc
            advice = connection_advice(exc)
            if (
                advice.bluetooth_unavailable
                and advice.kind is not ConnectProblem.SERVICE_UNREACHABLE
            ):
                # Switched off, no adapter, not allowed: the specific advice.
                raise connection_error(exc, name=self.name, address=self.address) from exc
            raise BluetoothUnavailable(f"connect to {self.name}", exc) from exc
        if device is None:
            raise ConnectionFailed(
                f"{self.name} ({self.address}) is not in range. Is it switched on, charged "
                "and close by? Press its button to wake it.",
                kind=ConnectProblem.NOT_FOUND,
            )
        return device

    def _check_endpoints(self, client: BleakClient) -> None:
        gatt = self.profile.gatt
        wanted = [
            ("command characteristic", gatt.command.uuid if gatt.command else None),
            ("notification characteristic", gatt.notify.uuid if gatt.notify else None),
            ("battery characteristic", gatt.battery.uuid if gatt.battery else None),
        ]
        missing = [
            f"{label} {uuid}"
            for label, uuid in wanted
            if uuid is not None and client.services.get_characteristic(uuid) is None
        ]
        if missing:
            raise ConnectionFailed(
                f"{self.name} does not have what the profile {self.profile.id!r} expects: "
                f"missing {', '.join(missing)}. Is this the right profile for the device? "
                "`facecoach devices inspect ADDRESS` shows what it has."
            )

    async def disconnect(self) -> None:
        self._closing = True
        self._stop_keepalive()
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            try:
                await self._reconnect_task
            except asyncio.CancelledError:
                # The reconnection's own cancellation is expected; ours must go on up, so that
                # a time limit around disconnect() is a real limit.
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
            self._reconnect_task = None
        client, self._client = self._client, None
        self._fail_waiters(ConnectionFailed(f"{self.name} was disconnected."))
        if client is not None:
            self._record(TraceEventKind.CLOSED)
            with contextlib.suppress(BleakError, asyncio.TimeoutError, OSError):
                await client.disconnect()
        self.state = LinkState.DISCONNECTED

    def _on_disconnected(self, client: BleakClient) -> None:
        if self._closing or client is not self._client:
            return
        self._client = None
        self._stop_keepalive()
        self._fail_waiters(ConnectionFailed(f"{self.name} disconnected."))
        was_running = bool(self.status.running)
        self.status = replace(self.status, running=False)
        self.state = LinkState.RECONNECTING
        text = f"Lost the connection to {self.name}; reconnecting."
        if was_running:
            text += " Stimulation stopped and will not restart by itself."
        self._emit(LinkEventKind.DROPPED, text)
        self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        for attempt, delay in enumerate(self.options.reconnect_delays, start=1):
            await asyncio.sleep(delay)
            try:
                await self._open(pair=False)
            except ControllerGone as exc:
                # Nothing will come back through a controller that is gone: said at once.
                self.state = LinkState.LOST
                self._emit(LinkEventKind.GAVE_UP, f"Lost {self.name}: {exc}")
                return
            except ConnectionFailed as exc:
                log.info("reconnect attempt %d to %s failed: %s", attempt, self.address, exc)
                continue
            self.state = LinkState.CONNECTED
            try:
                # Before anything else: what happened while nobody listened (the device put
                # on its charger, stopped by its button) is heard now, as a status report.
                await self._ask_state()
                await self._set_up()
            except DeviceError as exc:
                if self._client is None:
                    return  # it dropped again: that drop started the next reconnection
                # Connected, but not set up (no keep-alive): not a connection to keep.
                log.info(
                    "reconnect attempt %d to %s: set-up failed: %s", attempt, self.address, exc
                )
                await self._let_go()
                self.state = LinkState.RECONNECTING
                continue
            # A drop during the reselection starts the next reconnection by itself.
            if self.selected_program is not None:
                with contextlib.suppress(DeviceError):
                    await self._send(
                        CommandName.SELECT_PROGRAM, {self._select_arg: self.selected_program.code}
                    )
            self._emit(
                LinkEventKind.RECONNECTED, f"Reconnected to {self.name} after {attempt} attempt(s)."
            )
            return
        self.state = LinkState.LOST
        self._emit(
            LinkEventKind.GAVE_UP,
            f"Could not reconnect to {self.name}; connect again "
            "from the Devices screen when it is back in range.",
        )

    async def _ask_state(self) -> None:
        """Asks a device that just came back how it is (charging, running), when its profile
        has a way to ask; the answer is a status event like any other."""
        if CommandName.QUERY_STATUS in self.profile.commands:
            await self._send(CommandName.QUERY_STATUS, {})

    # -- commands ---------------------------------------------------------------------------

    async def send(
        self, name: str, args: dict[str, int] | None = None
    ) -> DecodedNotification | None:
        """Sends one command and waits for the device's confirmation."""
        return await self._send(name, args or {})

    async def _send(self, name: str, args: dict[str, int]) -> DecodedNotification | None:
        if self._codec is None:
            raise CommandError(f"{self.name} takes no commands.")
        command = self.profile.commands.get(name)
        if command is None:
            raise CommandError(f"{self.name} has no {name} command.")
        rule = command.ack
        attempts = 1 + (rule.retries if command.idempotent else 0)
        async with self._lock:
            self._cut_short = False
            for attempt in range(1, attempts + 1):
                client = self._client
                if client is None or self.state is not LinkState.CONNECTED:
                    raise CommandError(f"{self.name} is not connected.")
                sequence = self._next_sequence()
                frame = self._codec.encode_command(name, args, sequence)
                waiter = self._waiter_for(name, args, sequence)
                try:
                    await self._write(client, frame)
                    if waiter is None:
                        return None
                    return await asyncio.wait_for(asyncio.shield(waiter.future), rule.timeout)
                except TimeoutError:
                    if self._fragment:
                        # The answer began and never ended: the next one starts afresh.
                        self._drop_fragment()
                        self._cut_short = True
                    log.info(
                        "%s: no answer to %s (attempt %d of %d)",
                        self.address,
                        name,
                        attempt,
                        attempts,
                    )
                except BleakError as exc:
                    raise CommandError(f"{self.name}: sending {name} failed ({exc}).") from exc
                finally:
                    if waiter is not None:
                        self._waiters.remove(waiter)
                        waiter.future.cancel()
        if command.idempotent:
            raise CommandTimeout(
                f"{self.name} did not confirm {name} (tried {attempts} times, "
                f"{rule.timeout:g} s each)."
            )
        hint = " It reports that it is on its charger." if self.status.charging else ""
        if self._cut_short:
            hint += " Its answer began but never ended (a message in pieces, cut short)."
        raise CommandTimeout(
            f"{self.name} did not confirm {name} within {rule.timeout:g} s. It was not sent "
            f"again, because repeating it is not safe: check the device.{hint}"
        )

    def _waiter_for(self, name: str, args: dict[str, int], sequence: int) -> _Waiter | None:
        accepts = confirmation_of(self.profile, name, args, sequence)
        if accepts is None:
            return None
        waiter = _Waiter(accepts, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        return waiter

    async def _write(self, client: BleakClient, frame: bytes) -> None:
        endpoint = self.profile.gatt.command
        assert endpoint is not None
        char = client.services.get_characteristic(endpoint.uuid)
        if char is None:
            raise CommandError(f"{self.name} has no command characteristic {endpoint.uuid}.")
        with_response = endpoint.write.value == "with_response"
        size = min(self.profile.gatt.max_write, char.max_write_without_response_size)
        async with self._write_lock:
            self._record(TraceEventKind.WRITE, frame)
            for start in range(0, len(frame), size):
                await client.write_gatt_char(
                    char, frame[start : start + size], response=with_response
                )

    def _on_notification(self, _sender: object, data: bytearray) -> None:
        assert self._codec is not None
        self._record(TraceEventKind.NOTIFY, bytes(data))
        now = asyncio.get_running_loop().time()
        if self._fragment and now - self._fragment_since > self._fragment_patience():
            self._drop_fragment()
        if not self._fragment:
            self._fragment_since = now
        # A message may come in several notifications (the device's MTU), or several in one.
        self._fragment += data
        while self._fragment:
            try:
                notification, size = self._codec.decode_notification_start(bytes(self._fragment))
            except IncompleteFrame:
                if len(self._fragment) > MAX_MESSAGE:
                    self._drop_fragment()
                return
            except FrameError as exc:
                if len(self._fragment) > len(data) and self._fragment.endswith(data):
                    # What came before did not continue here: a message that never ended.
                    # This notification may start the next one.
                    del self._fragment[: len(self._fragment) - len(data)]
                    self._drop_fragment(keep=True)
                    continue
                # Damaged or unknown frames are dropped; a command waiting on one times out
                # and, if it is safe to, is sent again.
                self._fragment.clear()
                self.bad_frames += 1
                self._emit(
                    LinkEventKind.BAD_FRAME, f"Ignored a damaged message from {self.name}: {exc}"
                )
                return
            del self._fragment[:size]
            self._take(notification)

    def _fragment_patience(self) -> float:
        """How long the pieces of one message may take: the longest answer timeout."""
        return max((c.ack.timeout for c in self.profile.commands.values()), default=1.0)

    def _drop_fragment(self, *, keep: bool = False) -> None:
        """Drops the start of a message whose end never came (with `keep`, what is left in the
        buffer is the next message's start)."""
        self.bad_frames += 1
        self._emit(
            LinkEventKind.BAD_FRAME,
            f"Ignored an incomplete message from {self.name}: it began but never ended.",
        )
        if not keep:
            self._fragment.clear()

    def _take(self, notification: DecodedNotification) -> None:
        if notification.kind is NotificationKind.STATUS:
            self._update_status(notification)
        for waiter in list(self._waiters):
            if waiter.future.done() or not waiter.accepts(notification):
                continue
            reason = refusal(self.profile, notification)
            if reason is not None:
                waiter.future.set_exception(CommandError(f"{self.name} refused: {reason}."))
            else:
                waiter.future.set_result(notification)

    def _update_status(self, n: DecodedNotification) -> None:
        # Said once when the device first reports it, again only after a status without it.
        lost = reports_keepalive_lost(n)
        told, self._told_keepalive_lost = self._told_keepalive_lost, lost
        if lost and not told:
            self._emit(
                LinkEventKind.KEEPALIVE_LOST,
                f"{self.name} stopped stimulating by itself: it did not hear from facecoach "
                "in time (the device's keep-alive).",
            )
        self.status = updated_status(self.profile, self.status, n)
        self._emit(LinkEventKind.STATUS, "")

    def _fail_waiters(self, error: Exception) -> None:
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.set_exception(error)

    def _record(
        self, kind: TraceEventKind, data: bytes | None = None, uuid: str | None = None
    ) -> None:
        if self.trace is not None:
            # The event loop's clock: the one the link's own timeouts run on (monotonic, as
            # the trace's start is).
            try:
                now = asyncio.get_running_loop().time()
            except RuntimeError:
                now = time.monotonic()
            self.trace.record(now, kind, data, uuid)

    def _emit(self, kind: LinkEventKind, text: str) -> None:
        if kind in (LinkEventKind.DROPPED, LinkEventKind.GAVE_UP):
            self._record(TraceEventKind.DISCONNECTED)
        event = LinkEvent(kind, text)
        for listener in list(self._listeners):
            listener(event)

    # -- what the app asks for --------------------------------------------------------------

    @property
    def _select_arg(self) -> str:
        return self.profile.commands[CommandName.SELECT_PROGRAM].inputs[0].name

    async def select_program(self, program_id: str) -> DeviceProgram:
        try:
            program = self.profile.program(program_id)
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        await self._send(CommandName.SELECT_PROGRAM, {self._select_arg: program.code})
        self.selected_program = program
        if self.status.program_code != program.code:
            self.status = replace(self.status, program=program, program_code=program.code)
        return program

    def capped_intensity(self, level: int) -> int:
        """The level actually sent: never above the profile's limit, never below 1."""
        return max(1, min(level, self.profile.limits.max_intensity))

    async def set_intensity(self, level: int) -> int:
        command = self.profile.commands.get(CommandName.SET_INTENSITY)
        if command is None:
            raise CommandError(f"{self.name} has no intensity setting.")
        capped = self.capped_intensity(level)
        await self._send(CommandName.SET_INTENSITY, {command.inputs[0].name: capped})
        self.status = replace(self.status, intensity=capped)
        return capped

    async def query_status(self) -> DeviceStatus:
        if CommandName.QUERY_STATUS in self.profile.commands:
            await self._send(CommandName.QUERY_STATUS, {})
        if self.profile.gatt.battery is not None:
            battery = await self.read_battery()
            if battery is not None:
                self.status = replace(self.status, battery=battery)
        return self.status

    async def read_battery(self) -> int | None:
        endpoint = self.profile.gatt.battery
        client = self._client
        if endpoint is None or client is None:
            return None
        try:
            data = await client.read_gatt_char(endpoint.uuid)
        except BleakError as exc:
            raise CommandError(f"Could not read the battery of {self.name} ({exc}).") from exc
        self._record(TraceEventKind.READ, bytes(data), uuid=endpoint.uuid)
        return data[0] if data and data[0] <= 100 else None

    async def read_device_info(self) -> dict[str, str]:
        client = self._client
        if client is None:
            raise CommandError(f"{self.name} is not connected.")
        info: dict[str, str] = {}
        for uuid, label in DEVICE_INFO_FIELDS.items():
            if client.services.get_characteristic(uuid) is None:
                continue
            with contextlib.suppress(BleakError):
                raw = await client.read_gatt_char(uuid)
                self._record(TraceEventKind.READ, bytes(raw), uuid=uuid)
                info[label] = bytes(raw).decode("utf-8", "replace").strip("\x00 ")
        return info
