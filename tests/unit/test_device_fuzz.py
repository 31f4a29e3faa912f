"""Fuzzing: no bytes from a device and no profile text raise anything but our own clear errors."""

import pickle
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facecoach.devices.errors import DeviceError, FrameError, ProfileError
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.profile import NotificationKind
from facecoach.devices.protocol.registry import load_registry, parse_profile, shipped_profiles_dir

PROFILES = [p for p in load_registry().profiles if p.framing is not None]
WITH_STATUS = [p for p in PROFILES if p.notification_of(NotificationKind.STATUS) is not None]
REFERENCE_TEXT = (shipped_profiles_dir() / "reference-a.toml").read_text()
# Parsed once: each example changes a copy of its own (unpickling one costs a tenth of parsing).
REFERENCE_PICKLED = pickle.dumps(tomllib.loads(REFERENCE_TEXT))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.id)
@given(data=st.binary(max_size=64))
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_decoder_refuses_garbage_with_a_frame_error(profile: object, data: bytes) -> None:
    codec = FrameCodec(profile)  # type: ignore[arg-type]
    message = ""
    try:
        decoded = codec.decode_notification(data)
    except FrameError as exc:
        message = str(exc)
    else:
        assert decoded.name in codec.profile.notifications
        message = "decoded"
    assert message


@pytest.mark.parametrize("profile", WITH_STATUS, ids=lambda p: p.id)
@given(data=st.data())
@settings(max_examples=200)
def test_one_flipped_bit_in_a_status_frame_never_decodes_silently_wrong(
    profile: object, data: st.DataObject
) -> None:
    codec = FrameCodec(profile)  # type: ignore[arg-type]
    status = codec.profile.notification_of(NotificationKind.STATUS)
    assert status is not None
    name = status[0]
    frame = bytearray(codec.encode_notification(name, {"program": 1, "battery": 50}))
    bit = data.draw(st.integers(0, len(frame) * 8 - 1))
    frame[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(FrameError):
        codec.decode_notification(bytes(frame))


@given(text=st.text(max_size=400))
@settings(max_examples=300)
def test_the_profile_loader_refuses_any_text_with_a_profile_error(text: str) -> None:
    message = "fuzz.toml"
    try:
        parse_profile(text, "fuzz.toml")
    except ProfileError as exc:
        message = str(exc)
    assert message.startswith("fuzz.toml")


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=20),
    st.lists(st.integers(-5, 300), max_size=5),
)


@given(path_index=st.integers(0, 10_000), value=_scalars)
@settings(max_examples=400)
def test_a_profile_with_any_one_value_changed_loads_or_fails_cleanly(
    path_index: int, value: object
) -> None:
    import tomli_w

    data = pickle.loads(REFERENCE_PICKLED)
    leaves = list(_leaf_paths(data))
    parent, key = leaves[path_index % len(leaves)]
    if value is None:
        del parent[key]
    else:
        parent[key] = value
    try:
        profile = parse_profile(tomli_w.dumps(data), "mutated.toml")
    except DeviceError:
        return
    assert profile.id


def _leaf_paths(node: object):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, child in node.items():
            if (
                isinstance(child, dict | list)
                and child
                and not all(isinstance(c, int) for c in child)
            ):
                yield from _leaf_paths(child)
            else:
                yield node, key
    elif isinstance(node, list):
        for index, child in enumerate(node):
            if isinstance(child, dict | list):
                yield from _leaf_paths(child)
            else:
                yield node, index


def test_a_skeleton_quotes_any_name_the_radio_sends() -> None:
    import tomllib

    from facecoach.devices.skeleton import _quote

    for name in ['a"b\\c', "\x1b[2Jx\x07", "é\x85", "[@click=app.quit]"]:
        assert tomllib.loads(f"x = {_quote(name)}")["x"] == name
        assert "\x1b" not in _quote(name)
