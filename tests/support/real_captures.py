"""Real captures made and published by other people, read where the project keeps them
(`../shared/captures` beside the checkout); a test that needs one is skipped, with the reason,
where they are absent. They are never copied into the repository."""

import os
import struct
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real_profiles"


def captures_dir() -> Path | None:
    """FACECOACH_CAPTURES, else the first `shared/captures` beside the checkout or above it."""
    given = os.environ.get("FACECOACH_CAPTURES")
    if given:
        return Path(given) if Path(given).is_dir() else None
    root = Path(__file__).resolve().parents[2]
    for parent in root.parents:
        folder = parent / "shared" / "captures"
        if folder.is_dir():
            return folder
    return None


def real_capture(name: str) -> Path:
    """The published capture `name`; skips the test when it is not there."""
    folder = captures_dir()
    if folder is None:
        pytest.skip("the real captures (../shared/captures or FACECOACH_CAPTURES) are absent")
    path = folder / name
    if not path.is_file():
        pytest.skip(f"the real capture {name} is absent from {folder}")
    return path


_BTSNOOP_EPOCH_US = 0x00DCDDB30F2F8000


def btsnoop_records(data: bytes) -> list[tuple[int, int, bytes]]:
    """(flags, microseconds since 1970, packet) of each record of an H4 btsnoop file."""
    records: list[tuple[int, int, bytes]] = []
    at = 16
    while at + 24 <= len(data):
        _, included, flags, _, stamp = struct.unpack_from(">IIIIq", data, at)
        records.append((flags, stamp - _BTSNOOP_EPOCH_US, data[at + 24 : at + 24 + included]))
        at += 24 + included
    return records


def _block(kind: int, body: bytes) -> bytes:
    body += bytes(-len(body) % 4)
    return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def as_pcapng(btsnoop: bytes, linktype: int = 201) -> bytes:
    """An H4 btsnoop capture as Wireshark writes it: pcapng, HCI H4 with its direction."""
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += _block(1, struct.pack("<HHI", linktype, 0, 0))
    for flags, stamp, packet in btsnoop_records(btsnoop):
        framed = struct.pack(">I", flags & 1) + packet
        head = struct.pack("<IIIII", 0, stamp >> 32, stamp & 0xFFFFFFFF, len(framed), len(framed))
        out += _block(6, head + framed)
    return out


def without_acl(btsnoop: bytes) -> bytes:
    """The capture with its HCI commands and events only: no ATT traffic at all."""
    out = bytearray(btsnoop[:16])
    for flags, stamp, packet in btsnoop_records(btsnoop):
        if packet[:1] != b"\x02":
            size = len(packet)
            out += struct.pack(">IIIIq", size, size, flags, 0, stamp + _BTSNOOP_EPOCH_US) + packet
    return bytes(out)


def as_bug_report(btsnoop: bytes | None, path: Path) -> Path:
    """An Android bug report zip, holding the HCI snoop log where Android keeps it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bugreport-device-2026-12-05.txt", "== dumpstate ==\n")
        if btsnoop is not None:
            archive.writestr("FS/data/misc/bluetooth/logs/btsnoop_hci.log", btsnoop)
    return path
