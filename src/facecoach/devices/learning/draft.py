"""The draft profile (TOML with comments) and the report, written from an inferred protocol.

The TOML is written by hand, not with tomli_w, because its comments carry what could not be
inferred. Everything taken from the capture (names, bytes) is untrusted text: strings are
escaped, comments keep printable characters only.
"""

import json
import re
from collections.abc import Iterable

from facecoach.devices.learning.capture import ValueKind
from facecoach.devices.learning.inference import (
    Opcode,
    Protocol,
    Traffic,
    group_values,
    kind_of_notification,
    observed_range,
)
from facecoach.devices.protocol.assigned_numbers import BATTERY_LEVEL, DEVICE_INFO_SERVICE
from facecoach.devices.protocol.checksums import ChecksumKind
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.fields import BitOrder, ByteOrder, FieldType, lay_out
from facecoach.devices.protocol.profile import (
    LOCAL_NAME_LITERAL_START,
    AckKind,
    Argument,
    ArgumentSource,
    CommandName,
    DeviceProfile,
    Framing,
    NotificationField,
)
from facecoach.devices.protocol.redaction import Redactor

# Frames listed per characteristic in the report; the draft holds them all as vectors.
REPORT_GROUPS = 24
_KNOWN_NAMES = ", ".join(n.value for n in CommandName)


def printable(text: str, limit: int = 80) -> str:
    """Untrusted text made safe for a comment or a terminal line."""
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean[:limit] + ("..." if len(clean) > limit else "")


def quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text).replace("\x7f", "\\u007f")


def times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def hex_bytes(data: bytes) -> str:
    return data.hex(" ").upper()


def slug(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return out if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", out) else ""


def name_pattern(name: str) -> str | None:
    """'FC-RefA 0007' -> 'FC-RefA*': a unit's serial number at the end is left out."""
    if any(c in name for c in "*?[") or not name.isprintable():
        return None
    stem = re.sub(r"[\s_-]*[0-9A-Fa-f:]*[0-9][0-9A-Fa-f:]*$", "", name)
    pattern = f"{stem}*" if stem != name and len(stem) >= LOCAL_NAME_LITERAL_START else name
    if len(pattern) < LOCAL_NAME_LITERAL_START or len(pattern) > 64:
        return None
    return pattern


# Payloads longer than this are not listed byte by byte (arguments, decoded vectors): a draft
# must stay within a profile's size limit.
LISTED_BYTES = 48


class _Draft:
    def __init__(
        self, protocol: Protocol, profile_id: str, source: str, redactor: Redactor
    ) -> None:
        self.p = protocol
        self.redactor = redactor
        self.left_out = 0  # frames --redact kept out of the vectors
        self.id = profile_id
        self.source = source
        self.lines: list[str] = []
        self.order = protocol.framing.byte_order
        self.bit_order = protocol.framing.bit_order
        known = protocol.known
        self.known_commands = (
            {spec.opcode: spec for spec in known.commands.values()} if known else {}
        )
        self.known_notifications = (
            {spec.opcode: spec for spec in known.notifications.values()} if known else {}
        )
        self.notification_names: dict[int, str] = {}
        self.status_fields: list[str] = []
        self.commands: dict[int, tuple[str, list[Argument]]] = {}

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    # -- the parts ------------------------------------------------------------------------

    def build(self) -> str:
        self._notification_layout()
        self._command_layout()
        self._head()
        self._matchers()
        self._gatt()
        self._framing()
        self._commands()
        self._scheduled_writes()
        self._notifications()
        self._programs_and_limits()
        return "\n".join(self.lines) + "\n"

    def _head(self) -> None:
        p = self.p
        name = self.redactor.text(p.peer_name or f"Learned from {p.capture.path.name}")
        capabilities = sorted(self._capabilities())
        self.add(
            f"# Draft made by `facecoach profiles learn` from {printable(p.capture.path.name)}.",
            "# Everything here is what the capture showed; check each TODO before using it with",
            "# a device on your skin. `facecoach profiles validate FILE` checks it again.",
            f"schema_version = {self._schema_version()}",
            f"id = {quote(self.id)}",
            f"name = {quote(printable(name, 80))}",
            'vendor = "unknown"  # TODO: the maker',
            f"description = {quote('Learned from a Bluetooth capture; a draft, not checked.')}",
            f"capabilities = [{', '.join(quote(c) for c in capabilities)}]",
        )
        codes = self._program_codes()
        if codes:
            self.add(f"default_program = {quote(self._program_id(codes[0]))}")
        self.add("")

    def _schema_version(self) -> int:
        version = self.p.known.schema_version if self.p.known is not None else 1
        if self.p.framing.version_4_features():
            return 4
        return max(version, 3) if self.p.framing.version_3_features() else version

    def _capabilities(self) -> set[str]:
        found: set[str] = set()
        table = self.p.table
        if any(c.uuid == BATTERY_LEVEL for c in table.characteristics.values()):
            found.add("battery")
        if any(uuid == DEVICE_INFO_SERVICE for _, _, uuid in table.services):
            found.add("device_info")
        named = self._named()
        if CommandName.SELECT_PROGRAM in named:
            found.add("programs")
        if CommandName.SET_INTENSITY in named:
            found.add("intensity")
        if CommandName.START in named and CommandName.STOP in named:
            found.add("stimulation")
        if "charging" in self.status_fields:
            found.add("charging")
        if "contact" in self.status_fields:
            found.add("skin_contact")
        return found

    def _named(self) -> set[str]:
        return {name for name, _ in self.commands.values()}

    def _matchers(self) -> None:
        p = self.p
        assert p.command.char is not None
        pattern = name_pattern(p.peer_name) if p.peer_name else None
        if pattern is not None and self.redactor.text(pattern) != pattern:
            pattern = None  # the name is all serial number: --redact keeps it out
        if pattern is not None:
            assert p.peer_name is not None
            seen = printable(self.redactor.text(p.peer_name))
            self.add(
                "[[match]]",
                f"local_name = {quote(pattern)}  # the capture saw {seen!r}",
                "",
            )
        else:
            self.add("# TODO: the device's advertised name was not in the capture; add a")
            self.add('# [[match]] local_name = "NAME*" once you know it.')
        service = p.command.char.service
        if service is not None:
            self.add(
                "[[match]]",
                f"service_uuid = {quote(service)}  # TODO: holds only if the device "
                "advertises its service",
                "",
            )
        elif pattern is None:
            self.add(
                "[[match]]", 'local_name = "TODO*"  # TODO: the name the device advertises', ""
            )

    def _gatt(self) -> None:
        p = self.p
        command, notify = p.command.char, p.notify.char
        assert command is not None
        assert notify is not None
        write = "with_response" if p.write_with_response else "without_response"
        op = "Write Request" if p.write_with_response else "Write Command"
        longest = max(len(w.value) for w in p.command.writes)
        has_info = any(uuid == DEVICE_INFO_SERVICE for _, _, uuid in p.table.services)
        self.add("[gatt]", f"service = {quote(command.service or '')}")
        self.add(
            f'command = {{ uuid = {quote(command.uuid)}, write = "{write}" }}'
            f"  # the phone used ATT {op}s"
        )
        self.add(f"notify = {{ uuid = {quote(notify.uuid)} }}")
        if any(c.uuid == BATTERY_LEVEL for c in p.table.characteristics.values()):
            self.add('battery = { uuid = "2a19" }')
        self.add(f"device_info = {'true' if has_info else 'false'}")
        self.add(f"max_write = {min(max(longest, 1), 512)}  # the longest write in the capture")
        self.add("")

    def _framing(self) -> None:
        p = self.p
        f = p.framing
        guess = p.guess
        order_note = (
            "shown by the frames (a two-byte checksum, length or opcode)"
            if guess.byte_order_known
            else (
                f"not shown by the capture; taken from {p.known.id!r}"
                if p.known is not None
                else "not shown by the capture (the default); TODO if arguments are 16-bit"
            )
        )
        self.add(
            "# Commands: " + "; ".join(guess.commands.scores.lines(guess.commands.framing)) + "."
        )
        if guess.notifications is not None:
            scores = guess.notifications.scores.lines(guess.notifications.framing)
            self.add("# Notifications: " + "; ".join(scores) + ".")
        else:
            self.add(
                "# Notifications: TODO: no layout explains half of them; they are listed at "
                "the end, unexplained."
            )
        if not f.header and f.checksum is ChecksumKind.NONE:
            self.add(
                "# TODO: no header and no checksum: nothing in a frame shows it is whole; "
                "a damaged frame would be taken as it is."
            )
        self.add(
            "[framing]",
            f"header = {quote(hex_bytes(f.header))}",
        )
        if f.opcode_size != 1:
            self.add(f"opcode_size = {f.opcode_size}")
        self.add(f"sequence = {'true' if f.sequence else 'false'}")
        if f.sequence and f.sequence_size != 1:
            self.add(f"sequence_size = {f.sequence_size}")
        self.add(f"length = {'true' if f.length else 'false'}")
        if f.length and f.length_size != 1:
            self.add(f"length_size = {f.length_size}")
        self.add(f"checksum = {quote(f.checksum.value)}")
        if f.checksum_start is not None:
            self.add(f"checksum_start = {f.checksum_start}  # the checksum covers the start bytes")
        if f.trailer:
            self.add(f"trailer = {quote(hex_bytes(f.trailer))}")
        if f.order is not None:
            self.add(f"order = [{', '.join(quote(part.value) for part in f.order)}]")
        self.add(f'byte_order = "{f.byte_order.value}"  # {order_note}')
        if f.bit_order is not BitOrder.MSB_FIRST and p.known is not None:
            self.add(f'bit_order = "{f.bit_order.value}"  # taken from {p.known.id!r}')
        if f.notifications is not None:
            self.add("", "[framing.notifications]  # where the device's answers differ")
            for key, value in f.notifications.model_dump(exclude_none=True).items():
                if isinstance(value, bytes):
                    self.add(f"{key} = {quote(hex_bytes(value))}")
                elif isinstance(value, bool):
                    self.add(f"{key} = {'true' if value else 'false'}")
                elif isinstance(value, int):
                    self.add(f"{key} = {value}")
                else:
                    self.add(f"{key} = {quote(str(value))}")
        for other in guess.runners_up[:3]:
            self.add(f"# Explains the commands as well: {framing_text(other)}")
        self.add("")

    # -- commands -------------------------------------------------------------------------

    def _command_layout(self) -> None:
        p = self.p
        for opcode, entry in p.commands.items():
            name = p.names.get(opcode)
            if name is None:
                continue
            args = self._args(opcode, entry)
            if args is None:
                continue
            inputs = [arg for arg in args if arg.value is None]
            if name == CommandName.SET_INTENSITY and (len(inputs) != 1 or inputs[0].range[1] < 1):
                continue
            if name == CommandName.SELECT_PROGRAM and len(inputs) != 1:
                continue
            self.commands[opcode] = (name, args)

    def _args(self, opcode: int, entry: Opcode) -> list[Argument] | None:
        known = self.known_commands.get(opcode)
        if known is not None and self.p.names.get(opcode) is not None and known.args:
            # The known layout (bit fields, wide fields, fixed values), with the ranges the
            # capture shows.
            layout = lay_out([a.spec for a in known.args], self.order, self.bit_order)
            seen = [layout.unpack(e.frame.payload) for e in entry.events]
            args: list[Argument] = []
            for index, arg in enumerate(known.args):
                unbounded = arg.min is None and arg.max is None
                if arg.value is not None or unbounded or self._scheduled(opcode):
                    # Fixed, or free in the known profile (a clock), or filled in by the app
                    # itself: the capture's few values would be too narrow a range.
                    args.append(arg)
                    continue
                values = [row[index] for row in seen]
                args.append(
                    Argument(
                        name=arg.name,
                        type=arg.type,
                        order=arg.order,
                        min=min(values),
                        max=max(values),
                    )
                )
            return args
        if entry.size == 0:
            return []
        return [
            Argument(name=f"byte_{i}", type=FieldType.U8, min=low, max=high)
            for i in range(entry.size)
            for low, high in [observed_range(entry, i, 1, self.order)]
        ]

    def _top_intensity(self) -> int:
        """The highest level the capture shows (the level: the argument a caller gives), or
        the highest limit the maker's app set on the device itself, if higher."""
        levels = [
            next(a for a in args if a.value is None).range[1]
            for name, args in self.commands.values()
            if name == CommandName.SET_INTENSITY
        ]
        return max([*levels, *self._device_limits_set()], default=0)

    def _device_limits_set(self) -> list[int]:
        """The device limits the capture shows the app setting (arguments that the known
        profile fills in with max_intensity)."""
        known = self.p.known
        if known is None:
            return []
        limit_args = known.limit_arguments()
        found: list[int] = []
        for opcode, (name, args) in self.commands.items():
            wanted = limit_args.get(name, set())
            if not wanted:
                continue
            for event in self.p.commands[opcode].events:
                values = _unpack(event.frame.payload, args, self.order.value, self.bit_order)
                found.extend(v for k, v in values.items() if k in wanted)
        return found

    def _scheduled(self, opcode: int) -> bool:
        """Whether the known profile sends this command by itself (on connection, a keep-alive)."""
        known = self.p.known
        name = self.p.names.get(opcode)
        if known is None or name is None:
            return False
        writes = [*known.on_connect, *([known.keepalive] if known.keepalive else [])]
        return any(write.command == name for write in writes)

    def _scheduled_writes(self) -> None:
        """The known profile's writes on connection and keep-alive, for the commands the
        capture showed: without its keep-alive, a device would stop itself seconds in."""
        known = self.p.known
        if known is None:
            return
        named = self._named()
        top = self._top_intensity()
        for write in known.on_connect:
            if write.command not in named:
                continue
            lines = [
                f"[[on_connect]]  # as in {known.id!r}",
                f"command = {quote(write.command)}",
                f"args = {{ {_inline(dict(write.args))} }}",
            ]
            command = known.commands[write.command]
            fits = all(
                arg.range[0] <= top <= arg.range[1]
                for arg in command.inputs
                if write.args.get(arg.name) is ArgumentSource.MAX_INTENSITY
            )
            if not fits:
                # The draft's limit (what the capture shows) cannot be the device's own.
                self.add(
                    "# TODO: uncomment once [limits] max_intensity is right for this device:",
                    *(f"# {line}" for line in lines),
                    "",
                )
            else:
                self.add(*lines, "")
        keepalive = known.keepalive
        if keepalive is not None and keepalive.command in named:
            self.add(
                f"[keepalive]  # as in {known.id!r}: the device stops without it",
                f"command = {quote(keepalive.command)}",
                f"args = {{ {_inline(dict(keepalive.args))} }}",
                f"interval_ms = {keepalive.interval_ms}",
                f"timeout_ms = {keepalive.timeout_ms}",
                "",
            )

    def _commands(self) -> None:
        p = self.p
        for opcode, entry in sorted(p.commands.items()):
            seen = f"sent {times(entry.seen)}, {entry.size} payload bytes"
            answer = self._ack_kind(entry)
            if opcode in self.commands:
                name, args = self.commands[opcode]
                known = self.known_commands.get(opcode)
                self.add(f"# opcode 0x{opcode:02X}: {seen}; name {p.name_sources[opcode]}.")
                self.add(f"[commands.{name}]", f"opcode = 0x{opcode:02X}")
                if known is not None and known.idempotent and p.known is not None:
                    self.add(f"idempotent = true  # as in {p.known.id!r}")
                else:
                    self.add("# TODO: `idempotent = true` if sending it twice is harmless")
                if args:
                    self.add(f"args = [{', '.join(_arg_text(a) for a in args)}]")
                    narrowed = known is None or any(
                        (mine.min, mine.max) != (theirs.min, theirs.max)
                        for mine, theirs in zip(args, known.args, strict=False)
                    )
                    if narrowed:
                        self.add("# min and max are the values the capture shows; widen with care")
                self.add(f"ack = {self._ack_text(opcode, answer, args)}")
                self.add("")
            else:
                args = self._args(opcode, entry) or []
                self.add(
                    f"# opcode 0x{opcode:02X}: {seen}, answered by {answer.value}. Its meaning is",
                    f"# unknown: if it is one of {_KNOWN_NAMES},",
                    "# rename the table; otherwise give it a name and a `purpose` of your own",
                    "# (with schema_version = 2). Then uncomment it and its vectors below.",
                    f"# [commands.unknown_0x{opcode:02X}]",
                    f"# opcode = 0x{opcode:02X}",
                )
                if len(args) > LISTED_BYTES:
                    self.add(f"# args: {len(args)} bytes, too many to list here one by one")
                elif args:
                    self.add(f"# args = [{', '.join(_arg_text(a) for a in args)}]")
                self.add(f"# ack = {{ kind = {quote(answer.value)} }}", "")

    def _ack_kind(self, entry: Opcode) -> AckKind:
        answer = entry.answer
        if answer is AckKind.ACK and self.p.ack_opcode is None:
            return AckKind.NONE
        if answer is AckKind.STATUS and self.p.status_opcode is None:
            return AckKind.NONE
        return answer

    def _ack_text(self, opcode: int, answer: AckKind, args: list[Argument]) -> str:
        parts = [f"kind = {quote(answer.value)}"]
        known = self.known_commands.get(opcode)
        if answer is AckKind.STATUS and known is not None and known.ack.kind is AckKind.STATUS:
            arg_names = {a.name for a in args}
            expect_args = {
                f: a
                for f, a in known.ack.expect_args.items()
                if f in self.status_fields and a in arg_names
            }
            expect_values = {
                f: v for f, v in known.ack.expect_values.items() if f in self.status_fields
            }
            if expect_args:
                inner = ", ".join(f"{f} = {quote(a)}" for f, a in expect_args.items())
                parts.append(f"expect_args = {{ {inner} }}")
            if expect_values:
                inner = ", ".join(f"{f} = {v}" for f, v in expect_values.items())
                parts.append(f"expect_values = {{ {inner} }}")
        return "{ " + ", ".join(parts) + " }"

    # -- notifications --------------------------------------------------------------------

    def _notification_layout(self) -> None:
        p = self.p
        for opcode in sorted(p.notifications):
            if opcode == p.ack_opcode:
                name = "ack"
            elif opcode == p.status_opcode:
                name = "status"
            else:
                name = f"unknown_0x{opcode:02x}"
            self.notification_names[opcode] = name
        if p.status_opcode is not None:
            self.status_fields = [
                n for f in self._fields(p.status_opcode) for n in (f.bits or [f.name])
            ]

    def _fields(self, opcode: int) -> list[NotificationField]:
        p = self.p
        entry = p.notifications[opcode]
        known = self.known_notifications.get(opcode)
        kind = kind_of_notification(p, opcode)
        if known is not None and known.kind is kind and known.payload_size == entry.size:
            return list(known.fields)
        fields = [NotificationField(name=f"byte_{i}") for i in range(entry.size)]
        if kind.value == "ack":
            fields[0] = NotificationField(name="of")
            results = {e.frame.payload[1] for e in entry.events if len(e.frame.payload) > 1}
            if entry.size > 1 and results == {0}:
                fields[1] = NotificationField(name="result")
        return fields

    def _notifications(self) -> None:
        p = self.p
        for opcode in sorted(p.notifications):
            entry = p.notifications[opcode]
            name = self.notification_names[opcode]
            kind = kind_of_notification(p, opcode)
            fields = self._fields(opcode)
            why = {
                "ack": "it echoes the opcode of the command it answers",
                "status": "it answers commands that the ack does not",
            }.get(name, "TODO: its meaning is unknown; 'status' is a placeholder kind")
            source = (
                f"; fields from {p.known.id!r}"
                if p.known is not None
                and self.known_notifications.get(opcode) is not None
                and list(self.known_notifications[opcode].fields) == fields
                else "; TODO: name the fields"
            )
            self.add(
                f"# opcode 0x{opcode:02X}: {entry.seen} frames, {entry.size} payload "
                f"bytes; {why}{source}.",
                f"[notifications.{name}]",
                f"opcode = 0x{opcode:02X}",
                f'kind = "{kind.value}"',
                f"fields = [{', '.join(_field_text(f) for f in fields)}]",
            )
            if name == "ack" and "result" in [f.name for f in fields]:
                self.add("# result was 0 in every frame seen; facecoach reads non-zero as refused")
            self.add("")

    def _program_codes(self) -> list[int]:
        for opcode, (name, args) in self.commands.items():
            if name == CommandName.SELECT_PROGRAM:
                entry = self.p.commands[opcode]
                codes = [
                    next(
                        iter(
                            _unpack(
                                e.frame.payload, args, self.order.value, self.bit_order
                            ).values()
                        )
                    )
                    for e in entry.events
                ]
                return sorted(set(codes))
        return []

    def _program_id(self, code: int) -> str:
        known = self.p.known.program_by_code(code) if self.p.known else None
        return known.id if known else f"program_{code}"

    def _programs_and_limits(self) -> None:
        p = self.p
        codes = self._program_codes()
        for code in codes:
            known = p.known.program_by_code(code) if p.known else None
            name = known.name if known else f"Program {code}"
            self.add(
                "[[programs]]",
                f"id = {quote(self._program_id(code))}",
                f"code = {code}",
                f"name = {quote(name)}" + ("" if known else "  # TODO: the program's name"),
                "",
            )
        if codes:
            self.add("# Only the programs the capture selected are listed.", "")
        top = self._top_intensity()
        self.add(
            "[limits]",
            f"max_intensity = {top}  # the highest level (or device limit) the capture shows; "
            "raise it only with "
            "the maker's documentation",
            "stop_on_disconnect = true",
            "",
        )

    # -- vectors --------------------------------------------------------------------------

    def vectors(self, profile: DeviceProfile | None) -> list[str]:
        """Every distinct frame: as a golden vector when the draft decodes it, else a comment."""
        p = self.p
        lines = ["# Golden vectors: every distinct frame the capture holds."]
        codec = FrameCodec(profile) if profile is not None else None
        for opcode, entry in sorted(p.commands.items()):
            named = self.commands.get(opcode)
            for raw, count in _distinct_frames(entry):
                if self.redactor.holds(raw):
                    self.left_out += 1
                    continue
                frame = next(e.frame for e in entry.events if e.frame.raw == raw)
                sequence = f"sequence = {frame.sequence}" if frame.sequence is not None else None
                if named is None:
                    raw_args = self._args(opcode, entry) or []
                    if len(raw_args) > LISTED_BYTES:
                        raw_args = []
                    raw_values = _unpack(frame.payload, raw_args, self.order.value, self.bit_order)
                    lines += [
                        f"# [[vectors.commands]]  # opcode 0x{opcode:02X}, seen {times(count)}",
                        f'# command = "unknown_0x{opcode:02X}"',
                        *([f"# args = {{ {_inline(dict(raw_values))} }}"] if raw_values else []),
                        *([f"# {sequence}"] if sequence else []),
                        f"# bytes = {quote(hex_bytes(raw))}",
                        "",
                    ]
                    continue
                name, args = named
                values = _unpack(frame.payload, args, self.order.value, self.bit_order)
                arg_text = ", ".join(f"{k} = {v}" for k, v in values.items())
                lines += [
                    f"[[vectors.commands]]  # seen {times(count)}",
                    f"command = {quote(name)}",
                    *([f"args = {{ {arg_text} }}"] if values else []),
                    *([sequence] if sequence else []),
                    f"bytes = {quote(hex_bytes(raw))}",
                    "",
                ]
        long_frames = 0
        for _opcode, entry in sorted(p.notifications.items()):
            for raw, count in _distinct_frames(entry):
                if self.redactor.holds(raw):
                    self.left_out += 1
                    continue
                if entry.size > LISTED_BYTES:
                    # A few hundred decoded values a frame would outgrow a profile's size.
                    long_frames += 1
                    continue
                decoded: dict[str, int | str | bool] | None = None
                if codec is not None:
                    decoded = codec.decode_notification(raw).as_vector()
                lines += [
                    f"[[vectors.notifications]]  # seen {times(count)}",
                    f"bytes = {quote(hex_bytes(raw))}",
                    f"decoded = {{ {_inline(decoded or {})} }}",
                    "",
                ]
        if long_frames:
            lines.append(
                f"# {long_frames} distinct notifications of more than {LISTED_BYTES} payload "
                "bytes are not listed as vectors; add one or two by hand once their fields "
                "have names."
            )
        unexplained = [*p.unexplained_writes, *p.unexplained_notifications]
        if unexplained:
            lines.append("# Frames the layout above does not explain (damaged, or another layout):")
            for raw, count, time, kind in group_values(sorted(unexplained, key=lambda v: v.time)):
                if self.redactor.holds(raw):
                    self.left_out += 1
                    continue
                lines.append(f"#   {time:9.3f} s  {kind.value:<14} {hex_bytes(raw)}  x{count}")
        if self.left_out:
            lines.append(
                f"# --redact left out {self.left_out} distinct frames: they hold the device's "
                "address or serial number."
            )
        return lines


def draft_text(
    protocol: Protocol, profile_id: str, source: str, redactor: Redactor | None = None
) -> tuple[_Draft, str]:
    draft = _Draft(protocol, profile_id, source, redactor or Redactor())
    return draft, draft.build()


def _distinct_frames(entry: Opcode) -> list[tuple[bytes, int]]:
    counts: dict[bytes, int] = {}
    for event in entry.events:
        counts[event.frame.raw] = counts.get(event.frame.raw, 0) + 1
    return list(counts.items())


def _unpack(
    payload: bytes, args: list[Argument], order: str, bit_order: BitOrder
) -> dict[str, int]:
    """The arguments a caller gives (fixed values left out), as the draft's layout reads them."""
    layout = lay_out([a.spec for a in args], ByteOrder(order), bit_order)
    values = layout.unpack(payload)
    return {arg.name: value for arg, value in zip(args, values, strict=True) if arg.value is None}


def _arg_text(arg: Argument) -> str:
    parts = [f'name = "{arg.name}"', f'type = "{arg.type.value}"']
    if arg.order is not None:
        parts.append(f'order = "{arg.order.value}"')
    if arg.value is not None:
        parts.append(f"value = {arg.value}")
    parts += [f"{key} = {v}" for key, v in (("min", arg.min), ("max", arg.max)) if v is not None]
    return "{ " + ", ".join(parts) + " }"


def _field_text(item: NotificationField) -> str:
    parts = [f'name = "{item.name}"']
    if item.type is not FieldType.U8:
        parts.append(f'type = "{item.type.value}"')
    if item.order is not None:
        parts.append(f'order = "{item.order.value}"')
    if item.bits:
        bits = ", ".join(f"{k} = {v}" for k, v in item.bits.items())
        parts.append(f"bits = {{ {bits} }}")
    return "{ " + ", ".join(parts) + " }"


def _inline(values: dict[str, int | str | bool]) -> str:
    def value(v: int | str | bool) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        return quote(v)

    return ", ".join(f"{k} = {value(v)}" for k, v in values.items())


def framing_text(framing: Framing) -> str:
    parts = [f"header {hex_bytes(framing.header) or 'none'}"]
    if framing.opcode_size != 1:
        parts.append(f"{framing.opcode_size}-byte opcode")
    parts.append(f"sequence {framing.sequence}")
    length = f"length {framing.length}"
    if framing.length and framing.length_size != 1:
        length += f" ({framing.length_size} bytes)"
    parts.append(length)
    checked = framing.checksum.value
    if framing.checksum_start is not None:
        checked += f" from byte {framing.checksum_start}"
    parts.append(checked)
    if framing.trailer:
        parts.append(f"trailer {hex_bytes(framing.trailer)}")
    parts.append(framing.byte_order.value)
    text = ", ".join(parts)
    answers = framing.notifications
    if answers is not None:
        text += "; notifications: " + ", ".join(
            f"{k} {hex_bytes(v) if isinstance(v, bytes) else v}"
            for k, v in answers.model_dump(exclude_none=True).items()
        )
    return text


def report_lines(
    protocol: Protocol, explained_vectors: int, out: str, redactor: Redactor | None = None
) -> list[str]:
    """The short report printed to the terminal (with --redact, without addresses and
    serial numbers)."""
    lines = _report_lines(protocol, explained_vectors, out, redactor or Redactor())
    return [redactor.text(line) for line in lines] if redactor is not None else lines


def _report_lines(
    protocol: Protocol, explained_vectors: int, out: str, redactor: Redactor
) -> list[str]:
    p = protocol
    capture = p.capture
    lines = [
        f"Capture {printable(capture.path.name)}: {capture.records} records, "
        f"{capture.att_pdus} ATT PDUs"
        + (f", {capture.skipped} records skipped" if capture.skipped else "")
        + (" (the file ends inside a record; the rest was ignored)" if capture.truncated else "")
        + ".",
    ]
    for conn in capture.connections:
        end = f"{conn.ended:.3f} s" if conn.ended is not None else "the end"
        peer = conn.peer or "an unknown peer (it began before the capture)"
        name = capture.names.get(conn.peer or "")
        named = f" ({printable(name)})" if name else ""
        lines.append(
            f"  connection {conn.index + 1}: handle 0x{conn.handle:03X} to {peer}{named}, "
            f"{conn.started:.3f} s to {end}, {conn.att_pdus} ATT PDUs"
        )
    table = p.table
    lines.append(
        f"Handles named by service discovery: {len(table.services)} services, "
        f"{len(table.characteristics)} characteristics, {len(table.descriptors)} descriptors."
    )
    for char in sorted(table.characteristics.values(), key=lambda c: c.value_handle):
        role = (
            " <- command"
            if char is p.command.char
            else " <- notify"
            if char is p.notify.char
            else ""
        )
        lines.append(
            f"  0x{char.value_handle:04X} {char.uuid} (service {char.service}, "
            f"properties 0x{char.properties:02X}){role}"
        )
    lines.append("Frames per characteristic:")
    for traffic in sorted(p.traffic, key=lambda t: (t.server, t.handle)):
        lines.extend(_traffic_lines(traffic, redactor))
    guess = p.guess
    lines.append(
        f"Framing: {framing_text(p.framing)}; explains {guess.explained} of {guess.total} "
        "distinct frames"
        + ("" if guess.byte_order_known else " (byte order not shown by the checksum)")
        + "."
    )
    for opcode, entry in sorted(p.commands.items()):
        name = p.names.get(opcode)
        label = name or "unknown (commented out in the draft)"
        lines.append(
            f"  command 0x{opcode:02X}: {label}, {entry.seen} sent, "
            f"{entry.size} payload bytes, answered by {entry.answer.value}"
        )
    for opcode, entry in sorted(p.notifications.items()):
        kind = (
            "ack"
            if opcode == p.ack_opcode
            else "status"
            if opcode == p.status_opcode
            else "unknown"
        )
        lines.append(
            f"  notification 0x{opcode:02X}: {kind}, {entry.seen} received, "
            f"{entry.size} payload bytes"
        )
    lines.append(f"Draft profile: {out} ({explained_vectors} golden vectors).")
    return lines


def _traffic_lines(traffic: Traffic, redactor: Redactor) -> Iterable[str]:
    for what, values in (("written", traffic.writes), ("notified", traffic.notifications)):
        if not values:
            continue
        groups = group_values(values)
        yield f"  {traffic.label}: {len(values)} {what}, {len(groups)} distinct"
        for raw, count, time, kind in groups[:REPORT_GROUPS]:
            how = (
                ""
                if kind in (ValueKind.NOTIFICATION, ValueKind.WRITE_REQUEST)
                else f" ({kind.value})"
            )
            shown = (
                "(holds an address or serial number; left out by --redact)"
                if redactor.holds(raw)
                else printable(hex_bytes(raw), 72)
            )
            yield f"    {time:9.3f} s  {shown}  x{count}{how}"
        if len(groups) > REPORT_GROUPS:
            yield f"    ... {len(groups) - REPORT_GROUPS} more (all are in the draft's vectors)"
