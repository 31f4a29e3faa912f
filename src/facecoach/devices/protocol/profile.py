"""The device profile: everything facecoach knows about a device family, as validated data.

A profile is never code. It says how to recognise the device from its advertisements, where its
GATT endpoints are, how commands are framed and acknowledged, how notifications decode, which
programs it offers, its safety limits, and golden vectors that pin its byte layout. Version 2
adds commands beyond the five, writes the app makes by itself (on connecting, a keep-alive) and
payloads laid out to the bit (`fields.py`). Validation refuses whatever would only fail at run
time, with what to do about it.
"""

import difflib
import re
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, model_validator

from facecoach.devices.protocol.checksums import ChecksumKind
from facecoach.devices.protocol.fields import (
    BitOrder,
    ByteOrder,
    FieldSpec,
    FieldType,
    LayoutError,
    PayloadLayout,
    lay_out,
)
from facecoach.devices.protocol.shared_opcodes import shared_opcode_problems, shares_an_opcode
from facecoach.problems import problem_clause
from facecoach.units import Unit

# Version 2 adds what version 1 cannot say: commands beyond the five facecoach knows, writes
# made on every connection, a keep-alive, bit-packed and wide fields, a byte order per field.
# A file keeps version 1 as long as it uses none of these, so older facecoach still reads it.
# Version 3 adds frame layouts of real devices: start bytes per direction, a trailer, a
# checksum range, inverted sums and more CRC-16s, two-byte opcodes and lengths.
# Version 4 adds the order of a frame's parts (a checksum before the payload), a two-byte
# sequence number and payloads whose last field repeats (variable length).
PROFILE_SCHEMA_VERSION = 4

_UUID_128 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_BASE_UUID_TAIL = "-0000-1000-8000-00805f9b34fb"


def normalize_uuid(value: object) -> str:
    """'180F', '0x180f' or a 128-bit UUID in any case -> the 128-bit lowercase form bleak uses."""
    if not isinstance(value, str):
        raise ValueError("a UUID must be a string such as '180f' or a 128-bit UUID")
    text = value.strip().lower().removeprefix("0x")
    if re.fullmatch(r"[0-9a-f]{4}", text):
        return f"0000{text}{_BASE_UUID_TAIL}"
    if re.fullmatch(r"[0-9a-f]{8}", text):
        return f"{text}{_BASE_UUID_TAIL}"
    if _UUID_128.fullmatch(text):
        return text
    raise ValueError(f"{value!r} is not a Bluetooth UUID (4 or 8 hex digits, or 128-bit)")


def parse_hex_bytes(value: object) -> bytes:
    """'A5 10 01', 'a51001' or a list of integers 0-255 -> bytes."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, list):
        if not all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b <= 255 for b in value):
            raise ValueError("a byte list must hold integers from 0 to 255")
        return bytes(value)
    if isinstance(value, str):
        text = re.sub(r"[\s:_-]", "", value)
        if len(text) % 2 or not re.fullmatch(r"[0-9a-fA-F]*", text):
            raise ValueError(f"{value!r} is not hex bytes such as 'A5 10 01'")
        return bytes.fromhex(text)
    raise ValueError("bytes must be written as hex text ('A5 10') or a list of integers")


Uuid = Annotated[str, BeforeValidator(normalize_uuid)]
HexBytes = Annotated[bytes, BeforeValidator(parse_hex_bytes)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Capability(StrEnum):
    BATTERY = "battery"
    DEVICE_INFO = "device_info"
    CHARGING = "charging"
    PROGRAMS = "programs"
    INTENSITY = "intensity"
    STIMULATION = "stimulation"
    SKIN_CONTACT = "skin_contact"


# Home Assistant's LOCAL_NAME_MIN_MATCH_LENGTH: a name is looked up by its first 3 characters.
LOCAL_NAME_LITERAL_START = 3


class Matcher(_Strict):
    """One way to recognise the device; every key given must hold (Home Assistant semantics)."""

    local_name: str | None = Field(default=None, min_length=1, max_length=64)
    service_uuid: Uuid | None = None
    service_data_uuid: Uuid | None = None
    manufacturer_id: int | None = Field(default=None, ge=0, le=0xFFFF)
    manufacturer_data_start: HexBytes | None = None
    # Home Assistant's meaning: unset or true needs a connectable advertisement, false takes
    # either kind.
    connectable: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        keys = self.model_dump(exclude_none=True)
        if not keys or set(keys) == {"connectable"}:
            raise ValueError("a matcher needs at least one key besides connectable")
        if self.manufacturer_data_start is not None and self.manufacturer_id is None:
            raise ValueError("manufacturer_data_start needs manufacturer_id")
        if self.local_name is not None and any(
            c in "*[" for c in self.local_name[:LOCAL_NAME_LITERAL_START]
        ):
            # Home Assistant's rule, to the letter (its `_local_name_to_index_key`): a pattern
            # that starts with a wildcard matches too many devices. A shorter name, or a `?`
            # there, it accepts (see `matching.py` for what such a pattern then matches).
            raise ValueError(
                f"local_name may not have * or [ among its first {LOCAL_NAME_LITERAL_START} "
                f"characters (for example 'NFC*', not {self.local_name!r})"
            )
        return self

    @property
    def specificity(self) -> int:
        """How many keys must hold; a more specific match wins over a generic one."""
        return len(self.model_dump(exclude_none=True))


class WriteMode(StrEnum):
    WITH_RESPONSE = "with_response"
    WITHOUT_RESPONSE = "without_response"


class CommandEndpoint(_Strict):
    uuid: Uuid
    write: WriteMode = WriteMode.WITH_RESPONSE


class Endpoint(_Strict):
    uuid: Uuid


class GattLayout(_Strict):
    """Where the device's endpoints are. Battery and device information are the standard ones."""

    service: Uuid | None = None
    command: CommandEndpoint | None = None
    notify: Endpoint | None = None
    battery: Endpoint | None = None
    device_info: bool = True
    max_write: Annotated[int, Unit.BYTES] = Field(default=20, ge=1, le=512)
    bond: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        # A command endpoint may come alone (a device that never answers, as FOREO's): its
        # commands are then answered by nothing, which the profile checks.
        if self.notify is not None and self.command is None:
            raise ValueError(
                "a notify endpoint needs the command endpoint whose commands it answers"
            )
        if self.command is not None and self.service is None:
            raise ValueError("a device with a command endpoint needs its service UUID")
        return self


class FramePart(StrEnum):
    """A part of a frame between its header and its trailer (`framing.order`)."""

    OPCODE = "opcode"
    SEQUENCE = "sequence"
    LENGTH = "length"
    CHECKSUM = "checksum"
    PAYLOAD = "payload"


DEFAULT_ORDER = (
    FramePart.OPCODE,
    FramePart.SEQUENCE,
    FramePart.LENGTH,
    FramePart.PAYLOAD,
    FramePart.CHECKSUM,
)


class NotificationFraming(_Strict):
    """How notifications are framed where it differs from commands (schema version 3): many
    devices answer with their own start bytes, length or checksum. A key left out is the
    command's."""

    header: HexBytes | None = Field(default=None, max_length=4)
    length: bool | None = None
    length_size: Literal[1, 2] | None = None
    checksum: ChecksumKind | None = None
    checksum_start: int | None = Field(default=None, ge=0, le=4)
    trailer: HexBytes | None = Field(default=None, max_length=2)


class Framing(_Strict):
    """Frame layout: header, opcode, [sequence], [length], payload, checksum, trailer.

    `order` (schema version 4) places the parts between header and trailer otherwise (a
    treadmill sends sequence, opcode, length, checksum, payload). A checksum at the end covers
    everything after the header up to the checksum itself, unless `checksum_start` says where
    it starts (0: the first header byte); a checksum placed before the payload covers what
    follows it, up to the trailer. `byte_order` is the
    checksum's, a two-byte length's and opcode's, and every wide field's that does not name its
    own; `bit_order` is how bit-packed fields fill a byte. `notifications` gives what differs
    for the device's answers.
    """

    header: HexBytes = Field(default=b"", max_length=4)
    # Bytes the opcode takes (schema version 3 for 2).
    opcode_size: Literal[1, 2] = 1
    sequence: bool = False
    # Bytes the sequence number takes (schema version 4 for 2), in byte_order.
    sequence_size: Literal[1, 2] = 1
    length: bool = True
    # Bytes the length takes (schema version 3 for 2), in byte_order.
    length_size: Literal[1, 2] = 1
    checksum: ChecksumKind = ChecksumKind.NONE
    # Where the checksummed bytes start, counted from the frame's first byte (schema version 3);
    # unset: right after the header.
    checksum_start: int | None = Field(default=None, ge=0, le=4)
    # Bytes that end every frame, after the checksum (schema version 3).
    trailer: HexBytes = Field(default=b"", max_length=2)
    byte_order: ByteOrder = ByteOrder.LITTLE
    bit_order: BitOrder = BitOrder.MSB_FIRST
    # The parts between header and trailer, in the order they come (schema version 4); unset:
    # opcode, sequence, length, payload, checksum (those the framing has).
    order: tuple[FramePart, ...] | None = None
    notifications: NotificationFraming | None = None

    @model_validator(mode="after")
    def _check_framing(self) -> Self:
        if self.order is not None:
            self._check_order(self.order)
        for side in (self, self.for_notifications()):
            start = side.checksum_start
            if start is not None and start > len(side.header):
                raise ValueError(
                    f"checksum_start {start} is past the header ({len(side.header)} bytes): "
                    "the checksum starts at the latest right after the header"
                )
        return self

    def _check_order(self, order: tuple[FramePart, ...]) -> None:
        wanted = set(self.parts_present)
        if len(set(order)) != len(order) or set(order) != wanted:
            names = ", ".join(p.value for p in DEFAULT_ORDER if p in wanted)
            raise ValueError(f"framing.order must name each part this framing has, once: {names}")
        at = order.index
        if at(FramePart.OPCODE) > at(FramePart.PAYLOAD):
            raise ValueError("framing.order: the opcode must come before the payload")
        if self.length and at(FramePart.LENGTH) > at(FramePart.PAYLOAD):
            raise ValueError("framing.order: the length must come before the payload")
        if self.checksum_before_payload and self.checksum_start is not None:
            raise ValueError(
                "checksum_start is for a checksum at the end: one placed before the payload "
                "covers what follows it"
            )

    @property
    def parts_present(self) -> tuple[FramePart, ...]:
        """The parts this framing has, in the default order."""
        has = {
            FramePart.OPCODE: True,
            FramePart.SEQUENCE: self.sequence,
            FramePart.LENGTH: self.length,
            FramePart.PAYLOAD: True,
            FramePart.CHECKSUM: self.checksum is not ChecksumKind.NONE,
        }
        return tuple(part for part in DEFAULT_ORDER if has[part])

    @property
    def parts(self) -> tuple[FramePart, ...]:
        """The parts between header and trailer, in the order they come."""
        return self.order if self.order is not None else self.parts_present

    @property
    def checksum_before_payload(self) -> bool:
        """Whether the checksum comes before the payload (and covers what follows it)."""
        parts = self.parts
        return FramePart.CHECKSUM in parts and parts.index(FramePart.CHECKSUM) < parts.index(
            FramePart.PAYLOAD
        )

    @property
    def checked_from(self) -> int:
        """The index of the first byte the checksum covers (a checksum at the end)."""
        return len(self.header) if self.checksum_start is None else self.checksum_start

    def for_notifications(self) -> "Framing":
        """The layout of the device's notifications: this one with what differs."""
        if self.notifications is None:
            return self
        changes = self.notifications.model_dump(exclude_none=True)
        # A checksum that starts after the commands' header starts after the answers' own.
        if (
            "header" in changes
            and "checksum_start" not in changes
            and self.checksum_start is not None
            and self.checksum_start >= len(self.header)
        ):
            changes["checksum_start"] = None
        answers = self.model_copy(update={**changes, "notifications": None})
        if self.order is None:
            return answers
        # The commands' order, with the parts the answers lack left out and those only they
        # have in their default place.
        present = answers.parts_present
        order = [part for part in self.order if part in present]
        if FramePart.LENGTH in present and FramePart.LENGTH not in order:
            order.insert(order.index(FramePart.PAYLOAD), FramePart.LENGTH)
        if FramePart.CHECKSUM in present and FramePart.CHECKSUM not in order:
            order.append(FramePart.CHECKSUM)
        return answers.model_copy(update={"order": tuple(order)})

    def version_3_features(self) -> list[str]:
        """What this framing uses that schema version 2 cannot say."""
        found: list[str] = []
        if self.opcode_size != 1:
            found.append("framing.opcode_size")
        if self.length_size != 1:
            found.append("framing.length_size")
        if self.checksum_start is not None:
            found.append("framing.checksum_start")
        if self.trailer:
            found.append("framing.trailer")
        if self.notifications is not None:
            found.append("framing.notifications")
        if self.checksum.version_3:
            found.append(f"the checksum {self.checksum.value}")
        return found

    def version_4_features(self) -> list[str]:
        """What this framing uses that schema version 3 cannot say."""
        found: list[str] = []
        if self.order is not None:
            found.append("framing.order")
        if self.sequence_size != 1:
            found.append("framing.sequence_size")
        return found


# The field types a version-1 profile could name.
VERSION_1_TYPES = frozenset({FieldType.U8, FieldType.U16, FieldType.I8})


class Argument(_Strict):
    """A typed, range-checked command argument, or a fixed value (reserved bits, a magic byte)
    that the command always carries and nobody passes."""

    name: Identifier
    type: FieldType = FieldType.U8
    order: ByteOrder | None = None
    min: int | None = None
    max: int | None = None
    value: int | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        low, high = self.type.bounds
        for key in ("min", "max", "value"):
            given = getattr(self, key)
            if given is not None and not low <= given <= high:
                raise ValueError(f"{key} {given} does not fit in {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        if self.value is not None and (self.min is not None or self.max is not None):
            raise ValueError("a fixed value takes no min or max")
        return self

    @property
    def spec(self) -> FieldSpec:
        return FieldSpec(self.name, self.type, self.order)

    @property
    def range(self) -> tuple[int, int]:
        low, high = self.type.bounds
        return (
            self.min if self.min is not None else low,
            self.max if self.max is not None else high,
        )


class CommandName(StrEnum):
    SELECT_PROGRAM = "select_program"
    SET_INTENSITY = "set_intensity"
    START = "start"
    STOP = "stop"
    QUERY_STATUS = "query_status"


class AckKind(StrEnum):
    ACK = "ack"  # an ack notification naming the opcode (and sequence, when framed with one)
    STATUS = "status"  # a status notification whose fields show the command took effect
    NONE = "none"  # the device says nothing; the write itself is all we get


class AckRule(_Strict):
    """How the device confirms a command, and how long to wait for it."""

    kind: AckKind = AckKind.ACK
    timeout: Annotated[float, Unit.SECONDS] = Field(default=1.0, gt=0, le=30)
    retries: int = Field(default=2, ge=0, le=10)
    # For status acks: status field -> argument name whose value it must show.
    expect_args: dict[Identifier, Identifier] = Field(default_factory=dict)
    # For status acks: status field -> fixed value it must show.
    expect_values: dict[Identifier, int] = Field(default_factory=dict)


def _checked_layout(specs: list[FieldSpec]) -> None:
    """Refuses fields that bytes cannot hold (the byte and bit order do not change that)."""
    try:
        lay_out(specs, ByteOrder.LITTLE)
    except LayoutError as exc:
        raise ValueError(str(exc)) from None


class Command(_Strict):
    opcode: int = Field(ge=0, le=0xFFFF)  # above 0xFF with framing.opcode_size = 2
    args: tuple[Argument, ...] = ()
    # What it does, in a few words, for `facecoach devices send --list` (commands beyond the
    # five facecoach sends by itself).
    purpose: str = Field(default="", max_length=200)
    # Sending it twice does no harm, so a lost acknowledgement may be retried. Off unless the
    # profile says so: a second `start` may restart the device's own program timer.
    idempotent: bool = False
    # It starts stimulation (a vendor's own "start program"): treated as `start` is, never
    # sent by the app on its own nor by `devices send`.
    stimulates: bool = False
    ack: AckRule = AckRule()

    @model_validator(mode="after")
    def _check(self) -> Self:
        if "retries" in self.ack.model_fields_set and self.ack.retries and not self.idempotent:
            raise ValueError(
                "ack.retries is set, but a command is retried only when sending it twice is "
                "safe: add `idempotent = true` if it is, or leave retries out"
            )
        names = [arg.name for arg in self.args]
        if len(set(names)) != len(names):
            raise ValueError("argument names must be unique")
        inputs = {arg.name for arg in self.inputs}
        for arg_name in self.ack.expect_args.values():
            if arg_name not in inputs:
                raise ValueError(f"ack.expect_args names {arg_name!r}, which is not an argument")
        _checked_layout([arg.spec for arg in self.args])
        return self

    @property
    def inputs(self) -> tuple[Argument, ...]:
        """The arguments a caller gives: all but the fixed ones."""
        return tuple(arg for arg in self.args if arg.value is None)

    def layout(self, framing: Framing) -> PayloadLayout:
        return lay_out([arg.spec for arg in self.args], framing.byte_order, framing.bit_order)

    @property
    def payload_size(self) -> int:
        return lay_out([arg.spec for arg in self.args], ByteOrder.LITTLE).size


class NotificationKind(StrEnum):
    ACK = "ack"
    STATUS = "status"


class NotificationField(_Strict):
    name: Identifier
    type: FieldType = FieldType.U8
    order: ByteOrder | None = None
    # A flags field: bit number -> boolean field name.
    bits: dict[Identifier, int] = Field(default_factory=dict)
    # The last field may repeat to the end of the payload (schema version 4): a payload of
    # variable length, as the frame's length (or its end) says. Decoded as name_0, name_1, ...
    repeated: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.repeated and (self.bits or self.type.packed):
            raise ValueError(f"{self.name}: a repeated field is whole bytes and has no flags")
        if self.bits and self.type.signed:
            raise ValueError(f"flags need an unsigned type, not {self.type}")
        for name, bit in self.bits.items():
            if not 0 <= bit < self.type.width:
                raise ValueError(f"bit {bit} for {name!r} does not fit in {self.type}")
        return self

    @property
    def spec(self) -> FieldSpec:
        return FieldSpec(self.name, self.type, self.order)


class Notification(_Strict):
    opcode: int = Field(ge=0, le=0xFFFF)  # above 0xFF with framing.opcode_size = 2
    kind: NotificationKind
    fields: tuple[NotificationField, ...] = ()
    # For acks: what a non-zero `result` means, worded for the user ("the device is charging").
    results: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Self:
        names = self.names
        if len(set(names)) != len(names):
            raise ValueError("field and flag names must be unique")
        if any(item.repeated for item in self.fields[:-1]):
            raise ValueError("only the last field may be repeated")
        _checked_layout([item.spec for item in self.fields])
        return self

    @property
    def repeated(self) -> NotificationField | None:
        """The last field, when it repeats to the end of the payload."""
        return self.fields[-1] if self.fields and self.fields[-1].repeated else None

    @property
    def names(self) -> list[str]:
        names: list[str] = []
        for item in self.fields:
            names.extend(item.bits or [item.name])
        return names

    def layout(self, framing: Framing) -> PayloadLayout:
        return lay_out([item.spec for item in self.fields], framing.byte_order, framing.bit_order)

    @property
    def payload_size(self) -> int:
        return lay_out([item.spec for item in self.fields], ByteOrder.LITTLE).size


class DeviceProgram(_Strict):
    id: Identifier
    code: int = Field(ge=0, le=0xFFFF)
    name: str = Field(min_length=1, max_length=40)
    purpose: str = Field(default="", max_length=200)


class SafetyLimits(_Strict):
    max_intensity: Annotated[int, Unit.LEVEL] = Field(default=0, ge=0, le=255)
    stop_on_disconnect: bool = True


class ArgumentSource(StrEnum):
    """A value the app fills in when it sends a scheduled write."""

    UNIX_TIME = "unix_time"  # whole seconds since 1970-01-01 UTC, when the frame is sent
    MAX_INTENSITY = "max_intensity"  # the profile's limits.max_intensity (a soft limit)
    COUNTER = "counter"  # 0, 1, 2, ... per connection, wrapping at the field's width


class ScheduledWrite(_Strict):
    """A command the app sends by itself, with its arguments: literal numbers or sources."""

    command: Identifier
    # A literal number (not true/false, not text that looks like one) or a source.
    args: dict[Identifier, StrictInt | ArgumentSource] = Field(default_factory=dict)


class KeepAlive(ScheduledWrite):
    """A dead-man switch: while running, the device stops unless it gets this command at least
    every `timeout_ms`. The app sends it every `interval_ms` for as long as it is connected."""

    interval_ms: Annotated[int, Unit.MILLISECONDS] = Field(ge=50, le=60_000)
    timeout_ms: Annotated[int, Unit.MILLISECONDS] = Field(ge=100, le=300_000)

    @model_validator(mode="after")
    def _check_timing(self) -> Self:
        if self.timeout_ms < 2 * self.interval_ms:
            raise ValueError(
                f"keepalive.timeout_ms ({self.timeout_ms}) must be at least twice interval_ms "
                f"({self.interval_ms}), so that one lost frame does not stop the device"
            )
        return self


class CommandVector(_Strict):
    command: Identifier
    args: dict[Identifier, int] = Field(default_factory=dict)
    sequence: int = Field(default=0, ge=0, le=0xFFFF)
    bytes: HexBytes


class NotificationVector(_Strict):
    bytes: HexBytes
    # The decoded notification: 'kind', 'sequence' (when framed with one) and every field.
    decoded: dict[str, int | str | bool] | None = None
    # Bytes the decoder must refuse, with the start of the message it gives.
    error: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.decoded is None) == (self.error is None):
            raise ValueError("a notification vector gives either decoded or error")
        return self


class GoldenVectors(_Strict):
    commands: tuple[CommandVector, ...] = ()
    notifications: tuple[NotificationVector, ...] = ()


class DeviceProfile(_Strict):
    """A device family as data. See the README's 'Writing a device profile'."""

    schema_version: Literal[1, 2, 3, 4]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    name: str = Field(min_length=1, max_length=80)
    vendor: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=500)
    capabilities: frozenset[Capability] = frozenset()
    # The GAP appearance (Bluetooth Assigned Numbers, e.g. 0x0000 unknown): a simulated device
    # advertises it and shows it in its GAP service, as phones list devices by it.
    appearance: int | None = Field(default=None, ge=0, le=0xFFFF)
    # A catch-all (such as "any device with a Battery service") that loses to any other match.
    fallback: bool = False
    match: tuple[Matcher, ...] = Field(min_length=1, max_length=20)
    gatt: GattLayout
    framing: Framing | None = None
    # The five facecoach knows by name (CommandName) and, from version 2, any others.
    commands: dict[Identifier, Command] = Field(default_factory=dict)
    notifications: dict[Identifier, Notification] = Field(default_factory=dict)
    # Sent in this order on every connection, before anything else (time sync, soft limits).
    on_connect: tuple[ScheduledWrite, ...] = Field(default=(), max_length=8)
    keepalive: KeepAlive | None = None
    programs: tuple[DeviceProgram, ...] = ()
    default_program: Identifier | None = None
    limits: SafetyLimits = SafetyLimits()
    vectors: GoldenVectors = GoldenVectors()

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.commands and (self.framing is None or self.gatt.command is None):
            raise ValueError("commands need [framing] and the gatt.command endpoint")
        self._check_version()
        self._check_opcodes()
        self._check_programs()
        self._check_commands()
        self._check_scheduled_writes()
        return self

    def _check_version(self) -> None:
        if self.schema_version < 4:
            needs = self.version_4_features()
            if needs:
                raise ValueError(
                    f"this profile uses {', '.join(needs)}, which need schema_version = 4"
                )
        if self.schema_version < 3 and self.framing is not None:
            needs = self.framing.version_3_features()
            if needs:
                raise ValueError(
                    f"this profile uses {', '.join(needs)}, which need schema_version = 3"
                )
        if self.schema_version >= 2:
            return
        needs = self.version_2_features()
        if needs:
            raise ValueError(f"this profile uses {', '.join(needs)}, which need schema_version = 2")

    def version_4_features(self) -> list[str]:
        """What this profile uses that a version-3 profile cannot say."""
        found = self.framing.version_4_features() if self.framing is not None else []
        if any(n.repeated is not None for n in self.notifications.values()):
            found.append("repeated fields")
        return found

    def version_2_features(self) -> list[str]:
        """What this profile uses that a version-1 profile cannot say."""
        found: list[str] = []
        extra = sorted(set(self.commands) - set(CommandName))
        if extra:
            found.append(f"commands beyond the five ({', '.join(extra)})")
        if self.on_connect:
            found.append("on_connect")
        if self.keepalive is not None:
            found.append("keepalive")
        if self.framing is not None and "bit_order" in self.framing.model_fields_set:
            found.append("framing.bit_order")
        if any(c.purpose for c in self.commands.values()):
            found.append("command purposes")
        if any(c.stimulates for c in self.commands.values()):
            found.append("stimulates")
        specs = [arg for c in self.commands.values() for arg in c.args]
        fields = [f for n in self.notifications.values() for f in n.fields]
        if any(a.type not in VERSION_1_TYPES for a in specs) or any(
            f.type not in VERSION_1_TYPES for f in fields
        ):
            found.append("field types other than u8, u16 and i8")
        if any(a.order is not None for a in specs) or any(f.order is not None for f in fields):
            found.append("a byte order per field")
        if any(a.value is not None for a in specs):
            found.append("fixed argument values")
        if shares_an_opcode(self.commands):
            found.append("commands that share an opcode")
        if self.gatt.command is not None and self.gatt.notify is None:
            found.append("a command endpoint without a notify endpoint")
        return found

    def _check_opcodes(self) -> None:
        if self.framing is not None:
            top = 0xFF if self.framing.opcode_size == 1 else 0xFFFF
            named_opcodes = [(n, c.opcode) for n, c in self.commands.items()]
            named_opcodes += [(n, spec.opcode) for n, spec in self.notifications.items()]
            wide = [n for n, opcode in named_opcodes if opcode > top]
            if wide:
                raise ValueError(
                    f"the opcode of {', '.join(sorted(wide))} does not fit in one byte: "
                    "set framing.opcode_size = 2"
                )
        opcodes = [n.opcode for n in self.notifications.values()]
        if len(set(opcodes)) != len(opcodes):
            raise ValueError("two notifications share an opcode")
        shared = shared_opcode_problems(self.commands)
        if shared:  # the first pair: fixing it is the next step
            raise ValueError(problem_clause(shared[0]))
        if self.notifications and self.gatt.notify is None:
            raise ValueError("notifications need the gatt.notify endpoint they arrive on")
        for notification in self.notifications.values():
            if notification.kind is NotificationKind.ACK and "of" not in notification.names:
                raise ValueError("an 'ack' notification needs a field named 'of' (the opcode)")

    def _check_programs(self) -> None:
        ids = [p.id for p in self.programs]
        codes = [p.code for p in self.programs]
        if len(set(ids)) != len(ids) or len(set(codes)) != len(codes):
            raise ValueError("program ids and codes must be unique")
        if self.default_program is not None and self.default_program not in ids:
            raise ValueError(f"default_program {self.default_program!r} is not in programs")
        if self.programs and self.default_program is None:
            raise ValueError("a device with programs needs default_program")

    def _check_commands(self) -> None:
        status = self.notification_of(NotificationKind.STATUS)
        for name, command in self.commands.items():
            rule = command.ack
            if rule.kind is AckKind.STATUS:
                if status is None:
                    raise ValueError(
                        f"{name} is acknowledged by status, but there is no "
                        "notification of kind 'status'"
                    )
                for field in (*rule.expect_args, *rule.expect_values):
                    if field not in status[1].names:
                        raise ValueError(f"{name}: the status notification has no field {field!r}")
            if rule.kind is AckKind.ACK and self.notification_of(NotificationKind.ACK) is None:
                raise ValueError(
                    f"{name} is acknowledged by 'ack', but there is no notification of kind 'ack'"
                )
        intensity = self.commands.get(CommandName.SET_INTENSITY)
        if intensity is not None:
            if self.limits.max_intensity <= 0:
                raise ValueError("set_intensity needs limits.max_intensity")
            if len(intensity.inputs) != 1:
                raise ValueError("set_intensity takes exactly one argument, the level")
        select = self.commands.get(CommandName.SELECT_PROGRAM)
        if select is not None and (len(select.inputs) != 1 or not self.programs):
            raise ValueError("select_program takes one argument and needs [[programs]]")
        if select is not None:
            low, high = select.inputs[0].range
            for program in self.programs:
                if not low <= program.code <= high:
                    raise ValueError(
                        f"program {program.id!r} has code {program.code}, which "
                        f"select_program's argument cannot carry ({low}-{high})"
                    )
        self._check_frames_fit()
        known = [name.value for name in CommandName]
        for name in self.commands:
            if name in known:
                continue
            # A misspelt `select_program` would otherwise be a command facecoach never sends.
            close = [k for k in difflib.get_close_matches(name, known, n=1, cutoff=0.8)]
            if close and close[0] not in self.commands:
                raise ValueError(f"command {name!r}: did you mean {close[0]!r}?")

    def _check_frames_fit(self) -> None:
        ack = self.notification_of(NotificationKind.ACK)
        if ack is not None and self.commands:
            of = next(f for f in ack[1].fields if f.name == "of" or "of" in f.bits)
            low, high = of.type.bounds
            too_big = [n for n, c in self.commands.items() if not low <= c.opcode <= high]
            if too_big:
                raise ValueError(
                    f"the ack's field 'of' ({of.type}) cannot hold the opcode of "
                    f"{', '.join(sorted(too_big))}"
                )
        if self.framing is not None:
            sides = (
                (
                    self.framing,
                    [(f"command {n}", c.payload_size) for n, c in self.commands.items()],
                ),
                (
                    self.framing.for_notifications(),
                    [(f"notification {n}", s.payload_size) for n, s in self.notifications.items()],
                ),
            )
            for framing, sized in sides:
                top = 0xFF if framing.length_size == 1 else 0xFFFF
                for what, size in sized:
                    if framing.length and size > top:
                        raise ValueError(
                            f"the {what} carries {size} payload bytes, more than its length "
                            f"{'byte' if framing.length_size == 1 else 'bytes'} can say ({top})"
                        )

    def _check_scheduled_writes(self) -> None:
        writes: list[tuple[str, ScheduledWrite]] = [
            (f"on_connect[{i}]", w) for i, w in enumerate(self.on_connect)
        ]
        if self.keepalive is not None:
            writes.append(("keepalive", self.keepalive))
        for where, write in writes:
            command = self.commands.get(write.command)
            if command is None:
                raise ValueError(
                    f"{where} names the command {write.command!r}, which is not in [commands]"
                )
            if self.stimulates(write.command):
                raise ValueError(f"{where}: stimulation is never started by the app on its own")
            if command.ack.kind is not AckKind.NONE:
                raise ValueError(
                    f'{where}: {write.command} must have ack = {{ kind = "none" }}: the app '
                    "sends it by itself and never waits for an answer to it"
                )
            inputs = {arg.name: arg for arg in command.inputs}
            if set(write.args) != set(inputs):
                raise ValueError(
                    f"{where}: {write.command} takes {sorted(inputs) or 'no arguments'}, "
                    f"the write gives {sorted(write.args) or 'none'}"
                )
            for arg_name, value in write.args.items():
                self._check_scheduled_arg(where, write.command, inputs[arg_name], value)
        if self.keepalive is not None and self.keepalive.command in set(CommandName):
            raise ValueError("the keepalive needs a command of its own, not one of the five")

    def _check_scheduled_arg(
        self, where: str, command: str, arg: Argument, value: int | ArgumentSource
    ) -> None:
        low, high = arg.range
        name = arg.name
        if isinstance(value, ArgumentSource) and value is not ArgumentSource.MAX_INTENSITY:
            # Filled in when sent, with any value of the field: a range would fail at run time
            # (the first keep-alive, or a clock past a max).
            if arg.min is not None or arg.max is not None:
                raise ValueError(
                    f"{where}: {name} is filled in with {value.value}, which runs through the "
                    "field's whole range: leave out its min and max"
                )
            if arg.type.signed:
                raise ValueError(f"{where}: {value.value} needs an unsigned field, not {arg.type}")
            if value is ArgumentSource.UNIX_TIME and arg.type.width < 32:
                raise ValueError(f"{where}: unix_time needs a u32 field, {name} is {arg.type}")
        elif value is ArgumentSource.MAX_INTENSITY:
            if not low <= self.limits.max_intensity <= high:
                raise ValueError(
                    f"{where}: limits.max_intensity ({self.limits.max_intensity}) does not "
                    f"fit {name} ({low}-{high})"
                )
        else:
            if not low <= value <= high:
                raise ValueError(f"{where}: {name} must be from {low} to {high} (got {value})")
            if command == CommandName.SET_INTENSITY and value > self.limits.max_intensity:
                raise ValueError(
                    f"{where}: level {value} is above limits.max_intensity "
                    f"({self.limits.max_intensity})"
                )

    def stimulates(self, command: str) -> bool:
        """Whether sending the command starts stimulation: `start`, or one marked so."""
        spec = self.commands.get(command)
        return command == CommandName.START or (spec is not None and spec.stimulates)

    @property
    def level_runs_at_once(self) -> bool:
        """Whether setting the level starts the device's output by itself: a profile with a
        level and no command that starts stimulation (FOREO's pulsation motor runs as soon as
        its level is above 0)."""
        return CommandName.SET_INTENSITY in self.commands and not any(
            self.stimulates(name) for name in self.commands
        )

    def limit_arguments(self) -> dict[str, set[str]]:
        """Command -> its arguments that set the device's own intensity limit: those a write
        of the profile fills in with `max_intensity`. Like the level, never sent above
        `limits.max_intensity`."""
        found: dict[str, set[str]] = {}
        writes = [*self.on_connect, *([self.keepalive] if self.keepalive else [])]
        for write in writes:
            for name, value in write.args.items():
                if value is ArgumentSource.MAX_INTENSITY:
                    found.setdefault(write.command, set()).add(name)
        return found

    def notification_of(self, kind: NotificationKind) -> tuple[str, Notification] | None:
        """The (first) notification of a kind, with its name: the device's ack or its status."""
        return next(
            ((n, spec) for n, spec in self.notifications.items() if spec.kind is kind), None
        )

    def program(self, program_id: str) -> DeviceProgram:
        for program in self.programs:
            if program.id == program_id:
                return program
        known = ", ".join(p.id for p in self.programs) or "none"
        raise KeyError(f"{self.name} has no program {program_id!r} (it has: {known})")

    def program_by_code(self, code: int) -> DeviceProgram | None:
        return next((p for p in self.programs if p.code == code), None)
