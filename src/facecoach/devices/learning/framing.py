"""Finding the frame layout that explains captured frames, among the layouts facecoach can speak.

Every combination of the profile's `Framing` (header 0-4 bytes, sequence byte or not, length
byte or not, every checksum kind, both byte orders for two-byte checksums) is tried on every
frame of the command and notify characteristics. A layout earns evidence for what it verifies:
the checksum's bits and the length byte on each frame it explains, a sequence byte that counts
up from command to command and comes back in the answers. A layout that explains fewer than
half the frames is out; of the rest the one with the most evidence wins, so a layout that
explains everything by verifying nothing ("no checksum, no length") loses to one that checks a
CRC on all but one damaged frame.
"""

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise, product

from facecoach.devices.protocol.checksums import ChecksumKind, checksum
from facecoach.devices.protocol.fields import ByteOrder
from facecoach.devices.protocol.profile import Framing

MAX_HEADER = 4


@dataclass(frozen=True)
class Frame:
    """A frame as a layout reads it."""

    opcode: int
    sequence: int | None
    payload: bytes
    raw: bytes


@dataclass(frozen=True)
class FramingGuess:
    framing: Framing
    explained: int  # frames the layout explains (header, length and checksum all hold)
    total: int
    evidence: int  # bits verified over all frames
    byte_order_known: bool  # only a two-byte checksum shows the byte order
    sequence_counts_up: bool
    runners_up: tuple[Framing, ...] = ()  # layouts that explain as much with as much evidence


def split(framing: Framing, raw: bytes) -> Frame | None:
    """The frame's parts under a layout, or None when the layout does not explain it."""
    header = framing.header
    size = framing.checksum.size
    at = len(header)
    fixed = at + 1 + int(framing.sequence) + int(framing.length) + size
    if len(raw) < fixed or raw[: len(header)] != header:
        return None
    opcode = raw[at]
    at += 1
    sequence: int | None = None
    if framing.sequence:
        sequence = raw[at]
        at += 1
    end = len(raw) - size
    if framing.length:
        if raw[at] != end - at - 1:
            return None
        at += 1
    if size:
        got = int.from_bytes(raw[end:], framing.byte_order.value)
        if got != checksum(framing.checksum, raw[len(header) : end]):
            return None
    return Frame(opcode, sequence, raw[at:end], raw)


def common_prefix(frames: list[bytes]) -> bytes:
    if not frames:
        return b""
    first = frames[0]
    size = min(len(f) for f in frames)
    at = 0
    while at < size and all(f[at] == first[at] for f in frames):
        at += 1
    return first[:at]


def detect_framing(commands: list[bytes], notifications: list[bytes]) -> FramingGuess | None:
    """The layout that explains the frames best; None when no layout explains half of them."""
    frames = [*commands, *notifications]
    if not frames:
        return None
    prefix = common_prefix(frames)
    # The opcode follows the header, so the header must leave a byte in the shortest frame.
    longest_header = min(len(prefix), MAX_HEADER, min(len(f) for f in frames) - 1)
    scored: list[tuple[tuple[int, int, int, int], FramingGuess]] = []
    for header_size, sequence, length, kind, order in product(
        range(max(longest_header, 0) + 1),
        (False, True),
        (False, True),
        list(ChecksumKind),
        list(ByteOrder),
    ):
        if order is ByteOrder.BIG and kind.size < 2:
            continue  # the same layout as little-endian for a one-byte checksum
        framing = Framing(
            header=prefix[:header_size],
            sequence=sequence,
            length=length,
            checksum=kind,
            byte_order=order,
        )
        guess = _score(framing, commands, notifications)
        if guess is None:
            continue
        # Ties: the longer header (bytes all frames share), then the simpler layout.
        simplicity = -(int(sequence) + int(length) + kind.size)
        scored.append(((guess.evidence, guess.explained, header_size, simplicity), guess))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0], reverse=True)
    best_key, best = scored[0]
    ties = tuple(g.framing for k, g in scored[1:] if k == best_key)
    return FramingGuess(
        best.framing,
        best.explained,
        best.total,
        best.evidence,
        best.byte_order_known,
        best.sequence_counts_up,
        ties,
    )


def _score(
    framing: Framing, commands: list[bytes], notifications: list[bytes]
) -> FramingGuess | None:
    parsed_commands = [split(framing, raw) for raw in commands]
    parsed_notifications = [split(framing, raw) for raw in notifications]
    explained = [f for f in (*parsed_commands, *parsed_notifications) if f is not None]
    total = len(commands) + len(notifications)
    if 2 * len(explained) < total or not explained:
        return None
    per_frame = framing.checksum.size * 8 + (8 if framing.length else 0)
    evidence = per_frame * len(explained)
    counts_up = False
    if framing.sequence:
        sequenced = [
            f.sequence for f in parsed_commands if f is not None and f.sequence is not None
        ]
        steps = Counter((b - a) & 0xFF for a, b in pairwise(sequenced))
        pairs = max(len(sequenced) - 1, 0)
        # A retry repeats the number; anything else than +1 or +0 is not a counter.
        counts_up = pairs > 0 and steps[1] >= 1 and steps[1] + steps[0] >= 0.75 * pairs
        if not counts_up:
            return None
        sent = set(sequenced)
        echoed = sum(1 for f in parsed_notifications if f is not None and f.sequence in sent)
        evidence += 8 * (steps[1] + echoed)
    return FramingGuess(
        framing,
        len(explained),
        total,
        evidence,
        framing.checksum.size == 2,
        counts_up,
    )
