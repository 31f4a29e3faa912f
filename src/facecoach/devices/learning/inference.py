"""From a read capture to a protocol: which characteristics carry it, how it is framed, what each
opcode is and how the device answers it.

Pure: no Bumble here, only the `Capture` that `capture.py` made and the protocol package.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from facecoach.devices.learning.capture import (
    AttributeTable,
    AttValue,
    Capture,
    CaptureError,
    Characteristic,
    Sent,
    ValueKind,
)
from facecoach.devices.learning.framing import (
    DirectionGuess,
    Frame,
    FramingGuess,
    Parse,
    detect_direction,
    merge,
    parse,
    split_all,
)
from facecoach.devices.protocol.assigned_numbers import BATTERY_LEVEL
from facecoach.devices.protocol.fields import ByteOrder
from facecoach.devices.protocol.profile import (
    AckKind,
    CommandName,
    DeviceProfile,
    Framing,
    NotificationKind,
)

_BASE_TAIL = "-0000-1000-8000-00805f9b34fb"
# Frames given to the framing search: distinct ones, in the order first seen.
MAX_FRAMES_TRIED = 128
# How long after a command its answer may come.
ANSWER_WINDOW = 3.0
# Pieces of one message follow each other closer than this, with nothing sent the other way.
PIECE_GAP = 0.25
# Frames kept per opcode to find answers and ranges in (all are counted): a long capture
# repeats the same polls and answers for hours.
MAX_EVENTS = 4_000
# Distinct values whose frames are remembered while splitting a long capture.
MAX_REMEMBERED = 65536
# A message spread over pieces is at most this long (a Bluetooth attribute value is 512).
MAX_MESSAGE = 4096
# The 16-bit ranges the Bluetooth SIG assigns to services (0x18xx), units, declarations,
# descriptors and characteristics (0x27xx-0x2Cxx). 0xFDxx-0xFFxx are given to member
# companies and vendors use 0xFFE0, 0xFFF0... freely: those carry vendor protocols.
_SIG_RANGES = ((0x1800, 0x18FF), (0x2700, 0x2CFF))


def is_standard(uuid: str | None) -> bool:
    """A UUID the Bluetooth SIG assigned (GAP, GATT, Battery...): not a vendor protocol."""
    if uuid is None or not uuid.endswith(_BASE_TAIL) or not uuid.startswith("0000"):
        return False
    short = int(uuid[4:8], 16)
    return any(low <= short <= high for low, high in _SIG_RANGES)


@dataclass
class Traffic:
    """Everything written to or sent from one characteristic of one GATT server."""

    server: str
    handle: int
    char: Characteristic | None
    writes: list[AttValue] = field(default_factory=list)
    notifications: list[AttValue] = field(default_factory=list)

    @property
    def uuid(self) -> str | None:
        return self.char.uuid if self.char else None

    descriptor: str | None = None

    @property
    def label(self) -> str:
        if self.uuid is not None:
            return f"handle 0x{self.handle:04X} {self.uuid}"
        if self.descriptor is not None:
            return f"handle 0x{self.handle:04X} descriptor {self.descriptor}"
        return f"handle 0x{self.handle:04X} (not named by discovery)"


class Event(NamedTuple):
    time: float
    frame: Frame
    kind: ValueKind
    value: AttValue


@dataclass
class Opcode:
    """One opcode as seen in one direction."""

    opcode: int
    events: list[Event] = field(default_factory=list)
    sizes: Counter[int] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)  # ack / status / none

    @property
    def size(self) -> int:
        return self.sizes.most_common(1)[0][0]

    @property
    def seen(self) -> int:
        """Frames of this opcode at its usual size (events holds the first MAX_EVENTS)."""
        return self.sizes[self.size]

    @property
    def answer(self) -> AckKind:
        top = self.answers.most_common(1)
        return AckKind(top[0][0]) if top else AckKind.NONE


@dataclass
class Protocol:
    capture: Capture
    traffic: list[Traffic]
    table: AttributeTable
    command: Traffic
    notify: Traffic
    guess: FramingGuess
    framing: Framing
    commands: dict[int, Opcode]
    notifications: dict[int, Opcode]
    unexplained_writes: list[AttValue]
    unexplained_notifications: list[AttValue]
    ack_opcode: int | None
    status_opcode: int | None
    known: DeviceProfile | None  # the shipped or user profile whose names were borrowed
    names: dict[int, str]  # command opcode -> the name facecoach knows it by
    name_sources: dict[int, str]
    peer_name: str | None
    write_with_response: bool


def collect_traffic(capture: Capture) -> list[Traffic]:
    by_handle: dict[tuple[str, int], Traffic] = {}
    servers: dict[tuple[int, Sent], str] = {}
    for value in capture.values:
        side = (value.connection, value.server)
        server = servers.get(side)
        if server is None:
            server = servers[side] = capture.server_key(value.connection, value.server)
        table = capture.tables.get(server)
        key = (server, value.handle)
        if key not in by_handle:
            char = table.characteristics.get(value.handle) if table else None
            descriptor = table.descriptors.get(value.handle) if table else None
            by_handle[key] = Traffic(server, value.handle, char, descriptor=descriptor)
        traffic = by_handle[key]
        if value.kind in (ValueKind.WRITE_REQUEST, ValueKind.WRITE_COMMAND):
            traffic.writes.append(value)
        else:
            traffic.notifications.append(value)
    return list(by_handle.values())


def _is_descriptor(capture: Capture, traffic: Traffic) -> bool:
    table = capture.tables.get(traffic.server)
    return table is not None and traffic.handle in table.descriptors


def infer(capture: Capture, known: Sequence[DeviceProfile], device: str | None = None) -> Protocol:
    """The protocol the capture shows; CaptureError when there is nothing to learn.

    `device` (an address or advertised name) picks one device in a capture that holds several.
    """
    traffic = collect_traffic(capture)
    if device is not None:
        traffic = [t for t in traffic if _is_device(capture, t, device)]
        if not traffic:
            raise CaptureError(
                f"{capture.path}: no device named or at {device!r} took part in the capture "
                f"(it saw: {_devices_seen(capture)})."
            )
    writable = [
        t
        for t in traffic
        if t.writes and not _is_descriptor(capture, t) and not is_standard(t.uuid)
    ]
    if not writable:
        raise CaptureError(f"{capture.path}: {_why_no_writes(capture, traffic)}")

    def rank(t: Traffic) -> tuple[bool, bool, int]:
        # A characteristic that discovery names, on a device that also answers, before sheer
        # numbers: a smartwatch that stays connected writes more than the device learned.
        answers = any(
            o.notifications and o.server == t.server and not is_standard(o.uuid) for o in traffic
        )
        return (t.char is not None, answers, len(t.writes))

    command = max(writable, key=rank)
    if command.char is None:
        raise CaptureError(f"{capture.path}: {_why_unnamed(capture, command)}")
    if command.char.service is None:
        raise CaptureError(
            f"{capture.path}: the command characteristic {command.char.uuid} is not inside any "
            "service the capture's discovery shows (a damaged or partial capture)."
        )
    notifying = [
        t
        for t in traffic
        if t.notifications
        and t.server == command.server
        and t.uuid != BATTERY_LEVEL
        and not is_standard(t.uuid)
    ]
    if not notifying:
        raise CaptureError(
            f"{capture.path}: the device never sent a notification on a vendor characteristic, "
            "and a facecoach profile needs the device's answers. Capture a longer session, "
            "with the phone app showing the device's status."
        )
    same_service = [t for t in notifying if t.char and t.char.service == command.char.service]
    notify = max(
        same_service or notifying, key=lambda t: (t.char is not None, len(t.notifications))
    )
    if notify.char is None:
        raise CaptureError(
            f"{capture.path}: notifications came from handle 0x{notify.handle:04X}, which the "
            "capture's service discovery does not name."
        )
    writes = command.writes
    notes = notify.notifications
    command_guess, command_messages = _search(writes, notes)
    if command_guess is None:
        raise CaptureError(
            f"{capture.path}: no frame layout facecoach knows (header, opcode, sequence, "
            "length, checksum, trailer) explains half of the commands written to "
            f"{command.char.uuid}; the device's protocol needs code, not a profile."
        )
    sent = frozenset(
        f.sequence
        for f in _frames_of(command_guess.framing, command_messages)
        if f.sequence is not None
    )
    notify_guess, _ = _search(
        notes, writes, command_guess.framing.sequence, sent, command_guess.framing
    )
    guess = merge(command_guess, notify_guess)
    candidates = [p for p in known if p.framing is not None and p.gatt.command is not None]
    chosen = _known_profile(candidates, command.uuid, guess)
    framing = guess.framing
    if chosen is not None and chosen.framing is not None:
        # How bit fields fill a byte never shows in the frames' structure: the known
        # profile's; and its byte order, unless the frames showed it.
        update: dict[str, object] = {"bit_order": chosen.framing.bit_order}
        if not guess.byte_order_known:
            update["byte_order"] = chosen.framing.byte_order
        framing = framing.model_copy(update=update)
    commands, unexplained_writes = _by_opcode(framing, writes)
    notifications, unexplained_notes = _by_opcode(framing.for_notifications(), notes)
    timeline = _timeline(commands, notifications)
    ack_opcode = _ack_opcode(framing, timeline, notifications)
    status_opcode = _answer_commands(framing, timeline, commands, notifications, ack_opcode)
    names, sources = _names(commands, chosen, ack_opcode, status_opcode)
    table = capture.tables.get(command.server) or AttributeTable()
    with_response = sum(w.kind is ValueKind.WRITE_REQUEST for w in writes) * 2 >= len(writes)
    return Protocol(
        capture=capture,
        traffic=traffic,
        table=table,
        command=command,
        notify=notify,
        guess=guess,
        framing=framing,
        commands=commands,
        notifications=notifications,
        unexplained_writes=unexplained_writes,
        unexplained_notifications=unexplained_notes,
        ack_opcode=ack_opcode,
        status_opcode=status_opcode,
        known=chosen,
        names=names,
        name_sources=sources,
        peer_name=_peer_name(capture, command),
        write_with_response=with_response,
    )


def _is_device(capture: Capture, traffic: Traffic, device: str) -> bool:
    wanted = device.strip().lower()
    address = traffic.server.removeprefix("peer ").split("/")[0].lower()
    names = {capture.gap_names.get(traffic.server, "")}
    if traffic.server.startswith("peer "):
        names.add(capture.names.get(traffic.server.removeprefix("peer "), ""))
    return wanted == address or any(n and n.lower().startswith(wanted) for n in names)


def _devices_seen(capture: Capture) -> str:
    seen = sorted({c.peer.split("/")[0] for c in capture.connections if c.peer})
    named = [
        f"{address} ({capture.names[key]})" if key in capture.names else address
        for address in seen
        for key in [next((k for k in capture.names if k.split("/")[0] == address), "")]
    ]
    return ", ".join(named) or "no device's address"


def _why_no_writes(capture: Capture, traffic: list[Traffic]) -> str:
    """Why nothing was written to a vendor characteristic, from what the capture does hold."""
    to_descriptors = sum(len(t.writes) for t in traffic if _is_descriptor(capture, t))
    to_standard = sum(len(t.writes) for t in traffic if is_standard(t.uuid))
    notes = sum(len(t.notifications) for t in traffic)
    discovered = sum(len(t.characteristics) for t in capture.tables.values())
    parts = []
    if to_descriptors:
        parts.append(f"{to_descriptors} writes to descriptors (turning notifications on)")
    if to_standard:
        parts.append(f"{to_standard} writes to standard characteristics")
    if notes:
        parts.append(f"{notes} notifications")
    held = "; it holds " + ", ".join(parts) if parts else ""
    if discovered:
        return (
            f"the phone discovered {discovered} characteristics but wrote no command to a "
            f"vendor one{held}. Capture while the maker's app sends the device commands "
            "(start it, change a setting)."
        )
    return (
        f"{capture.att_pdus} ATT PDUs, but no write to a vendor characteristic{held}. "
        "Capture while the maker's app sends the device commands."
    )


def _why_unnamed(capture: Capture, command: Traffic) -> str:
    """Why the command characteristic has no UUID: what the capture shows of its discovery."""
    head = (
        f"the app wrote to handle 0x{command.handle:04X}, but the capture does not show which "
        "characteristic that is"
    )
    connections = [
        c for c in capture.connections if capture.server_key(c.index, Sent.PEER) == command.server
    ]
    if connections and all(c.peer is None for c in connections):
        return (
            f"{head}: the capture began while the phone was already connected, after it had "
            "discovered the device's services. Start the capture first, then connect the app."
        )
    return (
        f"{head}: the phone did not discover the device's services during the capture (it had "
        "them from an earlier connection; Android keeps them for a paired device). Forget the "
        "device in the phone's Bluetooth settings (or turn Bluetooth off and on), start the "
        "capture, then connect the app."
    )


def _distinct(values: Iterable[bytes]) -> list[bytes]:
    seen: dict[bytes, None] = {}
    for value in values:
        seen.setdefault(value, None)
        if len(seen) >= MAX_FRAMES_TRIED:
            break
    return list(seen)


def _pieces(values: list[AttValue], others: list[AttValue]) -> Iterator[bytes]:
    """Values joined where they follow each other closely with nothing the other way between:
    the pieces of a message longer than one write or notification. Lazy: the search takes
    only the first distinct ones."""
    other_times = sorted(v.time for v in others)
    current = bytearray()
    last: AttValue | None = None
    cursor = 0
    for value in values:
        while cursor < len(other_times) and other_times[cursor] <= value.time:
            cursor += 1
        between = last is not None and cursor > 0 and other_times[cursor - 1] > last.time
        if (
            last is None
            or value.time - last.time > PIECE_GAP
            or value.connection != last.connection
            or between
            or len(current) + len(value.value) > MAX_MESSAGE
        ):
            if current:
                yield bytes(current)
            current = bytearray()
        current += value.value
        last = value
    if current:
        yield bytes(current)


def _search(
    values: list[AttValue],
    others: list[AttValue],
    sequence: bool | None = None,
    sent: frozenset[int] = frozenset(),
    like: Framing | None = None,
) -> tuple[DirectionGuess | None, list[bytes]]:
    """The layout of one direction: on the values as they are, and on the values joined into
    messages where they come in pieces; the one with more evidence."""
    raw = _distinct(v.value for v in values)
    best = detect_direction(raw, sequence=sequence, sent_sequences=sent, like=like)
    messages = raw
    if (
        best is not None
        and best.evidence > 0
        and best.scores.explained * 10 >= best.scores.total * 9
    ):
        return best, messages  # (nearly) every value is a checked whole frame: no pieces
    joined = _distinct(_pieces(values, others))
    if joined != raw:
        other = detect_direction(joined, sequence=sequence, sent_sequences=sent, like=like)
        if other is not None and (best is None or other.evidence > best.evidence):
            best, messages = other, joined
    return best, messages


def _frames_of(framing: Framing, messages: list[bytes]) -> list[Frame]:
    found: list[Frame] = []
    for raw in messages:
        found.extend(split_all(framing, raw) or [])
    return found


def _known_profile(
    profiles: list[DeviceProfile], uuid: str | None, guess: FramingGuess
) -> DeviceProfile | None:
    """A profile facecoach has that speaks this protocol: same command characteristic, or
    failing that the same frame layout, if that layout checks something (two profiles that
    both frame nothing have nothing in common)."""
    for profile in profiles:
        if profile.gatt.command is not None and profile.gatt.command.uuid == uuid:
            return profile
    found = guess.framing
    if not found.header and found.checksum.size == 0:
        return None
    for profile in profiles:
        theirs = profile.framing
        if (
            theirs is not None
            and (
                theirs.header,
                theirs.sequence,
                theirs.length,
                theirs.checksum,
                theirs.trailer,
                theirs.opcode_size,
                theirs.length_size,
            )
            == (
                found.header,
                found.sequence,
                found.length,
                found.checksum,
                found.trailer,
                found.opcode_size,
                found.length_size,
            )
            and (not guess.byte_order_known or theirs.byte_order == found.byte_order)
        ):
            return profile
    return None


def _by_opcode(
    framing: Framing, values: list[AttValue]
) -> tuple[dict[int, Opcode], list[AttValue]]:
    """The frames in the values, by opcode: a value may hold several frames, and a message may
    come in several values (its first one stands for it)."""
    found: dict[int, Opcode] = {}
    unexplained: list[AttValue] = []

    def add(value: AttValue, frames: list[Frame]) -> None:
        for frame in frames:
            entry = found.get(frame.opcode)
            if entry is None:
                entry = found[frame.opcode] = Opcode(frame.opcode)
            entry.sizes[len(frame.payload)] += 1
            if len(entry.events) < MAX_EVENTS:
                entry.events.append(Event(value.time, frame, value.kind, value))

    pending: list[AttValue] = []
    buffer = b""
    # A long capture repeats the same few values (polls, their answers): each is split once.
    known: dict[bytes, list[Frame] | None] = {}
    for value in values:
        if pending:
            last = pending[-1]
            if value.time - last.time <= PIECE_GAP and value.connection == last.connection:
                buffer += value.value
                pending.append(value)
                frames = split_all(framing, buffer)
                if frames is not None:
                    add(pending[0], frames)
                    pending, buffer = [], b""
                elif parse(framing, buffer)[0] is not Parse.INCOMPLETE or len(buffer) > MAX_MESSAGE:
                    unexplained.extend(pending)
                    pending, buffer = [], b""
                continue
            unexplained.extend(pending)
            pending, buffer = [], b""
        raw = value.value
        if raw in known:
            frames = known[raw]
        else:
            frames = split_all(framing, raw)
            if len(known) < MAX_REMEMBERED:
                known[raw] = frames
        if frames is not None:
            add(value, frames)
        elif framing.length and parse(framing, value.value)[0] is Parse.INCOMPLETE:
            pending, buffer = [value], value.value
        else:
            unexplained.append(value)
    unexplained.extend(pending)
    # The codec gives an opcode one payload size: frames of another size stay unexplained.
    for entry in found.values():
        size = entry.size
        odd = [e for e in entry.events if len(e.frame.payload) != size]
        entry.events = [e for e in entry.events if len(e.frame.payload) == size]
        unexplained.extend(e.value for e in odd)
    return found, unexplained


Timeline = list[tuple[float, bool, Event]]


def _timeline(commands: dict[int, Opcode], notifications: dict[int, Opcode]) -> Timeline:
    """Commands and notifications in time order (a command before an answer at its time)."""
    merged = [(e.time, False, e) for o in commands.values() for e in o.events]
    merged += [(e.time, True, e) for o in notifications.values() for e in o.events]
    # Sorted on (time, is a notification) only: events themselves are never compared.
    merged.sort(key=lambda item: (item[0], item[1]))
    return [(time, not later, event) for time, later, event in merged]


def _ack_opcode(
    framing: Framing, timeline: Timeline, notifications: dict[int, Opcode]
) -> int | None:
    """The notification that echoes the opcode of the command it answers: the command with
    the same sequence number, or without sequence numbers the latest command before it. One
    pass over the timeline, whatever the number of opcodes."""
    echoes: Counter[int] = Counter()
    recent: list[Event] = []
    sizes = {opcode: entry.size for opcode, entry in notifications.items()}
    for _time, is_command, event in timeline:
        if is_command:
            recent = [*recent[-15:], event]
            continue
        if sizes[event.frame.opcode] < 1:
            continue
        answered = [
            c
            for c in recent
            if event.time - c.time <= ANSWER_WINDOW
            and (not framing.sequence or c.frame.sequence == event.frame.sequence)
        ]
        if answered and answered[-1].frame.opcode == event.frame.payload[0]:
            echoes[event.frame.opcode] += 1
    best: tuple[int, int] | None = None
    for opcode, count in echoes.items():
        if count * 4 >= notifications[opcode].seen * 3 and (best is None or count > best[1]):
            best = (opcode, count)
    return best[0] if best else None


def _answer_commands(
    framing: Framing,
    timeline: Timeline,
    commands: dict[int, Opcode],
    notifications: dict[int, Opcode],
    ack_opcode: int | None,
) -> int | None:
    """How each command was answered (counted on the opcode); returns the status opcode: the
    other notification that answers commands most, else the most frequent other one.

    Each command looks ahead only as far as its answer window, without copying the rest of
    the timeline: the cost grows with the capture, not with its square."""
    answered_by: Counter[int] = Counter()
    for index, (time, is_command, event) in enumerate(timeline):
        if not is_command:
            continue
        answer = "none"
        for later_index in range(index + 1, len(timeline)):
            later_time, later_is_command, later = timeline[later_index]
            if later_time - time > ANSWER_WINDOW:
                break
            if later_is_command:
                if not framing.sequence:
                    break  # without sequence numbers an answer belongs to the latest command
                continue
            if framing.sequence and later.frame.sequence != event.frame.sequence:
                continue
            if later.frame.opcode == ack_opcode:
                if later.frame.payload[:1] == bytes([event.frame.opcode & 0xFF]):
                    answer = "ack"
                    break
                continue
            answer = "status"
            answered_by[later.frame.opcode] += 1
            break
        commands[event.frame.opcode].answers[answer] += 1
    if answered_by:
        return answered_by.most_common(1)[0][0]
    others = [(o.seen, op) for op, o in notifications.items() if op != ack_opcode]
    return max(others)[1] if others else None


def _names(
    commands: dict[int, Opcode],
    known: DeviceProfile | None,
    ack_opcode: int | None,
    status_opcode: int | None,
) -> tuple[dict[int, str], dict[int, str]]:
    names: dict[int, str] = {}
    sources: dict[int, str] = {}
    if known is not None:
        for name, spec in known.commands.items():
            entry = commands.get(spec.opcode)
            if entry is not None and spec.payload_size == entry.size:
                names[spec.opcode] = name
                sources[spec.opcode] = f"from the profile {known.id!r}"
    # From the capture alone: the one command without arguments that the status answers.
    asks = [
        op
        for op, entry in commands.items()
        if entry.size == 0 and entry.answer is AckKind.STATUS and op not in names
    ]
    if (
        len(asks) == 1
        and status_opcode is not None
        and CommandName.QUERY_STATUS not in names.values()
    ):
        names[asks[0]] = CommandName.QUERY_STATUS
        sources[asks[0]] = "answered by the status notification, and takes no arguments"
    return names, sources


def _peer_name(capture: Capture, command: Traffic) -> str | None:
    gap = capture.gap_names.get(command.server)
    if gap:
        return gap
    if command.server.startswith("peer "):
        return capture.names.get(command.server.removeprefix("peer "))
    return None


def observed_range(entry: Opcode, offset: int, size: int, order: ByteOrder) -> tuple[int, int]:
    values = [
        int.from_bytes(e.frame.payload[offset : offset + size], order.value) for e in entry.events
    ]
    return min(values), max(values)


def kind_of_notification(protocol: Protocol, opcode: int) -> NotificationKind:
    return NotificationKind.ACK if opcode == protocol.ack_opcode else NotificationKind.STATUS


def group_values(values: list[AttValue]) -> list[tuple[bytes, int, float, ValueKind]]:
    """Repeated frames together: (bytes, how many, first time, kind), in order first seen."""
    groups: dict[bytes, list[AttValue]] = defaultdict(list)
    for value in values:
        groups[value.value].append(value)
    return [(raw, len(vs), vs[0].time, vs[0].kind) for raw, vs in groups.items()]
