"""Schema version 4: a frame's parts in an order of their own (a checksum before the payload,
covering it), a two-byte sequence number, and notifications whose last field repeats (a
payload of variable length). Older files load unchanged; a version-3 file using these is told
which version they need."""

from pathlib import Path

import pytest

from facecoach.devices.errors import DeviceError, FrameError, IncompleteFrame
from facecoach.devices.protocol.checksums import ChecksumKind, checksum
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.registry import load_profile_file, parse_profile
from tests.support.real_captures import FIXTURES

TREADMILL = """
schema_version = 4
id = "tread"
name = "Tread"
vendor = "Test"

[[match]]
local_name = "TREAD"

[gatt]
service = "fff0"
command = { uuid = "fff3" }
notify = { uuid = "fff4" }
device_info = false

[framing]
header = "55 AA"
order = ["sequence", "opcode", "length", "checksum", "payload"]
sequence = true
sequence_size = 2
opcode_size = 2
length_size = 2
checksum = "crc16-ccitt-false"

[commands.set_speed]
opcode = 0x0503
args = [{ name = "speed", type = "u16" }]
ack = { kind = "none" }

[notifications.data]
opcode = 0x1201
kind = "status"
fields = [{ name = "mode" }, { name = "value", type = "u16", repeated = true }]
"""


def test_a_checksum_before_the_payload_covers_the_payload_and_a_sequence_takes_two_bytes() -> None:
    codec = FrameCodec(parse_profile(TREADMILL, "tread.toml"))
    frame = codec.encode_command("set_speed", {"speed": 0x0102}, sequence=0x0304)
    crc = checksum(ChecksumKind.CRC16_CCITT_FALSE, b"\x02\x01").to_bytes(2, "little")
    assert frame == b"\x55\xaa\x04\x03\x03\x05\x02\x00" + crc + b"\x02\x01"
    decoded = codec.decode_command(frame)
    assert (decoded.name, decoded.sequence, decoded.args) == ("set_speed", 0x0304, {"speed": 258})
    damaged = frame[:-1] + b"\x03"
    with pytest.raises(FrameError, match="checksum mismatch"):
        codec.decode_command(damaged)


def test_a_repeated_last_field_decodes_payloads_of_any_length_the_frame_says() -> None:
    codec = FrameCodec(parse_profile(TREADMILL, "tread.toml"))
    for count in (0, 1, 5):
        values: dict[str, int | bool] = {"mode": 7}
        values.update({f"value_{i}": 100 + i for i in range(count)})
        frame = codec.encode_notification("data", values)
        assert len(frame) == 10 + 1 + 2 * count
        assert codec.decode_notification(frame).values == values
    # A length that the repeated field cannot fill is refused in words; a cut frame is
    # incomplete, not wrong.
    frame = codec.encode_notification("data", {"mode": 1, "value_0": 2})
    odd = frame[:6] + b"\x04\x00" + frame[8:] + b"\x00"
    with pytest.raises(FrameError, match=r"carries 1 \+ 2 x N payload bytes, the frame says 4"):
        codec.decode_notification(odd)
    with pytest.raises(IncompleteFrame):
        codec.decode_notification(frame[:-1])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace("schema_version = 4", "schema_version = 3"),
            r"framing\.order, framing\.sequence_size, repeated fields, which need "
            "schema_version = 4",
        ),
        (
            lambda t: t.replace('"length", "checksum"', '"checksum"'),
            "framing.order must name each part this framing has, once: opcode, sequence, "
            "length, payload, checksum",
        ),
        (
            lambda t: t.replace(
                '["sequence", "opcode", "length", "checksum", "payload"]',
                '["sequence", "payload", "opcode", "length", "checksum"]',
            ),
            "the opcode must come before the payload",
        ),
        (
            lambda t: t.replace(
                '{ name = "mode" }, { name = "value", type = "u16", repeated = true }',
                '{ name = "value", type = "u16", repeated = true }, { name = "mode" }',
            ),
            "only the last field may be repeated",
        ),
    ],
)
def test_version_4_mistakes_are_refused_in_words(change: object, message: str) -> None:
    assert callable(change)
    with pytest.raises(DeviceError, match=message):
        parse_profile(change(TREADMILL), "tread.toml")


@pytest.mark.parametrize(
    "name", ["blockbluelight.toml", "revcar.toml", "lumentree.toml", "../../../device_profiles"]
)
def test_older_profiles_load_unchanged(name: str) -> None:
    root = FIXTURES / name
    files = sorted(root.glob("*.toml")) if root.is_dir() else [root]
    assert files
    for path in files:
        profile = load_profile_file(path)
        assert profile.schema_version < 4
        assert profile.version_4_features() == []


def test_the_treadmill_profile_written_from_its_publisher_loads() -> None:
    profile = load_profile_file(Path(FIXTURES / "horizon.toml"))
    assert profile.framing is not None
    assert profile.framing.checksum_before_payload
