"""`facecoach profiles learn` on real captures of devices nobody here designed, held against
what each capture's publisher documents, and hand-written profiles of three of them (from the
publishers' documentation) holding golden vectors taken from the same captures."""

import re
from pathlib import Path

import pytest

from facecoach.cli.main import main
from facecoach.devices.learning import learn_profile
from facecoach.devices.learning.capture import read_capture
from facecoach.devices.learning.inference import is_standard
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.profile import DeviceProfile, normalize_uuid
from facecoach.devices.protocol.registry import load_profile_file, parse_profile
from tests.support.real_captures import (
    FIXTURES,
    as_bug_report,
    as_pcapng,
    real_capture,
    without_acl,
)

BLOCK = "aitjcize_ha-blockbluelight_btsnoop_hci.log"
REVCAR = "madkaye_revcar-cli_btsnoop_hci.log"
LUMENTREE = "syssi_esphome-lumentree_btsnoop_hci.log"
PONGBOT = "whoisbe_pongbot-mcp_btsnoop_hci.log"
PONGBOT_LONG = "whoisbe_pongbot-mcp_btsnoop_hci.log.last"
HORIZON = "csacca_horizon-74-at-ble_btsnoop_hci.log"
ALL = [
    BLOCK,
    REVCAR,
    LUMENTREE,
    PONGBOT,
    PONGBOT_LONG,
    HORIZON,
    "mchwalisz_lightsapp-cli_btsnoop_hci.log",
]
# What each publisher names: (service, command characteristic, notify characteristic).
PUBLISHED = {
    BLOCK: ("fff0", "fff2", "fff1"),
    REVCAR: ("ffe5", "ffe9", "ffe4"),
    LUMENTREE: ("ffe0", "ffe1", "ffe1"),
    PONGBOT_LONG: (
        "02f00000-0000-0000-0000-00000000fe00",
        "02f00000-0000-0000-0000-00000000ff01",
        "02f00000-0000-0000-0000-00000000ff02",
    ),
    "mchwalisz_lightsapp-cli_btsnoop_hci.log": ("fff0", "fff1", None),
}
FIXTURE_OF = {
    BLOCK: "blockbluelight",
    REVCAR: "revcar",
    LUMENTREE: "lumentree",
    HORIZON: "horizon",
}
# The layouts `profiles learn` recovers from their capture.
LEARNED = {name: FIXTURE_OF[name] for name in (BLOCK, REVCAR, LUMENTREE, HORIZON)}


def learn(capture: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code = main(["profiles", "learn", str(capture), "--output", str(out), *extra])
    output = capsys.readouterr()
    assert code == 0, output.err
    return output.out


def fixture(name: str) -> DeviceProfile:
    return load_profile_file(FIXTURES / f"{name}.toml")


def test_vendor_uuids_in_the_bluetooth_base_range_are_not_standard() -> None:
    for vendor in ("fff0", "fff1", "ffe0", "ffe9", "fee7", "ff01"):
        assert not is_standard(normalize_uuid(vendor)), vendor
    for sig in ("1800", "180f", "2a19", "2902", "2b29"):
        assert is_standard(normalize_uuid(sig)), sig


@pytest.mark.parametrize("name", ALL)
def test_every_real_capture_gives_a_draft_that_validates(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draft.toml"
    report = learn(real_capture(name), out, capsys)
    assert main(["profiles", "validate", str(out)]) == 0
    assert "ok" in capsys.readouterr().out
    draft = load_profile_file(out)
    text = out.read_text()
    # Honest scores: how many frames the layout explains, per direction.
    assert re.search(r"# Commands: explains \d+ of \d+ distinct frames", text)
    assert "Framing: header" in report
    published = PUBLISHED.get(name)
    if published is not None:
        service, command, notify = published
        assert draft.gatt.service == normalize_uuid(service)
        assert draft.gatt.command is not None
        assert draft.gatt.command.uuid == normalize_uuid(command)
        if notify is not None:
            assert draft.gatt.notify is not None
            assert draft.gatt.notify.uuid == normalize_uuid(notify)


@pytest.mark.parametrize("name", sorted(FIXTURE_OF))
def test_a_hand_written_profile_holds_vectors_taken_from_its_real_capture(name: str) -> None:
    profile = fixture(FIXTURE_OF[name])
    assert main(["profiles", "validate", str(FIXTURES / f"{FIXTURE_OF[name]}.toml")]) == 0
    capture = read_capture(real_capture(name))
    assert profile.gatt.command is not None
    written = b"|".join(v.value for v in capture.values if v.kind.value.startswith("write"))
    # Notifications joined in order: an answer that came in pieces is found whole.
    notified = b"".join(v.value for v in capture.values if not v.kind.value.startswith("write"))
    codec = FrameCodec(profile)
    for vector in profile.vectors.commands:
        assert vector.bytes in written, vector
        assert codec.decode_command(vector.bytes).args == dict(vector.args)
    for note in profile.vectors.notifications:
        if note.error is None:
            assert note.bytes in notified, note


@pytest.mark.parametrize("name", sorted(LEARNED))
def test_learn_recovers_the_layout_of_the_hand_written_profile(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = fixture(FIXTURE_OF[name])
    out = tmp_path / "draft.toml"
    report = learn(real_capture(name), out, capsys)
    draft = load_profile_file(out)
    assert draft.framing is not None
    assert real.framing is not None
    for theirs, ours in (
        (real.framing, draft.framing),
        (real.framing.for_notifications(), draft.framing.for_notifications()),
    ):
        assert ours.header == theirs.header
        # The parts in their order (the treadmill's checksum before its payload) and sizes.
        assert ours.parts == theirs.parts
        assert ours.sequence_size == theirs.sequence_size
        assert ours.checksum == theirs.checksum
        assert ours.checked_from == theirs.checked_from
        assert ours.trailer == theirs.trailer
        assert ours.length == theirs.length
        if theirs.length:
            assert ours.length_size == theirs.length_size
    if real.framing.checksum.size == 2 or real.framing.length_size == 2:
        assert draft.framing.byte_order == real.framing.byte_order
    # The protocol's commands, not its start byte, are the opcodes.
    for command in real.commands.values():
        assert f"command 0x{command.opcode:02X}:" in report
    # Every frame of the draft's vectors decodes under the publisher's layout too.
    codec = FrameCodec(real)
    for vector in draft.vectors.commands:
        if vector.bytes[len(real.framing.header)] in {c.opcode for c in real.commands.values()}:
            codec.decode_command(vector.bytes)


def test_a_capture_of_several_devices_learns_the_one_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draft.toml"
    report = learn(real_capture(PONGBOT_LONG), out, capsys, "--device", "NOVA")
    draft = load_profile_file(out)
    assert draft.name == "NOVA_O38240700268"
    # As the publisher's code reads it: commands are opcode and a 2-byte little-endian length,
    # answers start with a status byte 00 and echo the opcode (05: drill progress).
    assert draft.framing is not None
    assert (draft.framing.header, draft.framing.length_size) == (b"", 2)
    assert draft.framing.for_notifications().header == b"\x00"
    assert {0x02, 0x05, 0x80} <= {n.opcode for n in draft.notifications.values()} | {
        int(m, 16) for m in re.findall(r"notification 0x([0-9A-F]+):", report)
    }
    assert main(["profiles", "learn", str(real_capture(PONGBOT)), "--device", "NOVA"]) != 0
    err = capsys.readouterr().err
    assert "no device named or at 'NOVA'" in err
    assert "Inspire 3" in err  # what the capture did hold
    assert "Traceback" not in err


def test_writes_without_discovery_name_the_real_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The watch in this capture was connected and its services known before the capture.
    code = main(["profiles", "learn", str(real_capture(PONGBOT)), "--device", "C5:34:18:42:4C:43"])
    err = capsys.readouterr().err
    assert code != 0
    assert "did not discover the device's services during the capture" in err
    assert "Traceback" not in err


def test_a_bug_report_zip_and_a_pcapng_are_learned_as_their_btsnoop_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture = real_capture(REVCAR)
    data = capture.read_bytes()
    drafts = {}
    inputs = {
        "btsnoop": capture,
        "zip": as_bug_report(data, tmp_path / "bugreport.zip"),
        "pcapng": tmp_path / "wireshark.pcapng",
    }
    inputs["pcapng"].write_bytes(as_pcapng(data))
    for kind, path in inputs.items():
        out = tmp_path / f"{kind}.toml"
        learn(path, out, capsys)
        drafts[kind] = load_profile_file(out)
    for kind in ("zip", "pcapng"):
        # The same draft; only the names taken from the file's own name differ.
        assert drafts[kind].framing == drafts["btsnoop"].framing
        assert drafts[kind].gatt == drafts["btsnoop"].gatt
        assert drafts[kind].notifications == drafts["btsnoop"].notifications
        assert drafts[kind].vectors == drafts["btsnoop"].vectors


def test_inputs_without_att_traffic_are_refused_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = real_capture(BLOCK).read_bytes()
    no_att = without_acl(data)
    cases = {
        "btsnoop": (tmp_path / "hci.log", no_att, "HCI records but no ATT traffic"),
        "pcapng": (tmp_path / "hci.pcapng", as_pcapng(no_att), "HCI records but no ATT traffic"),
        "ethernet": (tmp_path / "eth.pcapng", as_pcapng(data, linktype=1), "no Bluetooth HCI"),
    }
    as_bug_report(None, tmp_path / "empty-report.zip")
    as_bug_report(no_att, tmp_path / "report.zip")
    for path, content, _ in cases.values():
        path.write_bytes(content)
    expected = {
        **{str(path): words for path, _, words in cases.values()},
        str(tmp_path / "empty-report.zip"): "holds no Bluetooth HCI snoop log",
        str(tmp_path / "report.zip"): "HCI records but no ATT traffic",
    }
    for given, words in expected.items():
        assert main(["profiles", "learn", given, "--output", "-"]) == 1
        err = capsys.readouterr().err
        assert words in err, err
        assert "Traceback" not in err


def test_an_unrelated_profile_lends_nothing_to_a_draft_that_frames_nothing() -> None:
    # A user's profile for another device, framed as plainly as the car but big-endian.
    text = (FIXTURES / "revcar.toml").read_text()
    other = text.replace('uuid = "ffe9"', 'uuid = "abcd"').replace(
        'checksum = "none"', 'checksum = "none"\nbyte_order = "big"'
    )
    unrelated = parse_profile(other.replace('id = "revcar"', 'id = "someone-elses"'), "user")
    assert unrelated.framing is not None
    assert unrelated.framing.byte_order.value == "big"
    learned = learn_profile(real_capture(REVCAR), known=[unrelated])
    assert learned.profile.framing is not None
    assert learned.profile.framing.byte_order.value == "little"
    assert "someone-elses" not in learned.text
