"""FrameCodec: a profile's framing turned into bytes and back, in both directions.

The app encodes commands and decodes notifications; the simulated device does the reverse with
the same code, so a frame layout is written down once, in the profile.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from facecoach.devices.errors import CommandError, FrameError, IncompleteFrame
from facecoach.devices.protocol.checksums import checksum
from facecoach.devices.protocol.fields import PayloadLayout, lay_out
from facecoach.devices.protocol.profile import (
    Command,
    CommandName,
    DeviceProfile,
    FramePart,
    Framing,
    Notification,
    NotificationField,
    NotificationKind,
)
from facecoach.devices.protocol.shared_opcodes import command_for_values

FieldValues = dict[str, int | bool]


@dataclass(frozen=True, slots=True)
class PayloadShape:
    """The payload sizes an opcode takes: `minimum`, plus any number of `step` bytes (a
    repeated last field; 0 for a fixed size)."""

    minimum: int
    step: int = 0

    def holds(self, size: int) -> bool:
        if not self.step:
            return size == self.minimum
        return size >= self.minimum and (size - self.minimum) % self.step == 0

    def describe(self) -> str:
        if not self.step:
            return str(self.minimum)
        return f"{self.minimum} + {self.step} x N"


PayloadSize = Callable[[int], PayloadShape | None]  # opcode -> its payload sizes, None: unknown


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
        return self.decode_notification_start(data)[0]

    def decode_notification_start(self, data: bytes) -> tuple[DecodedNotification, int]:
        """The notification at the start of `data`, and the bytes it takes: a stream of
        notifications may hold a message in pieces, or several in one. Raises IncompleteFrame
        when `data` is the start of a message still to be completed."""
        opcode, sequence, payload, size = self._unframe(
            self.notify_framing, bytes(data), self._notification_size
        )
        name, spec = self._notifications_by_opcode[opcode]
        values = self._unpack_fields(spec, payload)
        return DecodedNotification(name, spec.kind, sequence, values), size

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
        fields = self._fields_of(spec, values)
        raw: list[int] = []
        for item in fields:
            if item.bits:
                raw.append(sum(1 << bit for flag, bit in item.bits.items() if values.get(flag)))
            else:
                low, high = item.type.bounds
                raw.append(min(high, max(low, int(values.get(item.name, 0)))))
        payload = self._layout_of(spec, fields).pack(raw)
        return self._frame(self.notify_framing, spec.opcode, sequence, payload)

    @staticmethod
    def _fields_of(
        spec: Notification, values: FieldValues | None = None, count: int = 0
    ) -> list[NotificationField]:
        """The notification's fields, its repeated last one written out `count` times (or as
        many times as `values` give it: name_0, name_1, ...)."""
        repeated = spec.repeated
        if repeated is None:
            return list(spec.fields)
        if values is not None:
            while f"{repeated.name}_{count}" in values:
                count += 1
        copies = [
            repeated.model_copy(update={"name": f"{repeated.name}_{i}", "repeated": False})
            for i in range(count)
        ]
        return [*spec.fields[:-1], *copies]

    def _layout_of(self, spec: Notification, fields: list[NotificationField]) -> PayloadLayout:
        if spec.repeated is None:
            return self._notification_layouts[spec.opcode]
        f = self.notify_framing
        return lay_out([item.spec for item in fields], f.byte_order, f.bit_order)

    # -- framing ----------------------------------------------------------------------------

    @staticmethod
    def _frame(f: Framing, opcode: int, sequence: int, payload: bytes) -> bytes:
        order = f.byte_order.for_int
        frame = bytearray(f.header)
        checksum_at: int | None = None
        for part in f.parts:
            if part is FramePart.OPCODE:
                frame += opcode.to_bytes(f.opcode_size, order)
            elif part is FramePart.SEQUENCE:
                frame += (sequence & ((1 << 8 * f.sequence_size) - 1)).to_bytes(
                    f.sequence_size, order
                )
            elif part is FramePart.LENGTH:
                frame += len(payload).to_bytes(f.length_size, order)
            elif part is FramePart.PAYLOAD:
                frame += payload
            else:
                checksum_at = len(frame)
                frame += bytes(f.checksum.size)
        if checksum_at is not None:
            size = f.checksum.size
            covered = (
                frame[checksum_at + size :]
                if f.checksum_before_payload
                else frame[f.checked_from : checksum_at]
            )
            frame[checksum_at : checksum_at + size] = checksum(f.checksum, bytes(covered)).to_bytes(
                size, order
            )
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
        opcode = -1
        shape: PayloadShape | None = None
        sequence: int | None = None
        length: int | None = None
        payload = b""
        checksum_at: int | None = None
        parts = f.parts
        for index, part in enumerate(parts):
            if part is FramePart.OPCODE:
                if len(data) < at + f.opcode_size:
                    raise IncompleteFrame("frame ends before its opcode")
                opcode = int.from_bytes(data[at : at + f.opcode_size], order)
                at += f.opcode_size
                shape = payload_size(opcode)
                if shape is None:
                    raise FrameError(f"unknown opcode 0x{opcode:02X} for {self.profile.name}")
            elif part is FramePart.SEQUENCE:
                if len(data) < at + f.sequence_size:
                    raise IncompleteFrame("frame ends before its sequence number")
                sequence = int.from_bytes(data[at : at + f.sequence_size], order)
                at += f.sequence_size
            elif part is FramePart.LENGTH:
                if len(data) < at + f.length_size:
                    raise IncompleteFrame("frame ends before its length")
                length = int.from_bytes(data[at : at + f.length_size], order)
                at += f.length_size
            elif part is FramePart.CHECKSUM:
                checksum_at = at
                at += f.checksum.size
            else:
                assert shape is not None  # the order puts the opcode before the payload
                size = self._payload_bytes(f, opcode, shape, length, data, at, parts[index + 1 :])
                if len(data) < at + size:
                    raise IncompleteFrame(
                        f"frame needs {at + size + self._after(f, parts[index + 1 :])} bytes, "
                        f"has {len(data)}"
                    )
                payload = data[at : at + size]
                at += size
        end = at
        if len(data) < end + len(f.trailer):
            raise IncompleteFrame(f"frame needs {end + len(f.trailer)} bytes, has {len(data)}")
        if checksum_at is not None:
            size = f.checksum.size
            got = int.from_bytes(data[checksum_at : checksum_at + size], order)
            covered = (
                data[checksum_at + size : end]
                if f.checksum_before_payload
                else data[f.checked_from : checksum_at]
            )
            want = checksum(f.checksum, covered)
            digits = size * 2
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

    @staticmethod
    def _after(f: Framing, parts: tuple[FramePart, ...]) -> int:
        """Bytes the parts after the payload take, with the trailer."""
        sizes = {
            FramePart.CHECKSUM: f.checksum.size,
            FramePart.SEQUENCE: f.sequence_size,
            FramePart.LENGTH: f.length_size,
            FramePart.OPCODE: f.opcode_size,
        }
        return sum(sizes.get(part, 0) for part in parts) + len(f.trailer)

    def _payload_bytes(
        self,
        f: Framing,
        opcode: int,
        shape: PayloadShape,
        length: int | None,
        data: bytes,
        at: int,
        after: tuple[FramePart, ...],
    ) -> int:
        """How many payload bytes this frame holds: what its length says, its opcode's fixed
        size, or (a repeated field without a length) the rest of the frame."""
        if length is not None:
            if not shape.holds(length):
                raise FrameError(
                    f"opcode 0x{opcode:02X} carries {shape.describe()} payload bytes, "
                    f"the frame says {length}"
                )
            return length
        if not shape.step:
            return shape.minimum
        rest = len(data) - at - self._after(f, after)
        if rest < shape.minimum:
            raise IncompleteFrame(f"frame needs at least {shape.minimum} payload bytes")
        if not shape.holds(rest):
            raise FrameError(
                f"opcode 0x{opcode:02X} carries {shape.describe()} payload bytes, "
                f"the frame holds {rest}"
            )
        return rest

    def _notification_size(self, opcode: int) -> PayloadShape | None:
        found = self._notification_layouts.get(opcode)
        if found is None:
            return None
        _, spec = self._notifications_by_opcode[opcode]
        repeated = spec.repeated
        if repeated is None:
            return PayloadShape(found.size)
        # The layout holds the repeated field once; a payload may hold it any number of times.
        return PayloadShape(found.size - repeated.type.size, repeated.type.size)

    def _command_size(self, opcode: int) -> PayloadShape | None:
        found = self._command_layouts.get(opcode)
        return PayloadShape(found.size) if found else None

    def _command(self, name: str) -> Command:
        try:
            return self.profile.commands[name]
        except KeyError:
            raise CommandError(f"{self.profile.name} has no {name} command") from None

    def _unpack_fields(self, spec: Notification, payload: bytes) -> FieldValues:
        values: FieldValues = {}
        fields = list(spec.fields)
        repeated = spec.repeated
        if repeated is not None:
            fixed = self._notification_layouts[spec.opcode].size - repeated.type.size
            fields = self._fields_of(spec, count=(len(payload) - fixed) // repeated.type.size)
        layout = self._layout_of(spec, fields)
        for item, raw in zip(fields, layout.unpack(payload), strict=True):
            if item.bits:
                for flag, bit in item.bits.items():
                    values[flag] = bool(raw >> bit & 1)
            else:
                values[item.name] = raw
        return values
