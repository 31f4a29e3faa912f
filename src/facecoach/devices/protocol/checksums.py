"""Frame checksums a device profile can name: none, sums (plain, inverted, negated), xor8, crc8
and the common CRC-16 variants (parameters as in the CRC RevEng catalogue)."""

import binascii
from collections.abc import Callable
from enum import StrEnum


class ChecksumKind(StrEnum):
    NONE = "none"
    SUM8 = "sum8"
    XOR8 = "xor8"
    CRC8 = "crc8"  # poly 0x07, init 0x00 (CRC-8/SMBUS)
    CRC8_MAXIM = "crc8-maxim"  # reflected poly 0x31, init 0x00 (Dallas/Maxim 1-Wire)
    CRC16_CCITT_FALSE = "crc16-ccitt-false"  # poly 0x1021, init 0xFFFF
    CRC16_XMODEM = "crc16-xmodem"  # poly 0x1021, init 0x0000
    CRC16_MODBUS = "crc16-modbus"  # reflected poly 0xA001, init 0xFFFF
    # Added with profile schema version 3.
    SUM8_INVERTED = "sum8-inverted"  # ~sum & 0xFF (one's complement)
    SUM8_NEGATED = "sum8-negated"  # -sum & 0xFF (two's complement: the frame sums to zero)
    SUM16 = "sum16"  # sum of the bytes, 16 bits
    CRC16_X25 = "crc16-x25"  # reflected 0x1021, init 0xFFFF, xorout 0xFFFF (PPP, HDLC)
    CRC16_KERMIT = "crc16-kermit"  # reflected 0x1021, init 0x0000 (the "true" CCITT)
    CRC16_ARC = "crc16-arc"  # reflected 0x8005, init 0x0000 (CRC-16/IBM)
    CRC16_MCRF4XX = "crc16-mcrf4xx"  # reflected 0x1021, init 0xFFFF, no xorout

    @property
    def version_3(self) -> bool:
        """Whether a profile naming this checksum needs schema version 3."""
        return self in _VERSION_3_KINDS

    @property
    def size(self) -> int:
        """Bytes the checksum takes at the end of a frame."""
        if self is ChecksumKind.NONE:
            return 0
        return 2 if self.value.startswith(("crc16", "sum16")) else 1


def _sum8(data: bytes) -> int:
    return sum(data) & 0xFF


def _xor8(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def _table(poly: int, width: int, reflected: bool) -> tuple[int, ...]:
    """The 256-entry table of a CRC (byte at a time: learning checks thousands of frames)."""
    top = 1 << (width - 1)
    mask = (1 << width) - 1
    table: list[int] = []
    for index in range(256):
        if reflected:
            crc = index
            for _ in range(8):
                crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        else:
            crc = index << (width - 8)
            for _ in range(8):
                crc = ((crc << 1) ^ poly) & mask if crc & top else (crc << 1) & mask
        table.append(crc)
    return tuple(table)


def _crc(poly: int, width: int, reflected: bool, init: int, xorout: int) -> Callable[[bytes], int]:
    """A CRC of `width` bits; for a reflected one, `poly` is given reflected (0xA001 for 0x8005)."""
    table = _table(poly, width, reflected)
    shift = width - 8
    mask = (1 << width) - 1
    if reflected:

        def reflected_crc(data: bytes) -> int:
            crc = init
            for byte in data:
                crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
            return crc ^ xorout

        return reflected_crc

    def plain_crc(data: bytes) -> int:
        crc = init
        for byte in data:
            crc = ((crc << 8) & mask) ^ table[((crc >> shift) ^ byte) & 0xFF]
        return crc ^ xorout

    return plain_crc


# Each byte with its bits in the opposite order.
_REVERSED_BITS = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


def _reversed16(value: int) -> int:
    return _REVERSED_BITS[value & 0xFF] << 8 | _REVERSED_BITS[value >> 8]


def _crc16_ccitt(init: int, xorout: int, *, reflected: bool) -> Callable[[bytes], int]:
    """A CRC-16 of poly 0x1021 (0x8408 reflected) by CPython's own C loop, `binascii.crc_hqx`:
    learning a profile computes tens of thousands of checksums, and this family is five of
    them. A reflected CRC is the plain one of the bytes bit-reversed, read back reversed."""
    if not reflected:
        return lambda data: binascii.crc_hqx(data, init) ^ xorout
    plain_init = _reversed16(init)

    def reflected_ccitt(data: bytes) -> int:
        plain = binascii.crc_hqx(bytes(data).translate(_REVERSED_BITS), plain_init)
        return _reversed16(plain) ^ xorout

    return reflected_ccitt


_FUNCTIONS: dict[ChecksumKind, Callable[[bytes], int]] = {
    ChecksumKind.NONE: lambda data: 0,
    ChecksumKind.SUM8: _sum8,
    ChecksumKind.XOR8: _xor8,
    ChecksumKind.CRC8: _crc(0x07, 8, False, 0x00, 0x00),
    ChecksumKind.CRC8_MAXIM: _crc(0x8C, 8, True, 0x00, 0x00),
    ChecksumKind.CRC16_CCITT_FALSE: _crc16_ccitt(0xFFFF, 0x0000, reflected=False),
    ChecksumKind.CRC16_XMODEM: _crc16_ccitt(0x0000, 0x0000, reflected=False),
    ChecksumKind.CRC16_MODBUS: _crc(0xA001, 16, True, 0xFFFF, 0x0000),
    ChecksumKind.SUM8_INVERTED: lambda data: ~sum(data) & 0xFF,
    ChecksumKind.SUM8_NEGATED: lambda data: -sum(data) & 0xFF,
    ChecksumKind.SUM16: lambda data: sum(data) & 0xFFFF,
    ChecksumKind.CRC16_X25: _crc16_ccitt(0xFFFF, 0xFFFF, reflected=True),
    ChecksumKind.CRC16_KERMIT: _crc16_ccitt(0x0000, 0x0000, reflected=True),
    ChecksumKind.CRC16_ARC: _crc(0xA001, 16, True, 0x0000, 0x0000),
    ChecksumKind.CRC16_MCRF4XX: _crc16_ccitt(0xFFFF, 0x0000, reflected=True),
}

_VERSION_3_KINDS = frozenset(
    {
        ChecksumKind.SUM8_INVERTED,
        ChecksumKind.SUM8_NEGATED,
        ChecksumKind.SUM16,
        ChecksumKind.CRC16_X25,
        ChecksumKind.CRC16_KERMIT,
        ChecksumKind.CRC16_ARC,
        ChecksumKind.CRC16_MCRF4XX,
    }
)


def checksum(kind: ChecksumKind, data: bytes) -> int:
    """The checksum of `data` as an integer (0 for `none`)."""
    return _FUNCTIONS[kind](data)
