"""Payload layout: where each field of a command or notification sits, to the bit.

A payload is a row of fields. Whole-byte fields (8, 16, 24 or 32 bits wide) start on a byte
boundary and are written in the profile's byte order, or their own. Narrower fields (1 to 7
bits, bit-packed) share bytes: they fill each byte from its most significant bit down (as
protocol diagrams draw them), or from its least significant bit up (as C bit-fields on most
microcontrollers lay them out), and never cross into the next byte.

Pure Python: the codec packs and unpacks with this, and the profile schema validates a layout
with it, so a layout that cannot be framed is refused when the profile loads.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class ByteOrder(StrEnum):
    LITTLE = "little"
    BIG = "big"

    @property
    def for_int(self) -> Literal["little", "big"]:
        """The name int.to_bytes and int.from_bytes take."""
        return "little" if self is ByteOrder.LITTLE else "big"


class BitOrder(StrEnum):
    MSB_FIRST = "msb_first"
    LSB_FIRST = "lsb_first"


class FieldType(StrEnum):
    """A field's width and sign: u1-u7 are bit-packed; u8-u32 and i8-i32 take whole bytes."""

    U1 = "u1"
    U2 = "u2"
    U3 = "u3"
    U4 = "u4"
    U5 = "u5"
    U6 = "u6"
    U7 = "u7"
    U8 = "u8"
    U16 = "u16"
    U24 = "u24"
    U32 = "u32"
    I8 = "i8"
    I16 = "i16"
    I24 = "i24"
    I32 = "i32"

    @property
    def width(self) -> int:
        """Bits the field takes."""
        return int(self.value[1:])

    @property
    def signed(self) -> bool:
        return self.value.startswith("i")

    @property
    def packed(self) -> bool:
        """Narrower than a byte: shares its byte with its neighbours."""
        return self.width < 8

    @property
    def size(self) -> int:
        """Whole bytes the field takes (0 for a bit-packed field)."""
        return self.width // 8

    @property
    def bounds(self) -> tuple[int, int]:
        if self.signed:
            return -(1 << (self.width - 1)), (1 << (self.width - 1)) - 1
        return 0, (1 << self.width) - 1


class LayoutError(ValueError):
    """Fields that cannot be laid out as bytes; the message names the field."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What the layout needs of one field: its name, type and byte order (None: the profile's)."""

    name: str
    type: FieldType
    order: ByteOrder | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    type: FieldType
    bit_offset: int  # from the start of the payload
    order: ByteOrder


@dataclass(frozen=True, slots=True)
class PayloadLayout:
    slots: tuple[Slot, ...]
    size: int  # bytes
    bit_order: BitOrder

    def pack(self, values: Sequence[int]) -> bytes:
        """Values in slot order (already range-checked) -> the payload."""
        out = bytearray(self.size)
        for slot, value in zip(self.slots, values, strict=True):
            kind = slot.type
            if kind.packed:
                out[slot.bit_offset // 8] |= (value & ((1 << kind.width) - 1)) << self._shift(slot)
            else:
                at = slot.bit_offset // 8
                out[at : at + kind.size] = value.to_bytes(
                    kind.size, slot.order.value, signed=kind.signed
                )
        return bytes(out)

    def unpack(self, payload: bytes) -> list[int]:
        """The payload (exactly `size` bytes) -> values in slot order."""
        values: list[int] = []
        for slot in self.slots:
            kind = slot.type
            if kind.packed:
                byte = payload[slot.bit_offset // 8]
                values.append(byte >> self._shift(slot) & ((1 << kind.width) - 1))
            else:
                at = slot.bit_offset // 8
                values.append(
                    int.from_bytes(
                        payload[at : at + kind.size], slot.order.value, signed=kind.signed
                    )
                )
        return values

    def _shift(self, slot: Slot) -> int:
        within = slot.bit_offset % 8
        if self.bit_order is BitOrder.LSB_FIRST:
            return within
        return 8 - within - slot.type.width


def lay_out(
    fields: Sequence[FieldSpec], byte_order: ByteOrder, bit_order: BitOrder = BitOrder.MSB_FIRST
) -> PayloadLayout:
    """Places the fields one after another; raises LayoutError for a layout bytes cannot hold."""
    slots: list[Slot] = []
    at = 0
    for spec in fields:
        kind = spec.type
        within = at % 8
        if kind.packed and within + kind.width > 8:
            raise LayoutError(
                f"field {spec.name!r} ({kind}) would cross into the next byte: the bit "
                f"fields before it leave only {8 - within} bits of their byte"
            )
        if not kind.packed and within:
            raise LayoutError(
                f"field {spec.name!r} ({kind}) must start on a byte boundary, but the bit "
                f"fields before it fill only {within} bits of their byte; add a field for "
                "the rest (reserved bits are fields too)"
            )
        if spec.order is not None and kind.size < 2:
            raise LayoutError(f"field {spec.name!r} ({kind}) is one byte or less: it has no order")
        slots.append(Slot(spec.name, kind, at, spec.order or byte_order))
        at += kind.width
    if at % 8:
        raise LayoutError(
            f"the fields take {at} bits, which is not a whole number of bytes; add a field "
            f"for the last {8 - at % 8} bits (reserved bits are fields too)"
        )
    return PayloadLayout(tuple(slots), at // 8, bit_order)
