"""FrameCodec: a profile's framing turned into bytes and back, in both directions.

The app encodes commands and decodes notifications; the simulated device does the reverse with
the same code, so a frame layout is written down once, in the profile.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from facecoach.devices.errors import CommandError, FrameError, IncompleteFrame
from facecoach.devices.protocol.checksums import checksum
from facecoach.devices.protocol.fields import PayloadLayout
from facecoach.devices.protocol.profile import (
    Command,
    CommandName,
    DeviceProfile,
    Framing,
    Notification,
    NotificationKind,
)
from facecoach.devices.protocol.shared_opcodes import command_for_values

FieldValues = dict[str, int | bool]
PayloadSize = Callable[[int], int | None]  # opcode -> payload bytes, None if unknown


@dataclass(frozen=True, slots=True)
class DecodedNotification:
    name: str
    kind: NotificationKind
    sequence: int | None
    values: FieldValues = field(default_factory=dict)

    def as_vector(self) -> dict[str, int | str | bool]:
        """The form golden vectors are written in."""
        out: dict[str, int | str | bool] = {"kind": self.kind.value}
        if self.sequence is not None:
            out["sequence"] = self.sequence
        out.update(self.values)
        return out


@dataclass(frozen=True, slots=True)
class DecodedCommand:
    name: str  # a CommandName for the five facecoach knows
    sequence: int | None
    args: dict[str, int]
    size: int  # bytes the frame took, so a stream can move on to the next one


class FrameCodec:
    """Encodes and decodes one profile's frames."""

    def __init__(self, profile: DeviceProfile) -> None:
        if profile.framing is None:
            raise CommandError(f"{profile.name} takes no commands (its profile has no framing)")
        self.profile = profile
        self.framing: Framing = profile.framing
        # The device's answers may start (or end, or be checked) differently.
        self.notify_framing: Framing = profile.framing.for_notifications()
        # Several commands may share an opcode, told apart by a fixed value (shared_opcodes).
        self._commands_by_opcode: dict[int, list[tuple[str, Command]]] = {}
        for name, command in profile.commands.items():
            self._commands_by_opcode.setdefault(command.opcode, []).append((name, command))
        self._notifications_by_opcode = {
            n.opcode: (name, n) for name, n in profile.notifications.items()
        }
        # Arguments that set the device's own intensity limit: never above facecoach's.
        self._limit_args = profile.limit_arguments()
        framing = self.framing
        self._command_layouts = {c.opcode: c.layout(framing) for c in profile.commands.values()}
        self._notification_layouts = {
            n.opcode: n.layout(framing) for n in profile.notifications.values()
        }

    # -- app side ---------------------------------------------------------------------------

    def encode_command(self, name: str, args: dict[str, int], sequence: int = 0) -> bytes:
        command = self._command(name)
        expected = {arg.name for arg in command.inputs}
        if set(args) != expected:
            missing = sorted(expected - set(args))
            extra = sorted(set(args) - expected)
            raise CommandError(
                f"{name} takes {sorted(expected) or 'no arguments'}"
                + (f"; missing {missing}" if missing else "")
                + (f"; unknown {extra}" if extra else "")
            )
        values: list[int] = []
        for arg in command.args:
            if arg.value is not None:
                values.append(arg.value)
                continue
            value = args[arg.name]
            low, high = arg.range
            if not low <= value <= high:
                raise CommandError(f"{name}: {arg.name} must be from {low} to {high} (got {value})")
            values.append(value)
        limit = self.profile.limits.max_intensity
        if name == CommandName.SET_INTENSITY:
            level = args[command.inputs[0].name]
            if level > limit:
                raise CommandError(f"intensity {level} is above this device's limit of {limit}")
        for arg_name in self._limit_args.get(name, ()):
            if args[arg_name] > limit:
                raise CommandError(
                    f"{name}: {arg_name} {args[arg_name]} would set the device's own limit "
                    f"above facecoach's limit of {limit}"
                )
        payload = self._command_layouts[command.opcode].pack(values)
        return self._frame(self.framing, command.opcode, sequence, payload)

    def decode_notification(self, data: bytes) -> DecodedNotification:
        opcode, sequence, payload, _ = self._unframe(
            self.notify_framing, bytes(data), self._notification_size
        )
        name, spec = self._notifications_by_opcode[opcode]
        return DecodedNotification(name, spec.kind, sequence, self._unpack_fields(spec, payload))

    # -- device side (the simulator) --------------------------------------------------------

    def decode_command(self, data: bytes) -> DecodedCommand:
        opcode, sequence, payload, size = self._unframe(
            self.framing, bytes(data), self._command_size
        )
        candidates = self._commands_by_opcode[opcode]
        raw = self._command_layouts[opcode].unpack(payload)
        name, command = candidates[0]
        if len(candidates) > 1:
            found = command_for_values(candidates, raw)
            if found is None:
                names = ", ".join(n for n, _ in candidates)
                raise FrameError(
                    f"opcode 0x{opcode:02X} with payload {payload.hex(' ').upper()} fits none "
                    f"of its commands ({names})"
                )
            name, command = found, self.profile.commands[found]
        # Fixed values (reserved bits) are the frame's, not arguments anyone gave.
        args = {
            arg.name: value
            for arg, value in zip(command.args, raw, strict=True)
            if arg.value is None
        }
        return DecodedCommand(name, sequence, args, size)

    def encode_notification(self, name: str, values: FieldValues, sequence: int = 0) -> bytes:
        spec = self.profile.notifications[name]
        raw: list[int] = []
        for item in spec.fields:
            if item.bits:
                raw.append(sum(1 << bit for flag, bit in item.bits.items() if values.get(flag)))
            else:
                low, high = item.type.bounds
                raw.append(min(high, max(low, int(values.get(item.name, 0)))))
        payload = self._notification_layouts[spec.opcode].pack(raw)
        return self._frame(self.notify_framing, spec.opcode, sequence, payload)

    # -- framing ----------------------------------------------------------------------------

    @property
    def overhead(self) -> int:
        return self.framing.overhead

    @staticmethod
    def _frame(f: Framing, opcode: int, sequence: int, payload: bytes) -> bytes:
        order = f.byte_order.for_int
        frame = bytearray(f.header)
        frame += opcode.to_bytes(f.opcode_size, order)
        if f.sequence:
            frame.append(sequence & 0xFF)
        if f.length:
            frame += len(payload).to_bytes(f.length_size, order)
        frame += payload
        size = f.checksum.size
        if size:
            frame += checksum(f.checksum, bytes(frame[f.checked_from :])).to_bytes(size, order)
        return bytes(frame + f.trailer)

    def _unframe(
        self, f: Framing, data: bytes, payload_size: PayloadSize
    ) -> tuple[int, int | None, bytes, int]:
        header = f.header
        order = f.byte_order.for_int
        if len(data) < len(header) + f.opcode_size:
            raise IncompleteFrame(f"frame too short ({len(data)} bytes)")
        if data[: len(header)] != header:
            raise FrameError(
                f"frame does not start with the header {header.hex(' ').upper()} "
                f"(got {data[: len(header)].hex(' ').upper()})"
            )
        at = len(header)
        opcode = int.from_bytes(data[at : at + f.opcode_size], order)
        at += f.opcode_size
        expected = payload_size(opcode)
        if expected is None:
            raise FrameError(f"unknown opcode 0x{opcode:02X} for {self.profile.name}")
        sequence: int | None = None
        if f.sequence:
            if len(data) <= at:
                raise IncompleteFrame("frame ends before its sequence number")
            sequence = data[at]
            at += 1
        if f.length:
            if len(data) < at + f.length_size:
                raise IncompleteFrame("frame ends before its length")
            length = int.from_bytes(data[at : at + f.length_size], order)
            at += f.length_size
            if length != expected:
                raise FrameError(
                    f"opcode 0x{opcode:02X} carries {expected} payload bytes, "
                    f"the frame says {length}"
                )
        end = at + expected + f.checksum.size
        if len(data) < end + len(f.trailer):
            raise IncompleteFrame(f"frame needs {end + len(f.trailer)} bytes, has {len(data)}")
        payload = data[at : at + expected]
        if f.checksum.size:
            got = int.from_bytes(data[at + expected : end], order)
            want = checksum(f.checksum, data[f.checked_from : at + expected])
            digits = f.checksum.size * 2
            if got != want:
                raise FrameError(
                    f"checksum mismatch ({f.checksum.value}: expected "
                    f"0x{want:0{digits}X}, got 0x{got:0{digits}X}); the frame was damaged"
                )
        if data[end : end + len(f.trailer)] != f.trailer:
            raise FrameError(
                f"frame does not end with {f.trailer.hex(' ').upper()} "
                f"(got {data[end : end + len(f.trailer)].hex(' ').upper()})"
            )
        return opcode, sequence, payload, end + len(f.trailer)

    def _notification_size(self, opcode: int) -> int | None:
        found = self._notification_layouts.get(opcode)
        return found.size if found else None

    def _command_size(self, opcode: int) -> int | None:
        found = self._command_layouts.get(opcode)
        return found.size if found else None

    def _command(self, name: str) -> Command:
        try:
            return self.profile.commands[name]
        except KeyError:
            raise CommandError(f"{self.profile.name} has no {name} command") from None

    def _unpack_fields(self, spec: Notification, payload: bytes) -> FieldValues:
        values: FieldValues = {}
        layout: PayloadLayout = self._notification_layouts[spec.opcode]
        for item, raw in zip(spec.fields, layout.unpack(payload), strict=True):
            if item.bits:
                for flag, bit in item.bits.items():
                    values[flag] = bool(raw >> bit & 1)
            else:
                values[item.name] = raw
        return values
