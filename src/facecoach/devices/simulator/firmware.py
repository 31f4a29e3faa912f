"""SimulatedFirmware: a device's behaviour built from its profile, with no radio and no bleak.

It takes the bytes the app writes, answers framed exactly as the profile says, and keeps the state
a real device would: program, intensity, battery that drains while stimulating, charger, skin
contact, the intensity limit the app set on it, and the keep-alive's deadline (past it, the
output stops, as a real device's dead-man switch stops it). Faults that tests inject (a lost,
late or corrupt answer) are decided here or in the bleak backend that carries the bytes.
"""

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from facecoach.devices.errors import FrameError, IncompleteFrame
from facecoach.devices.protocol.codec import DecodedCommand, FieldValues, FrameCodec
from facecoach.devices.protocol.profile import (
    AckKind,
    CommandName,
    DeviceProfile,
    NotificationKind,
)

ACK_DONE = 0
ACK_REFUSED_CHARGING = 1
ACK_REFUSED_NO_PROGRAM = 2
ACK_REFUSED_BATTERY = 3
ACK_REFUSED_LIMIT = 4

# What the simulated electrodes read, in the tenths of a degree a status may carry.
SKIN_TEMPERATURE = 312

# Drains about 1 % per minute of stimulation: a 20-minute session takes a fifth of the charge.
DRAIN_PER_SECOND = 1.0 / 60.0
LOW_BATTERY_CUTOFF = 5


# How many of the latest commands a simulated device keeps (about 200 B each): `simulator
# serve` runs for days under centrals that reconnect, and must not grow with them.
KEPT_COMMANDS = 1000


class CommandLog(Sequence[DecodedCommand]):
    """The latest commands a device understood, oldest first (at most `kept`), and how many
    it understood in all."""

    def __init__(self, kept: int = KEPT_COMMANDS) -> None:
        self._latest: deque[DecodedCommand] = deque(maxlen=kept)
        self.total = 0

    def append(self, command: DecodedCommand) -> None:
        self._latest.append(command)
        self.total += 1

    def since(self, total: int) -> list[DecodedCommand]:
        """The commands understood after the first `total` (those still kept)."""
        count = min(self.total - total, len(self._latest))
        return list(self._latest)[len(self._latest) - count :] if count > 0 else []

    def __len__(self) -> int:
        return len(self._latest)

    def __iter__(self) -> Iterator[DecodedCommand]:
        return iter(self._latest)

    @overload
    def __getitem__(self, index: int) -> DecodedCommand: ...
    @overload
    def __getitem__(self, index: slice) -> list[DecodedCommand]: ...
    def __getitem__(self, index: int | slice) -> DecodedCommand | list[DecodedCommand]:
        if isinstance(index, slice):
            return list(self._latest)[index]
        return self._latest[index]


@dataclass(frozen=True)
class Answer:
    """What a firmware sends back for one write: each frame with how long after the write it
    goes out (0: as soon as the write returns), and a drop of the link after a while, if any."""

    frames: list[tuple[float, bytes]]
    drop_after: float | None = None


@dataclass
class Faults:
    """What goes wrong next. Counters count down as the fault happens."""

    drop_replies: int = 0  # answers lost in the air
    corrupt_replies: int = 0  # answers with a damaged checksum
    reply_delay: float = 0.0  # seconds before an answer arrives (late acks)
    early_replies: bool = False  # answer arrives before the write call returns
    disconnect_after_writes: int | None = None  # the link drops after this many more writes
    refuse_connections: int = 0  # connection attempts that fail before one succeeds
    refuse_subscriptions: int = 0  # subscriptions to notifications refused (in-process)
    crash_on_writes: int = 0  # writes on which the firmware itself fails (raises)
    ignored_writes: int = 0  # writes taken by the radio that the firmware never sees (a hang)
    split_replies: int = 0  # answers sent in notifications of at most this many bytes (0: whole)
    cut_replies: int = 0  # answers whose last notification never comes (a message left unended)


class SimulatedFirmware:
    """The device end of the protocol described by `profile`."""

    def __init__(
        self,
        profile: DeviceProfile,
        clock: Callable[[], float],
        *,
        battery: float = 80.0,
        charging: bool = False,
        contact: bool = True,
    ) -> None:
        self.profile = profile
        self._clock = clock
        self._codec = FrameCodec(profile) if profile.framing is not None else None
        default = profile.default_program
        self.program_code = profile.program(default).code if default else 0
        self.intensity = 1
        self._battery = battery
        self._battery_at = clock()
        self.charging = charging
        self.contact = contact
        self.running = False
        self.received = CommandLog()
        # Why the latest frames it could not parse were dropped (the latest KEPT_COMMANDS).
        self.rejected_frames: deque[str] = deque(maxlen=KEPT_COMMANDS)
        # The last arguments of each command beyond the five (the clock, a limit, a timer).
        self.settings: dict[str, dict[str, int]] = {}
        # The device's own intensity limit, once the app set it (a soft limit): above it, a
        # level is refused. Which argument sets it, the profile's writes on connecting say.
        self.device_limit: int | None = None
        self._limit_args = profile.limit_arguments()
        self._buffer = b""
        self._started_at = 0.0
        keepalive = profile.keepalive
        self._keepalive_timeout = keepalive.timeout_ms / 1000 if keepalive else None
        self._keepalive_at = 0.0
        # Set when the device stopped itself because the keep-alive did not come in time.
        self.keepalive_lost = False
        self.keepalive_stops = 0

    # -- state ------------------------------------------------------------------------------

    @property
    def battery(self) -> int:
        self._drain()
        return max(0, min(100, round(self._battery)))

    def set_battery(self, percent: float) -> None:
        self._drain()
        self._battery = percent

    def plug_in(self, charging: bool = True) -> None:
        self.charging = charging
        if charging:
            self.stop_stimulation()

    def stop_stimulation(self) -> None:
        self._drain()
        self.running = False

    def start_stimulation(self) -> bool:
        """Starts the output (a start command, or the device's own button), unless it is on
        its charger or flat. True when it runs."""
        self._drain()
        if self.charging or self.battery <= LOW_BATTERY_CUTOFF:
            return False
        self.running = True
        self.keepalive_lost = False
        now = self._clock()
        self._started_at = now
        # A full timeout from the start for the first keep-alive.
        self._keepalive_at = now
        return True

    def keepalive_deadline(self) -> float | None:
        """When the device stops by itself unless a keep-alive comes (clock time), or None."""
        if not self.running or self._keepalive_timeout is None:
            return None
        return self._keepalive_at + self._keepalive_timeout

    def keepalive_remaining(self) -> float | None:
        """Seconds until the keep-alive's deadline, or None while it does not apply."""
        deadline = self.keepalive_deadline()
        return None if deadline is None else deadline - self._clock()

    def settle(self) -> bool:
        """Brings the state up to now; True when the keep-alive's deadline just stopped it."""
        before = self.keepalive_stops
        self._drain()
        return self.keepalive_stops > before

    def _drain(self) -> None:
        now = self._clock()
        deadline = self.keepalive_deadline()
        if deadline is not None and now > deadline:
            # The dead-man switch: the output stops at the deadline, not when someone looks.
            self._battery -= (deadline - self._battery_at) * DRAIN_PER_SECOND
            self._battery_at = deadline
            self.running = False
            self.keepalive_lost = True
            self.keepalive_stops += 1
        if self.running:
            self._battery -= (now - self._battery_at) * DRAIN_PER_SECOND
            if self._battery <= LOW_BATTERY_CUTOFF:
                self.running = False
        self._battery_at = now

    def status_values(self) -> FieldValues:
        battery = self.battery  # settles the state first
        return {
            "program": self.program_code,
            "intensity": self.intensity,
            "battery": battery,
            "charging": self.charging,
            "contact": self.contact,
            "running": self.running,
            "keepalive_lost": self.keepalive_lost,
            "temperature": SKIN_TEMPERATURE,
            "elapsed": round(self._clock() - self._started_at) if self.running else 0,
        }

    def status_frame(self, sequence: int = 0) -> bytes | None:
        """A status notification, for devices that send one."""
        status = self.profile.notification_of(NotificationKind.STATUS)
        if self._codec is None or status is None:
            return None
        return self._codec.encode_notification(status[0], self.status_values(), sequence)

    # -- protocol ---------------------------------------------------------------------------

    def answer(self, data: bytes) -> Answer:
        """Takes one write; a simulated device answers at once."""
        return Answer([(0.0, frame) for frame in self.receive(data)])

    def receive(self, data: bytes) -> list[bytes]:
        """Takes one write; returns the notifications it causes (possibly none, if incomplete)."""
        if self._codec is None:
            return []
        self._buffer += data
        replies: list[bytes] = []
        while self._buffer:
            try:
                command = self._codec.decode_command(self._buffer)
            except IncompleteFrame:
                break
            except FrameError as exc:
                # A real device drops what it cannot parse; so does this one.
                self.rejected_frames.append(str(exc))
                self._buffer = b""
                break
            self._buffer = self._buffer[command.size :]
            self.received.append(command)
            replies.extend(self._execute(command))
        return replies

    def _execute(self, command: DecodedCommand) -> list[bytes]:
        assert self._codec is not None
        result = self._apply(command)
        rule = self.profile.commands[command.name].ack
        sequence = command.sequence or 0
        if rule.kind is AckKind.NONE:
            return []
        ack = self.profile.notification_of(NotificationKind.ACK)
        if rule.kind is AckKind.ACK and ack is not None:
            name = ack[0]
            opcode = self.profile.commands[command.name].opcode
            return [
                self._codec.encode_notification(name, {"of": opcode, "result": result}, sequence)
            ]
        frame = self.status_frame(sequence)
        return [frame] if frame is not None else []

    def _apply(self, command: DecodedCommand) -> int:
        self._drain()
        if command.name == CommandName.SELECT_PROGRAM:
            code = next(iter(command.args.values()))
            if self.profile.program_by_code(code) is None:
                return ACK_REFUSED_NO_PROGRAM
            self.program_code = code
        elif command.name == CommandName.SET_INTENSITY:
            level = next(iter(command.args.values()))
            if self.device_limit is not None and level > self.device_limit:
                return ACK_REFUSED_LIMIT
            self.intensity = level
        elif command.name == CommandName.START:
            if self.charging:
                return ACK_REFUSED_CHARGING
            if self.battery <= LOW_BATTERY_CUTOFF:
                return ACK_REFUSED_BATTERY
            self.start_stimulation()
        elif command.name == CommandName.STOP:
            self.running = False
        elif self.profile.keepalive is not None and command.name == self.profile.keepalive.command:
            self._keepalive_at = self._clock()
        elif command.name not in set(CommandName):
            self.settings[command.name] = dict(command.args)
            for arg_name in self._limit_args.get(command.name, ()):
                self.device_limit = command.args[arg_name]
        return ACK_DONE

    def on_disconnect(self) -> None:
        self._buffer = b""
        if self.profile.limits.stop_on_disconnect:
            self.stop_stimulation()
