"""Finding the frame layout that explains captured frames, one direction at a time.

Commands and notifications are searched apart: many devices start their answers with other
bytes than their commands (':' and '*'), and the commands alone often show a header and a
checksum that a search over both directions together loses. The search runs in two stages so
that its cost stays small: first every checksum (kind, byte order, where it starts, which
trailer follows it) is checked on every frame, then the header, opcode width, sequence byte
and length are tried around the few checksums that verify.

A layout earns evidence only for what chance would not give it: the checksum's bits on each
frame it verifies (a frame whose checked bytes are all one value verifies most sums and is not
counted), a length on frames of at least two different sizes (a constant is not a length), a
sequence byte that takes several values and counts up. A layout that explains fewer than half
of the frames is out; of the rest the one with the most evidence wins, so "no header, no
checksum" (which explains every frame by checking nothing) loses to a checksum that verifies.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise, permutations
from typing import NamedTuple

from facecoach.devices.protocol.checksums import ChecksumKind, checksum
from facecoach.devices.protocol.fields import ByteOrder
from facecoach.devices.protocol.profile import FramePart, Framing, NotificationFraming

MAX_HEADER = 4
MAX_TRAILER = 2
# A header or trailer must be shared by this share of the frames (one damaged frame, or one
# with a doubled start byte, does not hide it).
SHARED = 0.75
# Checksums carried on to the second stage, best first (plus "none").
CHECKSUMS_KEPT = 6


class Frame(NamedTuple):
    """A frame as a layout reads it."""

    opcode: int
    sequence: int | None
    payload: bytes
    raw: bytes


@dataclass(frozen=True)
class Scores:
    """What a layout explains in one direction, part by part, for the draft's comments."""

    total: int  # distinct frames (or reassembled messages) searched
    explained: int  # frames the whole layout explains
    header: int = 0  # frames that start with the header
    trailer: int = 0
    checksum: int = 0  # frames whose checksum verifies
    checksum_degenerate: int = 0  # of those, frames whose checked bytes are all one value
    length: int = 0  # frames whose length holds
    sizes: int = 0  # distinct payload sizes among them
    sequence_steps: int = 0  # +1 steps of the sequence byte

    def lines(self, framing: Framing) -> list[str]:
        """The scores in words: how many frames each part explains, and what chance would."""
        out = [f"explains {self.explained} of {self.total} distinct frames"]
        if framing.header:
            out.append(
                f"header {framing.header.hex(' ').upper()}: on {self.header} of {self.total}"
            )
        if framing.checksum is not ChecksumKind.NONE:
            bits = framing.checksum.size * 8
            chance = self.total / 2**bits
            out.append(
                f"checksum {framing.checksum.value} verifies {self.checksum} frames "
                f"({self.checksum_degenerate} of them all one byte value, not counted); "
                f"chance would verify about {chance:.2f}"
            )
        if framing.length:
            out.append(
                f"length ({framing.length_size} byte{'s' if framing.length_size > 1 else ''}) "
                f"holds on {self.length} frames of {self.sizes} different payload sizes"
            )
        if framing.trailer:
            out.append(
                f"trailer {framing.trailer.hex(' ').upper()}: on {self.trailer} of {self.total}"
            )
        if framing.sequence:
            out.append(f"sequence counts up {self.sequence_steps} times")
        return out


@dataclass(frozen=True)
class DirectionGuess:
    """The layout found for one direction, with its evidence (bits verified beyond chance)."""

    framing: Framing
    evidence: int
    scores: Scores
    byte_order_known: bool  # a two-byte checksum, length or opcode showed the byte order
    runners_up: tuple[Framing, ...] = ()


@dataclass(frozen=True)
class FramingGuess:
    """Both directions' layouts, merged into one profile framing."""

    framing: Framing  # commands' layout, with `notifications` where the answers differ
    commands: DirectionGuess
    notifications: DirectionGuess | None
    byte_order_known: bool
    sequence_counts_up: bool

    @property
    def explained(self) -> int:
        notes = self.notifications.scores.explained if self.notifications else 0
        return self.commands.scores.explained + notes

    @property
    def total(self) -> int:
        notes = self.notifications.scores.total if self.notifications else 0
        return self.commands.scores.total + notes

    @property
    def runners_up(self) -> tuple[Framing, ...]:
        return self.commands.runners_up


class Parse(Enum):
    FRAME = "frame"
    INCOMPLETE = "incomplete"  # a frame's start: more bytes are needed
    INVALID = "invalid"


def parse(framing: Framing, data: bytes) -> tuple[Parse, Frame | None, int]:
    """The first frame in `data`, with the bytes it takes. Without a length the frame is the
    whole of `data`."""
    header = framing.header
    size = framing.checksum.size
    order = framing.byte_order.for_int
    at = len(header)
    if len(data) < at:
        return (Parse.INCOMPLETE if header.startswith(data) else Parse.INVALID), None, 0
    if data[:at] != header:
        return Parse.INVALID, None, 0
    if framing.order is not None:
        return _parse_in_order(framing, data)
    fixed = at + framing.opcode_size + (framing.sequence_size if framing.sequence else 0)
    if framing.length:
        fixed += framing.length_size
    if len(data) < fixed:
        return Parse.INCOMPLETE, None, 0
    opcode = int.from_bytes(data[at : at + framing.opcode_size], order)
    at += framing.opcode_size
    sequence: int | None = None
    if framing.sequence:
        sequence = int.from_bytes(data[at : at + framing.sequence_size], order)
        at += framing.sequence_size
    if framing.length:
        length = int.from_bytes(data[at : at + framing.length_size], order)
        at += framing.length_size
        end = at + length
        if len(data) < end + size + len(framing.trailer):
            return Parse.INCOMPLETE, None, 0
    else:
        end = len(data) - size - len(framing.trailer)
        if end < at:
            return Parse.INVALID, None, 0
    if size:
        got = int.from_bytes(data[end : end + size], order)
        if got != checksum(framing.checksum, data[framing.checked_from : end]):
            return Parse.INVALID, None, 0
    stop = end + size + len(framing.trailer)
    if data[end + size : stop] != framing.trailer:
        return Parse.INVALID, None, 0
    return Parse.FRAME, Frame(opcode, sequence, data[at:end], data[:stop]), stop


def _parse_in_order(framing: Framing, data: bytes) -> tuple[Parse, Frame | None, int]:
    """`parse` for a framing whose parts come in an order of their own (the payload's size is
    its length's, or the rest of `data`)."""
    order = framing.byte_order.for_int
    widths = {
        FramePart.OPCODE: framing.opcode_size,
        FramePart.SEQUENCE: framing.sequence_size,
        FramePart.LENGTH: framing.length_size,
        FramePart.CHECKSUM: framing.checksum.size,
    }
    parts = framing.parts
    payload_at = parts.index(FramePart.PAYLOAD)
    after = sum(widths[p] for p in parts[payload_at + 1 :]) + len(framing.trailer)
    at = len(framing.header)
    read: dict[FramePart, int] = {}
    for part in parts[:payload_at]:
        width = widths[part]
        if len(data) < at + width:
            return Parse.INCOMPLETE, None, 0
        read[part] = at
        at += width
    values = {p: int.from_bytes(data[i : i + widths[p]], order) for p, i in read.items()}
    if framing.length:
        end = at + values[FramePart.LENGTH]
        if len(data) < end + after:
            return Parse.INCOMPLETE, None, 0
    else:
        end = len(data) - after
        if end < at:
            return Parse.INVALID, None, 0
    stop = end + after
    if data[stop - len(framing.trailer) : stop] != framing.trailer:
        return Parse.INVALID, None, 0
    if framing.checksum.size:
        size = framing.checksum.size
        if FramePart.CHECKSUM in read:
            where = read[FramePart.CHECKSUM]
            covered = data[where + size : stop - len(framing.trailer)]
        else:
            where = end + sum(
                widths[p] for p in parts[payload_at + 1 : parts.index(FramePart.CHECKSUM)]
            )
            covered = data[framing.checked_from : where]
        got = int.from_bytes(data[where : where + size], order)
        if got != checksum(framing.checksum, covered):
            return Parse.INVALID, None, 0
    sequence = values.get(FramePart.SEQUENCE)
    frame = Frame(values[FramePart.OPCODE], sequence, data[at:end], data[:stop])
    return Parse.FRAME, frame, stop


def split(framing: Framing, raw: bytes) -> Frame | None:
    """The frame `raw` is under a layout, or None when the layout does not explain all of it."""
    status, frame, used = parse(framing, raw)
    return frame if status is Parse.FRAME and used == len(raw) else None


def split_all(framing: Framing, raw: bytes) -> list[Frame] | None:
    """Every frame of a write or notification that holds several, or None."""
    frames: list[Frame] = []
    at = 0
    while at < len(raw):
        status, frame, used = parse(framing, raw[at:])
        if status is not Parse.FRAME or frame is None or used == 0:
            return None
        frames.append(frame)
        at += used
    return frames or None


def shared_prefix(frames: Sequence[bytes], limit: int) -> bytes:
    """The longest start (up to `limit` bytes) that SHARED of the frames have."""
    best = b""
    for size in range(1, limit + 1):
        counts = Counter(f[:size] for f in frames if len(f) > size)
        if not counts:
            break
        top, count = counts.most_common(1)[0]
        if count < SHARED * len(frames):
            break
        best = top
    return best


def shared_suffix(frames: Sequence[bytes], limit: int) -> bytes:
    best = b""
    for size in range(1, limit + 1):
        counts = Counter(f[-size:] for f in frames if len(f) > size + 1)
        if not counts:
            break
        top, count = counts.most_common(1)[0]
        if count < SHARED * len(frames):
            break
        best = top
    return best


@dataclass
class _ChecksumFit:
    kind: ChecksumKind
    order: ByteOrder
    start: int  # where the checked bytes start
    trailer: bytes
    verified: set[int] = field(default_factory=set)  # indexes of frames
    degenerate: int = 0

    @property
    def evidence(self) -> int:
        return (len(self.verified) - self.degenerate) * self.kind.size * 8


def _checksum_fits(
    frames: Sequence[bytes], header: bytes, trailers: Iterable[bytes]
) -> list[_ChecksumFit]:
    fits: list[_ChecksumFit] = []
    needed = _verified_needed(frames)
    for trailer in trailers:
        for kind in ChecksumKind:
            if kind is ChecksumKind.NONE:
                continue
            size = kind.size
            orders = (ByteOrder.LITTLE, ByteOrder.BIG) if size == 2 else (ByteOrder.LITTLE,)
            for start in range(len(header) + 1):
                found = {order: _ChecksumFit(kind, order, start, trailer) for order in orders}
                for index, raw in enumerate(frames):
                    left = len(frames) - index
                    if left < needed and all(
                        len(fit.verified) + left < needed for fit in found.values()
                    ):
                        break  # see `_verified_needed`
                    end = len(raw) - size - len(trailer)
                    # The checksum follows at least the opcode.
                    if end < max(start, len(header)) + 1 or not raw.endswith(trailer):
                        continue
                    value = checksum(kind, raw[start:end])
                    checked = raw[start : end + size]
                    for order, fit in found.items():
                        if int.from_bytes(raw[end : end + size], order.for_int) == value:
                            fit.verified.add(index)
                            if len(set(checked)) == 1:
                                fit.degenerate += 1
                for fit in found.values():
                    if (
                        2 * len(fit.verified) >= len(frames)
                        and len(fit.verified) - fit.degenerate >= 2
                    ):
                        fits.append(fit)
    fits.sort(key=lambda f: (f.evidence, -f.start), reverse=True)
    return fits[:CHECKSUMS_KEPT]


def _verified_needed(frames: Sequence[bytes]) -> int:
    """How many frames a checksum must verify to be kept: half of them. Once a candidate could
    not get there even if every frame left verified, the search moves on: most candidates fail
    on most frames, so this about halves the checksums a capture costs, and keeps exactly the
    fits it kept before."""
    return (len(frames) + 1) // 2


@dataclass
class _LeadingFit:
    """A checksum at a fixed place before the payload, covering what follows it."""

    kind: ChecksumKind
    order: ByteOrder
    at: int  # where the checksum sits, from the frame's first byte
    trailer: bytes
    verified: int = 0
    degenerate: int = 0


# Bytes an opcode, a sequence number and a length take together at most.
MAX_FIELDS_BEFORE_CHECKSUM = 6


def _leading_checksum_fits(
    frames: Sequence[bytes], header: bytes, trailers: Iterable[bytes]
) -> list[_LeadingFit]:
    """Checksums placed before the payload (a treadmill's 55 AA, sequence, type, length, CRC,
    payload): each place after the header checked on every frame."""
    fits: list[_LeadingFit] = []
    needed = _verified_needed(frames)
    for trailer in trailers:
        for kind in ChecksumKind:
            if kind is ChecksumKind.NONE:
                continue
            size = kind.size
            orders = (ByteOrder.LITTLE, ByteOrder.BIG) if size == 2 else (ByteOrder.LITTLE,)
            top = len(header) + MAX_FIELDS_BEFORE_CHECKSUM
            for at in range(len(header) + 2, top + 1):
                found = {order: _LeadingFit(kind, order, at, trailer) for order in orders}
                for index, raw in enumerate(frames):
                    left = len(frames) - index
                    if left < needed and all(
                        fit.verified + left < needed for fit in found.values()
                    ):
                        break  # see `_verified_needed`
                    end = len(raw) - len(trailer)
                    # At least one payload byte: an empty one checks nothing.
                    if end <= at + size or not raw.endswith(trailer):
                        continue
                    covered = raw[at + size : end]
                    value = checksum(kind, covered)
                    for order, fit in found.items():
                        if int.from_bytes(raw[at : at + size], order.for_int) == value:
                            fit.verified += 1
                            if len(set(covered)) == 1:
                                fit.degenerate += 1
                for fit in found.values():
                    if 2 * fit.verified >= len(frames) and fit.verified - fit.degenerate >= 2:
                        fits.append(fit)
    fits.sort(key=lambda f: (f.verified - f.degenerate) * f.kind.size, reverse=True)
    return fits[:CHECKSUMS_KEPT]


def _leading_layouts(
    fit: _LeadingFit, header: bytes, sequence: bool | None, like: Framing | None
) -> Iterable[Framing]:
    """Every way an opcode, a sequence number and a length fill the bytes between the header
    and a checksum placed before the payload."""
    width = fit.at - len(header)
    sequence_sizes = (0, 1, 2) if sequence is None else ((1, 2) if sequence else (0,))
    opcode_sizes = (1, 2) if like is None else (like.opcode_size,)
    for sequence_size in sequence_sizes:
        for opcode_size in opcode_sizes:
            length_size = width - sequence_size - opcode_size
            if length_size not in (0, 1, 2):
                continue
            sized = [(FramePart.OPCODE, opcode_size)]
            if sequence_size:
                sized.append((FramePart.SEQUENCE, sequence_size))
            if length_size:
                sized.append((FramePart.LENGTH, length_size))
            for arranged in permutations(sized):
                order = (*(part for part, _ in arranged), FramePart.CHECKSUM, FramePart.PAYLOAD)
                # Answers framed like the commands: the format gives both one order.
                if like is not None and like.order is not None and like.order != order:
                    continue
                if like is not None and sequence_size and sequence_size != like.sequence_size:
                    continue
                yield Framing(
                    header=header,
                    opcode_size=opcode_size,
                    sequence=sequence_size > 0,
                    sequence_size=max(sequence_size, 1),
                    length=length_size > 0,
                    length_size=max(length_size, 1),
                    checksum=fit.kind,
                    trailer=fit.trailer,
                    byte_order=fit.order,
                    order=order,
                )


def detect_direction(
    frames: Sequence[bytes],
    *,
    sequence: bool | None = None,
    sent_sequences: frozenset[int] = frozenset(),
    like: Framing | None = None,
) -> DirectionGuess | None:
    """The layout that explains one direction's frames best; None when none explains half.

    `sequence` fixes whether a sequence byte follows the opcode (the answers' choice follows the
    commands'); `sent_sequences` are the commands' numbers, which answers echo.
    """
    if not frames:
        return None
    # Frames too short to hold the header and an opcode do not hide it (a stray piece).
    header_bytes = shared_prefix(frames, MAX_HEADER)
    trailer_bytes = shared_suffix(frames, MAX_TRAILER)
    trailers = [
        trailer_bytes[len(trailer_bytes) - n :] if n else b"" for n in range(len(trailer_bytes) + 1)
    ]
    fits = _checksum_fits(frames, header_bytes, trailers)
    checks: list[tuple[ChecksumKind, ByteOrder, int | None, bytes]] = [
        (ChecksumKind.NONE, ByteOrder.LITTLE, None, t) for t in trailers
    ]
    checks += [(f.kind, f.order, f.start, f.trailer) for f in fits]
    scored: list[tuple[tuple[int, int, int, int, int], DirectionGuess]] = []
    for header_size in range(len(header_bytes) + 1):
        header = header_bytes[:header_size]
        for kind, order, start, trailer in checks:
            if start is not None and start > header_size:
                continue
            checksum_start = None if start is None or start == header_size else start
            # The format gives both directions one opcode width: the answers take the commands'.
            for opcode_size in (1, 2) if like is None else (like.opcode_size,):
                for with_sequence in (False, True) if sequence is None else (sequence,):
                    for length_size in (0, 1, 2):
                        orders = (
                            (
                                order,
                                ByteOrder.BIG if order is ByteOrder.LITTLE else ByteOrder.LITTLE,
                            )
                            if (length_size == 2 or opcode_size == 2) and kind.size < 2
                            else (order,)
                        )
                        for layout_order in orders:
                            framing = Framing(
                                header=header,
                                opcode_size=opcode_size,
                                sequence=with_sequence,
                                length=length_size > 0,
                                length_size=max(length_size, 1),
                                checksum=kind,
                                checksum_start=checksum_start,
                                trailer=trailer,
                                byte_order=layout_order,
                            )
                            guess = _score(framing, frames, sent_sequences, like)
                            if guess is None:
                                continue
                            simplicity = -(
                                opcode_size
                                + int(with_sequence)
                                + length_size
                                + kind.size
                                + len(trailer)
                                + (1 if checksum_start is not None else 0)
                            )
                            alike = _alike(framing, like)
                            key = (
                                guess.evidence,
                                alike,
                                guess.scores.explained,
                                header_size,
                                simplicity,
                            )
                            scored.append((key, guess))
    for header_size in range(len(header_bytes) + 1):
        header = header_bytes[:header_size]
        for leading in _leading_checksum_fits(frames, header, trailers):
            for framing in _leading_layouts(leading, header, sequence, like):
                guess = _score(framing, frames, sent_sequences, like)
                if guess is None:
                    continue
                simplicity = -(
                    framing.opcode_size
                    + (framing.sequence_size if framing.sequence else 0)
                    + (framing.length_size if framing.length else 0)
                    + framing.checksum.size
                    + len(framing.trailer)
                    + 1  # a place of its own for the checksum
                )
                key = (
                    guess.evidence,
                    _alike(framing, like),
                    guess.scores.explained,
                    header_size,
                    simplicity,
                )
                scored.append((key, guess))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0], reverse=True)
    best_key, best = scored[0]
    ties = tuple(g.framing for k, g in scored[1:] if k == best_key)
    return DirectionGuess(best.framing, best.evidence, best.scores, best.byte_order_known, ties)


def _alike(framing: Framing, like: Framing | None) -> int:
    if like is None:
        return 0
    keys = ("opcode_size", "length", "length_size", "checksum", "trailer", "byte_order")
    same: int = sum(1 for k in keys if getattr(framing, k) == getattr(like, k))
    # Start bytes as long as the commands', checked from the same place.
    same += int(len(framing.header) == len(like.header))
    return same + int((framing.checksum_start is None) == (like.checksum_start is None))


def _score(
    framing: Framing,
    frames: Sequence[bytes],
    sent_sequences: frozenset[int],
    like: Framing | None = None,
) -> DirectionGuess | None:
    total = len(frames)
    explained: list[Frame] = []
    failed = 0
    for raw in frames:
        frame = split(framing, raw)
        if frame is None:
            failed += 1
            if 2 * failed > total:
                return None  # most layouts fail early: stop at the first half
        else:
            explained.append(frame)
    if not explained:
        return None
    size = framing.checksum.size
    degenerate = 0
    if size:
        degenerate = sum(
            1
            for f in explained
            if len(set(f.raw[framing.checked_from : len(f.raw) - len(framing.trailer)])) == 1
        )
        if len(explained) - degenerate < 2:
            return None
    evidence = (len(explained) - degenerate) * size * 8
    sizes = {len(f.payload) for f in explained}
    if framing.length:
        if len(sizes) < 2:
            # A constant: nothing shows it is a length, unless the commands have one there.
            if like is None or not like.length:
                return None
        else:
            # Eight bits a frame whatever its width: the high byte of a two-byte length is
            # nearly always zero and shows nothing more.
            evidence += len(explained) * 8
    steps = 0
    if framing.sequence:
        numbers = [f.sequence for f in explained if f.sequence is not None]
        mask = (1 << 8 * framing.sequence_size) - 1
        if sent_sequences and len(set(numbers)) == 1 and len(numbers) > 1:
            pass  # answers that carry one number whatever was sent: the device does not count
        elif sent_sequences:
            # Answers: their numbers must be the commands'.
            echoed = sum(1 for n in numbers if n in sent_sequences)
            if 2 * echoed < len(numbers):
                return None
            evidence += 8 * echoed
        else:
            counted = Counter((b - a) & mask for a, b in pairwise(numbers))
            pairs = max(len(numbers) - 1, 0)
            steps = counted[1]
            # A retry repeats the number; anything else than +1 or +0 is not a counter, and a
            # constant that steps once is not one either.
            if not (
                steps >= 2
                and len(set(numbers)) >= 3
                and steps >= 0.6 * pairs
                and steps + counted[0] >= 0.75 * pairs
            ):
                return None
            evidence += 8 * steps
    headed = sum(1 for raw in frames if raw.startswith(framing.header))
    trailed = sum(1 for raw in frames if raw.endswith(framing.trailer))
    scores = Scores(
        total=total,
        explained=len(explained),
        header=headed,
        trailer=trailed,
        checksum=len(explained) if size else 0,
        checksum_degenerate=degenerate,
        length=len(explained) if framing.length else 0,
        sizes=len(sizes),
        sequence_steps=steps,
    )
    order_shown = size == 2 or (
        (framing.length and framing.length_size == 2) or framing.opcode_size == 2
    )
    return DirectionGuess(framing, evidence, scores, order_shown)


def merge(commands: DirectionGuess, notifications: DirectionGuess | None) -> FramingGuess:
    """One profile framing: the commands' layout, with what the answers do differently."""
    framing = commands.framing
    order_known = commands.byte_order_known
    if notifications is not None:
        theirs = notifications.framing
        if theirs.byte_order != framing.byte_order and not commands.byte_order_known:
            framing = framing.model_copy(update={"byte_order": theirs.byte_order})
        order_known = order_known or notifications.byte_order_known
        differs: dict[str, object] = {}
        for key in ("header", "length", "length_size", "checksum", "trailer"):
            if getattr(theirs, key) != getattr(framing, key):
                differs[key] = getattr(theirs, key)
        same_shape = theirs.opcode_size == framing.opcode_size and (
            theirs.byte_order == framing.byte_order or not notifications.byte_order_known
        )
        # The format gives both directions one opcode width and byte order: where the answers
        # differ there, the commands' layout is kept and their frames stay unexplained.
        if same_shape and differs:
            override = NotificationFraming.model_validate(differs)
            merged = framing.model_copy(update={"notifications": override})
            if merged.for_notifications().checked_from != theirs.checked_from:
                differs["checksum_start"] = theirs.checked_from
                override = NotificationFraming.model_validate(differs)
            framing = framing.model_copy(update={"notifications": override})
        elif same_shape and framing.checked_from != theirs.checked_from:
            override = NotificationFraming(checksum_start=theirs.checked_from)
            framing = framing.model_copy(update={"notifications": override})
    sequence = framing.sequence and commands.scores.sequence_steps > 0
    return FramingGuess(framing, commands, notifications, order_known, sequence)
