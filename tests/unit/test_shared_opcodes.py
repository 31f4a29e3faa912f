"""What the profile format gained for FOREO's protocol: commands on one opcode told apart by a
fixed value, and a device that takes commands and answers nothing; and the mistakes a profile
writer can make with them, each refused in words."""

from collections.abc import Callable

import pytest

from facecoach.devices.errors import ProfileError
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.registry import parse_profile, shipped_profiles_dir

BEAR = (shipped_profiles_dir() / "foreo-bear.toml").read_text()


def edited(change: Callable[[str], str]) -> str:
    text = change(BEAR)
    assert text != BEAR
    return text


STOP_LEVEL = '{ name = "level", value = 0 },'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace("schema_version = 2", "schema_version = 1"),
            "commands that share an opcode, a command endpoint without a notify endpoint"
            ".*need schema_version = 2",
        ),
        (  # the stop's level inside set_intensity's range: a frame could be either
            lambda t: t.replace(STOP_LEVEL, '{ name = "level", value = 3 },'),
            "set_intensity and stop share opcode 0x01, but no argument tells them apart",
        ),
        (  # a stop of another shape cannot be read with the same payload layout
            lambda t: t.replace(STOP_LEVEL, '{ name = "level", type = "u16", value = 0 },'),
            "same types in the same order",
        ),
        (
            lambda t: t.replace('{ name = "level", min = 1, max = 10 },', ""),
            "set_intensity and stop share opcode 0x01, so their arguments must have the same",
        ),
        (  # waiting for an answer that cannot come
            lambda t: t.replace(
                'ack = { kind = "none" }\n\n[commands.stop]', "\n[commands.stop]", 1
            ),
            "set_intensity is acknowledged by 'ack', but there is no notification of kind 'ack'",
        ),
        (
            lambda t: t.replace(
                "[limits]",
                '[notifications.status]\nopcode = 0x81\nkind = "status"\n'
                'fields = [{ name = "battery" }]\n\n[limits]',
            ),
            "notifications need the gatt.notify endpoint",
        ),
        (
            lambda t: (
                t.replace('command = { uuid = "fff1", write = "with_response" }', "")
                .replace("[framing]", 'notify = { uuid = "fff2" }\n\n[framing]')
                .replace("[commands.set_intensity]", "[unused.set_intensity]")
                .replace("[commands.stop]", "[unused.stop]")
            ),
            "a notify endpoint needs the command endpoint",
        ),
    ],
)
def test_mistakes_with_shared_opcodes_and_silent_devices_are_refused_in_words(
    change: Callable[[str], str], message: str
) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_profile(edited(change), "foreo-edit.toml")


def test_three_commands_on_one_opcode_each_told_apart() -> None:
    text = edited(
        lambda t: t.replace(
            "[limits]",
            "[commands.boost]\nopcode = 0x01\nidempotent = true\n"
            'args = [{ name = "mode", value = 0 }, { name = "level", min = 11, max = 12 }]\n'
            'ack = { kind = "none" }\n\n[limits]',
        )
    )
    profile = parse_profile(text, "three.toml")
    assert sorted(name for name, c in profile.commands.items() if c.opcode == 1) == [
        "boost",
        "set_intensity",
        "stop",
    ]
    codec = FrameCodec(profile)
    assert [codec.decode_command(bytes([1, 0, level])).name for level in (0, 5, 12)] == [
        "stop",
        "set_intensity",
        "boost",
    ]
