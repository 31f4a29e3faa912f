"""Reading an HCI capture: btsnoop records -> connections, named attributes and ATT values.

The record layer (btsnoop, RFC 1761 with Android's and btmon's datalinks) is read here because
Bumble has no library reader for it; everything inside a record (HCI events, ACL reassembly,
L2CAP, ATT) is parsed by Bumble. The file comes from someone else's phone: its size is bounded
before it is read, no length in it is trusted beyond the bytes actually present, and a record
Bumble cannot parse is counted and skipped instead of stopping the whole capture.
"""

import io
import stat
import struct
import zipfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, NamedTuple

from bumble import att, hci, l2cap
from bumble.core import UUID, AdvertisingData

from facecoach.devices.errors import DeviceError
from facecoach.devices.learning.containers import (
    PCAP_MAGICS,
    PCAPNG_MAGIC,
    ZIP_MAGIC,
    ContainerError,
    btsnoop_in_bug_report,
    pcap_to_btsnoop,
)
from facecoach.devices.protocol.profile import normalize_uuid

MAX_CAPTURE_BYTES = 64 * 1024 * 1024
BTSNOOP_MAGIC = b"btsnoop\0"
_FILE_HEADER = struct.Struct(">8sII")
_RECORD_HEADER = struct.Struct(">IIIIq")
# An HCI packet is at most a few bytes of header plus 65535 bytes of data.
_MAX_RECORD = 4 + 0x10000
_CHUNK = 4 * 1024 * 1024
_VALUES_SHARED = 65536

DATALINK_H1 = 1001
DATALINK_H4 = 1002
DATALINK_MONITOR = 2001  # btmon -w: the Linux monitor channel, opcode and index in the flags

# btmon opcodes (BlueZ monitor/bt.h) for the packets learning needs.
_MONITOR_TYPES = {3: hci.HCI_EVENT_PACKET, 4: hci.HCI_ACL_DATA_PACKET, 5: hci.HCI_ACL_DATA_PACKET}
_MONITOR_RECEIVED = {3, 5}

GATT_PRIMARY_SERVICE = normalize_uuid("2800")
GATT_SECONDARY_SERVICE = normalize_uuid("2801")
GATT_CHARACTERISTIC = normalize_uuid("2803")
GAP_DEVICE_NAME = normalize_uuid("2a00")
SERIAL_NUMBER = normalize_uuid("2a25")
_DISCONNECTION_COMPLETE = 0x05
_LE_META = 0x3E
_EVENTS = (_LE_META, _DISCONNECTION_COMPLETE)  # the HCI events learning reads


class CaptureError(DeviceError):
    """A capture file that cannot be learned from; the message says why and what to do."""


class Sent(StrEnum):
    """Which side of the captured host an ATT PDU came from."""

    HOST = "host"  # the captured machine sent it (host to controller)
    PEER = "peer"  # the other device sent it (controller to host)

    @property
    def other(self) -> "Sent":
        return Sent.PEER if self is Sent.HOST else Sent.HOST


class ValueKind(StrEnum):
    WRITE_REQUEST = "write request"
    WRITE_COMMAND = "write command"
    NOTIFICATION = "notification"
    INDICATION = "indication"


# ATT opcodes that carry a characteristic's value (Core Vol 3 Part F 3.4.8).
_VALUE_OPCODES = {
    0x12: ValueKind.WRITE_REQUEST,
    0x52: ValueKind.WRITE_COMMAND,
    0x1B: ValueKind.NOTIFICATION,
    0x1D: ValueKind.INDICATION,
}
WRITE_KINDS = (ValueKind.WRITE_REQUEST, ValueKind.WRITE_COMMAND)
# Error response, MTU exchange, write response, confirmation: nothing in them is learned.
_PASSED_OVER = frozenset({0x01, 0x02, 0x03, 0x13, 0x1E})


@dataclass
class Characteristic:
    declaration: int
    value_handle: int
    uuid: str
    properties: int
    service: str | None = None
    descriptors: dict[int, str] = field(default_factory=dict)


@dataclass
class AttributeTable:
    """What discovery showed of one GATT server: services and characteristics by handle."""

    services: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, uuid
    characteristics: dict[int, Characteristic] = field(default_factory=dict)  # by value handle
    descriptors: dict[int, str] = field(default_factory=dict)

    def service_of(self, handle: int) -> str | None:
        for start, end, uuid in self.services:
            if start <= handle <= end:
                return uuid
        return None

    def finish(self) -> None:
        for char in self.characteristics.values():
            char.service = self.service_of(char.declaration)
        ordered = sorted(self.characteristics.values(), key=lambda c: c.value_handle)
        for index, char in enumerate(ordered):
            limit = ordered[index + 1].declaration if index + 1 < len(ordered) else 0x10000
            end = next((e for s, e, _ in self.services if s <= char.declaration <= e), 0xFFFF)
            char.descriptors = {
                h: u
                for h, u in self.descriptors.items()
                if char.value_handle < h < min(limit, end + 1)
            }


class AttValue(NamedTuple):
    """One value written to or sent from a characteristic (a tuple: a long capture holds a
    million of them)."""

    time: float  # seconds since the capture's first record
    connection: int  # index into Capture.connections
    handle: int
    kind: ValueKind
    value: bytes
    server: "Sent"  # the side the GATT server (the device being learned) is on


VALUE_KINDS = tuple(ValueKind)
SERVER_SIDES = (Sent.HOST, Sent.PEER)


class ValueColumns:
    """A capture's ATT values in columns, read back as AttValue tuples: a long capture holds a
    million values, and a tuple each would be most of the memory learning takes."""

    def __init__(self) -> None:
        self.times = array("d")
        self.connections = array("I")
        self.handles = array("H")
        self.codes = array("B")  # kind * 2 + side of the server
        self.data: list[bytes] = []

    def add(
        self, time: float, connection: int, handle: int, kind: ValueKind, value: bytes, server: Sent
    ) -> None:
        self.times.append(time)
        self.connections.append(connection)
        self.handles.append(handle)
        self.codes.append(VALUE_KINDS.index(kind) * 2 + (server is Sent.PEER))
        self.data.append(value)

    def append(self, value: AttValue) -> None:
        self.add(*value)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> AttValue:
        code = self.codes[index]
        return AttValue(
            self.times[index],
            self.connections[index],
            self.handles[index],
            VALUE_KINDS[code >> 1],
            self.data[index],
            SERVER_SIDES[code & 1],
        )

    def __iter__(self) -> Iterator[AttValue]:
        for index in range(len(self.data)):
            yield self[index]


class ValueView:
    """Some of a capture's values (those of one characteristic), by their index."""

    def __init__(self, columns: ValueColumns) -> None:
        self.columns = columns
        self.indexes = array("I")

    def append_index(self, index: int) -> None:
        self.indexes.append(index)

    def __len__(self) -> int:
        return len(self.indexes)

    def __bool__(self) -> bool:
        return bool(self.indexes)

    def __getitem__(self, index: int) -> AttValue:
        return self.columns[self.indexes[index]]

    def __iter__(self) -> Iterator[AttValue]:
        columns = self.columns
        for index in self.indexes:
            yield columns[index]


@dataclass
class Connection:
    index: int
    handle: int
    peer: str | None  # the peer's address, when the connection's start is in the capture
    started: float
    ended: float | None = None
    att_pdus: int = 0


@dataclass
class Capture:
    path: Path
    datalink: int
    records: int = 0
    skipped: int = 0  # records that were cut short, unparseable or of no interest
    truncated: bool = False  # the file ends inside a record
    connections: list[Connection] = field(default_factory=list)
    # GATT servers by (peer address or connection index): handles stay put across reconnects.
    tables: dict[str, AttributeTable] = field(default_factory=dict)
    values: ValueColumns = field(default_factory=ValueColumns)
    names: dict[str, str] = field(default_factory=dict)  # peer address -> name it advertised
    advertised_services: dict[str, set[str]] = field(default_factory=dict)
    gap_names: dict[str, str] = field(default_factory=dict)  # server key -> GAP Device Name
    serials: set[str] = field(default_factory=set)  # Device Information serial numbers read

    @property
    def att_pdus(self) -> int:
        return sum(c.att_pdus for c in self.connections)

    def server_key(self, connection: int, server: Sent) -> str:
        """The attribute table of the server on one side of a connection."""
        conn = self.connections[connection]
        if server is Sent.PEER and conn.peer is not None:
            return f"peer {conn.peer}"
        return f"connection {conn.index} {server.value}"

    def table(self, connection: int, server: Sent) -> AttributeTable:
        return self.tables.setdefault(self.server_key(connection, server), AttributeTable())


def uuid_from_le(raw: bytes) -> str | None:
    """A UUID as it travels in ATT (little-endian, 2 or 16 bytes) in the profile's form."""
    if len(raw) in (2, 4):
        return normalize_uuid(raw[::-1].hex())
    if len(raw) == 16:
        text = raw[::-1].hex()
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return None


def read_capture(path: Path) -> Capture:
    """Reads a capture: a btsnoop file, an Android bug report zip holding one, or a pcapng or
    pcap file of HCI traffic; CaptureError when it is none of these or is too big."""
    try:
        info = path.stat()
    except OSError as exc:
        raise CaptureError(f"Cannot read the capture {path}: {exc.strerror or exc}.") from None
    if not stat.S_ISREG(info.st_mode):  # /dev/zero, a FIFO: never read unbounded or for ever
        raise CaptureError(f"{path} is not a regular file; give the capture file itself.")
    size = info.st_size
    if size > MAX_CAPTURE_BYTES:
        raise CaptureError(
            f"{path} is {size / 2**20:.0f} MiB; captures up to "
            f"{MAX_CAPTURE_BYTES // 2**20} MiB are read. Capture a shorter session."
        )
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
            if start == ZIP_MAGIC:
                with btsnoop_in_bug_report(path, MAX_CAPTURE_BYTES) as log:
                    return _read_btsnoop(path, log)
            if start == PCAPNG_MAGIC or start in PCAP_MAGICS:
                datalink, records = pcap_to_btsnoop(path, start + handle.read(MAX_CAPTURE_BYTES))
                header = _FILE_HEADER.pack(BTSNOOP_MAGIC, 1, datalink)
                return _read_btsnoop(path, io.BytesIO(header + records))
            handle.seek(0)
            return _read_btsnoop(path, handle)
    except ContainerError as exc:
        raise CaptureError(str(exc)) from None
    except (OSError, zipfile.BadZipFile) as exc:
        what = getattr(exc, "strerror", None) or exc
        raise CaptureError(f"Cannot read the capture {path}: {what}.") from None


def _read_btsnoop(path: Path, handle: IO[bytes]) -> Capture:
    data = handle.read(_FILE_HEADER.size)
    if len(data) < _FILE_HEADER.size or not data.startswith(BTSNOOP_MAGIC):
        if data.startswith(BTSNOOP_MAGIC[: len(data)]) and data:
            raise CaptureError(f"{path} is cut short: it ends inside the btsnoop file header.")
        raise CaptureError(
            f"{path} is not a btsnoop capture (Android's 'Bluetooth HCI snoop log', `btmon -w "
            "FILE`, Bumble's snooper), nor an Android bug report zip, nor a pcapng or pcap of "
            "Bluetooth HCI traffic."
        )
    _, _version, datalink = _FILE_HEADER.unpack_from(data)
    if datalink not in (DATALINK_H1, DATALINK_H4, DATALINK_MONITOR):
        raise CaptureError(
            f"{path} uses btsnoop datalink {datalink}; H1 (1001), H4 (1002) and the "
            "Linux monitor (2001, `btmon -w`) are read."
        )
    capture = Capture(path, datalink)
    reader = _Reader(capture)
    # Read in pieces, so that a long capture is never held whole besides what is learned
    # from it; never more than the limit, whatever a zip member claims its size is.
    left = b""
    total = 0
    while True:
        chunk = handle.read(min(_CHUNK, MAX_CAPTURE_BYTES + 1 - total))
        total += len(chunk)
        left = left + chunk if left else chunk
        at = reader.read(left, 0, final=not chunk)
        if not chunk or reader.stopped or total > MAX_CAPTURE_BYTES:
            break
        left = left[at:]
    for table in capture.tables.values():
        table.finish()
    return capture


class _Reader:
    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self.open: dict[tuple[int, int], int] = {}  # (controller, ACL handle) -> connection
        self.assemblers: dict[tuple[int, Sent], hci.HCI_AclDataPacketAssembler] = {}
        # The request each side is waiting on an answer to, per connection (ATT is sequential).
        self.pending: dict[tuple[int, Sent], att.ATT_PDU] = {}
        self.first_time: int | None = None
        self.time = 0.0
        self.stopped = False  # a record no btsnoop file holds: the rest is not read
        self.values: dict[bytes, bytes] = {}
        self.parsed: dict[bytes, att.ATT_PDU] = {}

    def read(self, data: bytes, at: int, *, final: bool = True) -> int:
        """Reads the records in `data` from `at`; returns where an unfinished record starts
        (more of the file will follow it unless `final`)."""
        end = len(data)
        capture = self.capture
        h4_datalink = capture.datalink == DATALINK_H4
        unpack = _RECORD_HEADER.unpack_from
        header_size = _RECORD_HEADER.size
        records = skipped = 0
        try:
            while at < end:
                if end - at < header_size:
                    capture.truncated = final
                    return at
                original, included, flags, _drops, stamp = unpack(data, at)
                if included > _MAX_RECORD:
                    capture.truncated = True  # not btsnoop from here on: nothing more is read
                    self.stopped = True
                    return end
                if included > end - at - header_size:
                    # A length larger than the bytes left: the file was cut, or more follows.
                    capture.truncated = final
                    return at
                at += header_size
                start = at
                at += included
                records += 1
                if self.first_time is None:
                    self.first_time = stamp
                if original != included:
                    skipped += 1  # cut by the snapshot length: not to be trusted
                    continue
                if h4_datalink and included > 1:
                    # Most records of a long capture are HCI commands and events learning
                    # does not read (completed packets): passed over before any copy.
                    kind = data[start]
                    if kind == hci.HCI_COMMAND_PACKET or (
                        kind == hci.HCI_EVENT_PACKET and data[start + 1] not in _EVENTS
                    ):
                        continue
                self.time = max(0.0, (stamp - self.first_time) / 1e6)
                body = data[start:at]
                packet = self._h4(body, flags)
                if packet is None:
                    skipped += 1
                    continue
                controller, sent, h4 = packet
                try:
                    self._packet(controller, sent, h4)
                except Exception:  # Bumble raises what its parsers raise on hostile bytes
                    skipped += 1
        finally:
            capture.records += records
            capture.skipped += skipped
        return at

    def _h4(self, body: bytes, flags: int) -> tuple[int, Sent, bytes] | None:
        datalink = self.capture.datalink
        if datalink == DATALINK_H4:
            sent = Sent.PEER if flags & 1 else Sent.HOST
            return (0, sent, body) if body else None
        if datalink == DATALINK_H1:
            sent = Sent.PEER if flags & 1 else Sent.HOST
            if flags & 2:
                kind = hci.HCI_EVENT_PACKET if flags & 1 else hci.HCI_COMMAND_PACKET
            else:
                kind = hci.HCI_ACL_DATA_PACKET
            return 0, sent, bytes([kind]) + body
        opcode, controller = flags & 0xFFFF, flags >> 16
        monitored = _MONITOR_TYPES.get(opcode)
        if monitored is None:
            return None
        sent = Sent.PEER if opcode in _MONITOR_RECEIVED else Sent.HOST
        return controller, sent, bytes([monitored]) + body

    def _packet(self, controller: int, sent: Sent, h4: bytes) -> None:
        if h4[0] == hci.HCI_EVENT_PACKET and len(h4) >= 3:
            if h4[1] in (_LE_META, _DISCONNECTION_COMPLETE):
                # Bytes after the announced parameters would only make Bumble log a warning.
                self._event(controller, hci.HCI_Event.from_bytes(h4[: 3 + h4[2]]))
        elif h4[0] == hci.HCI_ACL_DATA_PACKET:
            if self._whole_att(controller, sent, h4):
                return
            packet = hci.HCI_AclDataPacket.from_bytes(h4)
            key = (controller, packet.connection_handle)
            if key not in self.open:  # the capture began inside this connection
                self._connect(controller, packet.connection_handle, None)
            connection = self.open[key]

            def on_pdu(pdu: bytes) -> None:
                self._l2cap(connection, sent, pdu)

            assembler = self.assemblers.get((connection, sent))
            if assembler is None:
                assembler = hci.HCI_AclDataPacketAssembler(on_pdu)
                self.assemblers[(connection, sent)] = assembler
            if not self._fits(assembler, packet):
                self.capture.skipped += 1
                return
            assembler.feed_packet(packet)

    def _whole_att(self, controller: int, sent: Sent, h4: bytes) -> bool:
        """An ACL packet that holds one whole ATT PDU, the common case, read without Bumble's
        general parsers (a long capture has a million of them); False for anything else."""
        if len(h4) < 10:
            return False
        flags_handle, size, l2cap_size, cid = struct.unpack_from("<HHHH", h4, 1)
        if (flags_handle >> 12) & 3 == hci.HCI_ACL_PB_CONTINUATION or cid != att.ATT_CID:
            return False
        if size != len(h4) - 5 or l2cap_size != size - 4:
            return False
        handle = flags_handle & 0x0FFF
        key = (controller, handle)
        if key not in self.open:  # the capture began inside this connection
            self._connect(controller, handle, None)
        connection = self.open[key]
        # A start packet ends whatever message was being put together from pieces.
        self.assemblers.pop((connection, sent), None)
        pdu = h4[9:]
        opcode = pdu[0]
        if opcode in _PASSED_OVER:
            # An answer that carries nothing learning reads: it ends the pending request.
            self.capture.connections[connection].att_pdus += 1
            self.pending.pop((connection, sent.other), None)
            return True
        if opcode in _VALUE_OPCODES and len(pdu) >= 3:
            self.capture.connections[connection].att_pdus += 1
            kind = _VALUE_OPCODES[opcode]
            server = sent.other if kind in WRITE_KINDS else sent
            attribute = pdu[1] | pdu[2] << 8
            value = pdu[3:]
            # One object per distinct value: a long capture repeats its polls and answers.
            shared = self.values.get(value)
            if shared is None:
                shared = value
                if len(self.values) < _VALUES_SHARED:
                    self.values[value] = value
            self.capture.values.add(self.time, connection, attribute, kind, shared, server)
            return True
        self._att_bytes(connection, sent, pdu)
        return True

    @staticmethod
    def _fits(assembler: hci.HCI_AclDataPacketAssembler, packet: hci.HCI_AclDataPacket) -> bool:
        """Whether Bumble's assembler can take the fragment without complaint: it logs a
        warning (and drops it) when fragments overrun the L2CAP length they announced."""
        if packet.pb_flag == hci.HCI_ACL_PB_CONTINUATION:
            current = assembler.current_data
            if current is None:
                return False  # the start was lost
            if len(current) + len(packet.data) > assembler.l2cap_pdu_length + 4:
                assembler.current_data = None
                assembler.l2cap_pdu_length = 0
                return False
            return True
        if len(packet.data) < 4:
            return False  # a start fragment without a whole L2CAP header
        announced = int.from_bytes(packet.data[:2], "little")
        return len(packet.data) <= announced + 4

    def _event(self, controller: int, event: hci.HCI_Event) -> None:
        if isinstance(event, hci.HCI_Disconnection_Complete_Event):
            index = self.open.pop((controller, event.connection_handle), None)
            if index is not None:
                self.capture.connections[index].ended = self.time
                self.assemblers.pop((index, Sent.HOST), None)
                self.assemblers.pop((index, Sent.PEER), None)
        elif isinstance(
            event,
            hci.HCI_LE_Connection_Complete_Event | hci.HCI_LE_Enhanced_Connection_Complete_Event,
        ):
            if event.status == 0:
                self._connect(controller, event.connection_handle, str(event.peer_address))
        elif isinstance(
            event,
            hci.HCI_LE_Advertising_Report_Event | hci.HCI_LE_Extended_Advertising_Report_Event,
        ):
            for report in event.reports:
                self._advertisement(str(report.address), bytes(report.data))

    def _advertisement(self, address: str, data: bytes) -> None:
        ad = AdvertisingData.from_bytes(data)
        for kind in (AdvertisingData.COMPLETE_LOCAL_NAME, AdvertisingData.SHORTENED_LOCAL_NAME):
            names = ad.get_all(kind, raw=True)
            if names and (
                kind == AdvertisingData.COMPLETE_LOCAL_NAME or address not in self.capture.names
            ):
                self.capture.names[address] = names[0].decode("utf-8", "replace")
                break
        uuids = self.capture.advertised_services.setdefault(address, set())
        for kind, size in (
            (AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, 2),
            (AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, 2),
            (AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, 16),
            (AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, 16),
        ):
            for value in ad.get_all(kind, raw=True):
                for i in range(0, len(value) - size + 1, size):
                    uuid = uuid_from_le(value[i : i + size])
                    if uuid is not None:
                        uuids.add(uuid)

    def _connect(self, controller: int, handle: int, peer: str | None) -> None:
        index = len(self.capture.connections)
        self.capture.connections.append(Connection(index, handle, peer, self.time))
        self.open[(controller, handle)] = index

    def _l2cap(self, connection: int, sent: Sent, pdu: bytes) -> None:
        frame = l2cap.L2CAP_PDU.from_bytes(pdu)
        if frame.cid != att.ATT_CID or not frame.payload:
            return
        self._att_bytes(connection, sent, bytes(frame.payload))

    def _att_bytes(self, connection: int, sent: Sent, payload: bytes) -> None:
        # Discovery and reads repeat on every reconnection: each distinct PDU is parsed once
        # (Bumble's parsers are slow, and register every UUID they meet).
        message = self.parsed.get(payload)
        if message is None:
            try:
                message = att.ATT_PDU.from_bytes(payload)
            except Exception:  # Bumble's dataclass parsers raise anything on short PDUs
                self.capture.skipped += 1
                return
            if len(self.parsed) < _VALUES_SHARED:
                self.parsed[payload] = message
        self.capture.connections[connection].att_pdus += 1
        self._att(connection, sent, message)

    def _att(self, connection: int, sent: Sent, pdu: att.ATT_PDU) -> None:
        capture = self.capture
        if isinstance(pdu, att.ATT_Write_Request | att.ATT_Write_Command):
            kind = (
                ValueKind.WRITE_REQUEST
                if isinstance(pdu, att.ATT_Write_Request)
                else ValueKind.WRITE_COMMAND
            )
            capture.values.append(
                AttValue(
                    self.time,
                    connection,
                    pdu.attribute_handle,
                    kind,
                    pdu.attribute_value,
                    sent.other,
                )
            )
        elif isinstance(pdu, att.ATT_Handle_Value_Notification | att.ATT_Handle_Value_Indication):
            kind = (
                ValueKind.NOTIFICATION
                if isinstance(pdu, att.ATT_Handle_Value_Notification)
                else ValueKind.INDICATION
            )
            capture.values.append(
                AttValue(
                    self.time, connection, pdu.attribute_handle, kind, pdu.attribute_value, sent
                )
            )
        elif isinstance(
            pdu,
            att.ATT_Read_By_Group_Type_Request
            | att.ATT_Read_By_Type_Request
            | att.ATT_Find_Information_Request
            | att.ATT_Find_By_Type_Value_Request
            | att.ATT_Read_Request,
        ):
            self.pending[(connection, sent)] = pdu
        else:
            request = self.pending.pop((connection, sent.other), None)
            if request is not None:
                self._answer(connection, sent, request, pdu)

    def _answer(
        self, connection: int, server: Sent, request: att.ATT_PDU, answer: att.ATT_PDU
    ) -> None:
        """What a discovery or read answer tells about the server's attribute table; an answer
        to a request of another kind (a capture that lost a packet) tells nothing."""
        read = _DISCOVERY_READERS.get((type(request), type(answer)))
        if read is not None:
            read(self, connection, server, request, answer)

    def _services_by_group(self, connection: int, server: Sent, request: Any, answer: Any) -> None:
        if _uuid(request.attribute_group_type) not in (
            GATT_PRIMARY_SERVICE,
            GATT_SECONDARY_SERVICE,
        ):
            return
        table = self.capture.table(connection, server)
        for start, end, value in answer.attributes:
            uuid = uuid_from_le(value)
            if uuid is not None:
                table.services.append((start, end, uuid))

    def _services_by_value(self, connection: int, server: Sent, request: Any, answer: Any) -> None:
        uuid = uuid_from_le(bytes(request.attribute_value))
        if _uuid(request.attribute_type) != GATT_PRIMARY_SERVICE or uuid is None:
            return
        table = self.capture.table(connection, server)
        for start, end in answer.handles_information:
            table.services.append((start, end, uuid))

    def _characteristics_and_name(
        self, connection: int, server: Sent, request: Any, answer: Any
    ) -> None:
        kind = _uuid(request.attribute_type)
        table = self.capture.table(connection, server)
        for declaration, value in answer.attributes:
            if kind == GATT_CHARACTERISTIC and len(value) >= 5:
                uuid = uuid_from_le(value[3:])
                value_handle = int.from_bytes(value[1:3], "little")
                if uuid is not None:
                    table.characteristics[value_handle] = Characteristic(
                        declaration, value_handle, uuid, value[0]
                    )
            elif kind == GAP_DEVICE_NAME:
                self._gap_name(connection, server, value)

    def _descriptors(self, connection: int, server: Sent, request: Any, answer: Any) -> None:
        table = self.capture.table(connection, server)
        for handle, raw in answer.information:
            uuid = uuid_from_le(raw)
            if uuid is not None:
                table.descriptors[handle] = uuid

    def _read_value(self, connection: int, server: Sent, request: Any, answer: Any) -> None:
        """A read of the device name or its serial number (kept to be redacted)."""
        char = self.capture.table(connection, server).characteristics.get(request.attribute_handle)
        if char is not None and char.uuid == GAP_DEVICE_NAME:
            self._gap_name(connection, server, answer.attribute_value)
        elif char is not None and char.uuid == SERIAL_NUMBER:
            serial = answer.attribute_value.decode("utf-8", "replace").strip("\0").strip()
            if serial:
                self.capture.serials.add(serial)

    def _gap_name(self, connection: int, server: Sent, value: bytes) -> None:
        name = value.decode("utf-8", "replace").strip("\0").strip()
        if name:
            self.capture.gap_names[self.capture.server_key(connection, server)] = name


# Which answer to which request says what about the attribute table.
_DISCOVERY_READERS: dict[
    tuple[type[att.ATT_PDU], type[att.ATT_PDU]],
    Callable[[_Reader, int, Sent, Any, Any], None],
] = {
    (att.ATT_Read_By_Group_Type_Request, att.ATT_Read_By_Group_Type_Response): (
        _Reader._services_by_group
    ),
    (att.ATT_Find_By_Type_Value_Request, att.ATT_Find_By_Type_Value_Response): (
        _Reader._services_by_value
    ),
    (att.ATT_Read_By_Type_Request, att.ATT_Read_By_Type_Response): (
        _Reader._characteristics_and_name
    ),
    (att.ATT_Find_Information_Request, att.ATT_Find_Information_Response): (_Reader._descriptors),
    (att.ATT_Read_Request, att.ATT_Read_Response): _Reader._read_value,
}


def _uuid(uuid: UUID) -> str | None:
    return uuid_from_le(bytes(uuid))
