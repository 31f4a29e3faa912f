"""Which answer confirms which command, which one refuses it, and what a status changes: the
rules the link waits on, read from shipped profiles and frames their codec makes."""

from dataclasses import replace

from facecoach.devices.protocol.acks import (
    confirmation_of,
    refusal,
    reports_keepalive_lost,
    updated_status,
)
from facecoach.devices.protocol.codec import DecodedNotification, FrameCodec
from facecoach.devices.protocol.profile import CommandName, DeviceProfile, NotificationKind
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.protocol.status import DeviceStatus

REGISTRY = load_registry()


def answer(
    profile: DeviceProfile, name: str, values: dict[str, int], sequence: int = 0
) -> DecodedNotification:
    """A notification as the link receives it: encoded to bytes by the profile, decoded back."""
    codec = FrameCodec(profile)
    return codec.decode_notification(codec.encode_notification(name, values, sequence))


def test_an_ack_confirms_its_own_command_and_sequence_only() -> None:
    profile = REGISTRY.get("reference-a")
    stop = profile.commands[CommandName.STOP]
    confirms = confirmation_of(profile, CommandName.STOP, {}, sequence=7)
    assert confirms is not None
    assert confirms(answer(profile, "ack", {"of": stop.opcode, "result": 0}, sequence=7))
    assert not confirms(answer(profile, "ack", {"of": stop.opcode, "result": 0}, sequence=8))
    assert not confirms(answer(profile, "ack", {"of": stop.opcode ^ 1, "result": 0}, sequence=7))


def test_a_refusal_is_said_in_the_profiles_words() -> None:
    profile = REGISTRY.get("reference-a")
    of = profile.commands[CommandName.STOP].opcode
    assert refusal(profile, answer(profile, "ack", {"of": of, "result": 0})) is None
    charging = answer(profile, "ack", {"of": of, "result": 1})
    assert refusal(profile, charging) == "the device is on its charger"
    assert refusal(profile, answer(profile, "ack", {"of": of, "result": 9})) == "refusal code 9"


def test_a_status_ack_confirms_when_it_shows_the_value_sent() -> None:
    profile = REGISTRY.get("reference-b")
    confirms = confirmation_of(profile, CommandName.SET_INTENSITY, {"level": 4}, sequence=0)
    assert confirms is not None
    status = {"program": 1, "intensity": 4, "battery": 80, "charging": 0}
    assert confirms(answer(profile, "status", status))
    assert not confirms(answer(profile, "status", {**status, "intensity": 3}))


def test_a_device_that_answers_nothing_is_waited_on_for_nothing() -> None:
    profile = REGISTRY.get("foreo-bear")
    assert confirmation_of(profile, CommandName.SET_INTENSITY, {"level": 3}, 0) is None


def test_a_status_replaces_only_the_fields_it_reports() -> None:
    profile = REGISTRY.get("reference-a")
    status = answer(profile, "status", {"program": 2, "intensity": 5, "battery": 40, "charging": 1})
    after = updated_status(profile, DeviceStatus(), status)
    assert (after.program_code, after.intensity, after.battery, after.charging) == (2, 5, 40, True)
    assert after.program == profile.program_by_code(2)
    assert not reports_keepalive_lost(status)
    # A status that reports only the battery leaves the rest as it was.
    battery_only = DecodedNotification("status", NotificationKind.STATUS, None, {"battery": 39})
    assert updated_status(profile, after, battery_only) == replace(after, battery=39)


def test_a_device_that_stopped_for_want_of_its_keepalive_says_so() -> None:
    profile = REGISTRY.get("reference-c")
    lost = DecodedNotification("status", NotificationKind.STATUS, None, {"keepalive_lost": 1})
    assert reports_keepalive_lost(lost)
    running = DecodedNotification(
        "status", NotificationKind.STATUS, None, {"keepalive_lost": 1, "running": 1}
    )
    assert not reports_keepalive_lost(running)
    assert profile.keepalive is not None
