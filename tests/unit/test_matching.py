"""Matching advertisements to profiles with Home Assistant's semantics (its `ble_device_matches`
and the local-name rule of its matcher index), case by case."""

from dataclasses import dataclass, field

import pytest
from bleak.backends.service import BleakGATTServiceCollection
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from facecoach.devices.protocol.matching import AdvertisementMatcher, matcher_accepts
from facecoach.devices.protocol.profile import Matcher
from facecoach.devices.protocol.registry import parse_profile, shipped_profiles_dir
from facecoach.devices.skeleton import profile_skeleton

NFC_SERVICE = "0000fe59-0000-1000-8000-00805f9b34fb"


@dataclass
class Adv:
    local_name: str | None = None
    service_uuids: list[str] = field(default_factory=list)
    service_data: dict[str, bytes] = field(default_factory=dict)
    manufacturer_data: dict[int, bytes] = field(default_factory=dict)


@pytest.mark.parametrize(
    ("connectable_key", "advertised_connectable", "matches"),
    [
        (None, True, True),  # unset: HA's default, a connectable advertisement is needed
        (None, False, False),
        (True, True, True),
        (True, False, False),
        (False, True, True),  # false takes either kind (it could never match a scan before)
        (False, False, True),
    ],
)
def test_connectable(
    connectable_key: bool | None, advertised_connectable: bool, matches: bool
) -> None:
    matcher = Matcher(local_name="NFC*", connectable=connectable_key)
    adv = Adv(local_name="NFC Trinity")
    assert matcher_accepts(matcher, adv, connectable=advertised_connectable) is matches


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("NFC*", "NFC Trinity", True),
        ("NFC*", "NFC", True),
        ("NFC*", "nfc trinity", False),  # case matters, as in HA's fnmatch
        ("NFC*", "XNFC", False),  # anchored at the start
        ("NFC", "NFC Trinity", False),  # no wildcard: the whole name
        ("NFC", "NFC", True),
        ("NFC?", "NFCA", True),
        ("NFC[AB]*", "NFCB-1", True),
        ("NFC[AB]*", "NFCC-1", False),
    ],
)
def test_local_name_patterns(pattern: str, name: str, matches: bool) -> None:
    assert matcher_accepts(Matcher(local_name=pattern), Adv(local_name=name)) is matches


def test_the_name_from_an_earlier_packet_stands_in() -> None:
    matcher = Matcher(local_name="NFC*")
    assert matcher_accepts(matcher, Adv(), name="NFC Trinity")
    assert not matcher_accepts(matcher, Adv())


@pytest.mark.parametrize("pattern", ["*", "*NFC", "N*", "NF*", "N[F]C", "NF[C]*", "[N]FC"])
def test_a_local_name_may_not_have_a_star_or_bracket_among_its_first_three(pattern: str) -> None:
    # Home Assistant's `_local_name_to_index_key` refuses exactly these.
    with pytest.raises(ValidationError, match=r"\* or \[ among its first 3 characters"):
        Matcher(local_name=pattern)


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        # Shorter than three characters: accepted, and only that whole name matches.
        ("NF", "NF", True),
        ("NF", "NFC", False),
        ("U", "U", True),
        # A ? among the first three: accepted; Home Assistant looks the name up by its first
        # three characters, so there the ? stands for itself only.
        ("NF?x", "NF?x", True),
        ("NF?x", "NFCx", False),
        ("N?", "N?", True),
        ("N?", "NF", False),
        ("?FC*", "?FC Trinity", True),
        ("?FC*", "NFC Trinity", False),
        # After the first three, ? is a wildcard as ever.
        ("NFC?", "NFCA", True),
        ("NFC?*", "NFC", False),
    ],
)
def test_short_names_and_a_question_mark_match_as_in_home_assistant(
    pattern: str, name: str, matches: bool
) -> None:
    assert matcher_accepts(Matcher(local_name=pattern), Adv(local_name=name)) is matches


def test_a_profile_can_match_a_two_letter_name() -> None:
    text = (shipped_profiles_dir() / "generic-battery.toml").read_text()
    profile = parse_profile(
        text.replace('service_uuid = "180f"', 'local_name = "U?"'), "two-letters.toml"
    )
    assert AdvertisementMatcher([profile]).match(Adv(local_name="U?")) == profile
    assert AdvertisementMatcher([profile]).match(Adv(local_name="U2")) is None


def test_every_key_must_hold() -> None:
    matcher = Matcher(local_name="NFC*", service_uuid=NFC_SERVICE)
    assert matcher_accepts(matcher, Adv("NFC Mini", [NFC_SERVICE.upper()]))
    assert not matcher_accepts(matcher, Adv("NFC Mini"))
    assert not matcher_accepts(matcher, Adv("ZIIP", [NFC_SERVICE]))


def test_manufacturer_id_and_data_start() -> None:
    matcher = Matcher(manufacturer_id=0x0959, manufacturer_data_start=bytes([0x01, 0x02]))
    assert matcher_accepts(matcher, Adv(manufacturer_data={0x0959: bytes([1, 2, 3])}))
    assert not matcher_accepts(matcher, Adv(manufacturer_data={0x0959: bytes([2, 2, 3])}))
    assert not matcher_accepts(matcher, Adv(manufacturer_data={0x0958: bytes([1, 2, 3])}))
    assert not matcher_accepts(matcher, Adv())


def test_service_data_uuid() -> None:
    matcher = Matcher(service_data_uuid=NFC_SERVICE)
    assert matcher_accepts(matcher, Adv(service_data={NFC_SERVICE: b"\x01"}))
    assert not matcher_accepts(matcher, Adv(service_uuids=[NFC_SERVICE]))


def test_a_matcher_needs_a_key_besides_connectable() -> None:
    with pytest.raises(ValidationError, match="besides connectable"):
        Matcher(connectable=False)


@settings(max_examples=200)
@given(st.text(min_size=1, max_size=30))
def test_an_inspected_device_gets_a_skeleton_that_validates_and_matches_it(name: str) -> None:
    skeleton = profile_skeleton(name, "C0:00:00:00:00:01", BleakGATTServiceCollection())
    profile = parse_profile(skeleton, "skeleton.toml")
    (matcher,) = profile.match
    assert matcher.local_name is not None
    if "fill in" not in matcher.local_name:
        assert matcher_accepts(matcher, Adv(local_name=name))
