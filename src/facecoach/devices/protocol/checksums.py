"""Frame checksums a device profile can name: none, sum8, xor8, crc8 and common CRC-16 variants."""

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

    @property
    def size(self) -> int:
        """Bytes the checksum takes at the end of a frame."""
        if self is ChecksumKind.NONE:
            return 0
        return 2 if self.value.startswith("crc16") else 1


def _sum8(data: bytes) -> int:
    return sum(data) & 0xFF


def _xor8(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _crc8_maxim(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8C if crc & 1 else crc >> 1
    return crc


def _crc16_1021(data: bytes, init: int) -> int:
    crc = init
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def _crc16_modbus(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


_FUNCTIONS: dict[ChecksumKind, Callable[[bytes], int]] = {
    ChecksumKind.NONE: lambda data: 0,
    ChecksumKind.SUM8: _sum8,
    ChecksumKind.XOR8: _xor8,
    ChecksumKind.CRC8: _crc8,
    ChecksumKind.CRC8_MAXIM: _crc8_maxim,
    ChecksumKind.CRC16_CCITT_FALSE: lambda data: _crc16_1021(data, 0xFFFF),
    ChecksumKind.CRC16_XMODEM: lambda data: _crc16_1021(data, 0x0000),
    ChecksumKind.CRC16_MODBUS: _crc16_modbus,
}


def checksum(kind: ChecksumKind, data: bytes) -> int:
    """The checksum of `data` as an integer (0 for `none`)."""
    return _FUNCTIONS[kind](data)
