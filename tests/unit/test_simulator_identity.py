"""A simulated peripheral's identity across restarts: its address and its IRK."""

import json
import stat
from pathlib import Path

import pytest
from bumble.core import AdvertisingData

from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.identity import (
    default_address,
    identities_path,
    identity_irk,
)
from facecoach.devices.simulator.bumble.peripheral import (
    AdvertisingMode,
    advertising_payloads,
    static_random_address,
)
from facecoach.devices.simulator.device import SimulatedDevice


def test_each_profile_has_an_address_of_its_own_on_every_run() -> None:
    ids = [profile.id for profile in load_registry().profiles]
    addresses = [default_address(profile_id) for profile_id in ids]
    assert len(set(addresses)) == len(ids)
    assert addresses == [default_address(profile_id) for profile_id in ids]
    for address in addresses:
        static_random_address(address)  # raises unless the top two bits are set


def test_an_identity_keeps_a_random_irk_of_its_own(tmp_path: Path) -> None:
    keystore = tmp_path / "keys.json"
    first = identity_irk(keystore, "C1:00:00:00:00:01")
    assert len(first) == 16
    assert any(first)  # never Bumble's all-zero default
    assert identity_irk(keystore, "C1:00:00:00:00:01") == first  # across restarts
    assert identity_irk(keystore, "c1:00:00:00:00:01") == first
    other = identity_irk(keystore, "C1:00:00:00:00:02")
    assert other != first
    path = identities_path(keystore)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())) == {"C1:00:00:00:00:01", "C1:00:00:00:00:02"}
    assert identity_irk(None, "C1:00:00:00:00:01") != first  # no keystore: this run only


def test_a_damaged_identities_file_is_explained_and_left_alone(tmp_path: Path) -> None:
    keystore = tmp_path / "keys.json"
    path = identities_path(keystore)
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(ValueError, match="move the file aside"):
        identity_irk(keystore, "C1:00:00:00:00:01")
    assert path.read_bytes() == b"\xff\xfe not json"
    path.write_text('{"C1:00:00:00:00:01": "00000000000000000000000000000000"}')
    assert any(identity_irk(keystore, "C1:00:00:00:00:01"))  # an all-zero IRK is replaced


def test_the_advertisement_carries_the_primary_service_and_the_appearance() -> None:
    profile = load_registry().get("reference-a").model_copy(update={"appearance": 0x0341})
    device = SimulatedDevice.from_profile(profile, "DA:1D:00:00:00:07")
    primary, _scan_response = advertising_payloads(device, AdvertisingMode.EXTENDED)
    data = AdvertisingData.from_bytes(primary)
    assert data.get(AdvertisingData.APPEARANCE, raw=True) == bytes([0x41, 0x03])
    uuids = data.get(AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS)
    assert profile.gatt.service is not None
    assert [str(u).lower() for u in uuids] == [profile.gatt.service]  # type: ignore[union-attr]
