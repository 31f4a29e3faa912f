"""From a read capture to a protocol: which characteristics carry it, how it is framed, what each
opcode is and how the device answers it.

Pure: no Bumble here, only the `Capture` that `capture.py` made and the protocol package.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from facecoach.devices.learning.capture import (
    AttributeTable,
    AttValue,
    Capture,
    CaptureError,
    Characteristic,
    ValueKind,
)
from facecoach.devices.learning.framing import Frame, FramingGuess, detect_framing, split
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
MAX_FRAMES_TRIED = 256
# How long after a command its answer may come.
ANSWER_WINDOW = 3.0


def is_standard(uuid: str | None) -> bool:
    """A Bluetooth SIG UUID (GAP, GATT, Battery...): not where a vendor protocol lives."""
    return uuid is not None and uuid.endswith(_BASE_TAIL)


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


@dataclass(frozen=True)
class Event:
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
    for value in capture.values:
        server = capture.server_key(value.connection, value.server)
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


def infer(capture: Capture, known: Sequence[DeviceProfile]) -> Protocol:
    """The protocol the capture shows; CaptureError when there is nothing to learn."""
    traffic = collect_traffic(capture)
    writable = [
        t
        for t in traffic
        if t.writes and not _is_descriptor(capture, t) and not is_standard(t.uuid)
    ]
    if not writable:
        raise CaptureError(
            f"{capture.path}: no writes to a vendor characteristic (only "
            f"{_describe_values(traffic)}). Capture while the phone app sends commands."
        )
    command = max(writable, key=lambda t: len(t.writes))
    if command.char is None:
        raise CaptureError(
            f"{capture.path}: the writes went to handle 0x{command.handle:04X}, but the capture "
            "has no service discovery to name it (the phone had the device's services cached). "
            "Turn the phone's Bluetooth off and on (or forget the device) before capturing."
        )
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
    notify = max(same_service or notifying, key=lambda t: len(t.notifications))
    if notify.char is None:
        raise CaptureError(
            f"{capture.path}: notifications came from handle 0x{notify.handle:04X}, which the "
            "capture's service discovery does not name."
        )
    writes = command.writes
    notes = notify.notifications
    guess = detect_framing(_distinct(writes), _distinct(notes))
    if guess is None:
        raise CaptureError(
            f"{capture.path}: no frame layout facecoach knows (header, opcode, sequence, "
            "length, checksum) explains the frames; the device's protocol needs code, not a "
            "profile."
        )
    candidates = [p for p in known if p.framing is not None and p.gatt.command is not None]
    chosen = _known_profile(candidates, command.uuid, guess)
    framing = guess.framing
    if chosen is not None and chosen.framing is not None:
        # How bit fields fill a byte never shows in the frames' structure: the known
        # profile's; and its byte order, unless a two-byte checksum showed it.
        update: dict[str, object] = {"bit_order": chosen.framing.bit_order}
        if not guess.byte_order_known:
            update["byte_order"] = chosen.framing.byte_order
        framing = framing.model_copy(update=update)
    commands, unexplained_writes = _by_opcode(framing, writes)
    notifications, unexplained_notes = _by_opcode(framing, notes)
    ack_opcode = _ack_opcode(framing, commands, notifications)
    status_opcode = _answer_commands(framing, commands, notifications, ack_opcode)
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


def _describe_values(traffic: list[Traffic]) -> str:
    writes = sum(len(t.writes) for t in traffic)
    notes = sum(len(t.notifications) for t in traffic)
    return f"{writes} writes and {notes} notifications, to descriptors or standard services"


def _distinct(values: list[AttValue]) -> list[bytes]:
    seen: dict[bytes, None] = {}
    for value in values:
        seen.setdefault(value.value, None)
        if len(seen) >= MAX_FRAMES_TRIED:
            break
    return list(seen)


def _known_profile(
    profiles: list[DeviceProfile], uuid: str | None, guess: FramingGuess
) -> DeviceProfile | None:
    """A profile facecoach has that speaks this protocol: same command characteristic, or
    failing that the same frame layout."""
    for profile in profiles:
        if profile.gatt.command is not None and profile.gatt.command.uuid == uuid:
            return profile
    found = guess.framing
    for profile in profiles:
        theirs = profile.framing
        if (
            theirs is not None
            and (
                theirs.header,
                theirs.sequence,
                theirs.length,
                theirs.checksum,
            )
            == (found.header, found.sequence, found.length, found.checksum)
            and (not guess.byte_order_known or theirs.byte_order == found.byte_order)
        ):
            return profile
    return None


def _by_opcode(
    framing: Framing, values: list[AttValue]
) -> tuple[dict[int, Opcode], list[AttValue]]:
    found: dict[int, Opcode] = {}
    unexplained: list[AttValue] = []
    for value in values:
        frame = split(framing, value.value)
        if frame is None:
            unexplained.append(value)
            continue
        entry = found.setdefault(frame.opcode, Opcode(frame.opcode))
        entry.events.append(Event(value.time, frame, value.kind, value))
        entry.sizes[len(frame.payload)] += 1
    # The codec gives an opcode one payload size: frames of another size stay unexplained.
    for entry in found.values():
        size = entry.size
        odd = [e for e in entry.events if len(e.frame.payload) != size]
        entry.events = [e for e in entry.events if len(e.frame.payload) == size]
        unexplained.extend(e.value for e in odd)
    return found, unexplained


def _timeline(
    commands: dict[int, Opcode], notifications: dict[int, Opcode]
) -> list[tuple[float, bool, Event]]:
    merged = [(e.time, True, e) for o in commands.values() for e in o.events]
    merged += [(e.time, False, e) for o in notifications.values() for e in o.events]
    merged.sort(key=lambda item: (item[0], not item[1]))
    return merged


def _ack_opcode(
    framing: Framing, commands: dict[int, Opcode], notifications: dict[int, Opcode]
) -> int | None:
    """The notification that echoes the opcode of the command it answers: the command with
    the same sequence number, or without sequence numbers the latest command before it."""
    best: tuple[int, int] | None = None
    for opcode, entry in notifications.items():
        if entry.size < 1:
            continue
        echoes = 0
        recent: list[Event] = []
        for _time, is_command, event in _timeline(commands, {opcode: entry}):
            if is_command:
                recent = [*recent[-15:], event]
                continue
            answered = [
                c
                for c in recent
                if event.time - c.time <= ANSWER_WINDOW
                and (not framing.sequence or c.frame.sequence == event.frame.sequence)
            ]
            if answered and answered[-1].frame.opcode == event.frame.payload[0]:
                echoes += 1
        if echoes * 4 >= len(entry.events) * 3 and echoes and (best is None or echoes > best[1]):
            best = (opcode, echoes)
    return best[0] if best else None


def _answer_commands(
    framing: Framing,
    commands: dict[int, Opcode],
    notifications: dict[int, Opcode],
    ack_opcode: int | None,
) -> int | None:
    """How each command was answered (counted on the opcode); returns the status opcode: the
    other notification that answers commands most, else the most frequent other one."""
    answered_by: Counter[int] = Counter()
    timeline = _timeline(commands, notifications)
    for index, (time, is_command, event) in enumerate(timeline):
        if not is_command:
            continue
        answer = "none"
        for later_time, later_is_command, later in timeline[index + 1 :]:
            if later_time - time > ANSWER_WINDOW:
                break
            if later_is_command:
                if not framing.sequence:
                    break  # without sequence numbers an answer belongs to the latest command
                continue
            if framing.sequence and later.frame.sequence != event.frame.sequence:
                continue
            if later.frame.opcode == ack_opcode:
                if later.frame.payload[:1] == bytes([event.frame.opcode]):
                    answer = "ack"
                    break
                continue
            answer = "status"
            answered_by[later.frame.opcode] += 1
            break
        commands[event.frame.opcode].answers[answer] += 1
    if answered_by:
        return answered_by.most_common(1)[0][0]
    others = [(len(o.events), op) for op, o in notifications.items() if op != ack_opcode]
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
