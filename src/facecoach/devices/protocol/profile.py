"""The device profile: everything facecoach knows about a device family, as validated data.

A profile is never code. It says how to recognise the device from its advertisements, where its
GATT endpoints are, how commands are framed and acknowledged, how notifications decode, which
programs it offers, its safety limits, and golden vectors that pin its byte layout.
"""

import re
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from facecoach.devices.protocol.checksums import ChecksumKind

PROFILE_SCHEMA_VERSION = 1

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


# Home Assistant's LOCAL_NAME_MIN_MATCH_LENGTH.
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
        if self.local_name is not None and (
            len(self.local_name) < LOCAL_NAME_LITERAL_START
            or any(c in "*?[" for c in self.local_name[:LOCAL_NAME_LITERAL_START])
        ):
            # As Home Assistant requires: a broader pattern matches too many devices.
            raise ValueError(
                f"local_name must begin with {LOCAL_NAME_LITERAL_START} plain characters "
                f"before any *, ? or [ (for example 'NFC*'), not {self.local_name!r}"
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
    max_write: int = Field(default=20, ge=1, le=512)
    bond: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.command is None) != (self.notify is None):
            raise ValueError(
                "command and notify endpoints come together (a device that takes "
                "commands must answer them)"
            )
        if self.command is not None and self.service is None:
            raise ValueError("a device with a command endpoint needs its service UUID")
        return self


class ByteOrder(StrEnum):
    LITTLE = "little"
    BIG = "big"


class Framing(_Strict):
    """Frame layout: header, opcode, [sequence], [length], payload, checksum.

    The checksum covers everything after the header up to the checksum itself.
    """

    header: HexBytes = Field(default=b"", max_length=4)
    sequence: bool = False
    length: bool = True
    checksum: ChecksumKind = ChecksumKind.NONE
    byte_order: ByteOrder = ByteOrder.LITTLE


class FieldType(StrEnum):
    U8 = "u8"
    U16 = "u16"
    I8 = "i8"

    @property
    def size(self) -> int:
        return 2 if self is FieldType.U16 else 1

    @property
    def bounds(self) -> tuple[int, int]:
        return {
            FieldType.U8: (0, 0xFF),
            FieldType.U16: (0, 0xFFFF),
            FieldType.I8: (-0x80, 0x7F),
        }[self]


class Argument(_Strict):
    """A typed, range-checked command argument."""

    name: Identifier
    type: FieldType = FieldType.U8
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        low, high = self.type.bounds
        if self.min is not None and not low <= self.min <= high:
            raise ValueError(f"min {self.min} does not fit in {self.type}")
        if self.max is not None and not low <= self.max <= high:
            raise ValueError(f"max {self.max} does not fit in {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self

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
    timeout: float = Field(default=1.0, gt=0, le=30)
    retries: int = Field(default=2, ge=0, le=10)
    # For status acks: status field -> argument name whose value it must show.
    expect_args: dict[Identifier, Identifier] = Field(default_factory=dict)
    # For status acks: status field -> fixed value it must show.
    expect_values: dict[Identifier, int] = Field(default_factory=dict)


class Command(_Strict):
    opcode: int = Field(ge=0, le=0xFF)
    args: tuple[Argument, ...] = ()
    # Sending it twice does no harm, so a lost acknowledgement may be retried. Off unless the
    # profile says so: a second `start` may restart the device's own program timer.
    idempotent: bool = False
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
        for arg_name in self.ack.expect_args.values():
            if arg_name not in names:
                raise ValueError(f"ack.expect_args names {arg_name!r}, which is not an argument")
        return self


class NotificationKind(StrEnum):
    ACK = "ack"
    STATUS = "status"


class NotificationField(_Strict):
    name: Identifier
    type: FieldType = FieldType.U8
    # A flags byte: bit number -> boolean field name.
    bits: dict[Identifier, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Self:
        for name, bit in self.bits.items():
            if not 0 <= bit < self.type.size * 8:
                raise ValueError(f"bit {bit} for {name!r} does not fit in {self.type}")
        return self


# Status fields the app understands; a profile may decode others, which are shown as they are.
STATUS_FIELDS = ("program", "intensity", "battery", "charging", "contact", "running")


class Notification(_Strict):
    opcode: int = Field(ge=0, le=0xFF)
    kind: NotificationKind
    fields: tuple[NotificationField, ...] = ()
    # For acks: what a non-zero `result` means, worded for the user ("the device is charging").
    results: dict[str, str] = Field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        names: list[str] = []
        for item in self.fields:
            names.extend(item.bits or [item.name])
        return names

    @property
    def payload_size(self) -> int:
        return sum(item.type.size for item in self.fields)


class DeviceProgram(_Strict):
    id: Identifier
    code: int = Field(ge=0, le=0xFFFF)
    name: str = Field(min_length=1, max_length=40)
    purpose: str = Field(default="", max_length=200)


class SafetyLimits(_Strict):
    max_intensity: int = Field(default=0, ge=0, le=255)
    stop_on_disconnect: bool = True


class CommandVector(_Strict):
    command: CommandName
    args: dict[Identifier, int] = Field(default_factory=dict)
    sequence: int = Field(default=0, ge=0, le=0xFF)
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

    schema_version: Literal[1]
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
    commands: dict[CommandName, Command] = Field(default_factory=dict)
    notifications: dict[Identifier, Notification] = Field(default_factory=dict)
    programs: tuple[DeviceProgram, ...] = ()
    default_program: Identifier | None = None
    limits: SafetyLimits = SafetyLimits()
    vectors: GoldenVectors = GoldenVectors()

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.commands and (self.framing is None or self.gatt.command is None):
            raise ValueError("commands need [framing] and the gatt.command/gatt.notify endpoints")
        self._check_opcodes()
        self._check_programs()
        self._check_commands()
        return self

    def _check_opcodes(self) -> None:
        opcodes = [n.opcode for n in self.notifications.values()]
        if len(set(opcodes)) != len(opcodes):
            raise ValueError("two notifications share an opcode")
        command_opcodes = [c.opcode for c in self.commands.values()]
        if len(set(command_opcodes)) != len(command_opcodes):
            raise ValueError("two commands share an opcode")
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
            if len(intensity.args) != 1:
                raise ValueError("set_intensity takes exactly one argument, the level")
        select = self.commands.get(CommandName.SELECT_PROGRAM)
        if select is not None and (len(select.args) != 1 or not self.programs):
            raise ValueError("select_program takes one argument and needs [[programs]]")

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

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities
