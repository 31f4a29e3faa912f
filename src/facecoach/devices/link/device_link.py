"""DeviceLink: one connection to one device, through bleak's public classes.

It composes the parts that each do one job: ConnectionOpener finds and opens the connection,
Reconnection brings it back after an unexpected disconnect, CommandChannel sends commands and
waits for their answers, NotificationReassembler joins and decodes what the device sends, and
KeepAliveBeat keeps a device that needs it going.

Every connection (the first and each reconnection) is set up as the profile says before it
counts as connected: its `[[on_connect]]` writes, then its keep-alive, for as long as the
connection lasts. A connection whose set-up fails is not kept. After an unexpected disconnect
the link reconnects and reselects the program, but it never restarts stimulation: that is
always the user's decision. Every task it starts has ended when `disconnect()` returns.
"""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import replace

from bleak import BleakClient
from bleak.exc import BleakError

from facecoach.devices.errors import CommandError, ConnectionFailed, DeviceError
from facecoach.devices.link.commands import CommandChannel
from facecoach.devices.link.events import LinkAnnouncer, LinkEventKind, LinkListener
from facecoach.devices.link.fragments import NotificationReassembler
from facecoach.devices.link.gatt_reads import battery_level, device_information
from facecoach.devices.link.keepalive import KeepAliveBeat
from facecoach.devices.link.opening import ConnectionOpener
from facecoach.devices.link.options import LinkOptions
from facecoach.devices.link.reconnection import Reconnection
from facecoach.devices.link.status_reports import StatusReports
from facecoach.devices.protocol.codec import DecodedNotification, FrameCodec
from facecoach.devices.protocol.profile import (
    CommandName,
    DeviceProfile,
    DeviceProgram,
    NotificationKind,
)
from facecoach.devices.protocol.scheduled import scheduled_args
from facecoach.devices.protocol.status import DeviceStatus, LinkState
from facecoach.devices.protocol.trace import TraceEventKind, TraceWriter


class DeviceLink:
    """A connection to one device described by `profile`."""

    def __init__(
        self,
        profile: DeviceProfile,
        address: str,
        *,
        name: str | None = None,
        options: LinkOptions | None = None,
        on_event: LinkListener | None = None,
    ) -> None:
        self.profile = profile
        self.address = address
        self.name = name or profile.name
        self.options = options or LinkOptions()
        self.state = LinkState.DISCONNECTED
        self.status = DeviceStatus()
        self.selected_program: DeviceProgram | None = None
        self._client: BleakClient | None = None
        # Set by disconnect(): the connection's end that follows is not a drop.
        self._closing = False
        self._announcer = LinkAnnouncer(on_event)
        self._reports = StatusReports(profile, self.name, self._announcer)
        self._opener = ConnectionOpener(profile, address, self.name, self.options)
        codec = FrameCodec(profile) if profile.framing is not None else None
        self._fragments = (
            NotificationReassembler(
                profile, codec, self.name, self._announcer, on_message=self._take
            )
            if codec is not None
            else None
        )
        self._commands = CommandChannel(
            profile,
            codec,
            self.name,
            address,
            connection=self._connected_client,
            fragments=self._fragments,
            announcer=self._announcer,
            on_charger=lambda: bool(self.status.charging),
        )
        self._keepalive = KeepAliveBeat(
            profile,
            self.name,
            address,
            self._commands,
            self._announcer,
            connection=self._connected_client,
            wall_clock=self.options.wall_clock,
        )
        self._reconnection = Reconnection(
            self.name,
            address,
            self.options.reconnect_delays,
            self._announcer,
            reopen=self._reopen,
            on_lost=self._mark_lost,
        )

    def subscribe(self, listener: LinkListener) -> Callable[[], None]:
        return self._announcer.subscribe(listener)

    @property
    def trace(self) -> TraceWriter | None:
        """Set to record every frame and connection event (`facecoach devices record`)."""
        return self._announcer.trace

    @trace.setter
    def trace(self, writer: TraceWriter | None) -> None:
        self._announcer.trace = writer

    @property
    def is_connected(self) -> bool:
        return self.state is LinkState.CONNECTED and self._client is not None

    @property
    def bad_frames(self) -> int:
        """Messages from the device that were damaged, unknown or never ended."""
        return self._fragments.bad_frames if self._fragments is not None else 0

    @property
    def keepalives_sent(self) -> int:
        return self._keepalive.sent

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
        self._announcer.emit(LinkEventKind.CONNECTED, f"Connected to {self.name}.")

    async def disconnect(self) -> None:
        self._closing = True
        # The reconnection first: it may be setting a connection up, keep-alive and all.
        await self._reconnection.stop()
        await self._keepalive.stop()
        self._commands.fail_waiters(ConnectionFailed(f"{self.name} was disconnected."))
        if self._client is not None:
            self._announcer.record(TraceEventKind.CLOSED)
        await self._close_client()
        self.state = LinkState.DISCONNECTED

    async def _open(self, *, pair: bool) -> None:
        self._client = await self._opener.open(
            pair=pair, on_disconnected=self._on_disconnected, on_notification=self._on_notification
        )
        # Recorded here, before the writes the profile makes on connecting.
        self._announcer.record(TraceEventKind.CONNECTED)

    async def _set_up(self) -> None:
        """What the profile says goes on every connection: its writes (the clock, a soft
        limit), then the keep-alive for as long as the link lasts."""
        if self._fragments is not None:
            self._fragments.clear()  # a piece of a message from an earlier connection
        for write in self.profile.on_connect:
            now = self.options.wall_clock()
            args = scheduled_args(write, self.profile, unix_time=now, counter=0)
            await self._commands.send(write.command, args)
        if self.profile.keepalive is not None:
            await self._keepalive.start(self.profile.keepalive)

    async def _let_go(self) -> None:
        """Closes the connection without ending the link (a set-up that failed on
        reconnecting); its disconnection is not a drop."""
        await self._keepalive.stop()
        await self._close_client()

    async def _close_client(self) -> None:
        # Forgotten first, so that its disconnected callback does not take it for a drop.
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(BleakError, asyncio.TimeoutError, OSError):
                await client.disconnect()

    def _connected_client(self) -> BleakClient | None:
        return self._client if self.state is LinkState.CONNECTED else None

    # -- dropping and coming back -----------------------------------------------------------

    def _on_disconnected(self, client: BleakClient) -> None:
        if self._closing or client is not self._client:
            return
        self._client = None
        self._keepalive.halt()
        self._commands.fail_waiters(ConnectionFailed(f"{self.name} disconnected."))
        was_running = bool(self.status.running)
        self.status = replace(self.status, running=False)
        self.state = LinkState.RECONNECTING
        text = f"Lost the connection to {self.name}; reconnecting."
        if was_running:
            text += " Stimulation stopped and will not restart by itself."
        self._announcer.emit(LinkEventKind.DROPPED, text)
        self._reconnection.start()  # a drop while one is under way is one of its tries

    def _mark_lost(self) -> None:
        self.state = LinkState.LOST

    async def _reopen(self) -> None:
        """One try of the reconnection: a connection opened, set up and its program selected
        again, or let go and the failure raised."""
        await self._open(pair=False)
        self.state = LinkState.CONNECTED
        try:
            # Before anything else: what happened while nobody listened (the device put on
            # its charger, stopped by its button) is heard now, as a status report.
            if CommandName.QUERY_STATUS in self.profile.commands:
                await self._commands.send(CommandName.QUERY_STATUS, {})
            await self._set_up()
        except DeviceError:
            # Connected, but not set up (no keep-alive): not a connection to keep.
            await self._let_go()
            self.state = LinkState.RECONNECTING
            raise
        if self.selected_program is not None:
            with contextlib.suppress(DeviceError):  # a drop here is seen just below
                await self._commands.send(
                    CommandName.SELECT_PROGRAM, {self._select_arg: self.selected_program.code}
                )
        if self._client is None:
            raise ConnectionFailed(f"{self.name} dropped again while it was being set up.")

    # -- what the device says ---------------------------------------------------------------

    def _on_notification(self, _sender: object, data: bytearray) -> None:
        assert self._fragments is not None
        self._announcer.record(TraceEventKind.NOTIFY, bytes(data))
        self._fragments.feed(bytes(data), asyncio.get_running_loop().time())

    def _take(self, notification: DecodedNotification) -> None:
        if notification.kind is NotificationKind.STATUS:
            self.status = self._reports.take(self.status, notification)
            self._announcer.emit(LinkEventKind.STATUS, "")
        self._commands.answer(notification)

    # -- what the app asks for --------------------------------------------------------------

    async def send(
        self, name: str, args: dict[str, int] | None = None
    ) -> DecodedNotification | None:
        """Sends one command and waits for the device's confirmation."""
        answer = await self._commands.send(name, args or {})
        if name == CommandName.STOP and self.status.running:
            # Confirmed: its output is stopped (a device need not send its status for that).
            self.status = replace(self.status, running=False)
        return answer

    @property
    def _select_arg(self) -> str:
        return self.profile.commands[CommandName.SELECT_PROGRAM].inputs[0].name

    async def select_program(self, program_id: str) -> DeviceProgram:
        try:
            program = self.profile.program(program_id)
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        await self._commands.send(CommandName.SELECT_PROGRAM, {self._select_arg: program.code})
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
        await self._commands.send(CommandName.SET_INTENSITY, {command.inputs[0].name: capped})
        self.status = replace(self.status, intensity=capped)
        return capped

    async def query_status(self) -> DeviceStatus:
        if CommandName.QUERY_STATUS in self.profile.commands:
            await self._commands.send(CommandName.QUERY_STATUS, {})
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
        return await battery_level(client, endpoint.uuid, self.name, self._announcer)

    async def read_device_info(self) -> dict[str, str]:
        client = self._client
        if client is None:
            raise CommandError(f"{self.name} is not connected.")
        return await device_information(client, self._announcer)
