"""`facecoach profiles learn`: captures made here (facecoach's link driving a simulated device
over Bumble, Bumble's snooper on the central) are learned back into profiles, which must agree
with the profiles the devices were simulated from."""

import random
import re
import struct
import sys
from pathlib import Path

import pytest

from facecoach.cli.main import main
from facecoach.devices.learning import learn_profile
from facecoach.devices.learning.capture import MAX_CAPTURE_BYTES, CaptureError
from facecoach.devices.link import DeviceLink
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.golden import vector_failures
from facecoach.devices.protocol.profile import CommandName, DeviceProfile
from facecoach.devices.protocol.registry import load_profile_file, load_registry
from tests.support.captures import make_capture, no_att_capture

REGISTRY = load_registry()
REFERENCES = ["reference-a", "reference-b", "reference-c"]
SENT = {
    CommandName.SELECT_PROGRAM,
    CommandName.SET_INTENSITY,
    CommandName.QUERY_STATUS,
    CommandName.STOP,
}
# What the app sends by itself to reference-c: on connection, then on a timer.
SCHEDULED = {"reference-c": {"sync_clock", "set_limit", "keepalive"}}


def sent_to(profile_id: str) -> set[str]:
    return SENT | SCHEDULED.get(profile_id, set())


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("captures")
    made: dict[str, Path] = {}
    for profile_id in REFERENCES:
        path = folder / f"{profile_id}.btsnoop"
        device = make_capture(REGISTRY.get(profile_id), path)
        assert {c.name for c in device.firmware.received} == sent_to(profile_id)
        made[profile_id] = path
    return made


def learn_with_cli(capture: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["profiles", "learn", str(capture), "--output", str(out)]) == 0
    return capsys.readouterr().out


def assert_vectors_round_trip(draft: DeviceProfile) -> None:
    assert vector_failures(draft) == []
    codec = FrameCodec(draft)
    for vector in draft.vectors.commands:
        assert (
            codec.encode_command(vector.command, dict(vector.args), vector.sequence) == vector.bytes
        )
        decoded = codec.decode_command(vector.bytes)
        assert (decoded.name, decoded.args) == (vector.command, dict(vector.args))
    for note in draft.vectors.notifications:
        assert codec.decode_notification(note.bytes).as_vector() == note.decoded


@pytest.mark.parametrize("profile_id", REFERENCES)
def test_a_capture_is_learned_back_into_the_profile_it_was_made_with(
    profile_id: str,
    captures: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = REGISTRY.get(profile_id)
    out = tmp_path / "draft.toml"
    report = learn_with_cli(captures[profile_id], out, capsys)
    draft = load_profile_file(out)

    # The GATT layout, named through the capture's service discovery.
    assert real.gatt.command is not None
    assert draft.gatt.command is not None
    assert draft.gatt.service == real.gatt.service
    assert draft.gatt.command == real.gatt.command  # the UUID and the ATT write used
    assert draft.gatt.notify == real.gatt.notify
    assert draft.gatt.battery == real.gatt.battery
    # The frame layout, with every frame explained.
    assert draft.framing == real.framing
    explained = re.search(r"explains (\d+) of (\d+) distinct frames", report)
    assert explained is not None
    assert explained[1] == explained[2]
    # Every command sent, under its opcode.
    assert {n: c.opcode for n, c in draft.commands.items()} == {
        n: real.commands[n].opcode for n in sent_to(profile_id)
    }
    assert {n.opcode for n in draft.notifications.values()} <= {
        n.opcode for n in real.notifications.values()
    }
    # Every distinct frame is a golden vector, and they all hold.
    assert len(draft.vectors.commands) >= len(sent_to(profile_id))
    assert draft.vectors.notifications
    assert_vectors_round_trip(draft)
    assert main(["profiles", "validate", str(out)]) == 0
    assert "ok" in capsys.readouterr().out
    # The report names the connection, the handles and the framing.
    assert "connection 1:" in report
    assert real.gatt.command.uuid in report
    assert "<- command" in report
    assert "Framing: header" in report


@pytest.mark.parametrize("profile_id", REFERENCES)
def test_without_known_profiles_the_framing_is_still_found_and_unknown_opcodes_are_left_as_todos(
    profile_id: str, captures: dict[str, Path]
) -> None:
    real = REGISTRY.get(profile_id)
    learned = learn_profile(captures[profile_id], known=())
    draft = learned.profile
    assert real.framing is not None
    assert draft.framing is not None
    # How bit fields fill a byte does not show in frames: only a known profile can say it.
    assert draft.framing.model_copy(update={"bit_order": real.framing.bit_order}) == real.framing
    assert draft.gatt.command == real.gatt.command
    assert draft.gatt.notify == real.gatt.notify
    for name in SENT:
        opcode = real.commands[name].opcode
        if name in draft.commands:  # named from the capture alone (query_status, when it can)
            assert draft.commands[name].opcode == opcode
        else:
            assert f"# [commands.unknown_0x{opcode:02X}]" in learned.text
    assert_vectors_round_trip(draft)


def test_the_draft_goes_to_standard_output_and_the_report_to_standard_error(
    captures: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["profiles", "learn", str(captures["reference-a"]), "--output", "-", "--id", "mine"])
        == 0
    )
    out, err = capsys.readouterr()
    assert out.startswith("# Draft made by `facecoach profiles learn`")
    assert 'id = "mine"' in out
    assert "Framing: header A5" in err


def test_an_existing_draft_is_not_overwritten_without_force(
    captures: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draft.toml"
    out.write_text("mine", encoding="utf-8")
    assert main(["profiles", "learn", str(captures["reference-a"]), "--output", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"
    assert (
        main(["profiles", "learn", str(captures["reference-a"]), "--output", str(out), "--force"])
        == 0
    )
    assert load_profile_file(out).framing == REGISTRY.get("reference-a").framing


def one_error_line(capsys: pytest.CaptureFixture[str], capture: Path) -> str:
    assert main(["profiles", "learn", str(capture), "--output", "-"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("facecoach: error: ")
    return lines[0]


def test_random_bytes_are_not_a_capture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "noise.log"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert "is not a btsnoop capture" in one_error_line(capsys, path)


def test_an_empty_file_is_not_a_capture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    assert "is not a btsnoop capture" in one_error_line(capsys, path)


def test_a_file_cut_inside_its_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cut.log"
    path.write_bytes(b"btsnoop\0\0\0")
    assert "cut short" in one_error_line(capsys, path)


def test_an_unknown_datalink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "h5.log"
    path.write_bytes(b"btsnoop\0" + struct.pack(">II", 1, 1004))
    assert "datalink 1004" in one_error_line(capsys, path)


def test_a_capture_without_att_traffic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scan-only.btsnoop"
    no_att_capture(REGISTRY.get("reference-a"), path)
    assert path.stat().st_size > 100  # it holds HCI traffic: scanning and advertising reports
    assert "no ATT traffic" in one_error_line(capsys, path)


def test_lengths_in_a_capture_are_not_trusted(
    captures: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record claiming more bytes than the file holds ends the capture there."""
    data = captures["reference-a"].read_bytes()
    path = tmp_path / "liar.btsnoop"
    path.write_bytes(data[:16] + struct.pack(">IIIIq", 2**31, 2**31, 0, 0, 0) + data[16:])
    line = one_error_line(capsys, path)
    assert "no ATT traffic" in line
    assert "cut short" in line


def test_a_capture_cut_in_its_last_record_is_learned_up_to_the_cut(
    captures: dict[str, Path], tmp_path: Path
) -> None:
    data = captures["reference-a"].read_bytes()
    path = tmp_path / "cut.btsnoop"
    path.write_bytes(data[:-3])
    learned = learn_profile(path, known=REGISTRY.profiles)
    assert "the file ends inside a record" in learned.report[0]
    assert learned.profile.framing == REGISTRY.get("reference-a").framing


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.btsnoop"
    with path.open("wb") as out:
        out.write(b"btsnoop\0" + struct.pack(">II", 1, 1002))
        out.truncate(MAX_CAPTURE_BYTES + 1)  # sparse: no disk space used
    assert "MiB are read" in one_error_line(capsys, path)


def test_damaged_captures_give_a_draft_or_a_clear_error_never_a_crash(
    captures: dict[str, Path], tmp_path: Path
) -> None:
    original = captures["reference-b"].read_bytes()
    rng = random.Random(18)
    path = tmp_path / "damaged.btsnoop"
    outcomes: set[str] = set()
    for _ in range(60):
        data = bytearray(original)
        for _flip in range(rng.randint(1, 12)):
            at = rng.randrange(16, len(data))
            data[at] = rng.randrange(256)
        path.write_bytes(bytes(data))
        try:
            learned = learn_profile(path, known=REGISTRY.profiles)
        except CaptureError:  # anything else, FacecoachError or not, fails the test
            outcomes.add("error")
        else:
            assert vector_failures(learned.profile) == []
            outcomes.add("draft")
    assert "draft" in outcomes


def test_a_device_file_or_a_pipe_is_refused_unread(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("a FIFO (os.mkfifo) is POSIX only")
    import os

    pipe = tmp_path / "capture.fifo"
    os.mkfifo(pipe)
    for path in (Path("/dev/zero"), pipe):
        with pytest.raises(CaptureError, match="is not a regular file"):
            learn_profile(path)


def test_a_capture_without_a_level_still_drafts_a_profile_that_validates(tmp_path: Path) -> None:
    """No set_intensity in the capture: the limit comes from the device limit the app set on
    connecting (reference-c's set_limit), and the draft keeps its writes on connection."""

    async def no_level(link: DeviceLink) -> None:
        await link.query_status()
        await link.send("stop")

    path = tmp_path / "no-level.btsnoop"
    make_capture(REGISTRY.get("reference-c"), path, no_level)
    learned = learn_profile(path, known=REGISTRY.profiles)
    draft = learned.profile
    assert "set_intensity" not in draft.commands
    assert draft.limits.max_intensity == REGISTRY.get("reference-c").limits.max_intensity
    assert [w.command for w in draft.on_connect] == ["sync_clock", "set_limit"]
    assert draft.keepalive is not None
    assert vector_failures(draft) == []
