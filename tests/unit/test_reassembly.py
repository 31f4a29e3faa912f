"""Putting an answer in pieces back together, by the profile's own framing, on a given clock."""

from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.reassembly import PIECE_GAP, NotificationAssembler
from facecoach.devices.protocol.registry import load_registry

PROFILE = load_registry().get("reference-a")
CODEC = FrameCodec(PROFILE)
STATUS = {"program": 2, "intensity": 5, "battery": 40}
FRAME = CODEC.encode_notification("status", STATUS, 3)


def assembler() -> NotificationAssembler:
    return NotificationAssembler(CODEC.decode_notification, "FC-RefA")


def test_pieces_within_the_gap_make_one_answer() -> None:
    joiner = assembler()
    assert joiner.feed(FRAME[:2], 10.0) == (None, [])
    assert joiner.waiting
    assert joiner.feed(FRAME[2:5], 10.1) == (None, [])
    answer, problems = joiner.feed(FRAME[5:], 10.2)
    assert problems == []
    assert answer == CODEC.decode_notification(FRAME)
    assert not joiner.waiting


def test_a_late_piece_gives_the_beginning_up_and_the_next_answer_is_read() -> None:
    joiner = assembler()
    joiner.feed(FRAME[:4], 0.0)
    assert joiner.expire(PIECE_GAP / 2) is None
    answer, problems = joiner.feed(FRAME, PIECE_GAP)
    assert answer == CODEC.decode_notification(FRAME)
    assert problems == [
        f"Ignored an incomplete message from FC-RefA (4 bytes: {FRAME[:4].hex(' ').upper()}): "
        f"the rest did not come within {PIECE_GAP:g} s"
    ]


def test_a_new_answer_after_an_unfinished_one_is_still_read() -> None:
    joiner = assembler()
    joiner.feed(FRAME[:4], 0.0)
    answer, problems = joiner.feed(FRAME, 0.01)  # FRAME[:4] + FRAME is no frame
    assert answer == CODEC.decode_notification(FRAME)
    assert problems[0].endswith("the next notification did not continue it")


def test_a_damaged_answer_is_ignored_in_words_and_nothing_is_kept() -> None:
    joiner = assembler()
    damaged = FRAME[:-1] + bytes([FRAME[-1] ^ 0xFF])
    answer, problems = joiner.feed(damaged, 0.0)
    assert answer is None
    assert problems[0].startswith("Ignored a damaged message from FC-RefA: checksum mismatch")
    assert not joiner.waiting
