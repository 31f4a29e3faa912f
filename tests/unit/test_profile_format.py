"""Version 2 of the profile format: bit-packed and wide fields, commands beyond the five, writes
on connection and a keep-alive, and the mistakes a profile writer makes with them."""

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.fields import (
    BitOrder,
    ByteOrder,
    FieldSpec,
    FieldType,
    LayoutError,
    lay_out,
)
from facecoach.devices.protocol.profile import ArgumentSource, ScheduledWrite
from facecoach.devices.protocol.registry import parse_profile, shipped_profiles_dir
from facecoach.devices.protocol.scheduled import scheduled_args
from facecoach.devices.simulator.firmware import SimulatedFirmware

REFERENCE_C = (shipped_profiles_dir() / "reference-c.toml").read_text()


def spec(name: str, kind: str, order: str | None = None) -> FieldSpec:
    return FieldSpec(name, FieldType(kind), ByteOrder(order) if order else None)


# -- the layout, to the bit ---------------------------------------------------------------


def test_bit_fields_fill_a_byte_from_the_top_or_from_the_bottom() -> None:
    fields = [spec("a", "u3"), spec("b", "u5")]
    msb = lay_out(fields, ByteOrder.LITTLE, BitOrder.MSB_FIRST)
    lsb = lay_out(fields, ByteOrder.LITTLE, BitOrder.LSB_FIRST)
    # a = 0b101, b = 0b00011: drawn left to right, or as C bit-fields on a small chip.
    assert msb.pack([0b101, 0b00011]) == bytes([0b101_00011])
    assert lsb.pack([0b101, 0b00011]) == bytes([0b00011_101])
    assert msb.unpack(bytes([0b101_00011])) == [0b101, 0b00011]
    assert lsb.unpack(bytes([0b00011_101])) == [0b101, 0b00011]


def test_wide_fields_take_their_own_byte_order_or_the_profiles() -> None:
    layout = lay_out(
        [spec("t", "u32"), spec("n", "u24", "big"), spec("d", "i16")], ByteOrder.LITTLE
    )
    data = layout.pack([0x6B49D200, 0x000258, -15])
    assert data == bytes.fromhex("00D2496B000258F1FF")
    assert layout.unpack(data) == [0x6B49D200, 0x000258, -15]
    assert layout.size == 9


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([spec("a", "u3"), spec("b", "u8")], "must start on a byte boundary"),
        ([spec("a", "u5"), spec("b", "u5"), spec("c", "u6")], "would cross into the next byte"),
        ([spec("a", "u8"), spec("b", "u4")], "not a whole number of bytes"),
        ([spec("a", "u8", "big")], "one byte or less: it has no order"),
    ],
)
def test_layouts_that_bytes_cannot_hold_are_refused_by_name(
    fields: list[FieldSpec], message: str
) -> None:
    with pytest.raises(LayoutError, match=message):
        lay_out(fields, ByteOrder.LITTLE)


@st.composite
def layouts_and_values(draw: st.DrawFn) -> tuple[list[FieldSpec], list[int], BitOrder]:
    fields: list[FieldSpec] = []
    values: list[int] = []
    for index in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            widths = draw(st.sampled_from([[8], [4, 4], [1, 3, 4], [2, 2, 2, 2], [7, 1]]))
            kinds = [FieldType(f"u{w}") for w in widths]
        else:
            kinds = [draw(st.sampled_from([t for t in FieldType if not t.packed]))]
        for part, kind in enumerate(kinds):
            order = draw(st.sampled_from([None, "big", "little"])) if kind.size > 1 else None
            fields.append(spec(f"f{index}_{part}", kind.value, order))
            values.append(draw(st.integers(*kind.bounds)))
    return fields, values, draw(st.sampled_from(list(BitOrder)))


@given(layouts_and_values(), st.sampled_from(list(ByteOrder)))
def test_any_layout_gives_back_what_it_packed(
    case: tuple[list[FieldSpec], list[int], BitOrder], byte_order: ByteOrder
) -> None:
    fields, values, bit_order = case
    layout = lay_out(fields, byte_order, bit_order)
    packed = layout.pack(values)
    assert len(packed) == layout.size
    assert layout.unpack(packed) == values


# -- the profile ----------------------------------------------------------------------------


def edited(change: Callable[[str], str]) -> str:
    text = change(REFERENCE_C)
    assert text != REFERENCE_C
    return text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace("schema_version = 2", "schema_version = 1"),
            r"uses commands beyond the five \(keepalive, set_limit, set_timer, sync_clock\), "
            r"on_connect, keepalive.*need schema_version = 2",
        ),
        (
            lambda t: t.replace("timeout_ms = 1500", "timeout_ms = 900"),
            "at least twice interval_ms",
        ),
        (
            lambda t: t.replace(
                'args = [{ name = "count", type = "u16", order = "big" }]\nack = { kind = "none" }',
                'args = [{ name = "count", type = "u16", order = "big" }]\n'
                'ack = { kind = "ack", timeout = 1.0 }',
            ),
            'must have ack = { kind = "none" }',
        ),
        (
            lambda t: t.replace('command = "set_limit"', 'command = "start"'),
            "never started by the app on its own",
        ),
        (
            lambda t: t.replace("[commands.select_program]", "[commands.select_progam]"),
            "did you mean 'select_program'",
        ),
        (
            lambda t: t.replace(
                'args = [{ name = "time", type = "u32" }]',
                'args = [{ name = "time", type = "u16" }]',
            ),
            "unix_time needs a u32 field",
        ),
        (
            lambda t: t.replace('args = { level = "max_intensity" }', "args = { level = 11 }"),
            "level must be from 1 to 10",
        ),
        (
            lambda t: t.replace('args = { level = "max_intensity" }', "args = {}"),
            r"set_limit takes \['level'\], the write gives none",
        ),
        (
            lambda t: t.replace(
                '{ name = "reserved", type = "u5" }', '{ name = "reserved", type = "u4" }'
            ),
            "fill only 7 bits of their byte",
        ),
        (
            lambda t: t.replace(
                '{ name = "reserved", type = "u4", value = 0 }',
                '{ name = "reserved", type = "u4", value = 16 }',
            ),
            "value 16 does not fit in u4",
        ),
        (
            lambda t: t.replace(
                'args = [{ name = "count", type = "u16", order = "big" }]',
                'args = [{ name = "count", type = "u16", order = "big", min = 1 }]',
            ),
            "count is filled in with counter, which runs through the field's whole range",
        ),
        (
            lambda t: t.replace(
                'args = [{ name = "time", type = "u32" }]',
                'args = [{ name = "time", type = "u32", max = 1000 }]',
            ),
            "time is filled in with unix_time",
        ),
        (
            lambda t: t.replace(
                'purpose = "The highest level the device will run at, whatever is asked of it '
                'later."\nidempotent = true\nargs = [{ name = "level", type = "u8", min = 1, '
                'max = 10 }]\nack = { kind = "none" }',
                'idempotent = true\nargs = [{ name = "level", type = "u8", min = 1, max = 10 }]'
                '\nack = { kind = "ack", timeout = 1.0 }',
            ),
            'set_limit must have ack = { kind = "none" }',
        ),
        (
            lambda t: t.replace(
                "[commands.set_limit]\nopcode = 0x41",
                "[commands.set_limit]\nopcode = 0x41\nstimulates = true",
            ),
            "never started by the app on its own",
        ),
        (
            lambda t: t.replace('id = "calm"\ncode = 3', 'id = "calm"\ncode = 20'),
            "program 'calm' has code 20, which select_program's argument cannot carry",
        ),
        (
            lambda t: t.replace(
                'fields = [\n    { name = "of" },',
                'fields = [\n    { name = "of", type = "u4" }, { name = "pad", type = "u4" },',
            ),
            "the ack's field 'of' \\(u4\\) cannot hold the opcode of",
        ),
        (
            lambda t: t.replace(
                'args = [{ name = "seconds", type = "u24", order = "big", max = 3600 }]',
                "args = ["
                + ", ".join(f'{{ name = "s{i}", type = "u32" }}' for i in range(64))
                + "]",
            ),
            "the command set_timer carries 256 payload bytes, more than its length byte",
        ),
        (
            lambda t: t.replace('args = { level = "max_intensity" }', "args = { level = true }"),
            "must be a whole number \\(got True\\)",
        ),
    ],
)
def test_profile_mistakes_are_refused_with_what_to_do(
    change: Callable[[str], str], message: str
) -> None:
    with pytest.raises(DeviceError, match=message):
        parse_profile(edited(change), "mine.toml")


def test_a_version_1_profile_still_loads_unchanged() -> None:
    text = (shipped_profiles_dir() / "reference-a.toml").read_text()
    profile = parse_profile(text, "reference-a.toml")
    assert profile.schema_version == 1
    assert profile.version_2_features() == []


def test_fixed_values_are_sent_but_never_asked_for() -> None:
    profile = parse_profile(REFERENCE_C, "reference-c.toml")
    codec = FrameCodec(profile)
    frame = codec.encode_command("select_program", {"program": 3}, sequence=1)
    assert frame[5] == 0x03  # the reserved nibble is 0
    decoded = codec.decode_command(frame)
    assert decoded.args == {"program": 3}
    with pytest.raises(DeviceError, match="unknown"):
        codec.encode_command("select_program", {"program": 3, "reserved": 0})


def test_scheduled_arguments_are_filled_in_when_sent() -> None:
    profile = parse_profile(REFERENCE_C, "reference-c.toml")
    keepalive = profile.keepalive
    assert keepalive is not None
    assert scheduled_args(profile.on_connect[0], profile, unix_time=1_800_000_000.7, counter=0) == {
        "time": 1_800_000_000
    }
    assert scheduled_args(profile.on_connect[1], profile, unix_time=0, counter=0) == {"level": 8}
    # The counter wraps at its field's width (u16).
    assert scheduled_args(keepalive, profile, unix_time=0, counter=65_537) == {"count": 1}
    literal = ScheduledWrite(command="set_timer", args={"seconds": 600})
    assert scheduled_args(literal, profile, unix_time=0, counter=0) == {"seconds": 600}
    assert ArgumentSource("unix_time") is ArgumentSource.UNIX_TIME


def test_the_simulated_device_stops_at_the_keepalive_deadline_and_not_later() -> None:
    profile = parse_profile(REFERENCE_C, "reference-c.toml")
    now = [100.0]
    firmware = SimulatedFirmware(profile, lambda: now[0], battery=50.0)
    codec = FrameCodec(profile)
    firmware.receive(codec.encode_command("start", {}, 1))
    assert firmware.running
    now[0] += 1.4
    firmware.receive(codec.encode_command("keepalive", {"count": 0}, 2))
    now[0] += 1.4
    assert firmware.settle() is False  # 1.4 s after the last keep-alive: still running
    assert firmware.running
    now[0] += 60  # nobody looked for a minute
    assert firmware.settle() is True
    assert not firmware.running
    assert firmware.keepalive_lost
    # It drained only until the deadline (2.9 s of stimulation), not for the whole minute.
    assert firmware.battery == round(50.0 - 2.9 / 60)
    status = firmware.status_values()
    assert (status["running"], status["keepalive_lost"]) == (False, True)


def test_a_device_limit_above_facecoachs_is_never_encoded() -> None:
    """`set_limit` sets the device's own limit (reference-c fills it with max_intensity on
    connecting), so, like a level, it is never sent above the profile's limit."""
    codec = FrameCodec(parse_profile(REFERENCE_C, "reference-c.toml"))
    codec.encode_command("set_limit", {"level": 8})
    with pytest.raises(DeviceError, match="would set the device's own limit above"):
        codec.encode_command("set_limit", {"level": 10})


def test_the_simulated_device_keeps_to_the_limit_set_on_it() -> None:
    profile = parse_profile(REFERENCE_C, "reference-c.toml")
    firmware = SimulatedFirmware(profile, lambda: 0.0)
    codec = FrameCodec(profile)
    firmware.receive(codec.encode_command("set_limit", {"level": 3}, 1))
    (refused,) = firmware.receive(codec.encode_command("set_intensity", {"level": 5}, 2))
    assert codec.decode_notification(refused).values["result"] == 4
    assert firmware.intensity == 1
    (done,) = firmware.receive(codec.encode_command("set_intensity", {"level": 3}, 3))
    assert codec.decode_notification(done).values["result"] == 0
    assert firmware.intensity == 3
