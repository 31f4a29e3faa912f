"""The files a capture comes in besides btsnoop: an Android bug report (a zip holding the HCI
snoop log), and pcapng or pcap files of HCI traffic (Wireshark, `btmon`, `tshark`), turned into
btsnoop records that the reader already knows.

Each comes from someone else's machine: sizes are bounded before anything is read, no length in
them is trusted beyond the bytes present, and a file that holds no Bluetooth HCI traffic is
refused in words.
"""

import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ZIP_MAGIC = b"PK\x03\x04"
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
PCAP_MAGICS = {
    b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000),
    b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000),
}
# libpcap link types of HCI traffic with its direction (tcpdump.org/linktypes.html).
LINKTYPE_H4_WITH_PHDR = 201
LINKTYPE_LINUX_MONITOR = 254
LINKTYPES = {LINKTYPE_H4_WITH_PHDR, LINKTYPE_LINUX_MONITOR}
# btsnoop datalinks they become.
DATALINK_H4 = 1002
DATALINK_MONITOR = 2001
_RECORD = struct.Struct(">IIIIq")
_BTSNOOP_EPOCH_US = 0x00DCDDB30F2F8000  # 1970-01-01 in btsnoop's microseconds since year 0


class ContainerError(ValueError):
    """A container that holds no capture facecoach reads; the message says why, for the user."""


def btsnoop_in_bug_report(path: Path, limit: int) -> IO[bytes]:
    """The HCI snoop log inside an Android bug report zip, opened for reading."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ContainerError(f"{path} is a damaged zip file ({exc}).") from None
    logs = [
        info
        for info in archive.infolist()
        if info.filename.rsplit("/", 1)[-1].startswith("btsnoop_hci.log") and not info.is_dir()
    ]
    if not logs:
        archive.close()
        raise ContainerError(
            f"{path} holds no Bluetooth HCI snoop log (btsnoop_hci.log). On the phone: "
            "Developer options, 'Enable Bluetooth HCI snoop log', turn Bluetooth off and on, use "
            "the maker's app, then take the bug report."
        )
    # The current log rather than the one before it (btsnoop_hci.log.last), else the largest.
    logs.sort(key=lambda info: (info.filename.endswith("btsnoop_hci.log"), info.file_size))
    chosen = logs[-1]
    if chosen.file_size > limit:
        archive.close()
        raise ContainerError(
            f"{path}: its {chosen.filename} is {chosen.file_size / 2**20:.0f} MiB; captures up "
            f"to {limit // 2**20} MiB are read. Capture a shorter session."
        )
    return archive.open(chosen)


def pcap_to_btsnoop(path: Path, data: bytes) -> tuple[int, bytes]:
    """A pcapng or pcap file's HCI packets as btsnoop records: (datalink, records)."""
    if data.startswith(PCAPNG_MAGIC):
        packets = list(_pcapng_packets(path, data))
    else:
        packets = list(_pcap_packets(path, data))
    if not packets:
        raise ContainerError(
            f"{path} holds no Bluetooth HCI packets. Capture on Wireshark's 'bluetooth0' or "
            "'bluetooth-monitor' interface, or with `btmon -w FILE`."
        )
    linktypes = {linktype for linktype, _, _ in packets}
    datalink = DATALINK_MONITOR if LINKTYPE_LINUX_MONITOR in linktypes else DATALINK_H4
    out = bytearray()
    for linktype, stamp, packet in packets:
        if linktype == LINKTYPE_LINUX_MONITOR and datalink == DATALINK_MONITOR:
            if len(packet) < 4:
                continue
            adapter, opcode = struct.unpack_from(">HH", packet)
            flags, body = opcode | adapter << 16, packet[4:]
        elif linktype == LINKTYPE_H4_WITH_PHDR and datalink == DATALINK_H4:
            if len(packet) < 5:
                continue
            received = struct.unpack_from(">I", packet)[0] & 1
            body = packet[4:]
            command_or_event = body[0] in (0x01, 0x04)
            flags = received | (2 if command_or_event else 0)
        else:
            continue
        out += _RECORD.pack(len(body), len(body), flags, 0, _BTSNOOP_EPOCH_US + stamp) + body
    return datalink, bytes(out)


def _pcapng_packets(path: Path, data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(link type, microseconds, packet) of every Enhanced Packet Block on an HCI interface."""
    at = 0
    order = "<"
    interfaces: list[tuple[int, int]] = []  # (link type, units per second)
    found_hci = False
    while at + 12 <= len(data):
        kind = data[at : at + 4]
        if kind == PCAPNG_MAGIC:
            magic = data[at + 8 : at + 12]
            order = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []  # a new section numbers its interfaces afresh
        (block_type, size) = struct.unpack_from(order + "II", data, at)
        if size < 12 or size % 4 or at + size > len(data):
            return  # cut short or damaged: what came before is kept
        body = data[at + 8 : at + size - 4]
        if block_type == 1 and len(body) >= 8:
            linktype = struct.unpack_from(order + "H", body)[0]
            interfaces.append((linktype, _resolution(body[8:], order)))
            found_hci = found_hci or linktype in LINKTYPES
        elif block_type == 6 and len(body) >= 20:
            interface, high, low, captured, original = struct.unpack_from(order + "IIIII", body)
            if interface < len(interfaces) and captured == original:
                linktype, units = interfaces[interface]
                packet = body[20 : 20 + captured]
                if linktype in LINKTYPES and len(packet) == captured:
                    stamp = ((high << 32) | low) * 1_000_000 // units
                    yield linktype, stamp, packet
        at += size
    if not found_hci and interfaces:
        names = ", ".join(str(linktype) for linktype, _ in interfaces)
        raise ContainerError(
            f"{path} captured no Bluetooth HCI interface (link types {names}); facecoach reads "
            f"HCI with direction ({LINKTYPE_H4_WITH_PHDR}) and the Linux monitor "
            f"({LINKTYPE_LINUX_MONITOR})."
        )


def _resolution(options: bytes, order: str) -> int:
    """Timestamp units per second of an interface (option if_tsresol, default microseconds)."""
    at = 0
    while at + 4 <= len(options):
        code, size = struct.unpack_from(order + "HH", options, at)
        if code == 0:
            break
        if code == 9 and size >= 1:
            value: int = options[at + 4]
            units: int = 2 ** (value & 0x7F) if value & 0x80 else 10 ** min(value, 18)
            return units
        at += 4 + size + (-size % 4)
    return 1_000_000


def _pcap_packets(path: Path, data: bytes) -> Iterator[tuple[int, int, bytes]]:
    order, units = PCAP_MAGICS[data[:4]]
    if len(data) < 24:
        return
    linktype = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF
    if linktype not in LINKTYPES:
        raise ContainerError(
            f"{path} is a pcap of link type {linktype}, not Bluetooth HCI; facecoach reads HCI "
            f"with direction ({LINKTYPE_H4_WITH_PHDR}) and the Linux monitor "
            f"({LINKTYPE_LINUX_MONITOR})."
        )
    at = 24
    while at + 16 <= len(data):
        seconds, fraction, captured, original = struct.unpack_from(order + "IIII", data, at)
        at += 16
        if at + captured > len(data):
            return
        if captured == original:
            yield (
                linktype,
                seconds * 1_000_000 + fraction * 1_000_000 // units,
                data[at : at + captured],
            )
        at += captured
